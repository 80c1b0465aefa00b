/* test_fixed_steps.c - every numbered step of docs/integer-spec.md, with hand-computed vectors.
 *
 * Includes qnet.c itself so that the static step functions can be called one
 * by one; the expected values are worked out by hand in the comments. Covers
 * saturation at both rails, negative values through every decay, ties at the
 * threshold, the noise generator's first outputs, the argmax tie rule, and
 * whole images traced step by step: the paper's one layer, two layers with
 * their own constants, and a recurrent E/I layer (spec §4.6-§4.7), including
 * the order of the signed saturating sums (feed-forward before recurrent,
 * ascending presynaptic index).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../sw/fixed/qnet.c"

/* spec §1.2 */
static void test_sat_both_rails(void **unused)
{
    (void)unused;
    uint64_t n = 0;
    assert_int_equal(sat(128, -128, 127, &n), 127);
    assert_int_equal(sat(-129, -128, 127, &n), -128);
    assert_int_equal(n, 2);
    assert_int_equal(sat(127, -128, 127, &n), 127); /* on the rail: not a clamp */
    assert_int_equal(sat(-128, -128, 127, &n), -128);
    assert_int_equal(n, 2);
    assert_int_equal(reg_max(8), 127);
    assert_int_equal(reg_min(8), -128);
    assert_true(reg_max(40) == 549755813887LL && reg_min(40) == -549755813888LL);
}

/* spec §1.3: toward zero, symmetric in sign, never saturating. */
static void test_decay(void **unused)
{
    (void)unused;
    assert_int_equal(decay32(100, 3354), 81);   /* 335400/4096 = 81.88 */
    assert_int_equal(decay32(-100, 3354), -81); /* floor would give -82 */
    assert_int_equal(decay32(-1, 4095), 0);     /* floor would keep -1 forever */
    assert_int_equal(decay32(1, 4095), 0);
    assert_int_equal(decay32(-5, 2048), -2);    /* -2.5 -> -2 */
    assert_int_equal(decay32(5, 2048), 2);
    assert_int_equal(decay32(12345, 0), 0);
    assert_int_equal(decay32(INT32_MIN, 4095), -2146959360); /* -2^31 + 2^19 */
    assert_int_equal(decay32(INT32_MAX, 4095), 2146959359);
    assert_true(decay64(-((int64_t)1 << 39), 3706) == -497410899968LL); /* -2^27 * 3706 */
    assert_true(decay64(((int64_t)1 << 39) - 1, 3706) == 497410899967LL);
    assert_true(decay64(-7, 1024) == -1); /* -1.75 -> -1 */
}

/* spec §5.1, §5.3: xorshift32 from x = 1, and the N-bit values. */
static void test_noise_generator(void **unused)
{
    (void)unused;
    static const uint32_t states[3] = {270369u, 67634689u, 2647435461u};
    static const int32_t n8[3] = {-128, -124, 29};       /* (x >> 24) - 128 */
    static const int32_t n16[3] = {-32764, -31736, 7628}; /* (x >> 16) - 32768 */
    static const int32_t n1[3] = {-1, -1, 0};             /* (x >> 31) - 1 */
    uint32_t a = 1, b = 1, c = 1;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(noise_next(&a, 8), n8[i]);
        assert_int_equal(a, states[i]);
        assert_int_equal(noise_next(&b, 16), n16[i]);
        assert_int_equal(noise_next(&c, 1), n1[i]);
    }
}

/* spec §5.2 */
static void test_image_seed(void **unused)
{
    (void)unused;
    assert_int_equal(image_seed(1, 0), 0x9E3779B8u);
    assert_int_equal(image_seed(1, 1), 0x3C6EF373u); /* 2 * 0x9E3779B9 mod 2^32 = 0x3C6EF372 */
    assert_int_equal(image_seed(0x9E3779B9u, 0), 1u); /* 0 is replaced by 1 */
}

