/* test_kernels.c - the event-driven kernels against a plain dense reference.
 *
 * The reference below is written separately and obviously: full state
 * histories, dense loops over every input at every step, and backpropagation
 * through time as += updates on whole adjoint arrays. Random small networks;
 * every forward state and every gradient must agree within 1e-5 relative.
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

enum { NI = 24, NH = 14, NK = 5, NT = 40 };

typedef struct {
    float x[NT][NI];
    float syn[NT + 1][NH], mem[NT + 1][NH], S[NT][NH], I[NT][NH];
    float h2[NT][NK], flt[NT + 1][NK], out[NT + 1][NK], logits[NK];
    int tmax[NK];
    float dW1[NI][NH], dW2[NH][NK];
} reference;

static void ref_forward(const snn_model *m, reference *r)
{
    const snn_config *c = &m->cfg;
    memset(r->syn, 0, sizeof r->syn);
    memset(r->mem, 0, sizeof r->mem);
    memset(r->flt, 0, sizeof r->flt);
    memset(r->out, 0, sizeof r->out);
    for (int t = 0; t < NT; t++)
        for (int j = 0; j < NH; j++) {
            float sum = 0;
            for (int i = 0; i < NI; i++)
                if (r->x[t][i] != 0)
                    sum += r->x[t][i] * m->ff[0][i * NH + j];
            r->I[t][j] = sum;
            r->S[t][j] = r->mem[t][j] > c->layer[0].threshold ? 1.0f : 0.0f;
            r->syn[t + 1][j] = c->layer[0].alpha * r->syn[t][j] + r->I[t][j];
            r->mem[t + 1][j] =
                (c->layer[0].beta * r->mem[t][j] + r->syn[t][j]) * (1.0f - r->S[t][j]);
        }
    for (int t = 0; t < NT; t++)
        for (int k = 0; k < NK; k++) {
            float sum = 0;
            for (int j = 0; j < NH; j++)
                if (r->S[t][j] != 0)
                    sum += m->ff[1][j * NK + k];
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

static void ref_backward(const snn_model *m, int label, double scale, reference *r)
{
    const snn_config *c = &m->cfg;
    static double dout[NT + 1][NK], dflt[NT + 1][NK], dh2[NT][NK], dS[NT][NH];
    static double dmem[NT + 1][NH], dsyn[NT + 1][NH], dI[NT][NH];
    memset(dout, 0, sizeof dout);
    memset(dflt, 0, sizeof dflt);
    memset(dmem, 0, sizeof dmem);
    memset(dsyn, 0, sizeof dsyn);
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
    for (int t = 0; t < NT; t++) /* h2[t] = S[t] W2 */
        for (int j = 0; j < NH; j++) {
            dS[t][j] = 0;
            for (int k = 0; k < NK; k++)
                dS[t][j] += m->ff[1][j * NK + k] * dh2[t][k];
        }
    for (int j = 0; j < NH; j++)
        for (int k = 0; k < NK; k++) {
            double g = 0;
            for (int t = 0; t < NT; t++)
                g += r->S[t][j] * dh2[t][k];
            r->dW2[j][k] = (float)g;
        }
    for (int t = NT - 1; t >= 0; t--)
        for (int j = 0; j < NH; j++) {
            /* mem[t+1] = (beta mem[t] + syn[t]) (1 - S[t]), S detached in the reset */
            dmem[t][j] += dmem[t + 1][j] * c->layer[0].beta * (1 - r->S[t][j]);
            dsyn[t][j] += dmem[t + 1][j] * (1 - r->S[t][j]);
            /* syn[t+1] = alpha syn[t] + I[t] */
            dsyn[t][j] += dsyn[t + 1][j] * c->layer[0].alpha;
            dI[t][j] = dsyn[t + 1][j];
            /* S[t] = H(mem[t] - thr), surrogate 1/(scale |mem - thr| + 1)^2 */
            double x = scale * fabs(r->mem[t][j] - c->layer[0].threshold) + 1.0;
            dmem[t][j] += dS[t][j] / (x * x);
        }
    for (int i = 0; i < NI; i++)
        for (int j = 0; j < NH; j++) {
            double g = 0;
            for (int t = 0; t < NT; t++)
                g += r->x[t][i] * dI[t][j];
            r->dW1[i][j] = (float)g;
        }
}

/* |a - b| <= 1e-5 max|b|: relative to the array's largest value, since single
 * elements that cancel to ~0 have no meaningful relative error in float32. */
static void assert_close(const char *what, const float *a, const float *b, int n)
{
    float scale = 0;
    for (int i = 0; i < n; i++)
        scale = fmaxf(scale, fabsf(b[i]));
    for (int i = 0; i < n; i++) {
        float tol = 1e-5f * scale + 1e-30f;
        if (!(fabsf(a[i] - b[i]) <= tol)) {
            print_error("%s[%d]: kernel %.9g vs reference %.9g (tolerance %.3g)\n", what, i, a[i],
                        b[i], tol);
            fail();
        }
    }
}

static void random_case(unsigned seed, snn_model *m, reference *r, spike_data *data, int *label)
{
    snn_config c = snn_default_config();
    c.n_in = NI, c.layer[0].size = NH, c.n_out = NK, c.steps = NT, c.layer[0].n_exc = NH * 3 / 4;
    c.dale = seed % 3 != 0; /* also the unbounded network */
    assert_int_equal(snn_model_alloc(m, &c, NULL), 0);
    snn_rng rng;
    snn_rng_seed(&rng, seed, 7);
    snn_model_init(m, 0.08 + 0.06 * (seed % 5), &rng);
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
    int total_spikes = 0;
    for (unsigned seed = 1; seed <= 30; seed++) {
        snn_model m;
        static reference r;
        spike_data data;
        int label;
        random_case(seed, &m, &r, &data, &label);
        snn_workspace ws;
        assert_int_equal(snn_workspace_alloc(&ws, &m.cfg, NULL), 0);
        snn_forward(&m, &data, 0, &ws);
        ref_forward(&m, &r);
        for (int t = 0; t < NT; t++)
            for (int j = 0; j < NH; j++) {
                if (ws.layer[0].spk[t * NH + j] != (r.S[t][j] != 0) || ws.layer[0].mem[t * NH + j] != r.mem[t][j]) {
                    print_error("seed %u: step %d neuron %d: spike %d/%g mem %.9g/%.9g\n", seed, t,
                                j, ws.layer[0].spk[t * NH + j], r.S[t][j], ws.layer[0].mem[t * NH + j], r.mem[t][j]);
                    fail();
                }
                total_spikes += ws.layer[0].spk[t * NH + j];
            }
        assert_close("out", ws.out, &r.out[0][0], (NT + 1) * NK);
        assert_close("logits", ws.logits, r.logits, NK);
        /* The paper's surrogate slope, and a softer one (--surrogate). */
        const float scales[2] = {SNN_PAPER_SURROGATE_SCALE, 7.5f};
        for (int i = 0; i < 2; i++) {
            snn_model g;
            assert_int_equal(snn_model_alloc(&g, &m.cfg, NULL), 0);
            snn_backward(&m, &data, 0, label, scales[i], &ws, &g);
            ref_backward(&m, label, scales[i], &r);
            assert_close("dW1", g.ff[0], &r.dW1[0][0], NI * NH);
            assert_close("dW2", g.ff[1], &r.dW2[0][0], NH * NK);
            snn_model_free(&g);
        }
        snn_workspace_free(&ws);
        spike_data_free(&data);
        snn_model_free(&m);
    }
    /* The cases must exercise spikes, or the comparison proves little. */
    assert_true(total_spikes > 30 * 20);
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
