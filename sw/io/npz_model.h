/* npz_model.h - a model's weights and config as the keys of a NumPy .npz.
 *
 * Keys (docs/model-format.md): the matrices w1, w2, ..., w<L+1> float32, w<k>
 * from hidden layer k-1 (the input for k = 1) to hidden layer k (the readout for
 * k = L+1), shape (n_pre, n_post); rec<k> float32 (size_k, size_k) for each
 * recurrent hidden layer k; int32 scalars steps, dale, n_exc (layer 1) and
 * n_exc<k> (layer k >= 2); float32 scalars alpha, beta, threshold (layer 1),
 * alpha<k>, beta<k>, threshold<k> (layer k >= 2), out_alpha, out_beta (the
 * readout; written when they differ from layer 1's). The paper's network is w1,
 * w2 and the layer-1 scalars, as before deep networks. Reading takes the shapes
 * from the matrices; missing scalars take the paper's defaults (n_exc: 80% of
 * the layer; out_alpha, out_beta: layer 1's). Not here: the archive format
 * itself (npz.h), the model file (model.h).
 */
#ifndef SNN_NPZ_MODEL_H
#define SNN_NPZ_MODEL_H

#include "../net/model.h"
#include "../format/npz.h"

/* The orientation of the weight matrices in an archive: ours is (in, out), the
 * presynaptic row; PyTorch's nn.Linear.weight (snnTorch, Norse) is (out, in). */
typedef enum { NPZ_LAYOUT_AUTO, NPZ_LAYOUT_OURS, NPZ_LAYOUT_TORCH } npz_layout;

/* Decides the layout of f's matrices and transposes them in place into ours when
 * they are torch's. The matrices: the chain w1, w2, ... (w_k's outputs are
 * w_{k+1}'s inputs) and any square 2-D array whose name starts with "rec"
 * (which follows the chain's layout). AUTO decides from the chain's shapes and
 * fails, asking for the flag, when both layouts chain (square or mirrored
 * shapes). *found receives the layout used. */
int npz_resolve_layout(npz_file *f, const char *path, npz_layout want, npz_layout *found,
                       snn_error *err);
/* The names of f's arrays that npz_to_model does not read (e.g. biases),
 * comma-separated into buf ("" when none). */
void npz_ignored_keys(const npz_file *f, char *buf, size_t len);

/* Builds a model from an archive's arrays, checking shapes, ranges, finiteness and
 * Dale's law; `path` names the archive in messages. On success m is allocated. */
int npz_to_model(const npz_file *f, const char *path, snn_model *m, snn_error *err);
/* Writes m's weights and config to path (atomically, npz_write). */
int npz_write_model(const char *path, const snn_model *m, snn_error *err);

#endif