/* A qnet with the given shape and widths; weights zero. */
static qnet make_net(int n_in, int nh, int no, int n_exc, int bits_h, int bits_r)
{
    qnet q = {.n_in = n_in, .n_out = no, .steps = 10, .n_layers = 1,
              .layer[0] = {.size = nh, .n_exc = n_exc, .theta = 50, .alpha_q = 1024,
                           .beta_q = 2048},
              .out_alpha_q = 1024, .out_beta_q = 2048, .weight_bits = 8, .hidden_bits = bits_h,
              .readout_bits = bits_r, .noise_bits = 0, .seed = 1};
    q.ff[0] = calloc((size_t)n_in * nh, sizeof *q.ff[0]);
    q.ff[1] = calloc((size_t)nh * no, sizeof *q.ff[1]);
    return q;
}

static void free_net(qnet *q)
{
    for (int l = 0; l <= q->n_layers; l++)
        free(q->ff[l]);
    for (int l = 0; l < q->n_layers; l++)
        free(q->rec[l]);
}

/* spec §4.1 (layer 0, the input events): same-signed adds saturate at the upper rail only; exact hits do not count. */
static void test_integrate_input_events(void **unused)
{
    (void)unused;
    qnet q = make_net(2, 3, 1, 3, 8, 16);
    const uint16_t w1[6] = {100, 0, 27, /* input 0 */ 50, 3, 100 /* input 1 */};
    memcpy(q.ff[0], w1, sizeof w1);
    int32_t acc1[3] = {0, 0, 0};
    uint64_t n = 0;
    const uint16_t ev[2] = {0, 1};
    integrate_ff_events(&q, 0, ev, 2, acc1, &n);
    /* 100 + 50 = 150 -> 127 (clamp); 0 + 3; 27 + 100 = 127 exactly (no clamp) */
    assert_int_equal(acc1[0], 127);
    assert_int_equal(acc1[1], 3);
    assert_int_equal(acc1[2], 127);
    assert_int_equal(n, 1);
    integrate_ff_events(&q, 0, ev, 1, acc1, &n); /* +100, +0, +27 */
    assert_int_equal(acc1[0], 127);
    assert_int_equal(acc1[1], 3);
    assert_int_equal(acc1[2], 127);
    assert_int_equal(n, 3); /* weight 0 at a full register is not a clamp */
    free_net(&q);
}

/* spec §4.2 with theta = 50, beta_q = 2048 (1/2), alpha_q = 1024 (1/4), H = 8. */
static void test_hidden_update(void **unused)
{
    (void)unused;
    qnet q = make_net(1, 6, 1, 6, 8, 16);
    uint8_t scratch[4096] __attribute__((aligned(64)));
    assert_true(qnet_scratch_size(&q) <= sizeof scratch);
    memset(scratch, 0, sizeof scratch);
    state st = carve(&q, scratch);
    layer_state *h = &st.layer[0];
    const int32_t mem0[6] = {51, 50, -7, 40, -128, 127};
    const int32_t syn0[6] = {10, 100, -3, 120, -128, 127};
    const int32_t acc0[6] = {5, 0, 0, 127, 0, 0};
    memcpy(h->mem, mem0, sizeof mem0);
    memcpy(h->syn, syn0, sizeof syn0);
    memcpy(h->acc, acc0, sizeof acc0);
    uint64_t n_syn = 0, n_mem = 0;
    hidden_update(&q, 0, h, &n_syn, &n_mem);
    uint32_t n_spk = h->n_spk;
    /* j0: 51 > 50 spikes, mem 0; syn = 10/4 -> 2, + 5 = 7.
     * j1: 50 == theta does NOT spike; mem = 25 + 100 = 125; syn = 25.
     * j2: mem = -3 (-3.5 toward zero) + -3 = -6; syn = -0.75 -> 0.
     * j3: mem = 20 + 120 = 140 -> 127 (clamp); syn = 30 + 127 = 157 -> 127 (clamp).
     * j4: mem = -64 - 128 = -192 -> -128 (clamp); syn = -32.
     * j5: 127 > 50 spikes: mem 0, its membrane sum (63 + 127) is not evaluated, not counted;
     *     syn = 31 + 0 = 31. */
    const int32_t mem1[6] = {0, 125, -6, 127, -128, 0};
    const int32_t syn1[6] = {7, 25, 0, 127, -32, 31};
    const uint8_t spk1[6] = {1, 0, 0, 0, 0, 1};
    for (int j = 0; j < 6; j++) {
        assert_int_equal(h->mem[j], mem1[j]);
        assert_int_equal(h->syn[j], syn1[j]);
        assert_int_equal(h->acc[j], 0);
        assert_int_equal(h->spk[j], spk1[j]);
    }
    assert_int_equal(n_spk, 2);
    assert_int_equal(h->spk_idx[0], 0);
    assert_int_equal(h->spk_idx[1], 5);
    assert_int_equal(n_mem, 2);
    assert_int_equal(n_syn, 1);
    free_net(&q);
}

