/* model.h - the float E/I LIF network: configuration, weights, initialisation, file format.
 *
 * n_in inputs -> one or more hidden layers of current-based LIF neurons, each
 * optionally recurrent -> n_out non-spiking leaky integrators, max over time
 * (docs/reference-model.md). In hidden layer l, neurons 0..n_exc-1 are
 * excitatory and the rest inhibitory; with Dale's law a neuron's type fixes the
 * sign of every weight leaving it (to the next layer, the readout, or back into
 * its own layer), and input weights are all >= 0. The paper's network is one
 * feed-forward hidden layer. The file format is docs/model-format.md.
 * Not here: the dynamics (kernels.h), training (train.h).
 */
#ifndef SNN_MODEL_H
#define SNN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "../util/rng.h"

#define SNN_MAX_LAYERS 4 /* hidden layers */

typedef struct {
    int size;        /* neurons */
    int n_exc;       /* neurons 0..n_exc-1 excitatory, the rest inhibitory */
    int recurrent;   /* 1: a (size, size) matrix carries this layer's spikes of step t to step t+1 */
    float alpha;     /* synaptic decay exp(-dt/tau_syn) */
    float beta;      /* membrane decay exp(-dt/tau_mem) */
    float threshold; /* spike when mem > threshold */
} snn_layer_config;

typedef struct {
    int n_in, n_out;
    int n_layers;                            /* hidden layers, 1..SNN_MAX_LAYERS */
    snn_layer_config layer[SNN_MAX_LAYERS];
    float out_alpha, out_beta;               /* the readout's decays (paper: same as hidden) */
    int steps;                               /* time steps per sample (dt = 1 ms) */
    int dale;                                /* 1: signs fixed by neuron type; 0: unbounded */
} snn_config;

typedef struct {
    snn_config cfg;
    /* ff[l] for l < n_layers: (n_pre, layer[l].size), n_pre = n_in for l = 0, else
     * layer[l-1].size; ff[n_layers]: (layer[n_layers-1].size, n_out) to the readout.
     * Row-major, presynaptic row: ff[l][i * n_post + j]. */
    float *ff[SNN_MAX_LAYERS + 1];
    float *rec[SNN_MAX_LAYERS];              /* (size, size) presynaptic row, or NULL */
} snn_model;

/* The paper's Fashion-MNIST network (784-100-10, 80:20, tau 5/10 ms, 100 steps). */
snn_config snn_default_config(void);
/* n_exc = round(size * ratio), ratio in [0, 1]. */
int snn_exc_count(int size, double ratio);

/* Rows (presynaptic) and columns (postsynaptic) of ff[l], l = 0..n_layers. */
int snn_ff_rows(const snn_config *c, int l);
int snn_ff_cols(const snn_config *c, int l);

/* Checks ranges and consistency; names `what` (a file or option) in the message. */
int snn_config_check(const snn_config *c, const char *what, snn_error *err);

/* Allocates every matrix, zeroed, in ONE block in the order of snn_model_weights
 * (so a model is also a flat weight vector); free with snn_model_free. */
int snn_model_alloc(snn_model *m, const snn_config *c, snn_error *err);
void snn_model_free(snn_model *m);

/* The model's matrices as one flat vector: ff[0], ..., ff[n_layers], then rec[l]
 * of each recurrent layer in layer order. Count and first weight. */
size_t snn_model_weight_count(const snn_config *c);
static inline float *snn_model_weights(const snn_model *m) { return m->ff[0]; }

/* Sign a hidden neuron's outgoing weights must have: +1 (E), -1 (I), 0 (no Dale). */
static inline int snn_neuron_sign(const snn_config *c, int l, int j)
{
    return c->dale ? (j < c->layer[l].n_exc ? 1 : -1) : 0;
}

/* Initial weights (docs/training.md): ff[0] = |N(0, s1)|; the readout ff[L] =
 * N(0, 7(1-beta)/sqrt(n_pre)) (the paper's); hidden->hidden and recurrent
 * matrices as described in docs/training.md; every matrix leaving a hidden
 * layer signed by the presynaptic type under Dale's law (plain normal without). */
void snn_model_init(snn_model *m, double s1, snn_rng *rng);

/* Projects onto Dale's law: a weight on the wrong side of zero becomes 0. */
void snn_dale_clip(snn_model *m);

/* Model files (docs/model-format.md). The optional training-state blob is
 * carried verbatim (checkpoints); pass NULL/0 for none. */
int snn_model_save(const char *path, const snn_model *m, const void *train_state,
                   size_t train_state_len, snn_error *err);
/* Loads and validates (magic, version, shapes, finite weights, Dale signs,
 * checksum). If train_state is non-NULL it receives a malloc'd copy of the
 * training-state blob (NULL if absent). */
int snn_model_load(const char *path, snn_model *m, void **train_state, size_t *train_state_len,
                   snn_error *err);
/* The same from the file's bytes in memory; `name` is used in messages. */
int snn_model_decode(const uint8_t *data, size_t len, const char *name, snn_model *m,
                     void **train_state, size_t *train_state_len, snn_error *err);

#endif
