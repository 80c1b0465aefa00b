/* qnet.c - the bit-exact integer reference model (see qnet.h, docs/integer-spec.md).
 *
 * One static function per numbered step of the spec, each citing its section,
 * called in the spec's order by run_image(). No floating point in this file:
 * every value is an integer and every rounding is spelled out.
 * Event-driven: §4.1 touches only the weight rows of inputs that fired and
 * §4.3 only the rows of hidden neurons that spiked. The per-neuron loops are
 * written branch-free over flat arrays so that the compiler vectorises them.
 * Not here: quantization (quantize.c), files (qnet_io.c).
 */
#include "qnet.h"

#include <string.h>

#include "qnet_ranges.h"

#define MAX_NEURONS 65535
#define MAX_OUT 64 /* qnet_result holds 64 readouts */
#define MAX_STEPS 100000
#define DECAY_ONE 4096 /* Q0.12 */

/* spec §1.1: the W-bit signed range. */
static int64_t reg_max(int bits)
{
    return ((int64_t)1 << (bits - 1)) - 1;
}

static int64_t reg_min(int bits)
{
    return -((int64_t)1 << (bits - 1));
}

/* spec §1.2: sat_W(v); counts a clamp that changed the value into *sat. */
static inline int64_t sat(int64_t v, int64_t lo, int64_t hi, uint64_t *sat_count)
{
    int64_t c = v < lo ? lo : v > hi ? hi : v;
    *sat_count += c != v;
    return c;
}

/* spec §1.3: decay(v, D) = sign(v) * floor(|v| * D / 4096), rounding toward
 * zero by an explicit sign split. For H-bit registers (H <= 32): |v| <= 2^31
 * and D < 2^12, so the product fits 43 bits. */
static inline int32_t decay32(int32_t v, int32_t d)
{
    uint32_t mag = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    uint32_t r = (uint32_t)(((uint64_t)mag * (uint32_t)d) >> 12); /* < 2^31 since d < 4096 */
    return v < 0 ? -(int32_t)r : (int32_t)r;
}

/* spec §1.3 for R-bit registers (R <= 40): |v| <= 2^39, product < 2^51. */
static inline int64_t decay64(int64_t v, int32_t d)
{
    uint64_t mag = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    uint64_t r = (mag * (uint64_t)d) >> 12;
    return v < 0 ? -(int64_t)r : (int64_t)r;
}