/* spec §4.2.2-4.2.3: noise enters after the first saturation and saturates again;
 * it is drawn for spiking neurons too. */
static void test_hidden_update_noise(void **unused)
{
    (void)unused;
    qnet q = make_net(1, 3, 1, 3, 8, 16);
    q.noise_bits = 8;
    uint8_t scratch[4096] __attribute__((aligned(64)));
    memset(scratch, 0, sizeof scratch);
    state st = carve(&q, scratch);
    layer_state *h = &st.layer[0];
    const int32_t mem0[3] = {60, 40, -100};
    const int32_t syn0[3] = {0, 120, -60};
    memcpy(h->mem, mem0, sizeof mem0);
    memcpy(h->syn, syn0, sizeof syn0);
    uint32_t rng = 1;
    draw_noise(&q, 0, &rng, h->noise); /* -128, -124, 29 (spec §5.3) */
    assert_int_equal(h->noise[0], -128);
    assert_int_equal(h->noise[1], -124);
    assert_int_equal(h->noise[2], 29);
    assert_int_equal(rng, 2647435461u); /* three draws, one per neuron */
    uint64_t n_syn = 0, n_mem = 0;
    hidden_update(&q, 0, h, &n_syn, &n_mem);
    /* j0 spikes (60 > 50): mem 0 despite its draw of -128.
     * j1: 20 + 120 = 140 -> 127 (clamp), then 127 - 124 = 3.
     * j2: -50 - 60 = -110, then -110 + 29 = -81. */
    assert_int_equal(h->mem[0], 0);
    assert_int_equal(h->mem[1], 3);
    assert_int_equal(h->mem[2], -81);
    assert_int_equal(n_mem, 1);
    /* Both clamps of one membrane sum count, here at the lower rail. */
    const int32_t mem2[3] = {0, -100, 0};
    const int32_t syn2[3] = {0, -100, 0};
    const int32_t noise2[3] = {0, -1, 0};
    memcpy(h->mem, mem2, sizeof mem2);
    memcpy(h->syn, syn2, sizeof syn2);
    memcpy(h->noise, noise2, sizeof noise2);
    n_mem = 0;
    hidden_update(&q, 0, h, &n_syn, &n_mem);
    assert_int_equal(h->mem[1], -128); /* -50 - 100 = -150 -> -128, -129 -> -128 */
    assert_int_equal(n_mem, 2);
    free_net(&q);
}

/* spec §4.3: Dale signs, both rails, and the ascending order that makes
 * saturation order-dependent. */
static void test_integrate_hidden_spikes(void **unused)
{
    (void)unused;
    qnet q = make_net(1, 3, 2, 2, 16, 8); /* j0, j1 excitatory, j2 inhibitory */
    const uint16_t w2[6] = {100, 10, /* j0 */ 100, 0, /* j1 */ 100, 200 /* j2 */};
    memcpy(q.ff[1], w2, sizeof w2);
    int64_t acc2[2] = {0, -100};
    uint64_t n = 0;
    uint16_t spikes[3] = {0, 1, 2};
    const layer_state last = {.spk_idx = spikes, .n_spk = 3};
    integrate_hidden_spikes(&q, &last, acc2, &n);
    /* k0: 0 + 100 + 100 = 200 -> 127 (clamp), 127 - 100 = 27 (in the other order: 100).
     * k1: -100 + 10 + 0 = -90, -90 - 200 = -290 -> -128 (clamp). */
    assert_true(acc2[0] == 27);
    assert_true(acc2[1] == -128);
    assert_int_equal(n, 2);
    free_net(&q);
}

