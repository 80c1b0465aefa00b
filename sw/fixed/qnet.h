/* qnet.h - the quantized network and the bit-exact integer reference model.
 *
 * Implements docs/integer-spec.md; every function of qnet.c cites the section
 * it implements. No floating point anywhere in the model. This is what the
 * RTL is checked against, spike for spike.
 * Not here: how a float model becomes a qnet (quantize.h), files (qnet_io).
 */
#ifndef SNN_QNET_H
#define SNN_QNET_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

typedef struct {
    int n_in, n_hidden, n_out, n_exc, steps; /* spec §2.1 */
    int weight_bits;  /* B, spec §1.4 */
    int hidden_bits;  /* H */
    int readout_bits; /* R */
    int noise_bits;   /* N, 0 = off */
    int32_t theta;    /* spec §2.3 */
    int32_t alpha_q, beta_q; /* Q0.12, spec §2.4 */
    uint32_t seed;    /* noise seed, spec §5.2 */
    uint16_t *w1;     /* (n_in, n_hidden) magnitudes, w1[i*n_hidden + j] */
    uint16_t *w2;     /* (n_hidden, n_out) magnitudes, w2[j*n_out + k] */
} qnet;

/* Saturation counters, spec §7. */
enum { SAT_ACC1, SAT_SYN, SAT_MEM, SAT_ACC2, SAT_FLT, SAT_OUT, SAT_KINDS };

/* What one image produced. */
typedef struct {
    int prediction;         /* spec §6.1 */
    int64_t max_out[64];    /* max[k], spec §4.4 (n_out <= 64) */
    int64_t final_out[64];  /* out[k] after the last step */
    uint64_t sat[SAT_KINDS];/* saturation events of this image */
    uint32_t n_spikes;      /* hidden spikes in all */
    uint64_t sops;          /* synaptic operations: input events * n_hidden + hidden spikes * n_out */
} qnet_result;

/* Checks a qnet against the spec's ranges (widths, theta, decays, weight
 * magnitudes < 2^B); `what` names the source in the message. */
int qnet_check(const qnet *q, const char *what, snn_error *err);

/* Runs one image (spec §4) given its events: those of step t are
 * events[step_start[t] .. step_start[t+1]), ascending. image_index picks the
 * noise seed (spec §5.2). If spikes is non-NULL it receives s[j] of every step,
 * (steps, n_hidden) bytes. If spike_counts is non-NULL it receives (n_hidden)
 * counts. Allocation-free: state lives on a caller-provided scratch of
 * qnet_scratch_size(q) bytes. */
size_t qnet_scratch_size(const qnet *q);
void qnet_run_image(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                    uint32_t image_index, void *scratch, qnet_result *res, uint8_t *spikes,
                    uint32_t *spike_counts);

#endif
