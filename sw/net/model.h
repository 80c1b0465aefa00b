/* model.h - the float E/I LIF network: configuration, weights, initialisation, file format.
 *
 * 784 inputs -> n_hidden current-based LIF neurons -> n_out non-spiking
 * leaky integrators (docs/reference-model.md). Hidden neurons 0..n_exc-1 are excitatory,
 * the rest inhibitory; with Dale's law a neuron's type fixes the sign of its
 * outgoing weights, and input weights are all >= 0. The file format is
 * docs/model-format.md. Not here: the dynamics (kernels.h), training (train.h).
 */
#ifndef SNN_MODEL_H
#define SNN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "../util/rng.h"

typedef struct {
    int n_in, n_hidden, n_out;
    int n_exc;       /* hidden neurons 0..n_exc-1 are excitatory */
    int steps;       /* time steps per sample (dt = 1 ms) */
    float alpha;     /* synaptic decay, exp(-dt/tau_syn) */
    float beta;      /* membrane decay, exp(-dt/tau_mem) */
    float threshold; /* spike when mem > threshold */
    int dale;        /* 1: signs fixed by neuron type; 0: unbounded baseline */
} snn_config;

typedef struct {
    snn_config cfg;
    float *w1; /* (n_in, n_hidden): input i -> hidden j at w1[i*n_hidden + j] */
    float *w2; /* (n_hidden, n_out): hidden j -> readout k at w2[j*n_out + k] */
} snn_model;

/* The paper's Fashion-MNIST network (784-100-10, 80:20, tau 5/10 ms, 100 steps). */
snn_config snn_default_config(void);
/* n_exc = round(n_hidden * ratio), ratio in [0, 1]. */
int snn_exc_count(int n_hidden, double ratio);

/* Checks ranges and consistency; names `what` (a file or option) in the message. */
int snn_config_check(const snn_config *c, const char *what, snn_error *err);

int snn_model_alloc(snn_model *m, const snn_config *c, snn_error *err);
void snn_model_free(snn_model *m);

/* Sign a hidden neuron's outgoing weights must have: +1 (E), -1 (I), 0 (no Dale). */
static inline int snn_hidden_sign(const snn_config *c, int j)
{
    return c->dale ? (j < c->n_exc ? 1 : -1) : 0;
}

/* Paper init: w1 = |N(0, s1)|, w2 = N(0, 7(1-beta)/sqrt(n_hidden)) with its
 * magnitude signed by the presynaptic type under Dale's law (plain normal without). */
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
