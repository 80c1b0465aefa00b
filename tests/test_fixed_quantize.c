/* test_fixed_quantize.c - the quantizer (spec §8) with hand-computed vectors:
 * scales, weight rounding, theta, the decays via Q16.16, refusals, fake
 * quantization for QAT, and the register-range measurement; for the paper's
 * network and for a two-layer one with a recurrent layer (per-layer scales,
 * thetas and decays, the readout's own).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../sw/fixed/qnet_io.h"
#include "../sw/fixed/quantize.h"

/* 3 inputs, hidden j0 excitatory and j1 inhibitory, 2 readouts:
 * w1 = [0.5 0.25; 0.001 0; 0.1 0.3], w2 = [0.2 0.0001; -0.1 -0.05]. */
static snn_model tiny_model(void)
{
    snn_config c = snn_default_config();
    c.n_in = 3, c.layer[0].size = 2, c.n_out = 2, c.layer[0].n_exc = 1, c.steps = 5;
    snn_model m;
    assert_int_equal(snn_model_alloc(&m, &c, NULL), 0);
    const float w1[6] = {0.5f, 0.25f, 0.001f, 0.0f, 0.1f, 0.3f};
    const float w2[4] = {0.2f, 0.0001f, -0.1f, -0.05f};
    memcpy(m.ff[0], w1, sizeof w1);
    memcpy(m.ff[1], w2, sizeof w2);
    return m;
}

static void test_quantize_by_hand(void **unused)
{
    (void)unused;
    snn_model m = tiny_model();
    quant_options o = quant_default_options();
    qnet q;
    quant_report r;
    snn_error err;
    assert_int_equal(quantize_model(&m, &o, "tiny", &q, &r, &err), 0);
    /* s_h = 255 / 0.5 = 510: 255, 127.5 -> 128 (half away from zero), 0.51 -> 1, 0, 51, 153 */
    const uint16_t w1[6] = {255, 128, 1, 0, 51, 153};
    /* s_o = 255 / 0.2 = 1275: 255, 0.1275 -> 0 (zeroed), 127.5 -> 128, 63.75 -> 64 */
    const uint16_t w2[4] = {255, 0, 128, 64};
    assert_memory_equal(q.ff[0], w1, sizeof w1);
    assert_memory_equal(q.ff[1], w2, sizeof w2);
    assert_int_equal(q.layer[0].theta, 510);
    assert_int_equal(q.layer[0].alpha_q, 3354); /* round(4096 * 0.8187308) = round(3353.52) */
    assert_int_equal(q.layer[0].beta_q, 3706);  /* round(3706.21) */
    assert_int_equal(q.weight_bits, 8);
    assert_int_equal(q.layer[0].n_exc, 1);
    assert_true(fabs(r.stage[0].scale - 510) < 1e-3 && fabs(r.stage[1].scale - 1275) < 1e-2);
    assert_int_equal(r.stage[0].zeroed, 0);
    assert_int_equal(r.stage[1].zeroed, 1);
    assert_int_equal(r.stage[0].nonzero, 5);
    assert_int_equal(r.stage[0].saturated + r.stage[1].saturated, 0);
    assert_true(fabs(r.stage[0].alpha_err - (3354 / 4096.0 - m.cfg.layer[0].alpha)) < 1e-12);
    assert_int_equal(q.out_alpha_q, 3354); /* the paper's readout: the hidden decays */
    assert_int_equal(q.out_beta_q, 3706);
    assert_true(qnet_is_single_layer(&q));
    qnet_free(&q);
    /* 2-bit: s_h = 6: 3, 1.5 -> 2, 0.006 -> 0 (zeroed), 0, 0.6 -> 1, 1.8 -> 2; theta 6 */
    o.weight_bits = 2;
    assert_int_equal(quantize_model(&m, &o, "tiny", &q, &r, &err), 0);
    const uint16_t w1_2[6] = {3, 2, 0, 0, 1, 2};
    assert_memory_equal(q.ff[0], w1_2, sizeof w1_2);
    assert_int_equal(q.layer[0].theta, 6);
    assert_int_equal(r.stage[0].zeroed, 1);
    qnet_free(&q);
    snn_model_free(&m);
}

