/* npz.h - NumPy .npz archives: reading and writing named numeric arrays.
 *
 * Reads what np.savez and np.savez_compressed write (zip, stored or deflated,
 * zip64 included) holding .npy arrays of little-endian float32/64, signed or
 * unsigned integers of 8 to 64 bits, or bool, C order. Writes stored
 * (uncompressed) archives of float32 / int32 arrays. Every array is converted
 * to double on reading so callers check values in one type (dtype says what
 * it was stored as). Not a general zip library.
 */
#ifndef SNN_NPZ_H
#define SNN_NPZ_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

#define NPZ_MAX_DIMS 4

typedef struct {
    char name[64];        /* without ".npy" */
    char dtype[4];        /* as stored: "<f4", "<f8", "|b1", "|u1", "<i8"...; [1] is the kind */
    int ndim;             /* 0 for a scalar */
    size_t shape[NPZ_MAX_DIMS];
    size_t count;         /* product of shape (1 for a scalar) */
    double *values;       /* count values, malloc'd */
} npz_array;

typedef struct {
    int n;
    npz_array *arrays;
} npz_file;

/* Reads every array of path; errors name the file and the member. */
int npz_read(const char *path, npz_file *out, snn_error *err);
/* The same from the archive's bytes in memory; `name` is used in messages. */
int npz_decode(const uint8_t *data, size_t len, const char *name, npz_file *out, snn_error *err);
const npz_array *npz_find(const npz_file *f, const char *name);
void npz_free(npz_file *f);

/* An array to write: float32 if is_float, else int32; data as doubles. */
typedef struct {
    const char *name;
    int ndim;
    size_t shape[NPZ_MAX_DIMS];
    int is_float;
    const double *data;
} npz_entry;

/* Writes the entries to path atomically (temp file + rename). */
int npz_write(const char *path, const npz_entry *entries, int n, snn_error *err);

#endif
