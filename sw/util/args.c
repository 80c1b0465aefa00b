/* args.c - see args.h. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_help(const char *command, const char *summary, const arg_spec *specs, int n)
{
    printf("usage: snn %s [options]\n%s\n\noptions:\n", command, summary);
    for (int i = 0; i < n; i++) {
        const char *v = specs[i].kind == ARG_FLAG ? "" : specs[i].kind == ARG_STRING ? " S" : " N";
        printf("  %s%-*s %s\n", specs[i].name, (int)(22 - strlen(specs[i].name)), v, specs[i].help);
    }
    printf("  --help                 this text\n");
}

static int parse_value(const char *command, const arg_spec *s, const char *text)
{
    if (s->kind == ARG_STRING) {
        *(const char **)s->target = text;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v)) {
        fprintf(stderr, "snn %s: %s: '%s' is not a number\n", command, s->name, text);
        return -1;
    }
    if (s->kind == ARG_INT && v != floor(v)) {
        fprintf(stderr, "snn %s: %s: '%s' is not a whole number\n", command, s->name, text);
        return -1;
    }
    if (s->min <= s->max && (v < s->min || v > s->max)) {
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

int args_parse(const char *command, const char *summary, const arg_spec *specs, int n_specs,
               int argc, char **argv)
{
    for (int a = 0; a < argc; a++) {
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            print_help(command, summary, specs, n_specs);
            return 1;
        }
        const arg_spec *s = NULL;
        for (int i = 0; i < n_specs && !s; i++)
            if (strcmp(argv[a], specs[i].name) == 0)
                s = &specs[i];
        if (!s) {
            fprintf(stderr, "snn %s: unknown option '%s' (see snn %s --help)\n", command, argv[a],
                    command);
            return -1;
        }
        if (s->kind == ARG_FLAG) {
            if (s->target)
                *(int *)s->target = 1;
            continue;
        }
        if (a + 1 >= argc) {
            fprintf(stderr, "snn %s: %s needs a value\n", command, s->name);
            return -1;
        }
        if (parse_value(command, s, argv[++a]) != 0)
            return -1;
    }
    return 0;
}