static void test_quantize_refusals(void **unused)
{
    (void)unused;
    snn_model m = tiny_model();
    quant_options o = quant_default_options();
    qnet q;
    snn_error err;
    o.hidden_bits = 10; /* 510 <= 511 fits */
    assert_int_equal(quantize_model(&m, &o, "tiny", &q, NULL, &err), 0);
    qnet_free(&q);
    o.hidden_bits = 9; /* 510 > 255 */
    assert_int_equal(quantize_model(&m, &o, "tiny", &q, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "tiny"));
    assert_non_null(strstr(err.msg, "theta = 510"));
    assert_non_null(strstr(err.msg, "needs H >= 10"));
    assert_null(q.ff[0]);
    o.hidden_bits = 24;
    m.ff[1][1] = -0.001f; /* inhibitory sign on an excitatory neuron */
    assert_int_equal(quantize_model(&m, &o, "tiny", &q, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "Dale"));
    m.ff[1][1] = 0;
    m.cfg.dale = 0;
    assert_int_equal(quantize_model(&m, &o, "tiny", &q, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "Dale"));
    m.cfg.dale = 1;
    memset(m.ff[0], 0, 6 * sizeof *m.ff[0]);
    assert_int_equal(quantize_model(&m, &o, "tiny", &q, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "all input weights are zero"));
    snn_model_free(&m);
}

/* spec §8.3: Q16.16 then Q0.12, each rounding half away from zero, capped at 4095. */
static void test_decay_q12(void **unused)
{
    (void)unused;
    assert_int_equal(quantize_decay_q12((float)exp(-1.0 / 5)), 3354);
    assert_int_equal(quantize_decay_q12((float)exp(-1.0 / 10)), 3706);
    assert_int_equal(quantize_decay_q12((float)exp(-1.0 / 5 * 2)), 2746); /* tau 2.5: 2745.63 */
    assert_int_equal(quantize_decay_q12(0.0f), 0);
    assert_int_equal(quantize_decay_q12(0.5f), 2048);
    assert_int_equal(quantize_decay_q12(0.99999f), 4095); /* 65535 -> 4096.4 -> capped */
    for (int d16 = 0; d16 < 65536; d16++) {
        int32_t expect = (d16 + 8) / 16 > 4095 ? 4095 : (d16 + 8) / 16;
        int32_t got = quantize_decay_q12((float)(d16 / 65536.0));
        if (got != expect)
            fail_msg("decay %d/65536: got %d, expected %d", d16, got, expect);
        /* The double rounding stays within 1/8192 + 1/131072 of the float decay. */
        if (d16 < 65528 && fabs(got / 4096.0 - d16 / 65536.0) > 1.0 / 8192 + 1.0 / 131072)
            fail_msg("decay %d/65536 -> %d: error too large", d16, got);
    }
}