/* spec §4.4, R = 8, beta 1/2, alpha 1/4. */
static void test_readout_update(void **unused)
{
    (void)unused;
    qnet q = make_net(1, 1, 3, 1, 16, 8);
    uint8_t scratch[4096] __attribute__((aligned(64)));
    memset(scratch, 0, sizeof scratch);
    state st = carve(&q, scratch);
    const int64_t out0[3] = {10, 100, -128}, flt0[3] = {-7, 100, -128}, acc0[3] = {100, -128, -128};
    const int64_t max0[3] = {12, 0, 0};
    memcpy(st.out, out0, sizeof out0);
    memcpy(st.flt, flt0, sizeof flt0);
    memcpy(st.acc2, acc0, sizeof acc0);
    memcpy(st.max, max0, sizeof max0);
    uint64_t n_flt = 0, n_out = 0;
    readout_update(&q, &st, &n_flt, &n_out);
    /* k0: out = 5 - 7 = -2 (uses flt of before the step); flt = -1 + 100 = 99; max stays 12.
     * k1: out = 50 + 100 = 150 -> 127 (clamp); flt = 25 - 128 = -103; max = 127.
     * k2: out = -64 - 128 -> -128 (clamp); flt = -32 - 128 -> -128 (clamp); max stays 0. */
    const int64_t out1[3] = {-2, 127, -128}, flt1[3] = {99, -103, -128}, max1[3] = {12, 127, 0};
    for (int k = 0; k < 3; k++) {
        assert_true(st.out[k] == out1[k]);
        assert_true(st.flt[k] == flt1[k]);
        assert_true(st.max[k] == max1[k]);
        assert_true(st.acc2[k] == 0);
    }
    assert_int_equal(n_out, 2);
    assert_int_equal(n_flt, 1);
    free_net(&q);
}

/* spec §6.1 */
static void test_predict_ties(void **unused)
{
    (void)unused;
    const int64_t a[4] = {3, 7, 7, 1}, b[2] = {-5, -5}, c[3] = {0, 0, 0};
    assert_int_equal(predict(a, 4), 1);
    assert_int_equal(predict(b, 2), 0);
    assert_int_equal(predict(c, 3), 0);
}

/* A whole image, 1-1-1, traced by hand: theta 100, alpha = beta = 1/2,
 * w1 = 200, w2 = 50, one input event at step 0, 5 steps.
 *  t  acc1  s  mem  syn | acc2  out  flt  max
 *  0  200   0    0  200 |   0    0    0    0
 *  1    0   0  200  100 |   0    0    0    0
 *  2    0   1    0   50 |  50    0   50    0   (200 > 100: spike decided from mem of t=1)
 *  3    0   0   50   25 |   0   50   25   50
 *  4    0   0   50   12 |   0   50   12   50 */
