/* vrd_csv.h - spike trains from a CSV file, for `snn vrd --csv`.
 *
 * One spike per line, "train_id,time" (time in steps or any unit of tau); an
 * optional header line first (a first line whose time is not a number); blank
 * lines are skipped; ids are any text of up to 63 characters. Lines may be of
 * any length. Each train's times come back sorted.
 * Not here: the distances themselves (vrd.h).
 */
#ifndef SNN_VRD_CSV_H
#define SNN_VRD_CSV_H

#include <stddef.h>

#include "../util/error.h"

typedef struct {
    char id[64];
    double *t; /* n spike times, ascending */
    int n, cap;
} vrd_train;

typedef struct {
    vrd_train *tr;
    int n, cap;
} vrd_train_set;

/* Parses text[0..len) (modified in place; text[len] must be writable), `path`
 * naming it in messages ("path:line: ..."). whole_steps refuses times that are
 * not whole numbers (VRD_GRID needs steps). A line that is not "id,time", a
 * non-finite time, a NUL byte or no spikes at all is an error. On error *s is
 * left empty. */
int vrd_csv_parse(char *text, size_t len, const char *path, int whole_steps, vrd_train_set *s,
                  snn_error *err);
/* Reads the file at path whole and parses it. */
int vrd_csv_load(const char *path, int whole_steps, vrd_train_set *s, snn_error *err);
void vrd_trains_free(vrd_train_set *s);

#endif
