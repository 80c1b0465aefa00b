/* quantize.c - see quantize.h; the rules are docs/integer-spec.md §8.
 *
 * Scales live in double, not Q16.16: (2^B - 1) / max|w| exceeds Q16.16's
 * 32767 for wide weights (16 bits at max|w| = 0.05 is 1.3e6). The decays are
 * the one place where Q16.16 is exactly the format the spec states.
 */
#include "quantize.h"

#include <libfixmath/fix16.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "qnet_io.h"
#include "qnet_ranges.h"

quant_options quant_default_options(void)
{
    quant_options o = {.weight_bits = 8, .hidden_bits = 24, .readout_bits = 32, .noise_bits = 0,
                       .seed = 1};
    return o;
}

int32_t quantize_decay_q12(float decay)
{
    /* fix16_from_dbl rounds half away from zero (pinned by tests/test_libfixmath.c);
     * decay is in [0, 1), so d16 is in [0, 65536] and no libfixmath defect
     * (negative extremes, sadd with fix16_minimum) is reachable. */
    fix16_t d16 = fix16_from_dbl((double)decay);
    int32_t q = (d16 + 8) / 16; /* d16 >= 0: round half up = half away from zero */
    return q > 4095 ? 4095 : q;
}

static double max_abs_f(const float *w, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(w[i]) > m)
            m = fabs(w[i]);
    return m;
}

/* spec §8.1-8.2: round half away from zero of scale * |w|, clamped to 2^B - 1. */
static uint16_t quantize_magnitude(float w, double scale, int bits, size_t *zeroed,
                                   size_t *saturated)
{
    double wmax = (double)((1u << bits) - 1);
    double v = floor(scale * fabs(w) + 0.5);
    if (v > wmax) {
        v = wmax;
        ++*saturated;
    }
    if (v == 0 && w != 0)
        ++*zeroed;
    return (uint16_t)v;
}

int quantize_model(const snn_model *m, const quant_options *o, const char *what, qnet *q,
                   quant_report *rep, snn_error *err)
{
    const snn_config *c = &m->cfg;
    quant_report r;
    memset(&r, 0, sizeof r);
    memset(q, 0, sizeof *q);
    if (!c->dale)
        return snn_fail(err, "%s: trained without Dale's law; the integer format stores weight "
                        "magnitudes signed by neuron type (spec §2.2) and cannot hold it", what);
    if (o->weight_bits < 1 || o->weight_bits > 16 || o->hidden_bits < 8 || o->hidden_bits > 32 ||
        o->readout_bits < 8 || o->readout_bits > 40 || o->noise_bits < 0 || o->noise_bits > 16)
        return snn_fail(err, "%s: widths B=%d H=%d R=%d N=%d outside spec §1.4 (1..16, 8..32, "
                        "8..40, 0..16)", what, o->weight_bits, o->hidden_bits, o->readout_bits,
                        o->noise_bits);
    const snn_layer_config *h = &c->layer[0];
    if (c->n_layers != 1 || h->recurrent)
        return snn_fail(err, "%s: the integer model holds one feed-forward hidden layer; deep and "
                        "recurrent networks reach the integer model in issue 13", what);
    if (c->out_alpha != h->alpha || c->out_beta != h->beta)
        return snn_fail(err, "%s: the integer model gives the readout the hidden layer's decays; "
                        "this model's differ (alpha %g/%g, beta %g/%g)", what, c->out_alpha,
                        h->alpha, c->out_beta, h->beta);
    const float *w1 = m->ff[0], *w2 = m->ff[1];
    size_t n1 = (size_t)c->n_in * h->size, n2 = (size_t)h->size * c->n_out;
    for (size_t i = 0; i < n1 + n2; i++) {
        float w = i < n1 ? w1[i] : w2[i - n1];
        int sign = i < n1 ? 1 : snn_neuron_sign(c, 0, (int)((i - n1) / (size_t)c->n_out));
        if (!isfinite(w) || sign * w < 0)
            return snn_fail(err, "%s: %s weight %zu = %g is not finite or breaks Dale's law", what,
                            i < n1 ? "w1" : "w2", i < n1 ? i : i - n1, w);
        if (w != 0)
            ++*(i < n1 ? &r.w1_nonzero : &r.w2_nonzero);
    }
    r.w1_max = max_abs_f(w1, n1);
    r.w2_max = max_abs_f(w2, n2);
    if (r.w1_max == 0 || r.w2_max == 0)
        return snn_fail(err, "%s: all %s weights are zero; there is no scale to quantize at", what,
                        r.w1_max == 0 ? "input" : "readout");
    double wmax = (double)((1u << o->weight_bits) - 1);
    r.s_h = wmax / r.w1_max; /* spec §8.1 */
    r.s_o = wmax / r.w2_max; /* spec §8.2 */
    double theta = floor(r.s_h * h->threshold + 0.5);
    int64_t theta_max = ((int64_t)1 << (o->hidden_bits - 1)) - 1;
    if (!(theta >= 1))
        return snn_fail(err, "%s: threshold %g at hidden scale %.6g rounds to theta = 0 (spec "
                        "§2.3 needs >= 1); use more weight bits", what, h->threshold, r.s_h);
    if (theta > (double)theta_max)
        return snn_fail(err, "%s: threshold %g at hidden scale %.6g gives theta = %.0f, above "
                        "%lld for H = %d; it needs H >= %d (or fewer weight bits)", what,
                        h->threshold, r.s_h, theta, (long long)theta_max, o->hidden_bits,
                        theta < 4e18 ? quantize_signed_bits((int64_t)theta) : 64);
    q->n_in = c->n_in, q->n_out = c->n_out, q->steps = c->steps, q->n_layers = 1;
    qnet_layer *y = &q->layer[0];
    y->size = h->size, y->n_exc = h->n_exc, y->recurrent = 0;
    q->weight_bits = o->weight_bits, q->hidden_bits = o->hidden_bits;
    q->readout_bits = o->readout_bits, q->noise_bits = o->noise_bits, q->seed = o->seed;
    y->theta = (int32_t)theta;
    y->alpha_q = quantize_decay_q12(h->alpha); /* spec §8.3 */
    y->beta_q = quantize_decay_q12(h->beta);
    q->out_alpha_q = y->alpha_q, q->out_beta_q = y->beta_q;
    r.alpha_err = y->alpha_q / 4096.0 - h->alpha;
    r.beta_err = y->beta_q / 4096.0 - h->beta;
    if (qnet_alloc(q, err) != 0)
        return -1;
    for (size_t i = 0; i < n1; i++)
        q->ff[0][i] = quantize_magnitude(w1[i], r.s_h, o->weight_bits, &r.w1_zeroed,
                                         &r.w1_saturated);
    for (size_t i = 0; i < n2; i++)
        q->ff[1][i] = quantize_magnitude(w2[i], r.s_o, o->weight_bits, &r.w2_zeroed,
                                         &r.w2_saturated);
    if (qnet_check(q, what, err) != 0) {
        qnet_free(q);
        return -1;
    }
    if (rep)
        *rep = r;
    return 0;
}