static void test_fake_weights(void **unused)
{
    (void)unused;
    snn_model m = tiny_model(), f = tiny_model();
    quantize_fake_weights(&m, 2, &f);
    /* w1: scale 6 -> {3, 2, 0, 0, 1, 2} / 6; w2: scale 15 -> {3, 0, -2, -1} / 15 */
    const float w1[6] = {0.5f, 2 / 6.0f, 0, 0, 1 / 6.0f, 2 / 6.0f};
    const float w2[4] = {0.2f, 0, -2 / 15.0f, -1 / 15.0f};
    for (int i = 0; i < 6; i++)
        assert_float_equal(f.ff[0][i], w1[i], 1e-7);
    for (int i = 0; i < 4; i++)
        assert_float_equal(f.ff[1][i], w2[i], 1e-7);
    /* In place (src == dst) gives the same. */
    quantize_fake_weights(&m, 2, &m);
    assert_memory_equal(m.ff[0], f.ff[0], 6 * sizeof *m.ff[0]);
    assert_memory_equal(m.ff[1], f.ff[1], 4 * sizeof *m.ff[1]);
    /* Idempotent: fake-quantized weights are already on the grid. */
    quantize_fake_weights(&f, 2, &m);
    assert_memory_equal(m.ff[0], f.ff[0], 6 * sizeof *m.ff[0]);
    /* Fake weights times the scale are exactly the integer magnitudes. */
    snn_model g = tiny_model();
    quantize_fake_weights(&g, 8, &f);
    qnet q;
    quant_options o = quant_default_options();
    assert_int_equal(quantize_model(&g, &o, "tiny", &q, NULL, NULL), 0);
    for (int i = 0; i < 6; i++)
        assert_float_equal(f.ff[0][i] * 510.0, q.ff[0][i], 1e-3);
    qnet_free(&q);
    snn_model_free(&g);
    snn_model_free(&f);
    snn_model_free(&m);
}

/* 2 inputs -> layer 0 (2 neurons, E + I, recurrent) -> layer 1 (E + I) -> 2 readouts:
 * ff0 = [0.3 0.1; 0.04 0], rec0 = [0 0.5; -0.2 0], ff1 = [0.6 0; -0.15 -0.2],
 * ff2 = [0.1 0.04; -0.02 0]; thresholds 0.5 and 1; decays (alpha, beta) 0.5/0.25,
 * 0.75/0.125, readout 0.875/0.0625 (all exact in Q0.12). */
static snn_model deep_model(void)
{
    snn_config c = snn_default_config();
    c.n_in = 2, c.n_out = 2, c.steps = 5, c.n_layers = 2;
    c.layer[0] = (snn_layer_config){.size = 2, .n_exc = 1, .recurrent = 1, .alpha = 0.5f,
                                    .beta = 0.25f, .threshold = 0.5f};
    c.layer[1] = (snn_layer_config){.size = 2, .n_exc = 1, .alpha = 0.75f, .beta = 0.125f,
                                    .threshold = 1.0f};
    c.out_alpha = 0.875f, c.out_beta = 0.0625f;
    snn_model m;
    assert_int_equal(snn_model_alloc(&m, &c, NULL), 0);
    const float ff0[4] = {0.3f, 0.1f, 0.04f, 0}, rec0[4] = {0, 0.5f, -0.2f, 0};
    const float ff1[4] = {0.6f, 0, -0.15f, -0.2f}, ff2[4] = {0.1f, 0.04f, -0.02f, 0};
    memcpy(m.ff[0], ff0, sizeof ff0);
    memcpy(m.rec[0], rec0, sizeof rec0);
    memcpy(m.ff[1], ff1, sizeof ff1);
    memcpy(m.ff[2], ff2, sizeof ff2);
    return m;
}

/* spec §8 per layer: one scale for ff[l] and rec[l], theta and decays per layer,
 * the readout's own scale and decays. */
