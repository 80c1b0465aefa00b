/* args.c - see args.h. */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *metavar(arg_kind k)
{
    return k == ARG_FLAG ? "" : k == ARG_STRING ? " S" : k == ARG_DOUBLE ? " X" : " N";
}

static int in_range(const arg_spec *s, double v)
{
    return s->min > s->max || (v >= s->min && v <= s->max);
}

/* "[default: X]" from the target's current value, or "" when it has none (see args.h). */
static void format_default(const arg_spec *s, char *buf, size_t cap)
{
    buf[0] = 0;
    switch (s->kind) {
    case ARG_FLAG:
        break;
    case ARG_INT:
        if (in_range(s, *(int *)s->target))
            snprintf(buf, cap, " [default: %d]", *(int *)s->target);
        break;
    case ARG_DOUBLE:
        if (in_range(s, *(double *)s->target))
            snprintf(buf, cap, " [default: %g]", *(double *)s->target);
        break;
    case ARG_U64:
        if (in_range(s, (double)*(uint64_t *)s->target))
            snprintf(buf, cap, " [default: %llu]", (unsigned long long)*(uint64_t *)s->target);
        break;
    case ARG_STRING:
        if (*(const char **)s->target)
            snprintf(buf, cap, " [default: %s]", *(const char **)s->target);
        break;
    }
}

static void print_help(const char *command, const char *summary, const arg_spec *specs, int n,
                       const char *operands)
{
    printf("Usage: snn %s [options]%s%s\n%s\n\noptions:\n", command, operands ? " " : "",
           operands ? operands : "", summary);
    for (int i = 0; i < n; i++) {
        char dflt[1100];
        format_default(&specs[i], dflt, sizeof dflt);
        const char *v = metavar(specs[i].kind);
        int pad = 22 - (int)(strlen(specs[i].name) + strlen(v));
        printf("  %s%s%*s %s%s\n", specs[i].name, v, pad > 0 ? pad : 0, "", specs[i].help, dflt);
    }
    printf("  -h, --help             this text\n");
}

static int parse_value(const char *command, const arg_spec *s, const char *text)
{
    if (s->kind == ARG_STRING) {
        *(const char **)s->target = text;
        return 0;
    }
    char *end;
    errno = 0;
    if (s->kind == ARG_U64) {
        /* strtoull would take "-1" as 2^64-1 and skip leading blanks. */
        unsigned long long u = isdigit((unsigned char)text[0]) ? strtoull(text, &end, 10) : 0;
        if (!isdigit((unsigned char)text[0]) || *end || errno) {
            fprintf(stderr, "snn %s: %s: '%s' is not a whole number in 0..%llu\n", command,
                    s->name, text, (unsigned long long)UINT64_MAX);
            return -1;
        }
        /* 0x1p64 stands for "no upper bound" (2^64 - 1 has no double). */
        if (s->min <= s->max && (u < s->min || (s->max < 0x1p64 && u > (uint64_t)s->max))) {
            fprintf(stderr, "snn %s: %s: %s is out of range [%.0f, %.0f]\n", command, s->name,
                    text, s->min, s->max);
            return -1;
        }
        *(uint64_t *)s->target = u;
        return 0;
    }
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v)) {
        fprintf(stderr, "snn %s: %s: '%s' is not a number\n", command, s->name, text);
        return -1;
    }
    if (s->kind == ARG_INT && (v != floor(v) || v < INT_MIN || v > INT_MAX)) {
        fprintf(stderr, "snn %s: %s: '%s' is not a whole number\n", command, s->name, text);
        return -1;
    }
    if (!in_range(s, v)) {
        fprintf(stderr, "snn %s: %s: %s is out of range [%g, %g]\n", command, s->name, text,
                s->min, s->max);
        return -1;
    }
    if (s->kind == ARG_INT)
        *(int *)s->target = (int)v;
    else
        *(double *)s->target = v;
    return 0;
}

/* The spec named by arg ("--epochs" or the "--epochs" of "--epochs=3"), or -1. */
static int find_spec(const arg_spec *specs, int n, const char *arg, const char **value)
{
    const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    *value = eq ? eq + 1 : NULL;
    for (int i = 0; i < n; i++)
        if (strlen(specs[i].name) == len && strncmp(arg, specs[i].name, len) == 0)
            return i;
    return -1;
}

int args_parse_more(const char *command, const char *summary, const arg_spec *specs,
                    int n_specs, int argc, char **argv, args_more *more)
{
    const char *operands = more ? more->operands : NULL;
    if (more)
        more->n_operands = 0;
    int options_done = 0;
    for (int a = 0; a < argc; a++) {
        const char *arg = argv[a];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (options_done || arg[0] != '-' || arg[1] == 0) {
            if (!operands) {
                fprintf(stderr, "snn %s: unexpected argument '%s' (see snn %s --help)\n",
                        command, arg, command);
                return -1;
            }
            more->operand[more->n_operands++] = arg;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help(command, summary, specs, n_specs, operands);
            return 1;
        }
        const char *value;
        int i = find_spec(specs, n_specs, arg, &value);
        if (i < 0) {
            fprintf(stderr, "snn %s: unknown option '%s' (see snn %s --help)\n", command, arg,
                    command);
            return -1;
        }
        const arg_spec *s = &specs[i];
        if (more && more->given)
            more->given[i] = 1;
        if (s->kind == ARG_FLAG) {
            if (value) {
                fprintf(stderr, "snn %s: %s takes no value\n", command, s->name);
                return -1;
            }
            if (s->target)
                *(int *)s->target = 1;
            continue;
        }
        if (!value && a + 1 >= argc) {
            fprintf(stderr, "snn %s: %s needs a value\n", command, s->name);
            return -1;
        }
        if (parse_value(command, s, value ? value : argv[++a]) != 0)
            return -1;
    }
    return 0;
}

int args_parse(const char *command, const char *summary, const arg_spec *specs, int n_specs,
               int argc, char **argv)
{
    return args_parse_more(command, summary, specs, n_specs, argc, argv, NULL);
}
