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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qnet_io.h"

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

/* The matrices quantized at stage l's scale (spec §8.1-8.2): ff[l] and, for a
 * recurrent hidden layer, rec[l]; the readout stage (l = n_layers) has ff[l] only. */
typedef struct {
    const float *m[2];
    size_t n[2];
    int rows_from[2]; /* presynaptic layer of the rows, -1 = the input (for the signs) */
    int cols[2];
} stage_matrices;

static stage_matrices stage_of(const snn_model *m, int l)
{
    const snn_config *c = &m->cfg;
    stage_matrices s = {{m->ff[l], NULL}, {0, 0}, {l - 1, l}, {snn_ff_cols(c, l), 0}};
    s.n[0] = (size_t)snn_ff_rows(c, l) * snn_ff_cols(c, l);
    if (l < c->n_layers && m->rec[l]) {
        s.m[1] = m->rec[l];
        s.n[1] = (size_t)c->layer[l].size * c->layer[l].size;
        s.cols[1] = c->layer[l].size;
    }
    return s;
}

/* "input", "hidden layer 1's input", "readout": what a stage's scale is of. */
static void stage_name(const snn_config *c, int l, char *buf, size_t cap)
{
    if (l == c->n_layers)
        snprintf(buf, cap, "readout");
    else if (l == 0)
        snprintf(buf, cap, c->n_layers == 1 && !c->layer[0].recurrent ? "input"
                                                                       : "hidden layer 0's input");
    else
        snprintf(buf, cap, "hidden layer %d's input", l);
}

/* Checks one stage's float weights (finite, Dale's signs) and fills its counts and maxima. */
static int check_stage(const snn_model *m, int l, const char *what, quant_stage_report *r,
                       snn_error *err)
{
    const snn_config *c = &m->cfg;
    stage_matrices s = stage_of(m, l);
    for (int k = 0; k < 2 && s.m[k]; k++) {
        for (size_t i = 0; i < s.n[k]; i++) {
            float w = s.m[k][i];
            int row = (int)(i / (size_t)s.cols[k]);
            int sign = s.rows_from[k] < 0 ? 1 : snn_neuron_sign(c, s.rows_from[k], row);
            if (!isfinite(w) || sign * w < 0)
                return snn_fail(err, "%s: %s%d weight %zu = %g is not finite or breaks Dale's law",
                                what, k ? "rec" : "w", l + 1, i, w);
            r->nonzero += w != 0;
        }
        r->weights += s.n[k];
        *(k ? &r->rec_max : &r->ff_max) = max_abs_f(s.m[k], s.n[k]);
    }
    if (r->ff_max == 0 && r->rec_max == 0) {
        char name[48];
        stage_name(c, l, name, sizeof name);
        return snn_fail(err, "%s: all %s weights are zero; there is no scale to quantize at", what,
                        name);
    }
    return 0;
}

/* spec §8.1: theta_l = round(s_l * threshold_l), refused outside [1, 2^(H-1)-1]. */
static int quantize_theta(const snn_layer_config *h, int l, int n_layers, double scale,
                          int hidden_bits, const char *what, int32_t *theta, snn_error *err)
{
    char layer[32] = "";
    if (n_layers > 1)
        snprintf(layer, sizeof layer, " of hidden layer %d", l);
    double t = floor(scale * h->threshold + 0.5);
    int64_t theta_max = ((int64_t)1 << (hidden_bits - 1)) - 1;
    if (!(t >= 1))
        return snn_fail(err, "%s: threshold %g%s at hidden scale %.6g rounds to theta = 0 (spec "
                        "§2.3 needs >= 1); use more weight bits", what, h->threshold, layer, scale);
    if (t > (double)theta_max)
        return snn_fail(err, "%s: threshold %g%s at hidden scale %.6g gives theta = %.0f, above "
                        "%lld for H = %d; it needs H >= %d (or fewer weight bits)", what,
                        h->threshold, layer, scale, t, (long long)theta_max, hidden_bits,
                        t < 4e18 ? quantize_signed_bits((int64_t)t) : 64);
    *theta = (int32_t)t;
    return 0;
}