static void test_whole_image(void **unused)
{
    (void)unused;
    qnet q = make_net(1, 1, 1, 1, 16, 16);
    q.steps = 5;
    q.layer[0].theta = 100;
    q.layer[0].alpha_q = q.layer[0].beta_q = q.out_alpha_q = q.out_beta_q = 2048;
    q.ff[0][0] = 200;
    q.ff[1][0] = 50;
    const uint16_t events[1] = {0};
    const uint32_t step_start[6] = {0, 1, 1, 1, 1, 1};
    uint8_t scratch[4096] __attribute__((aligned(64)));
    uint8_t spikes[5];
    uint32_t counts[1];
    qnet_result res;
    qnet_run_image(&q, events, step_start, 0, scratch, &res, spikes, counts);
    const uint8_t expect[5] = {0, 0, 1, 0, 0};
    assert_memory_equal(spikes, expect, 5);
    assert_int_equal(counts[0], 1);
    assert_int_equal(res.n_spikes, 1);
    assert_true(res.max_out[0] == 50);
    assert_true(res.final_out[0] == 50);
    assert_int_equal(res.prediction, 0);
    assert_int_equal(res.sops, 2); /* 1 event x 1 hidden + 1 spike x 1 readout */
    /* The tie: with theta = 200, mem reaches exactly 200 and never spikes. */
    q.layer[0].theta = 200;
    qnet_run_image(&q, events, step_start, 0, scratch, &res, spikes, counts);
    assert_int_equal(res.n_spikes, 0);
    assert_true(res.max_out[0] == 0);
    free_net(&q);
}

/* Zeroed matrices for the shape set in q, one calloc each (freed by free_net). */
static void alloc_matrices(qnet *q)
{
    for (int l = 0; l <= q->n_layers; l++)
        q->ff[l] = calloc((size_t)qnet_ff_rows(q, l) * qnet_ff_cols(q, l), sizeof *q->ff[l]);
    for (int l = 0; l < q->n_layers; l++)
        q->rec[l] = q->layer[l].recurrent
                        ? calloc((size_t)q->layer[l].size * q->layer[l].size, sizeof *q->rec[l])
                        : NULL;
}

/* spec §4.1 (layer l > 0) and §4.6, H = 8: signed rows from layer 0 (neuron 0 E,
 * neuron 1 I), then the recurrent rows of layer 1 (neuron 0 E, neuron 1 I).
 * The order matters: (b) before (a) or descending rows give other values. */
static void test_signed_sum_order(void **unused)
{
    (void)unused;
    qnet q = {.n_in = 1, .n_out = 1, .steps = 1, .n_layers = 2, .weight_bits = 8,
              .hidden_bits = 8, .readout_bits = 16,
              .layer = {{.size = 2, .n_exc = 1, .theta = 50},
                        {.size = 2, .n_exc = 1, .recurrent = 1, .theta = 50}}};
    alloc_matrices(&q);
    const uint16_t ff1[4] = {100, 10, /* from E 0 */ 100, 200 /* from I 1 */};
    const uint16_t rec1[4] = {120, 50, /* E 0 */ 0, 0 /* I 1 */};
    memcpy(q.ff[1], ff1, sizeof ff1);
    memcpy(q.rec[1], rec1, sizeof rec1);
    uint16_t both[2] = {0, 1};
    layer_state h = {.acc = (int32_t[2]){0, 0}, .spk_idx = both, .n_spk = 2};
    uint64_t n = 0;
    integrate_ff_events(&q, 1, both, 2, h.acc, &n);
    /* j0: 0 + 100 - 100 = 0. j1: 0 + 10 = 10, 10 - 200 = -190 -> -128 (clamp). */
    assert_int_equal(h.acc[0], 0);
    assert_int_equal(h.acc[1], -128);
    integrate_recurrent_spikes(&q, 1, &h, &n);
    /* j0: 0 + 120 = 120 ((b) first: 120 + 100 -> 127, - 100 = 27).
     * j1: -128 + 50 = -78 ((b) first: 50 + 10 - 200 -> -128; rows descending in (a):
     * -200 -> -128, + 10 = -118, + 50 = -68). - 0 from the I row changes nothing. */
    assert_int_equal(h.acc[0], 120);
    assert_int_equal(h.acc[1], -78);
    assert_int_equal(n, 1);
    free_net(&q);
}

