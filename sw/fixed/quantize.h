/* quantize.h - from a float snn_model to a quantized qnet (docs/integer-spec.md §8).
 *
 * Per-layer scales map the largest weight magnitude of a layer to 2^B - 1;
 * the hidden threshold becomes an integer at the hidden scale; the decays
 * become Q0.12 through libfixmath's Q16.16. Also fake quantization for
 * quantization-aware training, and the measurement of register ranges that
 * tells which widths a network needs.
 * Not here: the integer dynamics (qnet.h), files (qnet_io.h).
 */
#ifndef SNN_QUANTIZE_H
#define SNN_QUANTIZE_H

#include <stddef.h>

#include "../data/dataset.h"
#include "../net/model.h"
#include "qnet.h"
#include "qnet_ranges.h"

typedef struct {
    int weight_bits;  /* B, 1..16 */
    int hidden_bits;  /* H, 8..32 */
    int readout_bits; /* R, 8..40 */
    int noise_bits;   /* N, 0..16 */
    uint32_t seed;    /* noise seed, spec §5.2 */
} quant_options;

/* B = 8, H = 24, R = 32, N = 0, seed = 1 (spec §1.4 defaults). */
quant_options quant_default_options(void);

/* What quantization did at one scale (spec §8.1, §8.2): stage l < n_layers is
 * hidden layer l (the matrices feeding it: ff[l] and rec[l]), stage n_layers
 * the readout (ff[n_layers]). "Zeroed": non-zero float weights that round to
 * magnitude 0; "saturated": weights clamped to 2^B - 1 (none with spec §8's
 * max-based scales, counted to prove it). */
typedef struct {
    double scale;                      /* s_l, or s_o for the readout */
    double ff_max, rec_max;            /* largest float magnitudes of ff[l], rec[l] (0: none) */
    size_t weights, nonzero, zeroed, saturated; /* over ff[l] and rec[l] */
    double alpha_err, beta_err;        /* the stage's alpha_q/4096 - alpha, beta likewise */
} quant_stage_report;

typedef struct {
    int n_layers;
    quant_stage_report stage[QNET_MAX_LAYERS + 1];
} quant_report;

/* Quantizes m per spec §8 into q (allocated here; free with qnet_free): per
 * hidden layer one scale for ff[l] and rec[l], theta and decays per layer,
 * the readout at its own scale with its own decays. Fails, naming `what` (and
 * the layer), for a model without Dale's law, a weight on the wrong side of
 * zero, an all-zero stage, a shape the spec cannot hold, or a threshold that
 * is unrepresentable in H bits. rep may be NULL. */
int quantize_model(const snn_model *m, const quant_options *o, const char *what, qnet *q,
                   quant_report *rep, snn_error *err);

/* spec §8.3: a decay in [0, 1) -> Q0.12 via Q16.16 (libfixmath): d16 =
 * round(65536 d), d_q = round(d16 / 16), both halves away from zero, capped
 * at 4095 so that the decay still shrinks. */
int32_t quantize_decay_q12(float decay);

/* Replaces dst's weights by src's weights rounded to `bits`-bit magnitudes at
 * the spec §8 scales (one per hidden layer for ff[l] and rec[l] together, one
 * for the readout) and scaled back to float (fake quantization, spec §8.6);
 * dst has src's config. bits is 1..16; dst may be src. A stage that is all
 * zero stays zero. The sign is the weight's own, so models without Dale's
 * law work too. */
void quantize_fake_weights(const snn_model *src, int bits, snn_model *dst);

/* Runs q over every sample of data (threads in parallel, 0 = OpenMP default)
 * and reports the largest |value| of every register kind, per hidden layer
 * and overall (ranges), and the saturation events per kind (sat). Image i
 * uses noise image index i. */
int quantize_measure_ranges(const qnet *q, const spike_data *data, int threads,
                            qnet_ranges *ranges, uint64_t sat[SAT_KINDS], snn_error *err);

/* Bits of the smallest signed register holding [-v, v]. */
int quantize_signed_bits(int64_t v);

#endif
