/* test_kernels.c - the event-driven kernels against a plain dense reference.
 *
 * The reference below is written separately and obviously: full state
 * histories of every layer, dense loops over every presynaptic neuron at every
 * step, and backpropagation through time as += updates on whole adjoint arrays
 * (in double). Random small networks of 1 to 3 hidden layers, recurrent or
 * not, mixed E:I ratios and per-layer constants: every spike and membrane value
 * must match exactly, outputs and gradients within 1e-5 (2e-5 for deep
 * networks) of the array's largest value.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../sw/net/kernels.h"

enum { NI = 24, NK = 5, NT = 40, MAXL = 3, MAXN = 16 };

typedef struct {
    float x[NT][NI];
    float syn[MAXL][NT + 1][MAXN], mem[MAXL][NT + 1][MAXN], S[MAXL][NT][MAXN];
    float h2[NT][NK], flt[NT + 1][NK], out[NT + 1][NK], logits[NK];
    int tmax[NK];
    double dI[MAXL][NT][MAXN];
} reference;

/* Presynaptic activity of layer l at step t: the input for l = 0. */
static float pre(const reference *r, int l, int t, int i)
{
    return l == 0 ? r->x[t][i] : r->S[l - 1][t][i];
}

static void ref_forward(const snn_model *m, reference *r)
{
    const snn_config *c = &m->cfg;
    memset(r->syn, 0, sizeof r->syn);
    memset(r->mem, 0, sizeof r->mem);
    memset(r->flt, 0, sizeof r->flt);
    memset(r->out, 0, sizeof r->out);
    for (int l = 0; l < c->n_layers; l++) {
        const snn_layer_config *h = &c->layer[l];
        int np = snn_ff_rows(c, l), N = h->size;
        for (int t = 0; t < NT; t++)
            for (int j = 0; j < N; j++) {
                /* I[t] = ff^T S_pre[t] + rec^T S[t-1], summed in presynaptic order */
                float sum = 0;
                for (int i = 0; i < np; i++)
                    if (pre(r, l, t, i) != 0)
                        sum += pre(r, l, t, i) * m->ff[l][i * N + j];
                for (int i = 0; h->recurrent && t > 0 && i < N; i++)
                    if (r->S[l][t - 1][i] != 0)
                        sum += m->rec[l][i * N + j];
                r->S[l][t][j] = r->mem[l][t][j] > h->threshold ? 1.0f : 0.0f;
                r->syn[l][t + 1][j] = h->alpha * r->syn[l][t][j] + sum;
                r->mem[l][t + 1][j] =
                    (h->beta * r->mem[l][t][j] + r->syn[l][t][j]) * (1.0f - r->S[l][t][j]);
            }
    }
    int L = c->n_layers, H = c->layer[L - 1].size;
    for (int t = 0; t < NT; t++)
        for (int k = 0; k < NK; k++) {
            float sum = 0;
            for (int j = 0; j < H; j++)
                if (r->S[L - 1][t][j] != 0)
                    sum += m->ff[L][j * NK + k];
            r->h2[t][k] = sum;
            r->flt[t + 1][k] = c->out_alpha * r->flt[t][k] + r->h2[t][k];
            r->out[t + 1][k] = c->out_beta * r->out[t][k] + r->flt[t][k];
        }
    for (int k = 0; k < NK; k++) {
        r->tmax[k] = 0;
        for (int t = 1; t <= NT; t++)
            if (r->out[t][k] > r->out[r->tmax[k]][k])
                r->tmax[k] = t;
        r->logits[k] = r->out[r->tmax[k]][k];
    }
}