static void test_quantize_deep(void **unused)
{
    (void)unused;
    snn_model m = deep_model();
    quant_options o = quant_default_options();
    qnet q;
    quant_report r;
    snn_error err;
    if (quantize_model(&m, &o, "deep", &q, &r, &err) != 0)
        fail_msg("%s", err.msg);
    /* layer 0: s = 255 / max(0.3, 0.5) = 510 (not 255 / 0.3 = 850: rec0 shares it):
     * ff0 -> 153, 51, 20.4 -> 20, 0; rec0 -> 0, 255, 102, 0; theta = 255. */
    const uint16_t ff0[4] = {153, 51, 20, 0}, rec0[4] = {0, 255, 102, 0};
    /* layer 1: s = 255 / 0.6 = 425: 255, 0, 63.75 -> 64, 85; theta = 425.
     * readout: s = 255 / 0.1 = 2550: 255, 102, 51, 0. */
    const uint16_t ff1[4] = {255, 0, 64, 85}, ff2[4] = {255, 102, 51, 0};
    assert_memory_equal(q.ff[0], ff0, sizeof ff0);
    assert_memory_equal(q.rec[0], rec0, sizeof rec0);
    assert_memory_equal(q.ff[1], ff1, sizeof ff1);
    assert_memory_equal(q.ff[2], ff2, sizeof ff2);
    assert_null(q.rec[1]);
    assert_int_equal(q.n_layers, 2);
    assert_int_equal(q.layer[0].recurrent, 1);
    assert_int_equal(q.layer[1].recurrent, 0);
    assert_int_equal(q.layer[0].theta, 255);
    assert_int_equal(q.layer[1].theta, 425);
    assert_int_equal(q.layer[0].alpha_q, 2048);
    assert_int_equal(q.layer[0].beta_q, 1024);
    assert_int_equal(q.layer[1].alpha_q, 3072);
    assert_int_equal(q.layer[1].beta_q, 512);
    assert_int_equal(q.out_alpha_q, 3584);
    assert_int_equal(q.out_beta_q, 256);
    assert_true(fabs(r.stage[0].scale - 510) < 1e-3);
    assert_true(fabs(r.stage[1].scale - 425) < 1e-3);
    assert_true(fabs(r.stage[2].scale - 2550) < 1e-2);
    assert_true(fabs(r.stage[0].rec_max - 0.5) < 1e-7 && fabs(r.stage[0].ff_max - 0.3) < 1e-7);
    assert_int_equal(r.stage[0].weights, 8);
    assert_int_equal(r.stage[0].nonzero, 5);
    assert_int_equal(r.stage[0].zeroed, 0);
    qnet_free(&q);
    /* H = 9 holds theta 255 but not layer 1's 425: refused, naming the layer. */
    o.hidden_bits = 9;
    assert_int_equal(quantize_model(&m, &o, "deep", &q, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "deep: threshold 1 of hidden layer 1"));
    assert_non_null(strstr(err.msg, "theta = 425"));
    assert_non_null(strstr(err.msg, "needs H >= 10"));
    assert_null(q.ff[0]);
    /* A recurrent row against Dale (the I neuron's weight positive), named rec1. */
    o.hidden_bits = 24;
    m.rec[0][2] = 0.2f;
    assert_int_equal(quantize_model(&m, &o, "deep", &q, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "rec1 weight 2"));
    m.rec[0][2] = -0.2f;
    /* Layer 1's input all zero: no scale. */
    memset(m.ff[1], 0, 4 * sizeof *m.ff[1]);
    assert_int_equal(quantize_model(&m, &o, "deep", &q, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "all hidden layer 1's input weights are zero"));
    snn_model_free(&m);
}

/* QAT (spec §8.6) at the scales of the quantizer: ff[l] and rec[l] share one. */
static void test_fake_weights_deep(void **unused)
{
    (void)unused;
    snn_model m = deep_model(), f = deep_model();
    quantize_fake_weights(&m, 2, &f);
    /* layer 0: s = 3 / 0.5 = 6: ff0 {1.8 -> 2, 0.6 -> 1, 0.24 -> 0, 0} / 6 (with its own
     * scale 10, 0.3 would stay 0.3); rec0 {0, 3, -1.2 -> -1, 0} / 6. */
    const float ff0[4] = {2 / 6.0f, 1 / 6.0f, 0, 0}, rec0[4] = {0, 0.5f, -1 / 6.0f, 0};
    /* layer 1: s = 3 / 0.6 = 5: {3, 0, -0.75 -> -1, -1} / 5; readout s = 30: {3, 1.2 -> 1, -0.6 -> -1, 0} / 30 */
    const float ff1[4] = {0.6f, 0, -0.2f, -0.2f}, ff2[4] = {0.1f, 1 / 30.0f, -1 / 30.0f, 0};
    for (int i = 0; i < 4; i++) {
        assert_float_equal(f.ff[0][i], ff0[i], 1e-7);
        assert_float_equal(f.rec[0][i], rec0[i], 1e-7);
        assert_float_equal(f.ff[1][i], ff1[i], 1e-7);
        assert_float_equal(f.ff[2][i], ff2[i], 1e-7);
    }
    /* The integer network of the fake-quantized model: fake weight x scale = magnitude. */
    quantize_fake_weights(&m, 8, &f);
    qnet q;
    quant_options o = quant_default_options();
    quant_report r;
    assert_int_equal(quantize_model(&f, &o, "fake", &q, &r, NULL), 0);
    for (int i = 0; i < 4; i++) {
        assert_float_equal(fabs(f.ff[0][i]) * r.stage[0].scale, q.ff[0][i], 1e-3);
        assert_float_equal(fabs(f.rec[0][i]) * r.stage[0].scale, q.rec[0][i], 1e-3);
        assert_float_equal(fabs(f.ff[1][i]) * r.stage[1].scale, q.ff[1][i], 1e-3);
    }
    qnet_free(&q);
    snn_model_free(&f);
    snn_model_free(&m);
}

