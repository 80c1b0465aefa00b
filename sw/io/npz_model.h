/* npz_model.h - a model's weights and config as the keys of a NumPy .npz.
 *
 * Keys (docs/model-format.md): w1 float32 (n_in, n_hidden), w2 float32
 * (n_hidden, n_out); int32 scalars n_exc, steps, dale; float32 scalars alpha,
 * beta, threshold. Reading takes the shapes from w1 and w2; missing scalars take
 * the paper's defaults (n_exc: 80% of the hidden layer). Not here: the archive
 * format itself (npz.h), the model file (model.h).
 */
#ifndef SNN_NPZ_MODEL_H
#define SNN_NPZ_MODEL_H

#include "../net/model.h"
#include "npz.h"

/* Builds a model from an archive's arrays, checking shapes, ranges, finiteness and
 * Dale's law; `path` names the archive in messages. On success m is allocated. */
int npz_to_model(const npz_file *f, const char *path, snn_model *m, snn_error *err);
/* Writes m's weights and config to path (atomically, npz_write). */
int npz_write_model(const char *path, const snn_model *m, snn_error *err);

#endif
