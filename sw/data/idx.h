/* idx.h - reading IDX files (the MNIST / Fashion-MNIST container), gzip or plain.
 *
 * Only unsigned-byte IDX data is accepted (type code 0x08), which is what the
 * image and label files hold. Dimensions are checked against a caller limit
 * and against the data actually present before anything is allocated for
 * them, so a corrupt header cannot request a huge allocation.
 */
#ifndef SNN_IDX_H
#define SNN_IDX_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

#define IDX_MAX_DIMS 4

typedef struct {
    int ndim;
    uint32_t dims[IDX_MAX_DIMS];
    uint8_t *data; /* malloc'd, product(dims) bytes; caller frees */
} idx_array;

/* Reads path (gzip-compressed or plain). Fails with a message naming the
 * file when the magic, type, rank or size is wrong or the data are short.
 * max_bytes bounds the payload. */
int idx_read(const char *path, size_t max_bytes, idx_array *out, snn_error *err);
/* The same from the file's bytes in memory; `name` is used in messages.
 * A gzip member must end with its trailer (CRC-32 and length, both checked)
 * and nothing may follow the data the header claims. */
int idx_decode(const uint8_t *data, size_t len, const char *name, size_t max_bytes,
               idx_array *out, snn_error *err);

#endif