/* The 1-1-1 network of test_fixed_steps.c's whole-image trace: the largest
 * values are acc1 = syn = mem = 200 and acc2 = flt = out = 50. */
static void test_measure_ranges(void **unused)
{
    (void)unused;
    qnet q = {.n_in = 1, .n_out = 1, .steps = 5, .n_layers = 1,
              .layer[0] = {.size = 1, .n_exc = 1, .theta = 100, .alpha_q = 2048, .beta_q = 2048},
              .out_alpha_q = 2048, .out_beta_q = 2048, .weight_bits = 8, .hidden_bits = 16,
              .readout_bits = 16, .seed = 1};
    assert_int_equal(qnet_alloc(&q, NULL), 0);
    q.ff[0][0] = 200;
    q.ff[1][0] = 50;
    uint16_t events[1] = {0};
    uint32_t step_start[6] = {0, 1, 1, 1, 1, 1};
    uint8_t labels[1] = {0};
    spike_data d = {.n = 1, .n_inputs = 1, .steps = 5, .step_start = step_start,
                    .events = events, .labels = labels, .n_classes = 1};
    qnet_ranges range;
    uint64_t sat[SAT_KINDS];
    snn_error err;
    assert_int_equal(quantize_measure_ranges(&q, &d, 2, &range, sat, &err), 0);
    const int64_t expect[SAT_KINDS] = {200, 200, 200, 50, 50, 50};
    for (int k = 0; k < SAT_KINDS; k++) {
        assert_true(range.kind[k] == expect[k]);
        assert_true(sat[k] == 0);
    }
    for (int k = SAT_ACC1; k <= SAT_MEM; k++)
        assert_true(range.layer[0][k] == 200);
    d.steps = 4;
    assert_int_equal(quantize_measure_ranges(&q, &d, 2, &range, sat, &err), -1);
    assert_non_null(strstr(err.msg, "steps"));
    qnet_free(&q);
}

static void test_signed_bits(void **unused)
{
    (void)unused;
    assert_int_equal(quantize_signed_bits(0), 1);
    assert_int_equal(quantize_signed_bits(1), 2);
    assert_int_equal(quantize_signed_bits(127), 8);
    assert_int_equal(quantize_signed_bits(128), 9);
    assert_int_equal(quantize_signed_bits(-128), 9);
    assert_int_equal(quantize_signed_bits(((int64_t)1 << 31) - 1), 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantize_by_hand),
        cmocka_unit_test(test_quantize_refusals),
        cmocka_unit_test(test_decay_q12),
        cmocka_unit_test(test_fake_weights),
        cmocka_unit_test(test_quantize_deep),
        cmocka_unit_test(test_fake_weights_deep),
        cmocka_unit_test(test_measure_ranges),
        cmocka_unit_test(test_signed_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
