/* kernels.h - the float network's dynamics: event-driven forward and backward passes.
 *
 * One sample at a time; a workspace holds every per-sample buffer, allocated
 * once. Shapes: T = steps, N_l = layer[l].size, K = n_out, L = n_layers. Time
 * runs t = 0..T-1 as in docs/reference-model.md; out is recorded for r = 0..T
 * with out[0] = 0, and the logit of class k is max_r out[r][k]. A matrix row is
 * touched only where its presynaptic neuron spiked: input rows of ff[0] where
 * the input fired, rows of ff[l+1] and rec[l] where layer l fired (all sparse);
 * the backward pass's dL/dS products are dense.
 * Not here: batching, threads, the optimiser (train.c).
 */
#ifndef SNN_KERNELS_H
#define SNN_KERNELS_H

#include <stdint.h>

#include "../data/dataset.h"
#include "model.h"

/* One hidden layer's buffers. */
typedef struct {
    int size;            /* N_l */
    float *mem;          /* (T, N_l) membrane at step t, before the spike decision */
    uint8_t *spk;        /* (T, N_l) S_l[t] = mem[t] > threshold */
    uint16_t *spk_idx;   /* spikes as events, at most T*N_l; those of step t are */
    uint32_t *spk_start; /* spk_idx[spk_start[t] .. spk_start[t+1]) (T+1 offsets) */
    float *cur;          /* (T, N_l) input current I_l[t] (feed-forward + recurrent) */
    float *dcur;         /* (T, N_l) backward: dL/dI_l[t] */
    int n_spikes;        /* spikes of the last forward pass */
} snn_layer_workspace;

typedef struct {
    int T, K, n_layers;
    snn_layer_workspace layer[SNN_MAX_LAYERS];
    float *ro_in;    /* (T, K) the readout's input (ff[L]^T S_{L-1})[t] */
    float *out;      /* (T+1, K) readout */
    float *logits;   /* (K) max over time of out */
    int *t_max;      /* (K) first r at which out[r][k] reaches the max */
    float *dro_in;   /* (T, K) backward: dL/d ro_in[t] */
    float *state;    /* (3 max N_l) scratch: three state vectors of one layer */
    float *transposed; /* per layer l from transposed_at[l]: ff[l+1]^T, then rec[l]^T */
    size_t transposed_at[SNN_MAX_LAYERS];
    int n_spikes;    /* hidden spikes of the last forward pass, all layers */
} snn_workspace;

int snn_workspace_alloc(snn_workspace *ws, const snn_config *c, snn_error *err);
void snn_workspace_free(snn_workspace *ws);

/* Forward pass of one sample of `data`; fills every forward buffer of ws.
 * Returns the predicted class (argmax of logits, ties to the lowest index). */
int snn_forward(const snn_model *m, const spike_data *data, int sample, snn_workspace *ws);

/* Cross-entropy of log-softmax(logits) against label; if dlogits is non-NULL
 * it receives the gradient softmax - onehot. */
float snn_loss(const float *logits, int K, int label, float *dlogits);

/* The paper's surrogate slope: dS/dmem = 1/(100|mem - thr| + 1)^2. */
#define SNN_PAPER_SURROGATE_SCALE 100.0f

/* Copies into ws the weights the backward pass runs through, transposed (so that
 * its products vectorise): call it after every change of m's weights and before
 * snn_backward; the samples of one batch share one call. */
void snn_backward_prepare(const snn_model *m, snn_workspace *ws);

/* Cross-entropy of log-softmax(logits) against `label`, and its gradient,
 * back through time and layers (surrogate dS/dmem = 1/(scale |mem - thr| + 1)^2,
 * reset not differentiated, BPTT through the recurrent matrices). Must follow
 * snn_forward on the same sample, and snn_backward_prepare since m's weights
 * last changed. ADDS the sample's gradient into grad, a model
 * of m's config (snn_model_alloc, zeroed by the caller) whose ff/rec mirror
 * m's weights; returns the loss. */
float snn_backward(const snn_model *m, const spike_data *data, int sample, int label,
                   float surrogate_scale, snn_workspace *ws, snn_model *grad);

#endif