int quantize_model(const snn_model *m, const quant_options *o, const char *what, qnet *q,
                   quant_report *rep, snn_error *err)
{
    const snn_config *c = &m->cfg;
    const int L = c->n_layers;
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
    if (L < 1 || L > QNET_MAX_LAYERS)
        return snn_fail(err, "%s: %d hidden layers; the integer model holds 1..%d", what, L,
                        QNET_MAX_LAYERS);
    const double wmax = (double)((1u << o->weight_bits) - 1);
    r.n_layers = L;
    q->n_in = c->n_in, q->n_out = c->n_out, q->steps = c->steps, q->n_layers = L;
    q->weight_bits = o->weight_bits, q->hidden_bits = o->hidden_bits;
    q->readout_bits = o->readout_bits, q->noise_bits = o->noise_bits, q->seed = o->seed;
    for (int l = 0; l <= L; l++) {
        quant_stage_report *st = &r.stage[l];
        if (check_stage(m, l, what, st, err) != 0)
            return -1;
        st->scale = wmax / (st->ff_max > st->rec_max ? st->ff_max : st->rec_max); /* §8.1-8.2 */
        float alpha = l < L ? c->layer[l].alpha : c->out_alpha;
        float beta = l < L ? c->layer[l].beta : c->out_beta;
        int32_t alpha_q = quantize_decay_q12(alpha), beta_q = quantize_decay_q12(beta); /* §8.3 */
        st->alpha_err = alpha_q / 4096.0 - alpha;
        st->beta_err = beta_q / 4096.0 - beta;
        if (l == L) {
            q->out_alpha_q = alpha_q, q->out_beta_q = beta_q;
            continue;
        }
        const snn_layer_config *h = &c->layer[l];
        qnet_layer *y = &q->layer[l];
        y->size = h->size, y->n_exc = h->n_exc, y->recurrent = h->recurrent;
        y->alpha_q = alpha_q, y->beta_q = beta_q;
        if (quantize_theta(h, l, L, st->scale, o->hidden_bits, what, &y->theta, err) != 0)
            return -1;
    }
    if (qnet_alloc(q, err) != 0)
        return -1;
    for (int l = 0; l <= L; l++) {
        quant_stage_report *st = &r.stage[l];
        stage_matrices s = stage_of(m, l);
        uint16_t *dst[2] = {q->ff[l], l < L ? q->rec[l] : NULL};
        for (int k = 0; k < 2 && s.m[k]; k++)
            for (size_t i = 0; i < s.n[k]; i++)
                dst[k][i] = quantize_magnitude(s.m[k][i], st->scale, o->weight_bits, &st->zeroed,
                                               &st->saturated);
    }
    if (qnet_check(q, what, err) != 0) {
        qnet_free(q);
        return -1;
    }
    if (rep)
        *rep = r;
    return 0;
}

/* Fake-quantizes one stage (spec §8.6): w -> sign(w) round(s|w|) / s at the
 * stage's one scale s = (2^B - 1) / max|w| over its matrices; dst may be src. */
static void fake_stage(const float *const src[2], float *const dst[2], const size_t n[2],
                       int bits)
{
    double m = 0;
    for (int k = 0; k < 2; k++)
        if (src[k]) {
            double mk = max_abs_f(src[k], n[k]);
            m = mk > m ? mk : m;
        }
    double scale = m > 0 ? ((double)((1u << bits) - 1)) / m : 0;
    size_t unused_zeroed = 0, unused_saturated = 0;
    for (int k = 0; k < 2; k++) {
        if (!src[k])
            continue;
        if (m == 0) { /* an all-zero stage stays zero */
            memmove(dst[k], src[k], n[k] * sizeof *dst[k]);
            continue;
        }
        for (size_t i = 0; i < n[k]; i++) {
            double mag = quantize_magnitude(src[k][i], scale, bits, &unused_zeroed,
                                            &unused_saturated);
            dst[k][i] = (float)((src[k][i] < 0 ? -mag : mag) / scale);
        }
    }
}

void quantize_fake_weights(const snn_model *src, int bits, snn_model *dst)
{
    const snn_config *c = &src->cfg;
    for (int l = 0; l <= c->n_layers; l++) {
        stage_matrices s = stage_of(src, l);
        float *const d[2] = {dst->ff[l], s.m[1] ? dst->rec[l] : NULL};
        fake_stage(s.m, d, s.n, bits);
    }
}

int quantize_measure_ranges(const qnet *q, const spike_data *data, int threads,
                            qnet_ranges *ranges, uint64_t sat[SAT_KINDS], snn_error *err)
{
    if (data->n_inputs != q->n_in || data->steps != q->steps)
        return snn_fail(err, "data has %d inputs x %d steps; the quantized model takes %d x %d",
                        data->n_inputs, data->steps, q->n_in, q->steps);
    enum { N_MAX = sizeof(qnet_ranges) / sizeof(int64_t) };
    int64_t m[N_MAX] = {0}; /* a qnet_ranges as a flat array, for the max-reduction */
    uint64_t s[SAT_KINDS] = {0};
    size_t scratch_size = qnet_scratch_size(q);
    int oom = 0;
    if (threads < 1)
        threads = omp_get_max_threads();
#pragma omp parallel num_threads(threads) reduction(max : m[:N_MAX]) \
    reduction(+ : s[:SAT_KINDS]) reduction(| : oom)
    {
        void *scratch = aligned_alloc(64, scratch_size);
        oom = !scratch;
        qnet_ranges mine = {0};
#pragma omp for schedule(dynamic, 64)
        for (int i = 0; i < data->n; i++) {
            if (!scratch)
                continue;
            qnet_result res;
            qnet_run_image_ranges(q, data->events, data->step_start + (size_t)i * (data->steps + 1),
                                  (uint32_t)i, scratch, &res, &mine);
            for (int k = 0; k < SAT_KINDS; k++)
                s[k] += res.sat[k];
        }
        memcpy(m, &mine, sizeof mine);
        free(scratch);
    }
    if (oom)
        return snn_fail(err, "out of memory for the integer model's scratch");
    memcpy(ranges, m, sizeof *ranges);
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