/* Gradients into g (a model of m's config, overwritten). */
static void ref_backward(const snn_model *m, int label, double scale, reference *r, snn_model *g)
{
    const snn_config *c = &m->cfg;
    int L = c->n_layers;
    static double dout[NT + 1][NK], dflt[NT + 1][NK], dh2[NT][NK], dS[NT][MAXN];
    static double dmem[NT + 1][MAXN], dsyn[NT + 1][MAXN];
    memset(dout, 0, sizeof dout);
    memset(dflt, 0, sizeof dflt);
    double mx = r->logits[0], z = 0;
    for (int k = 0; k < NK; k++)
        mx = fmax(mx, r->logits[k]);
    for (int k = 0; k < NK; k++)
        z += exp(r->logits[k] - mx);
    for (int k = 0; k < NK; k++)
        dout[r->tmax[k]][k] += exp(r->logits[k] - mx) / z - (k == label);
    for (int t = NT; t >= 1; t--) /* out[t] = beta out[t-1] + flt[t-1] */
        for (int k = 0; k < NK; k++) {
            dout[t - 1][k] += c->out_beta * dout[t][k];
            dflt[t - 1][k] += dout[t][k];
        }
    for (int t = NT; t >= 1; t--) /* flt[t] = alpha flt[t-1] + h2[t-1] */
        for (int k = 0; k < NK; k++) {
            dflt[t - 1][k] += c->out_alpha * dflt[t][k];
            dh2[t - 1][k] = dflt[t][k];
        }
    for (int l = L - 1; l >= 0; l--) {
        const snn_layer_config *h = &c->layer[l];
        int N = h->size, n = snn_ff_cols(c, l + 1);
        for (int t = 0; t < NT; t++) /* what layer l drives: h2[t] or I_{l+1}[t] = S[t] W */
            for (int j = 0; j < N; j++) {
                dS[t][j] = 0;
                for (int k = 0; k < n; k++)
                    dS[t][j] += m->ff[l + 1][j * n + k] * (l == L - 1 ? dh2[t][k] : r->dI[l + 1][t][k]);
            }
        memset(dmem, 0, sizeof dmem);
        memset(dsyn, 0, sizeof dsyn);
        for (int t = NT - 1; t >= 0; t--)
            for (int j = 0; j < N; j++) {
                /* mem[t+1] = (beta mem[t] + syn[t]) (1 - S[t]), S detached in the reset */
                dmem[t][j] += dmem[t + 1][j] * h->beta * (1 - r->S[l][t][j]);
                dsyn[t][j] += dmem[t + 1][j] * (1 - r->S[l][t][j]);
                /* syn[t+1] = alpha syn[t] + I[t] */
                dsyn[t][j] += dsyn[t + 1][j] * h->alpha;
                r->dI[l][t][j] = dsyn[t + 1][j];
                /* I[t+1] += rec^T S[t] */
                for (int k = 0; h->recurrent && t + 1 < NT && k < N; k++)
                    dS[t][j] += m->rec[l][j * N + k] * r->dI[l][t + 1][k];
                /* S[t] = H(mem[t] - thr), surrogate 1/(scale |mem - thr| + 1)^2 */
                double x = scale * fabs(r->mem[l][t][j] - h->threshold) + 1.0;
                dmem[t][j] += dS[t][j] / (x * x);
            }
    }
    for (int l = 0; l <= L; l++) {
        int np = snn_ff_rows(c, l), n = snn_ff_cols(c, l);
        for (int i = 0; i < np; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < NT; t++)
                    s += pre(r, l, t, i) * (l == L ? dh2[t][j] : r->dI[l][t][j]);
                g->ff[l][i * n + j] = (float)s;
            }
    }
    for (int l = 0; l < L; l++) {
        int N = c->layer[l].size;
        for (int i = 0; c->layer[l].recurrent && i < N; i++)
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int t = 1; t < NT; t++)
                    s += r->S[l][t - 1][i] * r->dI[l][t][j];
                g->rec[l][i * N + j] = (float)s;
            }
    }
}

/* |a - b| <= tol max|b|: relative to the array's largest value, since single
 * elements that cancel to ~0 have no meaningful relative error in float32. */