/* spec §5.1: xorshift32 (13, 17, 5), one step. */
static inline uint32_t xorshift32(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* spec §5.1: noise_next() - advances the state, returns the signed N-bit value. */
static inline int32_t noise_next(uint32_t *state, int bits)
{
    *state = xorshift32(*state);
    return (int32_t)(*state >> (32 - bits)) - (int32_t)(1u << (bits - 1));
}

/* spec §5.2: the image seed. */
static uint32_t image_seed(uint32_t seed, uint32_t image_index)
{
    uint32_t s = seed ^ (uint32_t)(0x9E3779B9u * (image_index + 1u));
    return s ? s : 1u;
}

int qnet_check(const qnet *q, const char *what, snn_error *err)
{
    if (q->n_in < 1 || q->n_in > MAX_NEURONS || q->n_hidden < 1 || q->n_hidden > MAX_NEURONS)
        return snn_fail(err, "%s: shape %d inputs x %d hidden out of range (1..%d each)", what,
                        q->n_in, q->n_hidden, MAX_NEURONS);
    if (q->n_out < 1 || q->n_out > MAX_OUT)
        return snn_fail(err, "%s: %d readout neurons out of range (1..%d)", what, q->n_out,
                        MAX_OUT);
    if (q->n_exc < 0 || q->n_exc > q->n_hidden)
        return snn_fail(err, "%s: %d excitatory neurons of %d hidden", what, q->n_exc, q->n_hidden);
    if (q->steps < 1 || q->steps > MAX_STEPS)
        return snn_fail(err, "%s: %d time steps out of range (1..%d)", what, q->steps, MAX_STEPS);
    if (q->weight_bits < 1 || q->weight_bits > 16)
        return snn_fail(err, "%s: weight bits B=%d out of range (1..16, spec §1.4)", what,
                        q->weight_bits);
    if (q->hidden_bits < 8 || q->hidden_bits > 32)
        return snn_fail(err, "%s: hidden bits H=%d out of range (8..32, spec §1.4)", what,
                        q->hidden_bits);
    if (q->readout_bits < 8 || q->readout_bits > 40)
        return snn_fail(err, "%s: readout bits R=%d out of range (8..40, spec §1.4)", what,
                        q->readout_bits);
    if (q->noise_bits < 0 || q->noise_bits > 16)
        return snn_fail(err, "%s: noise bits N=%d out of range (0..16, spec §1.4)", what,
                        q->noise_bits);
    if (q->theta < 1 || q->theta > reg_max(q->hidden_bits))
        return snn_fail(err, "%s: threshold theta=%d outside [1, %lld] for H=%d (spec §2.3)", what,
                        q->theta, (long long)reg_max(q->hidden_bits), q->hidden_bits);
    if (q->alpha_q < 0 || q->alpha_q >= DECAY_ONE || q->beta_q < 0 || q->beta_q >= DECAY_ONE)
        return snn_fail(err, "%s: decays alpha_q=%d beta_q=%d outside Q0.12 [0, 4095] (spec §2.4)",
                        what, q->alpha_q, q->beta_q);
    if (!q->w1 || !q->w2)
        return snn_fail(err, "%s: weights missing", what);
    uint32_t wmax = (1u << q->weight_bits) - 1;
    size_t n1 = (size_t)q->n_in * q->n_hidden, n2 = (size_t)q->n_hidden * q->n_out;
    for (size_t i = 0; i < n1 + n2; i++) {
        uint32_t w = i < n1 ? q->w1[i] : q->w2[i - n1];
        if (w > wmax)
            return snn_fail(err, "%s: %s magnitude %zu = %u exceeds %u, the largest %d-bit value "
                            "(spec §2.2)", what, i < n1 ? "w1" : "w2", i < n1 ? i : i - n1, w,
                            wmax, q->weight_bits);
    }
    return 0;
}

/* The per-image state (spec §4), carved out of the caller's scratch. */
typedef struct {
    int64_t *acc2, *flt, *out, *max; /* (n_out) R-bit */
    int32_t *acc1, *syn, *mem;       /* (n_hidden) H-bit */
    int32_t *noise;                  /* (n_hidden) this step's noise draws, 0 if N = 0 */
    uint8_t *spk;                    /* (n_hidden) s[j] of this step */
    uint16_t *spk_idx;               /* (n_hidden) indices j with s[j] = 1 */
} state;

static size_t align64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

size_t qnet_scratch_size(const qnet *q)
{
    size_t nh = (size_t)q->n_hidden, no = (size_t)q->n_out;
    return 4 * align64(no * 8) + 4 * align64(nh * 4) + align64(nh) + align64(nh * 2);
}

static state carve(const qnet *q, void *scratch)
{
    size_t nh = (size_t)q->n_hidden, no = (size_t)q->n_out;
    uint8_t *p = scratch;
    state s;
    s.acc2 = (int64_t *)p, p += align64(no * 8);
    s.flt = (int64_t *)p, p += align64(no * 8);
    s.out = (int64_t *)p, p += align64(no * 8);
    s.max = (int64_t *)p, p += align64(no * 8);
    s.acc1 = (int32_t *)p, p += align64(nh * 4);
    s.syn = (int32_t *)p, p += align64(nh * 4);
    s.mem = (int32_t *)p, p += align64(nh * 4);
    s.noise = (int32_t *)p, p += align64(nh * 4);
    s.spk = p, p += align64(nh);
    s.spk_idx = (uint16_t *)p;
    return s;
}

/* spec §4.1: for each input event i of the step (ascending), for every hidden j:
 * acc1[j] = sat_H(acc1[j] + w1[i][j]). Weights are non-negative, so only the
 * upper rail can clamp: acc1 + w > max  <=>  acc1 > max - w (no overflow). */
static void integrate_input_events(const qnet *q, const uint16_t *ev, uint32_t n_ev,
                                   int32_t *restrict acc1, uint64_t *sat_acc1)
{
    const int nh = q->n_hidden;
    const int32_t hmax = (int32_t)reg_max(q->hidden_bits);
    uint64_t clamps = 0;
    for (uint32_t e = 0; e < n_ev; e++) {
        const uint16_t *restrict row = q->w1 + (size_t)ev[e] * nh;
        for (int j = 0; j < nh; j++) {
            int32_t w = row[j];
            int over = acc1[j] > hmax - w;
            clamps += (uint64_t)over;
            acc1[j] = over ? hmax : acc1[j] + w;
        }
    }
    *sat_acc1 += clamps;
}

/* spec §4.2.2 (noise part): draws noise_next() once per neuron, ascending j,
 * spiking or not, before the arithmetic of §4.2 (the draws do not depend on
 * the state, so drawing them first changes nothing). */
static void draw_noise(const qnet *q, uint32_t *rng, int32_t *noise)
{
    for (int j = 0; j < q->n_hidden; j++)
        noise[j] = noise_next(rng, q->noise_bits);
}

/* spec §4.2: hidden update for every j, from the syn and mem of before the step:
 * 1. s = mem > theta; 3. mem = s ? 0 : sat_H(sat_H(decay(mem, beta_q) + syn) + n);
 * 4. syn = sat_H(decay(syn, alpha_q) + acc1), acc1 = 0. (2., the noise n, is drawn
 * by draw_noise.) The clamps of the membrane sum of a neuron that spiked are not
 * evaluated, hence not counted (spec §7.1). Returns the number of spikes and
 * lists their indices in spk_idx (ascending). */
static uint32_t hidden_update(const qnet *q, state *st, uint64_t *sat_syn, uint64_t *sat_mem)
{
    const int nh = q->n_hidden;
    const int64_t hmax = reg_max(q->hidden_bits), hmin = reg_min(q->hidden_bits);
    const int32_t theta = q->theta, alpha = q->alpha_q, beta = q->beta_q;
    int32_t *restrict acc1 = st->acc1, *restrict syn = st->syn, *restrict mem = st->mem;
    const int32_t *restrict noise = st->noise;
    uint8_t *restrict spk = st->spk;
    uint64_t c_syn = 0, c_mem = 0;
    /* The clamps are sat() (spec §1.2) written out: calling sat() here stops the
     * loop from vectorising and makes the whole model 3-4x slower. */
    for (int j = 0; j < nh; j++) {
        int32_t m = mem[j], y = syn[j];
        int s = m > theta;                                     /* 4.2.1 */
        int64_t a = (int64_t)decay32(m, beta) + y;             /* 4.2.3 */
        int64_t ca = a < hmin ? hmin : a > hmax ? hmax : a;
        int64_t b = ca + noise[j];
        int64_t cb = b < hmin ? hmin : b > hmax ? hmax : b;
        c_mem += s ? 0u : (uint64_t)((ca != a) + (cb != b));
        mem[j] = s ? 0 : (int32_t)cb;
        int64_t c = (int64_t)decay32(y, alpha) + acc1[j];      /* 4.2.4 */
        int64_t cc = c < hmin ? hmin : c > hmax ? hmax : c;
        c_syn += (uint64_t)(cc != c);
        syn[j] = (int32_t)cc;
        acc1[j] = 0;
        spk[j] = (uint8_t)s;
    }
    *sat_syn += c_syn;
    *sat_mem += c_mem;
    uint32_t n = 0;
    for (int j = 0; j < nh; j++) {
        st->spk_idx[n] = (uint16_t)j;
        n += spk[j];
    }
    return n;
}

/* spec §4.3: for each spiking j (ascending), for every k:
 * acc2[k] = sat_R(acc2[k] + sign(j) * w2[j][k]), + for excitatory j, - for inhibitory. */
static void integrate_hidden_spikes(const qnet *q, const uint16_t *spk_idx, uint32_t n_spk,
                                    int64_t *acc2, uint64_t *sat_acc2)
{
    const int no = q->n_out;
    const int64_t rmax = reg_max(q->readout_bits), rmin = reg_min(q->readout_bits);
    for (uint32_t e = 0; e < n_spk; e++) {
        int j = spk_idx[e];
        const uint16_t *row = q->w2 + (size_t)j * no;
        int64_t sign = j < q->n_exc ? 1 : -1;
        for (int k = 0; k < no; k++)
            acc2[k] = sat(acc2[k] + sign * row[k], rmin, rmax, sat_acc2);
    }
}

/* spec §4.4: for every k: 1. out = sat_R(decay(out, beta_q) + flt);
 * 2. flt = sat_R(decay(flt, alpha_q) + acc2), acc2 = 0; 3. max = max(max, out). */
static void readout_update(const qnet *q, state *st, uint64_t *sat_flt, uint64_t *sat_out)
{
    const int64_t rmax = reg_max(q->readout_bits), rmin = reg_min(q->readout_bits);
    for (int k = 0; k < q->n_out; k++) {
        st->out[k] = sat(decay64(st->out[k], q->beta_q) + st->flt[k], rmin, rmax, sat_out);
        st->flt[k] = sat(decay64(st->flt[k], q->alpha_q) + st->acc2[k], rmin, rmax, sat_flt);
        st->acc2[k] = 0;
        if (st->out[k] > st->max[k])
            st->max[k] = st->out[k];
    }
}

/* spec §6.1: the k with the largest max[k]; ties go to the lowest k. */
static int predict(const int64_t *max, int n_out)
{
    int best = 0;
    for (int k = 1; k < n_out; k++)
        if (max[k] > max[best])
            best = k;
    return best;
}

static void raise_max_abs32(const int32_t *v, int n, int64_t *max_abs)
{
    for (int i = 0; i < n; i++) {
        int64_t a = v[i] < 0 ? -(int64_t)v[i] : v[i];
        if (a > *max_abs)
            *max_abs = a;
    }
}

static void raise_max_abs64(const int64_t *v, int n, int64_t *max_abs)
{
    for (int i = 0; i < n; i++) {
        int64_t a = v[i] < 0 ? -v[i] : v[i];
        if (a > *max_abs)
            *max_abs = a;
    }
}

/* spec §4: one image, steps in order. max_abs (optional) tracks the largest
 * |value| of each register kind at the points where the spec writes it. */
static void run_image(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                      uint32_t image_index, void *scratch, qnet_result *res, uint8_t *spikes,
                      uint32_t *spike_counts, int64_t *max_abs)
{
    state st = carve(q, scratch);
    memset(scratch, 0, qnet_scratch_size(q));
    memset(res, 0, sizeof *res);
    if (spike_counts)
        memset(spike_counts, 0, (size_t)q->n_hidden * sizeof *spike_counts);
    uint32_t rng = image_seed(q->seed, image_index);
    uint64_t input_events = 0;
    for (int t = 0; t < q->steps; t++) {
        uint32_t n_ev = step_start[t + 1] - step_start[t];
        input_events += n_ev;
        integrate_input_events(q, events + step_start[t], n_ev, st.acc1, &res->sat[SAT_ACC1]);
        if (max_abs)
            raise_max_abs32(st.acc1, q->n_hidden, &max_abs[SAT_ACC1]);
        if (q->noise_bits > 0)
            draw_noise(q, &rng, st.noise);
        uint32_t n_spk = hidden_update(q, &st, &res->sat[SAT_SYN], &res->sat[SAT_MEM]);
        if (spikes)
            memcpy(spikes + (size_t)t * q->n_hidden, st.spk, (size_t)q->n_hidden);
        if (spike_counts)
            for (uint32_t e = 0; e < n_spk; e++)
                spike_counts[st.spk_idx[e]]++;
        res->n_spikes += n_spk;
        integrate_hidden_spikes(q, st.spk_idx, n_spk, st.acc2, &res->sat[SAT_ACC2]);
        if (max_abs) {
            raise_max_abs32(st.syn, q->n_hidden, &max_abs[SAT_SYN]);
            raise_max_abs32(st.mem, q->n_hidden, &max_abs[SAT_MEM]);
            raise_max_abs64(st.acc2, q->n_out, &max_abs[SAT_ACC2]);
        }
        readout_update(q, &st, &res->sat[SAT_FLT], &res->sat[SAT_OUT]);
        if (max_abs) {
            raise_max_abs64(st.flt, q->n_out, &max_abs[SAT_FLT]);
            raise_max_abs64(st.out, q->n_out, &max_abs[SAT_OUT]);
        }
    }
    for (int k = 0; k < q->n_out; k++) {
        res->max_out[k] = st.max[k];
        res->final_out[k] = st.out[k];
    }
    res->prediction = predict(st.max, q->n_out);
    res->sops = input_events * (uint64_t)q->n_hidden + (uint64_t)res->n_spikes * q->n_out;
}

void qnet_run_image(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                    uint32_t image_index, void *scratch, qnet_result *res, uint8_t *spikes,
                    uint32_t *spike_counts)
{
    run_image(q, events, step_start, image_index, scratch, res, spikes, spike_counts, NULL);
}

void qnet_run_image_ranges(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                           uint32_t image_index, void *scratch, qnet_result *res,
                           int64_t max_abs[SAT_KINDS])
{
    run_image(q, events, step_start, image_index, scratch, res, NULL, NULL, max_abs);
}