/* Two layers, 1-1-1-1, each with its own theta and decays, the readout with
 * its own (spec §4.7). Input event at step 0, w = 200 / 60 / 40.
 * Layer 0 (theta 100, alpha = beta = 1/2) is test_whole_image's: spikes at t2.
 * Layer 1 (theta 59, alpha_q = beta_q = 4095) takes layer 0's spike of t2 in t2:
 *  t  acc  s  mem  syn            readout (alpha = beta = 1/4), w 40
 *  2   60  0    0   60            t4: acc2 40  out 0   flt 40  max 0
 *  3    0  0   60   59            t5:          out 40  flt 10  max 40
 *  4    0  1    0   58 (60 > 59)  t6:          out 20  flt 2
 *  5    0  0   58   57            t7: acc2 40  out 7   flt 40
 *  6    0  0  114   56            t8:          out 41  flt 10  max 41
 *  7    0  1    0   55
 *  8    0  0   55   54
 * With layer 0's theta layer 1 would never spike; with layer 0's decays it
 * would spike at t4 only; with the hidden decays in the readout out(t8) = 60. */
static void test_two_layers(void **unused)
{
    (void)unused;
    qnet q = {.n_in = 1, .n_out = 1, .steps = 9, .n_layers = 2, .weight_bits = 8,
              .hidden_bits = 16, .readout_bits = 16, .out_alpha_q = 1024, .out_beta_q = 1024,
              .seed = 1,
              .layer = {{.size = 1, .n_exc = 1, .theta = 100, .alpha_q = 2048, .beta_q = 2048},
                        {.size = 1, .n_exc = 1, .theta = 59, .alpha_q = 4095, .beta_q = 4095}}};
    alloc_matrices(&q);
    q.ff[0][0] = 200, q.ff[1][0] = 60, q.ff[2][0] = 40;
    snn_error err;
    assert_int_equal(qnet_check(&q, "two", &err), 0);
    const uint16_t events[1] = {0};
    const uint32_t step_start[10] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    uint8_t scratch[4096] __attribute__((aligned(64)));
    assert_true(qnet_scratch_size(&q) <= sizeof scratch);
    uint8_t spikes[9 * 2];
    uint32_t counts[2];
    qnet_result res;
    qnet_run_image(&q, events, step_start, 0, scratch, &res, spikes, counts);
    /* record: t * 2 + 0 for layer 0, t * 2 + 1 for layer 1 */
    uint8_t expect[18] = {0};
    expect[2 * 2 + 0] = expect[4 * 2 + 1] = expect[7 * 2 + 1] = 1;
    assert_memory_equal(spikes, expect, sizeof expect);
    assert_int_equal(counts[0], 1);
    assert_int_equal(counts[1], 2);
    assert_int_equal(res.n_spikes, 3);
    assert_true(res.max_out[0] == 41);
    assert_true(res.final_out[0] == 41);
    assert_int_equal(res.sops, 4); /* 1 event x 1 + 1 spike x 1 + 2 spikes x 1 readout */
    for (int k = 0; k < SAT_KINDS; k++)
        assert_int_equal(res.sat[k], 0);
    free_net(&q);
}

/* A recurrent E/I layer (spec §4.6): neuron 0 (E) excites neuron 1 (I) with 120,
 * neuron 1 inhibits neuron 0 with 80; the spikes of step t enter at t+1.
 * Input w = {200, 0} at step 0; theta 100, decays 1/2; readout w {+50, -30}.
 *  t  n0: acc  s  mem  syn | n1: acc  s  mem  syn | acc2  out  flt  max
 *  0      200  0    0  200 |      0   0    0    0 |   0    0    0    0
 *  1        0  0  200  100 |      0   0    0    0 |   0    0    0    0
 *  2        0  1    0   50 |      0   0    0    0 |  50    0   50    0
 *  3        0  0   50   25 |    120   0    0  120 |   0   50   25   50
 *  4        0  0   50   12 |      0   0  120   60 |   0   50   12   50
 *  5        0  0   37    6 |      0   1    0   30 | -30   37  -24   50
 *  6      -80  0   24  -77 |      0   0   30   15 |   0   -6  -12   50
 *  7        0  0  -65  -38 |      0   0   30    7 |   0  -15   -6   50 */