/* Fake-quantizes one matrix in place-safe fashion: w -> sign(w) round(s|w|) / s. */
static void fake_layer(const float *src, float *dst, size_t n, int bits)
{
    double m = max_abs_f(src, n);
    if (m == 0) {
        memmove(dst, src, n * sizeof *dst);
        return;
    }
    double scale = ((double)((1u << bits) - 1)) / m;
    size_t unused_zeroed = 0, unused_saturated = 0;
    for (size_t i = 0; i < n; i++) {
        double mag = quantize_magnitude(src[i], scale, bits, &unused_zeroed, &unused_saturated);
        dst[i] = (float)((src[i] < 0 ? -mag : mag) / scale);
    }
}

void quantize_fake_weights(const snn_model *src, int bits, snn_model *dst)
{
    const snn_config *c = &src->cfg;
    for (int l = 0; l <= c->n_layers; l++)
        fake_layer(src->ff[l], dst->ff[l], (size_t)snn_ff_rows(c, l) * snn_ff_cols(c, l), bits);
    for (int l = 0; l < c->n_layers; l++)
        if (src->rec[l])
            fake_layer(src->rec[l], dst->rec[l], (size_t)c->layer[l].size * c->layer[l].size,
                       bits);
}

int quantize_measure_ranges(const qnet *q, const spike_data *data, int threads,
                            int64_t max_abs[SAT_KINDS], uint64_t sat[SAT_KINDS], snn_error *err)
{
    if (data->n_inputs != q->n_in || data->steps != q->steps)
        return snn_fail(err, "data has %d inputs x %d steps; the quantized model takes %d x %d",
                        data->n_inputs, data->steps, q->n_in, q->steps);
    int64_t m[SAT_KINDS] = {0};
    uint64_t s[SAT_KINDS] = {0};
    size_t scratch_size = qnet_scratch_size(q);
    int oom = 0;
    if (threads < 1)
        threads = omp_get_max_threads();
#pragma omp parallel num_threads(threads) reduction(max : m[:SAT_KINDS]) \
    reduction(+ : s[:SAT_KINDS]) reduction(| : oom)
    {
        void *scratch = aligned_alloc(64, scratch_size);
        oom = !scratch;
#pragma omp for schedule(dynamic, 64)
        for (int i = 0; i < data->n; i++) {
            if (!scratch)
                continue;
            qnet_result res;
            qnet_run_image_ranges(q, data->events, data->step_start + (size_t)i * (data->steps + 1),
                                  (uint32_t)i, scratch, &res, m);
            for (int k = 0; k < SAT_KINDS; k++)
                s[k] += res.sat[k];
        }
        free(scratch);
    }
    if (oom)
        return snn_fail(err, "out of memory for the integer model's scratch");
    memcpy(max_abs, m, sizeof m);
    memcpy(sat, s, sizeof s);
    return 0;
}

int quantize_signed_bits(int64_t v)
{
    int bits = 1;
    if (v < 0)
        v = -v;
    while (bits < 63 && v > (((int64_t)1 << (bits - 1)) - 1))
        bits++;
    return bits;
}
