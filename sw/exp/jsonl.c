/* jsonl.c - see jsonl.h. */
#include "jsonl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *s, *start;
    const char *what;
    snn_error *err;
} cursor;

static int bad(cursor *c, const char *expected)
{
    return snn_fail(c->err, "%s: column %ld: expected %s", c->what, (long)(c->s - c->start) + 1,
                    expected);
}

static void skip_space(cursor *c)
{
    while (*c->s == ' ' || *c->s == '\t' || *c->s == '\r' || *c->s == '\n')
        c->s++;
}

/* Unescapes a string in place; c->s is at the opening quote. \uXXXX is kept
 * only for ASCII (all the project writes). */
static int parse_string(cursor *c, const char **out)
{
    char *w = ++c->s;
    *out = w;
    for (;;) {
        char ch = *c->s++;
        if (ch == '\0')
            return bad(c, "closing '\"'");
        if (ch == '"')
            break;
        if (ch == '\\') {
            char e = *c->s++;
            if (e == 'u') {
                char hex[5] = {0};
                for (int i = 0; i < 4; i++)
                    if (!(hex[i] = *c->s++))
                        return bad(c, "4 hex digits");
                long v = strtol(hex, NULL, 16);
                ch = v > 0 && v < 128 ? (char)v : '?';
            } else {
                const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
                const char *p = e ? strchr(from, e) : NULL;
                if (!p)
                    return bad(c, "a valid escape");
                ch = to[p - from];
            }
        }
        *w++ = ch;
    }
    *w = '\0';
    return 0;
}

static int parse_number(cursor *c, double *v)
{
    if (strncmp(c->s, "null", 4) == 0) {
        c->s += 4;
        *v = NAN;
        return 0;
    }
    /* JSON's numbers only: strtod alone would also take "inf", "nan" and hex. */
    if (*c->s != '-' && (*c->s < '0' || *c->s > '9'))
        return bad(c, "a number");
    char *end;
    *v = strtod(c->s, &end);
    if (end == c->s)
        return bad(c, "a number");
    c->s = end;
    return 0;
}

static int parse_array(cursor *c, jv_field *f)
{
    int cap = 0;
    c->s++; /* [ */
    skip_space(c);
    if (*c->s == ']') {
        c->s++;
        return 0;
    }
    for (;;) {
        skip_space(c);
        double v;
        if (parse_number(c, &v) != 0)
            return -1;
        if (f->n_arr == cap) {
            cap = cap ? 2 * cap : 16;
            double *grown = realloc(f->arr, sizeof *grown * cap);
            if (!grown)
                return snn_fail(c->err, "%s: out of memory", c->what);
            f->arr = grown;
        }
        f->arr[f->n_arr++] = v;
        skip_space(c);
        if (*c->s == ']') {
            c->s++;
            return 0;
        }
        if (*c->s++ != ',')
            return bad(c, "',' or ']' in an array of numbers");
    }
}

static int parse_value(cursor *c, jv_field *f)
{
    skip_space(c);
    if (*c->s == '"') {
        f->kind = JV_STR;
        return parse_string(c, &f->str);
    }
    if (*c->s == '[') {
        f->kind = JV_ARRAY;
        return parse_array(c, f);
    }
    if (strncmp(c->s, "true", 4) == 0 || strncmp(c->s, "false", 5) == 0) {
        f->kind = JV_BOOL;
        f->num = *c->s == 't';
        c->s += f->num ? 4 : 5;
        return 0;
    }
    if (*c->s == '{')
        return bad(c, "a flat value (nested objects are not read)");
    if (parse_number(c, &f->num) != 0)
        return -1;
    f->kind = isnan(f->num) ? JV_NULL : JV_NUM;
    return 0;
}

int jv_parse(char *line, jv_object *o, const char *what, snn_error *err)
{
    memset(o, 0, sizeof *o);
    cursor c = {line, line, what, err};
    skip_space(&c);
    if (*c.s++ != '{')
        return bad(&c, "'{'");
    skip_space(&c);
    if (*c.s == '}')
        return 0;
    for (;;) {
        skip_space(&c);
        if (*c.s != '"') {
            jv_free(o);
            return bad(&c, "a quoted key");
        }
        if (o->n == o->cap) {
            o->cap = o->cap ? 2 * o->cap : 32;
            jv_field *grown = realloc(o->f, sizeof *grown * o->cap);
            if (!grown) {
                jv_free(o);
                return snn_fail(err, "%s: out of memory", what);
            }
            o->f = grown;
        }
        jv_field *f = &o->f[o->n++];
        memset(f, 0, sizeof *f);
        if (parse_string(&c, &f->key) != 0)
            goto fail;
        skip_space(&c);
        if (*c.s++ != ':') {
            bad(&c, "':'");
            goto fail;
        }
        if (parse_value(&c, f) != 0)
            goto fail;
        skip_space(&c);
        char sep = *c.s++;
        if (sep == '}')
            break;
        if (sep != ',') {
            bad(&c, "',' or '}'");
            goto fail;
        }
    }
    skip_space(&c);
    if (*c.s) {
        bad(&c, "end of line after '}'");
        goto fail;
    }
    return 0;
fail:
    jv_free(o);
    return -1;
}

void jv_free(jv_object *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->f[i].arr);
    free(o->f);
    memset(o, 0, sizeof *o);
}

const jv_field *jv_get(const jv_object *o, const char *key)
{
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->f[i].key, key) == 0)
            return &o->f[i];
    return NULL;
}

double jv_num(const jv_object *o, const char *key, double fallback)
{
    const jv_field *f = jv_get(o, key);
    if (!f || (f->kind != JV_NUM && f->kind != JV_BOOL && f->kind != JV_NULL))
        return fallback;
    return f->num;
}

const char *jv_str(const jv_object *o, const char *key, const char *fallback)
{
    const jv_field *f = jv_get(o, key);
    return f && f->kind == JV_STR ? f->str : fallback;
}

void jv_lines_init(jv_lines *l, char *text, size_t len, const char *path)
{
    memset(l, 0, sizeof *l);
    l->text = text;
    l->len = len;
    l->path = path;
}

int jv_lines_next(jv_lines *l, char **line, snn_error *err)
{
    while (l->pos < l->len) {
        char *start = l->text + l->pos, *nl = memchr(start, '\n', l->len - l->pos);
        size_t n = nl ? (size_t)(nl - start) : l->len - l->pos;
        start[n] = '\0';
        l->pos += n + 1;
        l->line_no++;
        snprintf(l->what, sizeof l->what, "%s:%d", l->path, l->line_no);
        size_t text_len = strlen(start);
        if (text_len != n)
            return snn_fail(err, "%s: column %zu: NUL byte (not a text line)", l->what,
                            text_len + 1);
        if (strspn(start, " \t\r") != n) {
            *line = start;
            return 1;
        }
    }
    return 0;
}
