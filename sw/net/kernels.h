/* kernels.h - the float network's dynamics: event-driven forward and backward passes.
 *
 * One sample at a time; a workspace holds every per-sample buffer, allocated
 * once. Shapes: T = steps, H = n_hidden, K = n_out. Time runs t = 0..T-1 as
 * in docs/reference-model.md; out is recorded for r = 0..T with out[0] = 0, and the logit of
 * class k is max_r out[r][k]. The input is touched only where it spiked and
 * the readout only where the hidden layer spiked (both are sparse).
 * Not here: batching, threads, the optimiser (train.c).
 */
#ifndef SNN_KERNELS_H
#define SNN_KERNELS_H

#include <stdint.h>

#include "../data/dataset.h"
#include "model.h"

typedef struct {
    int T, H, K;
    float *mem;      /* (T, H) membrane at step t, before the spike decision */
    uint8_t *spk;    /* (T, H) S[t] = mem[t] > threshold */
    uint16_t *spk_idx;   /* hidden spikes as events, at most T*H; those of step t */
    uint32_t *spk_start; /* are spk_idx[spk_start[t] .. spk_start[t+1]) (T+1 offsets) */
    float *cur;      /* (T, H) input current I[t] = (W1^T x)[t] */
    float *out;      /* (T+1, K) readout */
    float *logits;   /* (K) max over time of out */
    int *t_max;      /* (K) first r at which out[r][k] reaches the max */
    /* backward */
    float *dh2;      /* (T, K) dL/d(W2^T S)[t] */
    float *dcur;     /* (T, H) dL/dI[t] */
    float *dspk;     /* (H) scratch: dL/dS[t] for one step */
    int n_spikes;    /* hidden spikes of the last forward pass */
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

/* Cross-entropy of log-softmax(logits) against `label`, and its gradient,
 * back through time (surrogate dS/dmem = 1/(scale |mem - thr| + 1)^2, reset
 * not differentiated). Must follow snn_forward on the same sample. ADDS the
 * sample's gradient into gw1 (n_in, H) and gw2 (H, K); returns the loss. */
float snn_backward(const snn_model *m, const spike_data *data, int sample, int label,
                   float surrogate_scale, snn_workspace *ws, float *gw1, float *gw2);

#endif