static void assert_close(const char *what, int l, const float *a, const float *b, size_t n,
                         float rel)
{
    float scale = 0;
    for (size_t i = 0; i < n; i++)
        scale = fmaxf(scale, fabsf(b[i]));
    for (size_t i = 0; i < n; i++) {
        float tol = rel * scale + 1e-30f;
        if (!(fabsf(a[i] - b[i]) <= tol)) {
            print_error("%s%d[%zu]: kernel %.9g vs reference %.9g (tolerance %.3g)\n", what, l, i,
                        a[i], b[i], tol);
            fail();
        }
    }
}

/* Case `seed`: 1 to 3 layers, recurrence, ratios and constants drawn per layer;
 * every fourth case without Dale's law. */
static void random_case(unsigned seed, snn_model *m, reference *r, spike_data *data, int *label)
{
    snn_rng rng;
    snn_rng_seed(&rng, seed, 7);
    snn_config c = snn_default_config();
    c.n_in = NI, c.n_out = NK, c.steps = NT;
    c.n_layers = seed <= 6 ? 1 : 1 + (int)snn_rng_below(&rng, MAXL);
    for (int l = 0; l < c.n_layers; l++) {
        snn_layer_config *h = &c.layer[l];
        h->size = seed <= 6 ? 14 : 8 + (int)snn_rng_below(&rng, MAXN - 7);
        h->n_exc = snn_exc_count(h->size, 0.25 * snn_rng_below(&rng, 5));
        h->recurrent = seed > 6 && snn_rng_below(&rng, 3) != 0;
        h->alpha = (float)exp(-1.0 / (2 + 6 * snn_rng_uniform(&rng)));
        h->beta = (float)exp(-1.0 / (5 + 10 * snn_rng_uniform(&rng)));
        h->threshold = (float)(0.5 + snn_rng_uniform(&rng));
    }
    if (seed > 6) {
        c.out_alpha = (float)exp(-1.0 / (2 + 6 * snn_rng_uniform(&rng)));
        c.out_beta = (float)exp(-1.0 / (5 + 10 * snn_rng_uniform(&rng)));
    }
    c.dale = seed % 4 != 0;
    assert_int_equal(snn_model_alloc(m, &c, NULL), 0);
    snn_model_init(m, 0.08 + 0.06 * (seed % 5), &rng);
    /* Stronger hidden->hidden and readout weights than a deep init, so that deep layers
     * fire in 40 steps and gradients are not all cancellation. */
    for (int l = 1; l < c.n_layers; l++)
        for (int i = 0; i < c.layer[l - 1].size * c.layer[l].size; i++)
            m->ff[l][i] *= 8;
    for (int i = 0; c.n_layers > 1 && i < c.layer[c.n_layers - 1].size * NK; i++)
        m->ff[c.n_layers][i] *= 7;
    uint32_t ev_sample[NT * NI];
    uint16_t ev_step[NT * NI], ev_input[NT * NI];
    size_t n = 0;
    memset(r->x, 0, sizeof r->x);
    for (int t = 0; t < NT; t++)
        for (int i = 0; i < NI; i++)
            if (snn_rng_uniform(&rng) < 0.12) {
                r->x[t][i] = 1;
                ev_sample[n] = 0, ev_step[n] = (uint16_t)t, ev_input[n] = (uint16_t)i;
                n++;
            }
    uint8_t *labels = malloc(1);
    *label = labels[0] = (uint8_t)snn_rng_below(&rng, NK);
    assert_int_equal(spike_data_from_events(1, NI, NT, NK, labels, n, ev_sample, ev_step, ev_input,
                                            data, NULL), 0);
}

