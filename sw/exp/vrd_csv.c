/* vrd_csv.c - see vrd_csv.h. */
#include "vrd_csv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/bytes.h"
#include "jsonl.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The train named id (added if new), or NULL when out of memory. */
static vrd_train *train_of(vrd_train_set *s, const char *id, size_t id_len)
{
    for (int k = s->n - 1; k >= 0; k--) /* spikes of one train tend to come together */
        if (strcmp(s->tr[k].id, id) == 0)
            return &s->tr[k];
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 16;
        vrd_train *grown = realloc(s->tr, sizeof *grown * cap);
        if (!grown)
            return NULL;
        s->tr = grown;
        s->cap = cap;
    }
    vrd_train *tr = &s->tr[s->n++];
    memset(tr, 0, sizeof *tr);
    memcpy(tr->id, id, id_len + 1);
    return tr;
}

static int add_spike(vrd_train *tr, double t)
{
    if (tr->n == tr->cap) {
        int cap = tr->cap ? 2 * tr->cap : 16;
        double *grown = realloc(tr->t, sizeof *grown * cap);
        if (!grown)
            return -1;
        tr->t = grown;
        tr->cap = cap;
    }
    tr->t[tr->n++] = t;
    return 0;
}

/* One "id,time" line into s; returns 1 for a header line (skipped). */
static int parse_line(char *line, const char *what, int first, int whole_steps,
                      vrd_train_set *s, snn_error *err)
{
    line[strcspn(line, "\r")] = '\0';
    char *comma = strchr(line, ',');
    char *end = NULL;
    double t = comma ? strtod(comma + 1, &end) : NAN;
    int numeric = comma && end != comma + 1 && strspn(end, " \t") == strlen(end);
    if (!numeric && first)
        return 1;
    if (!numeric || !isfinite(t))
        return snn_fail(err, "%s: expected 'train_id,time' with a finite time, got '%.80s%s'",
                        what, line, strlen(line) > 80 ? "..." : "");
    if (whole_steps && t != floor(t))
        return snn_fail(err, "%s: time %g is not a whole step (the grid normalisation needs "
                        "steps; use --norm vr2001 or elephant)", what, t);
    *comma = '\0';
    size_t id_len = strlen(line);
    if (id_len >= sizeof s->tr[0].id)
        return snn_fail(err, "%s: train id longer than %zu characters", what,
                        sizeof s->tr[0].id - 1);
    vrd_train *tr = train_of(s, line, id_len);
    if (!tr || add_spike(tr, t) != 0)
        return snn_fail(err, "%s: out of memory", what);
    return 0;
}

int vrd_csv_parse(char *text, size_t len, const char *path, int whole_steps, vrd_train_set *s,
                  snn_error *err)
{
    memset(s, 0, sizeof *s);
    jv_lines lines;
    jv_lines_init(&lines, text, len, path);
    char *line;
    int rc;
    while ((rc = jv_lines_next(&lines, &line, err)) == 1) {
        rc = parse_line(line, lines.what, lines.line_no == 1, whole_steps, s, err);
        if (rc < 0)
            break;
    }
    if (rc == 0 && s->n == 0)
        rc = snn_fail(err, "%s: no spikes", path);
    if (rc != 0) {
        vrd_trains_free(s);
        return -1;
    }
    for (int i = 0; i < s->n; i++)
        qsort(s->tr[i].t, s->tr[i].n, sizeof(double), cmp_double);
    return 0;
}

int vrd_csv_load(const char *path, int whole_steps, vrd_train_set *s, snn_error *err)
{
    memset(s, 0, sizeof *s);
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len, err) != 0)
        return -1;
    char *text = realloc(data, len + 1); /* vrd_csv_parse's spare byte */
    if (!text) {
        free(data);
        return snn_fail(err, "%s: out of memory", path);
    }
    int rc = vrd_csv_parse(text, len, path, whole_steps, s, err);
    free(text);
    return rc;
}

void vrd_trains_free(vrd_train_set *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->tr[i].t);
    free(s->tr);
    memset(s, 0, sizeof *s);
}
