/* qnet_io.h - owning a quantized network, and its file (docs/qmodel-format.md).
 *
 * A qnet's weight arrays are malloc'd here; the file is versioned, checksummed
 * (CRC32) and written atomically. The loader accepts only what qnet_check
 * accepts, so a loaded qnet is always one the spec defines.
 * Not here: the dynamics (qnet.h), quantization (quantize.h).
 */
#ifndef SNN_QNET_IO_H
#define SNN_QNET_IO_H

#include "qnet.h"

/* Allocates every matrix, zeroed, in one block (ff[0] owns it), for the shape
 * already set in q (n_in, n_out, n_layers, layer sizes and recurrent flags).
 * On failure q has no arrays. */
int qnet_alloc(qnet *q, snn_error *err);
void qnet_free(qnet *q);
/* dst = a copy of src with its own weight block. On failure dst has no arrays. */
int qnet_copy(const qnet *src, qnet *dst, snn_error *err);

/* Writes q (which must pass qnet_check) to path atomically: format version 1
 * for the paper's shape (qnet_is_single_layer), version 2 otherwise. */
int qnet_save(const char *path, const qnet *q, snn_error *err);

/* Loads and validates a quantized model file of either version (magic, checksum, exact
 * length, qnet_check); every error names the file. On failure q is empty. */
int qnet_load(const char *path, qnet *q, snn_error *err);
/* The same from the file's bytes in memory; `name` is used in messages. */
int qnet_decode(const uint8_t *data, size_t len, const char *name, qnet *q, snn_error *err);

#endif
