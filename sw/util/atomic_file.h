/* atomic_file.h - write a file so that readers see all of it or none of it.
 *
 * The data go to "<path>.tmp.<pid>", are flushed, and the temp file is
 * renamed over <path>. On any failure the temp file is removed and <path>
 * is left as it was.
 */
#ifndef SNN_ATOMIC_FILE_H
#define SNN_ATOMIC_FILE_H

#include <stdio.h>

#include "error.h"

typedef struct {
    FILE *fp;
    char path[1024];
    char tmp[1100];
} atomic_file;

int atomic_open(atomic_file *af, const char *path, snn_error *err);
/* Closes and renames; fails (and removes the temp) if any write failed. */
int atomic_commit(atomic_file *af, snn_error *err);
/* Abandons the write: removes the temp file, <path> untouched. */
void atomic_abort(atomic_file *af);

/* Whole-buffer convenience: writes len bytes of data to path atomically. */
int atomic_write(const char *path, const void *data, size_t len, snn_error *err);

#endif