static void test_recurrent_layer(void **unused)
{
    (void)unused;
    qnet q = {.n_in = 1, .n_out = 1, .steps = 8, .n_layers = 1, .weight_bits = 8,
              .hidden_bits = 16, .readout_bits = 16, .out_alpha_q = 2048, .out_beta_q = 2048,
              .seed = 1,
              .layer = {{.size = 2, .n_exc = 1, .recurrent = 1, .theta = 100, .alpha_q = 2048,
                         .beta_q = 2048}}};
    alloc_matrices(&q);
    q.ff[0][0] = 200;
    q.rec[0][0 * 2 + 1] = 120; /* E 0 -> 1 */
    q.rec[0][1 * 2 + 0] = 80;  /* I 1 -> 0 */
    q.ff[1][0] = 50, q.ff[1][1] = 30;
    assert_false(qnet_is_single_layer(&q));
    const uint16_t events[1] = {0};
    const uint32_t step_start[9] = {0, 1, 1, 1, 1, 1, 1, 1, 1};
    uint8_t scratch[4096] __attribute__((aligned(64)));
    uint8_t spikes[8 * 2];
    qnet_result res;
    qnet_run_image(&q, events, step_start, 0, scratch, &res, spikes, NULL);
    uint8_t expect[16] = {0};
    expect[2 * 2 + 0] = expect[5 * 2 + 1] = 1;
    assert_memory_equal(spikes, expect, sizeof expect);
    assert_true(res.max_out[0] == 50);
    assert_true(res.final_out[0] == -15);
    assert_int_equal(res.sops, 8); /* 1 event x 2 + 2 recurrent rows x 2 + 2 spikes x 1 */
    free_net(&q);
}

/* spec §4.7 in a whole image, H = 8: at step 3 neuron 0 of a recurrent layer gets two
 * input rows (+100, +100) and the row of inhibitory neuron 1, which spiked at step 2
 * (-100). Feed-forward first: 127 (clamp), then 27: syn 27, mem 27 < theta 50, silent.
 * Recurrent first it would be -100 + 100 + 100 = 100 and neuron 0 would spike at step 5.
 * Decays 0: syn = acc of the step, mem = syn of the step before.
 *  n1: t0 acc 127 (input 0) -> syn 127; t1 mem 127; t2 spike (127 > 50). */
static void test_sum_order_in_image(void **unused)
{
    (void)unused;
    qnet q = {.n_in = 3, .n_out = 1, .steps = 7, .n_layers = 1, .weight_bits = 8,
              .hidden_bits = 8, .readout_bits = 16, .seed = 1,
              .layer = {{.size = 2, .n_exc = 1, .recurrent = 1, .theta = 50}}};
    alloc_matrices(&q);
    q.ff[0][0 * 2 + 1] = 127;                        /* input 0 -> n1 */
    q.ff[0][1 * 2 + 0] = q.ff[0][2 * 2 + 0] = 100;   /* inputs 1, 2 -> n0 */
    q.rec[0][1 * 2 + 0] = 100;                       /* I n1 -> n0 */
    q.ff[1][0] = q.ff[1][1] = 1;
    const uint16_t events[3] = {0, 1, 2};
    const uint32_t step_start[8] = {0, 1, 1, 1, 3, 3, 3, 3};
    uint8_t scratch[4096] __attribute__((aligned(64)));
    uint8_t spikes[7 * 2];
    qnet_result res;
    qnet_run_image(&q, events, step_start, 0, scratch, &res, spikes, NULL);
    uint8_t expect[14] = {0};
    expect[2 * 2 + 1] = 1;
    assert_memory_equal(spikes, expect, sizeof expect);
    assert_int_equal(res.sat[SAT_ACC1], 1);
    free_net(&q);
}

/* spec §5.2: one generator, drawn layer 0's neurons first, then layer 1's. With
 * image seed 1 the draws are -128, -124, 29 (§5.3); with no input every mem after
 * step 0 is its draw, so at step 1 (theta 1) only layer 1's neuron spikes. */
