/* qnet.h - the quantized network and the bit-exact integer reference model.
 *
 * Implements docs/integer-spec.md; every function of qnet.c cites the section
 * it implements. No floating point anywhere in the model. This is what the
 * RTL is checked against, spike for spike.
 * The network: n_in inputs -> 1..QNET_MAX_LAYERS hidden layers (each optionally
 * recurrent, its own theta and decays) -> n_out readouts. The paper's network
 * is the one-layer, feed-forward case whose readout has layer 0's decays.
 * Not here: how a float model becomes a qnet (quantize.h), files (qnet_io).
 */
#ifndef SNN_QNET_H
#define SNN_QNET_H

#include <stddef.h>
#include <stdint.h>

#include "../net/model.h"
#include "../util/error.h"

#define QNET_MAX_LAYERS SNN_MAX_LAYERS /* 4 */

typedef struct {
    int size, n_exc, recurrent;      /* as the float layer: neurons 0..n_exc-1 excitatory */
    int32_t theta, alpha_q, beta_q;  /* spec §2.3; Q0.12 decays, §2.4 */
} qnet_layer;

typedef struct {
    int n_in, n_out, steps, n_layers;   /* spec §2.1 */
    qnet_layer layer[QNET_MAX_LAYERS];
    int32_t out_alpha_q, out_beta_q;    /* readout decays, Q0.12 (paper: = layer 0's) */
    int weight_bits;  /* B, spec §1.4 */
    int hidden_bits;  /* H */
    int readout_bits; /* R */
    int noise_bits;   /* N, 0 = off */
    uint32_t seed;    /* noise seed, spec §5.2 */
    /* Magnitudes (spec §2.2), presynaptic row: ff[l][i * cols + j], ff[l] is
     * (qnet_ff_rows, qnet_ff_cols); ff[n_layers] feeds the readout. rec[l] is
     * (size, size) for a recurrent layer, else NULL. qnet_alloc puts them all in
     * one block starting at ff[0], in file order (ff[0..L], then rec[l]). */
    uint16_t *ff[QNET_MAX_LAYERS + 1];
    uint16_t *rec[QNET_MAX_LAYERS];
} qnet;

/* Rows (presynaptic) and columns (postsynaptic) of ff[l], l = 0..n_layers. */
int qnet_ff_rows(const qnet *q, int l);
int qnet_ff_cols(const qnet *q, int l);
/* Hidden neurons of all layers; the offset of layer l in spike records. */
int qnet_hidden_total(const qnet *q);
int qnet_layer_offset(const qnet *q, int l);
/* The shape as text, "784-128r-64-10" (r: recurrent), as snn_arch_format. */
void qnet_arch_format(const qnet *q, char *buf, size_t cap);
/* Weights in all matrices (the flat block of qnet_alloc). */
size_t qnet_weight_count(const qnet *q);

/* 1 if q is the paper's shape: one feed-forward hidden layer whose decays the
 * readout shares (what the version-1 file holds). */
int qnet_is_single_layer(const qnet *q);

/* Saturation counters, spec §7. ACC1/SYN/MEM are summed over hidden layers. */
enum { SAT_ACC1, SAT_SYN, SAT_MEM, SAT_ACC2, SAT_FLT, SAT_OUT, SAT_KINDS };

/* What one image produced. */
typedef struct {
    int prediction;         /* spec §6.1 */
    int64_t max_out[64];    /* max[k], spec §4.4 (n_out <= 64) */
    int64_t final_out[64];  /* out[k] after the last step */
    uint64_t sat[SAT_KINDS];/* saturation events of this image */
    uint32_t n_spikes;      /* hidden spikes in all, all layers */
    uint64_t sops;          /* synaptic operations: rows added * their columns, all matrices */
} qnet_result;

/* Checks a qnet against the spec's ranges (shape, widths, theta, decays,
 * weight magnitudes < 2^B); `what` names the source in the message. */
int qnet_check(const qnet *q, const char *what, snn_error *err);

/* Runs one image (spec §4) given its events: those of step t are
 * events[step_start[t] .. step_start[t+1]), ascending. image_index picks the
 * noise seed (spec §5.2). If spikes is non-NULL it receives s[j] of every
 * layer at every step, (steps, qnet_hidden_total) bytes: layer l's neuron j of
 * step t at t * total + qnet_layer_offset(l) + j. If spike_counts is non-NULL
 * it receives (qnet_hidden_total) counts, same layer order. Allocation-free:
 * state lives on a caller-provided scratch of qnet_scratch_size(q) bytes. */
size_t qnet_scratch_size(const qnet *q);
void qnet_run_image(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                    uint32_t image_index, void *scratch, qnet_result *res, uint8_t *spikes,
                    uint32_t *spike_counts);

#endif
