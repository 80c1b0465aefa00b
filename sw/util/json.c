/* json.c - see json.h. */
#include "json.h"

#include <math.h>

static void json_key(json_out *j, const char *key)
{
    fprintf(j->fp, "%s\"%s\":", j->n++ ? "," : "", key);
}

void json_begin(json_out *j, FILE *fp)
{
    j->fp = fp;
    j->n = 0;
    fputc('{', fp);
}

void json_num(json_out *j, const char *key, double v)
{
    json_key(j, key);
    if (isfinite(v))
        fprintf(j->fp, "%.10g", v);
    else
        fputs("null", j->fp);
}

void json_int(json_out *j, const char *key, long long v)
{
    json_key(j, key);
    fprintf(j->fp, "%lld", v);
}

void json_str(json_out *j, const char *key, const char *v)
{
    json_key(j, key);
    fputc('"', j->fp);
    for (const char *c = v; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(j->fp, "\\%c", *c);
        else if ((unsigned char)*c < 0x20)
            fprintf(j->fp, "\\u%04x", *c);
        else
            fputc(*c, j->fp);
    }
    fputc('"', j->fp);
}

void json_bool(json_out *j, const char *key, int v)
{
    json_key(j, key);
    fputs(v ? "true" : "false", j->fp);
}

void json_raw(json_out *j, const char *key, const char *raw)
{
    json_key(j, key);
    fputs(raw, j->fp);
}

void json_end(json_out *j)
{
    fputs("}\n", j->fp);
    fflush(j->fp);
}
