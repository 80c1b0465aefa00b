/* jsonl.h - reading back the flat one-line JSON objects the project writes.
 *
 * Results and metrics lines (sw/util/json.h) are objects whose values are
 * numbers, strings, booleans, null, or arrays of numbers. This parser takes
 * exactly that subset, in place, and says where a line stops making sense.
 * Not for general JSON: nested objects and arrays of strings are rejected.
 */
#ifndef SNN_JSONL_H
#define SNN_JSONL_H

#include <stddef.h>

#include "../util/error.h"

typedef enum { JV_NULL, JV_NUM, JV_STR, JV_BOOL, JV_ARRAY } jv_kind;

typedef struct {
    const char *key; /* points into the parsed line */
    jv_kind kind;
    double num;      /* JV_NUM, JV_BOOL (0/1); NaN for JV_NULL */
    const char *str; /* JV_STR: unescaped, points into the parsed line */
    double *arr;     /* JV_ARRAY: n_arr numbers (null elements are NaN), malloc'd */
    int n_arr;
} jv_field;

typedef struct {
    jv_field *f;
    int n, cap;
} jv_object;

/* Parses one line (modified in place: strings are unescaped where they lie).
 * On failure returns -1 with a message saying what and at which column;
 * `what` names the source ("results.jsonl:12"). */
int jv_parse(char *line, jv_object *o, const char *what, snn_error *err);
void jv_free(jv_object *o);

/* The lines of a text read whole from a file, cut in place one at a time. */
typedef struct {
    char *text;
    size_t len, pos;
    const char *path;
    int line_no;       /* of the line last returned (1-based) */
    char what[1100];   /* "path:line_no", for messages about that line */
} jv_lines;

/* text holds len bytes and one more writable byte past them (the last line
 * may lack its '\n'). */
void jv_lines_init(jv_lines *l, char *text, size_t len, const char *path);
/* Returns 1 with *line set to the next non-blank line ('\0'-terminated in
 * place of its '\n'), 0 at the end, or -1 if the line holds a NUL byte
 * (an error naming path:line and the column). */
int jv_lines_next(jv_lines *l, char **line, snn_error *err);

/* The field named key, or NULL. */
const jv_field *jv_get(const jv_object *o, const char *key);
/* Number of key; `fallback` when absent or not a number (null gives NaN). */
double jv_num(const jv_object *o, const char *key, double fallback);
/* String of key; `fallback` when absent or not a string. */
const char *jv_str(const jv_object *o, const char *key, const char *fallback);

#endif