static void test_forward_and_gradients_match_reference(void **state)
{
    (void)state;
    int spikes[MAXL] = {0}, recurrent_cases = 0;
    for (unsigned seed = 1; seed <= 60; seed++) {
        snn_model m, g, rg;
        static reference r;
        spike_data data;
        int label;
        random_case(seed, &m, &r, &data, &label);
        const snn_config *c = &m.cfg;
        snn_workspace ws;
        assert_int_equal(snn_workspace_alloc(&ws, c, NULL), 0);
        snn_forward(&m, &data, 0, &ws);
        ref_forward(&m, &r);
        for (int l = 0; l < c->n_layers; l++) {
            int N = c->layer[l].size;
            recurrent_cases += c->layer[l].recurrent;
            for (int t = 0; t < NT; t++)
                for (int j = 0; j < N; j++) {
                    const snn_layer_workspace *y = &ws.layer[l];
                    if (y->spk[t * N + j] != (r.S[l][t][j] != 0) ||
                        y->mem[t * N + j] != r.mem[l][t][j]) {
                        print_error("seed %u: layer %d step %d neuron %d: spike %d/%g mem "
                                    "%.9g/%.9g\n", seed, l, t, j, y->spk[t * N + j], r.S[l][t][j],
                                    y->mem[t * N + j], r.mem[l][t][j]);
                        fail();
                    }
                    spikes[l] += y->spk[t * N + j];
                }
        }
        assert_close("out", 0, ws.out, &r.out[0][0], (NT + 1) * NK, 1e-5f);
        assert_close("logits", 0, ws.logits, r.logits, NK, 1e-5f);
        /* The paper's surrogate slope, and a softer one (--surrogate). */
        const float scales[2] = {SNN_PAPER_SURROGATE_SCALE, 7.5f};
        float rel = c->n_layers == 1 ? 1e-5f : 2e-5f;
        assert_int_equal(snn_model_alloc(&g, c, NULL), 0);
        assert_int_equal(snn_model_alloc(&rg, c, NULL), 0);
        for (int i = 0; i < 2; i++) {
            memset(snn_model_weights(&g), 0, sizeof(float) * snn_model_weight_count(c));
            snn_backward(&m, &data, 0, label, scales[i], &ws, &g);
            ref_backward(&m, label, scales[i], &r, &rg);
            for (int l = 0; l <= c->n_layers; l++)
                assert_close("dff", l, g.ff[l], rg.ff[l],
                             (size_t)snn_ff_rows(c, l) * snn_ff_cols(c, l), rel);
            for (int l = 0; l < c->n_layers; l++)
                if (c->layer[l].recurrent)
                    assert_close("drec", l, g.rec[l], rg.rec[l],
                                 (size_t)c->layer[l].size * c->layer[l].size, rel);
        }
        snn_model_free(&g);
        snn_model_free(&rg);
        snn_workspace_free(&ws);
        spike_data_free(&data);
        snn_model_free(&m);
    }
    /* The cases must exercise spikes in every layer and recurrence, or the comparison
     * proves little. */
    print_message("spikes per layer: %d %d %d; recurrent layers: %d\n", spikes[0], spikes[1],
                  spikes[2], recurrent_cases);
    assert_true(spikes[0] > 60 * 20 && spikes[1] > 500 && spikes[2] > 200);
    assert_true(recurrent_cases > 20);
}

static void test_loss_gradient_is_softmax_minus_onehot(void **state)
{
    (void)state;
    float logits[3] = {1.0f, 2.0f, 0.5f}, d[3];
    float loss = snn_loss(logits, 3, 1, d);
    double z = exp(1.0) + exp(2.0) + exp(0.5);
    assert_float_equal(loss, log(z) - 2.0, 1e-6);
    assert_float_equal(d[0], exp(1.0) / z, 1e-6);
    assert_float_equal(d[1], exp(2.0) / z - 1, 1e-6);
    assert_float_equal(d[2], exp(0.5) / z, 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_and_gradients_match_reference),
        cmocka_unit_test(test_loss_gradient_is_softmax_minus_onehot),
    };
    return cmocka_run_group_tests_name("kernels", tests, NULL, NULL);
}