static void test_noise_order_across_layers(void **unused)
{
    (void)unused;
    qnet q = {.n_in = 1, .n_out = 1, .steps = 2, .n_layers = 2, .weight_bits = 8,
              .hidden_bits = 16, .readout_bits = 16, .noise_bits = 8,
              .seed = 0x9E3779B9u ^ 1u, /* image 0's seed is 1 */
              .layer = {{.size = 2, .n_exc = 2, .theta = 1}, {.size = 1, .n_exc = 1, .theta = 1}}};
    alloc_matrices(&q);
    assert_int_equal(image_seed(q.seed, 0), 1u);
    const uint16_t events[1] = {0};
    const uint32_t step_start[3] = {0, 0, 0};
    uint8_t scratch[4096] __attribute__((aligned(64)));
    uint8_t spikes[2 * 3];
    qnet_result res;
    qnet_run_image(&q, events, step_start, 0, scratch, &res, spikes, NULL);
    const uint8_t expect[6] = {0, 0, 0, /* step 1: */ 0, 0, 1};
    assert_memory_equal(spikes, expect, sizeof expect);
    free_net(&q);
}

/* The paper's shape (what a version-1 file holds): one feed-forward layer whose
 * decays the readout shares; recurrence, the readout's own decays or a second
 * layer each make it another shape. */
static void test_single_layer_shape(void **unused)
{
    (void)unused;
    qnet q = make_net(2, 2, 2, 1, 16, 16);
    assert_true(qnet_is_single_layer(&q));
    q.layer[0].recurrent = 1;
    assert_false(qnet_is_single_layer(&q));
    q.layer[0].recurrent = 0;
    q.out_alpha_q = q.layer[0].alpha_q + 1;
    assert_false(qnet_is_single_layer(&q));
    q.out_alpha_q = q.layer[0].alpha_q;
    q.n_layers = 2;
    assert_false(qnet_is_single_layer(&q));
    q.n_layers = 1;
    free_net(&q);
}

/* qnet_check rejects each out-of-range field, naming the source. */
static void test_check(void **unused)
{
    (void)unused;
    qnet q = make_net(2, 2, 2, 1, 16, 16);
    snn_error err;
    assert_int_equal(qnet_check(&q, "net.q", &err), 0);
    q.layer[0].theta = 32768; /* > 2^15 - 1 */
    assert_int_equal(qnet_check(&q, "net.q", &err), -1);
    assert_non_null(strstr(err.msg, "net.q"));
    assert_non_null(strstr(err.msg, "theta"));
    q.layer[0].theta = 50;
    q.ff[1][3] = 256; /* > 2^8 - 1 */
    assert_int_equal(qnet_check(&q, "net.q", &err), -1);
    assert_non_null(strstr(err.msg, "w2 magnitude 3"));
    q.ff[1][3] = 255;
    q.hidden_bits = 33;
    assert_int_equal(qnet_check(&q, "net.q", &err), -1);
    q.hidden_bits = 16;
    q.layer[0].alpha_q = 4096;
    assert_int_equal(qnet_check(&q, "net.q", &err), -1);
    q.layer[0].alpha_q = 1024;
    q.n_out = 65;
    assert_int_equal(qnet_check(&q, "net.q", &err), -1);
    free_net(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sat_both_rails),
        cmocka_unit_test(test_decay),
        cmocka_unit_test(test_noise_generator),
        cmocka_unit_test(test_image_seed),
        cmocka_unit_test(test_integrate_input_events),
        cmocka_unit_test(test_hidden_update),
        cmocka_unit_test(test_hidden_update_noise),
        cmocka_unit_test(test_integrate_hidden_spikes),
        cmocka_unit_test(test_readout_update),
        cmocka_unit_test(test_predict_ties),
        cmocka_unit_test(test_whole_image),
        cmocka_unit_test(test_signed_sum_order),
        cmocka_unit_test(test_two_layers),
        cmocka_unit_test(test_recurrent_layer),
        cmocka_unit_test(test_sum_order_in_image),
        cmocka_unit_test(test_noise_order_across_layers),
        cmocka_unit_test(test_single_layer_shape),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
