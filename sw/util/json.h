/* json.h - one-line JSON objects for `--json` output and JSONL metrics.
 *
 * Usage: json_begin(&j, fp); json_num(&j, "test_acc", 0.81); ...; json_end(&j);
 * writes {"test_acc":0.81,...}\n. Non-finite numbers are written as null.
 */
#ifndef SNN_JSON_H
#define SNN_JSON_H

#include <stdio.h>

typedef struct {
    FILE *fp;
    int n; /* fields written so far */
} json_out;

void json_begin(json_out *j, FILE *fp);
void json_num(json_out *j, const char *key, double v);
void json_int(json_out *j, const char *key, long long v);
void json_str(json_out *j, const char *key, const char *v);
void json_bool(json_out *j, const char *key, int v);
/* A raw JSON value (array or object) the caller formatted. */
void json_raw(json_out *j, const char *key, const char *raw);
void json_end(json_out *j);

#endif
