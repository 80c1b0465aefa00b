/* qnet.c - the bit-exact integer reference model (see qnet.h, docs/integer-spec.md).
 *
 * One static function per numbered step of the spec, each citing its section,
 * called in the spec's order by run_image() (the layer loop of §4.7). No
 * floating point in this file: every value is an integer and every rounding is
 * spelled out. Event-driven: §4.1, §4.6 and §4.3 touch only the weight rows of
 * presynaptic neurons that fired. The per-neuron loops are written branch-free
 * over flat arrays so that the compiler vectorises them.
 * Not here: quantization (quantize.c), files (qnet_io.c).
 */
#include "qnet.h"

#include <stdio.h>
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

int qnet_ff_rows(const qnet *q, int l)
{
    return l == 0 ? q->n_in : q->layer[l - 1].size;
}

int qnet_ff_cols(const qnet *q, int l)
{
    return l == q->n_layers ? q->n_out : q->layer[l].size;
}

int qnet_hidden_total(const qnet *q)
{
    return qnet_layer_offset(q, q->n_layers);
}

int qnet_layer_offset(const qnet *q, int l)
{
    int n = 0;
    for (int i = 0; i < l; i++)
        n += q->layer[i].size;
    return n;
}

void qnet_arch_format(const qnet *q, char *buf, size_t cap)
{
    int len = snprintf(buf, cap, "%d", q->n_in);
    for (int l = 0; l < q->n_layers && len >= 0 && (size_t)len < cap; l++)
        len += snprintf(buf + len, cap - len, "-%d%s", q->layer[l].size,
                        q->layer[l].recurrent ? "r" : "");
    if (len >= 0 && (size_t)len < cap)
        snprintf(buf + len, cap - len, "-%d", q->n_out);
}

size_t qnet_weight_count(const qnet *q)
{
    size_t n = 0;
    for (int l = 0; l <= q->n_layers; l++)
        n += (size_t)qnet_ff_rows(q, l) * qnet_ff_cols(q, l);
    for (int l = 0; l < q->n_layers; l++)
        if (q->layer[l].recurrent)
            n += (size_t)q->layer[l].size * q->layer[l].size;
    return n;
}

int qnet_is_single_layer(const qnet *q)
{
    return q->n_layers == 1 && !q->layer[0].recurrent && q->out_alpha_q == q->layer[0].alpha_q &&
           q->out_beta_q == q->layer[0].beta_q;
}

/* Checks the magnitudes of one matrix, named as the float model's export names
 * them (w1 = ff[0], ..., rec1 = rec[0]). */
static int check_magnitudes(const uint16_t *m, size_t n, const char *kind, int index,
                            const qnet *q, const char *what, snn_error *err)
{
    uint32_t wmax = (1u << q->weight_bits) - 1;
    if (!m)
        return snn_fail(err, "%s: weights %s%d missing", what, kind, index);
    for (size_t i = 0; i < n; i++)
        if (m[i] > wmax)
            return snn_fail(err, "%s: %s%d magnitude %zu = %u exceeds %u, the largest %d-bit value "
                            "(spec §2.2)", what, kind, index, i, m[i], wmax, q->weight_bits);
    return 0;
}

static int check_decays(int32_t alpha, int32_t beta, const char *who, const char *what,
                        snn_error *err)
{
    if (alpha < 0 || alpha >= DECAY_ONE || beta < 0 || beta >= DECAY_ONE)
        return snn_fail(err, "%s: %sdecays alpha_q=%d beta_q=%d outside Q0.12 [0, 4095] (spec "
                        "§2.4)", what, who, alpha, beta);
    return 0;
}

int qnet_check(const qnet *q, const char *what, snn_error *err)
{
    if (q->n_layers < 1 || q->n_layers > QNET_MAX_LAYERS)
        return snn_fail(err, "%s: %d hidden layers out of range (1..%d, spec §2.1)", what,
                        q->n_layers, QNET_MAX_LAYERS);
    if (q->n_in < 1 || q->n_in > MAX_NEURONS)
        return snn_fail(err, "%s: %d inputs out of range (1..%d)", what, q->n_in, MAX_NEURONS);
    if (q->n_out < 1 || q->n_out > MAX_OUT)
        return snn_fail(err, "%s: %d readout neurons out of range (1..%d)", what, q->n_out,
                        MAX_OUT);
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
    for (int l = 0; l < q->n_layers; l++) {
        const qnet_layer *h = &q->layer[l];
        if (h->size < 1 || h->size > MAX_NEURONS)
            return snn_fail(err, "%s: hidden layer %d has %d neurons, out of range (1..%d)", what,
                            l, h->size, MAX_NEURONS);
        if (h->n_exc < 0 || h->n_exc > h->size)
            return snn_fail(err, "%s: %d excitatory neurons of %d in hidden layer %d", what,
                            h->n_exc, h->size, l);
        if (h->recurrent != 0 && h->recurrent != 1)
            return snn_fail(err, "%s: hidden layer %d: recurrent flag %d is neither 0 nor 1", what,
                            l, h->recurrent);
        if (h->theta < 1 || h->theta > reg_max(q->hidden_bits))
            return snn_fail(err, "%s: threshold theta=%d of hidden layer %d outside [1, %lld] for "
                            "H=%d (spec §2.3)", what, h->theta, l,
                            (long long)reg_max(q->hidden_bits), q->hidden_bits);
        char who[32];
        snprintf(who, sizeof who, "hidden layer %d ", l);
        if (check_decays(h->alpha_q, h->beta_q, who, what, err) != 0)
            return -1;
    }
    if (check_decays(q->out_alpha_q, q->out_beta_q, "readout ", what, err) != 0)
        return -1;
    for (int l = 0; l <= q->n_layers; l++)
        if (check_magnitudes(q->ff[l], (size_t)qnet_ff_rows(q, l) * qnet_ff_cols(q, l), "w", l + 1,
                             q, what, err) != 0)
            return -1;
    for (int l = 0; l < q->n_layers; l++) {
        int n = q->layer[l].size;
        if (!q->layer[l].recurrent != !q->rec[l])
            return snn_fail(err, "%s: hidden layer %d is %srecurrent but %s a recurrent matrix",
                            what, l, q->layer[l].recurrent ? "" : "not ",
                            q->rec[l] ? "has" : "lacks");
        if (q->rec[l] && check_magnitudes(q->rec[l], (size_t)n * n, "rec", l + 1, q, what, err))
            return -1;
    }
    return 0;
}

/* The state of one hidden layer (spec §4), carved out of the caller's scratch. */
typedef struct {
    int32_t *acc, *syn, *mem;  /* (size) H-bit; acc is spec's acc1 */
    int32_t *noise;            /* (size) this step's noise draws, 0 if N = 0 */
    uint8_t *spk;              /* (size) s[j] of this step */
    uint16_t *spk_idx;         /* (size) indices j with s[j] = 1, ascending */
    uint32_t n_spk;            /* entries of spk_idx: this step's, or step t-1's until (c) */
} layer_state;

/* The per-image state (spec §4). */
typedef struct {
    int64_t *acc2, *flt, *out, *max; /* (n_out) R-bit */
    layer_state layer[QNET_MAX_LAYERS];
} state;

static size_t align64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

static size_t layer_scratch(size_t n)
{
    return 4 * align64(n * 4) + align64(n) + align64(n * 2);
}

size_t qnet_scratch_size(const qnet *q)
{
    size_t n = 4 * align64((size_t)q->n_out * 8);
    for (int l = 0; l < q->n_layers; l++)
        n += layer_scratch((size_t)q->layer[l].size);
    return n;
}

static state carve(const qnet *q, void *scratch)
{
    size_t no = (size_t)q->n_out;
    uint8_t *p = scratch;
    state s;
    s.acc2 = (int64_t *)p, p += align64(no * 8);
    s.flt = (int64_t *)p, p += align64(no * 8);
    s.out = (int64_t *)p, p += align64(no * 8);
    s.max = (int64_t *)p, p += align64(no * 8);
    for (int l = 0; l < q->n_layers; l++) {
        size_t nh = (size_t)q->layer[l].size;
        layer_state *h = &s.layer[l];
        h->acc = (int32_t *)p, p += align64(nh * 4);
        h->syn = (int32_t *)p, p += align64(nh * 4);
        h->mem = (int32_t *)p, p += align64(nh * 4);
        h->noise = (int32_t *)p, p += align64(nh * 4);
        h->spk = p, p += align64(nh);
        h->spk_idx = (uint16_t *)p, p += align64(nh * 2);
        h->n_spk = 0;
    }
    return s;
}

/* The signed saturating sum shared by spec §4.1 and §4.6: for each presynaptic
 * i of idx (in the given, ascending, order), for every j:
 * acc[j] = sat_H(acc[j] + sign(i) * m[i][j]), sign(i) = + for i < n_exc, - else.
 * Magnitudes are >= 0, so a + row clamps only at the top, a - row only at the
 * bottom: acc + w > max <=> acc > max - w (no overflow), likewise below. */
static void add_rows_h(const uint16_t *m, int cols, const uint16_t *idx, uint32_t n, int n_exc,
                       int bits, int32_t *restrict acc, uint64_t *sat_acc)
{
    const int32_t hmax = (int32_t)reg_max(bits), hmin = (int32_t)reg_min(bits);
    uint64_t clamps = 0;
    for (uint32_t e = 0; e < n; e++) {
        const uint16_t *restrict row = m + (size_t)idx[e] * cols;
        if (idx[e] < n_exc) {
            for (int j = 0; j < cols; j++) {
                int32_t w = row[j];
                int over = acc[j] > hmax - w;
                clamps += (uint64_t)over;
                acc[j] = over ? hmax : acc[j] + w;
            }
        } else {
            for (int j = 0; j < cols; j++) {
                int32_t w = row[j];
                int under = acc[j] < hmin + w;
                clamps += (uint64_t)under;
                acc[j] = under ? hmin : acc[j] - w;
            }
        }
    }
    *sat_acc += clamps;
}

/* spec §4.1, step (a) of layer l: the feed-forward events of step t, ascending:
 * for l = 0 the input events (all +), for l > 0 the spikes layer l-1 decided in
 * this step (signed by layer l-1's types). */
static void integrate_ff_events(const qnet *q, int l, const uint16_t *idx, uint32_t n,
                                int32_t *acc, uint64_t *sat_acc1)
{
    int n_exc = l == 0 ? q->n_in : q->layer[l - 1].n_exc;
    add_rows_h(q->ff[l], q->layer[l].size, idx, n, n_exc, q->hidden_bits, acc, sat_acc1);
}

/* spec §4.6, step (b) of a recurrent layer l: its own spikes of step t-1
 * (ascending, signed by type), after all of (a). */
static void integrate_recurrent_spikes(const qnet *q, int l, const layer_state *h,
                                       uint64_t *sat_acc1)
{
    add_rows_h(q->rec[l], q->layer[l].size, h->spk_idx, h->n_spk, q->layer[l].n_exc,
               q->hidden_bits, h->acc, sat_acc1);
}

/* spec §4.2.2 (noise part), §5.1: draws noise_next() once per neuron of the
 * layer, ascending j, spiking or not, before the arithmetic of §4.2 (the draws
 * do not depend on the state, so drawing them first changes nothing). */
static void draw_noise(const qnet *q, int l, uint32_t *rng, int32_t *noise)
{
    for (int j = 0; j < q->layer[l].size; j++)
        noise[j] = noise_next(rng, q->noise_bits);
}

/* spec §4.2, step (c) of layer l: hidden update for every j, from the syn and
 * mem of before the step: 1. s = mem > theta_l; 3. mem = s ? 0 :
 * sat_H(sat_H(decay(mem, beta_q_l) + syn) + n); 4. syn = sat_H(decay(syn,
 * alpha_q_l) + acc), acc = 0. (2., the noise n, is drawn by draw_noise.) The
 * clamps of the membrane sum of a neuron that spiked are not evaluated, hence
 * not counted (spec §7.1). Lists the spikes in spk_idx (ascending), n_spk. */
static void hidden_update(const qnet *q, int l, layer_state *h, uint64_t *sat_syn,
                          uint64_t *sat_mem)
{
    const int nh = q->layer[l].size;
    const int64_t hmax = reg_max(q->hidden_bits), hmin = reg_min(q->hidden_bits);
    const int32_t theta = q->layer[l].theta, alpha = q->layer[l].alpha_q;
    const int32_t beta = q->layer[l].beta_q;
    int32_t *restrict acc = h->acc, *restrict syn = h->syn, *restrict mem = h->mem;
    const int32_t *restrict noise = h->noise;
    uint8_t *restrict spk = h->spk;
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
        int64_t c = (int64_t)decay32(y, alpha) + acc[j];       /* 4.2.4 */
        int64_t cc = c < hmin ? hmin : c > hmax ? hmax : c;
        c_syn += (uint64_t)(cc != c);
        syn[j] = (int32_t)cc;
        acc[j] = 0;
        spk[j] = (uint8_t)s;
    }
    *sat_syn += c_syn;
    *sat_mem += c_mem;
    uint32_t n = 0;
    for (int j = 0; j < nh; j++) {
        h->spk_idx[n] = (uint16_t)j;
        n += spk[j];
    }
    h->n_spk = n;
}

/* spec §4.3, step (d): for each j of the last hidden layer that spiked at step t
 * (ascending), for every k: acc2[k] = sat_R(acc2[k] + sign(j) * w[j][k]),
 * + for excitatory j, - for inhibitory. */
static void integrate_hidden_spikes(const qnet *q, const layer_state *h, int64_t *acc2,
                                    uint64_t *sat_acc2)
{
    const int no = q->n_out, n_exc = q->layer[q->n_layers - 1].n_exc;
    const int64_t rmax = reg_max(q->readout_bits), rmin = reg_min(q->readout_bits);
    for (uint32_t e = 0; e < h->n_spk; e++) {
        int j = h->spk_idx[e];
        const uint16_t *row = q->ff[q->n_layers] + (size_t)j * no;
        int64_t sign = j < n_exc ? 1 : -1;
        for (int k = 0; k < no; k++)
            acc2[k] = sat(acc2[k] + sign * row[k], rmin, rmax, sat_acc2);
    }
}

/* spec §4.4, step (d): for every k: 1. out = sat_R(decay(out, out_beta_q) + flt);
 * 2. flt = sat_R(decay(flt, out_alpha_q) + acc2), acc2 = 0; 3. max = max(max, out). */
static void readout_update(const qnet *q, state *st, uint64_t *sat_flt, uint64_t *sat_out)
{
    const int64_t rmax = reg_max(q->readout_bits), rmin = reg_min(q->readout_bits);
    for (int k = 0; k < q->n_out; k++) {
        st->out[k] = sat(decay64(st->out[k], q->out_beta_q) + st->flt[k], rmin, rmax, sat_out);
        st->flt[k] = sat(decay64(st->flt[k], q->out_alpha_q) + st->acc2[k], rmin, rmax, sat_flt);
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

/* spec §4.7: one image, steps in order; in each step the layers in order, each
 * (a) §4.1, (b) §4.6, (c) §4.2, then (d) §4.3, §4.4. ranges (optional) tracks
 * the largest |value| of each register at the points where the spec writes it. */
static void run_image(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                      uint32_t image_index, void *scratch, qnet_result *res, uint8_t *spikes,
                      uint32_t *spike_counts, qnet_ranges *ranges)
{
    const int L = q->n_layers, n_total = qnet_hidden_total(q);
    state st = carve(q, scratch);
    memset(scratch, 0, qnet_scratch_size(q));
    memset(res, 0, sizeof *res);
    if (spike_counts)
        memset(spike_counts, 0, (size_t)n_total * sizeof *spike_counts);
    uint32_t rng = image_seed(q->seed, image_index);
    uint64_t sops = 0;
    for (int t = 0; t < q->steps; t++) {
        for (int l = 0, offset = 0; l < L; offset += q->layer[l].size, l++) {
            layer_state *h = &st.layer[l];
            const int nh = q->layer[l].size;
            const uint16_t *ff_idx = l ? st.layer[l - 1].spk_idx : events + step_start[t];
            uint32_t n_ff = l ? st.layer[l - 1].n_spk : step_start[t + 1] - step_start[t];
            integrate_ff_events(q, l, ff_idx, n_ff, h->acc, &res->sat[SAT_ACC1]);   /* (a) */
            sops += (uint64_t)n_ff * nh;
            if (q->layer[l].recurrent) {                                          /* (b) */
                integrate_recurrent_spikes(q, l, h, &res->sat[SAT_ACC1]);
                sops += (uint64_t)h->n_spk * nh;
            }
            if (ranges)
                raise_max_abs32(h->acc, nh, &ranges->layer[l][SAT_ACC1]);
            if (q->noise_bits > 0)                                                /* (c) */
                draw_noise(q, l, &rng, h->noise);
            hidden_update(q, l, h, &res->sat[SAT_SYN], &res->sat[SAT_MEM]);
            if (spikes)
                memcpy(spikes + (size_t)t * n_total + offset, h->spk, (size_t)nh);
            if (spike_counts)
                for (uint32_t e = 0; e < h->n_spk; e++)
                    spike_counts[offset + h->spk_idx[e]]++;
            res->n_spikes += h->n_spk;
            if (ranges) {
                raise_max_abs32(h->syn, nh, &ranges->layer[l][SAT_SYN]);
                raise_max_abs32(h->mem, nh, &ranges->layer[l][SAT_MEM]);
            }
        }
        const layer_state *last = &st.layer[L - 1];                               /* (d) */
        integrate_hidden_spikes(q, last, st.acc2, &res->sat[SAT_ACC2]);
        sops += (uint64_t)last->n_spk * q->n_out;
        if (ranges)
            raise_max_abs64(st.acc2, q->n_out, &ranges->kind[SAT_ACC2]);
        readout_update(q, &st, &res->sat[SAT_FLT], &res->sat[SAT_OUT]);
        if (ranges) {
            raise_max_abs64(st.flt, q->n_out, &ranges->kind[SAT_FLT]);
            raise_max_abs64(st.out, q->n_out, &ranges->kind[SAT_OUT]);
        }
    }
    for (int k = 0; k < q->n_out; k++) {
        res->max_out[k] = st.max[k];
        res->final_out[k] = st.out[k];
    }
    res->prediction = predict(st.max, q->n_out);
    res->sops = sops;
    for (int l = 0; ranges && l < L; l++)
        for (int k = SAT_ACC1; k <= SAT_MEM; k++)
            if (ranges->layer[l][k] > ranges->kind[k])
                ranges->kind[k] = ranges->layer[l][k];
}

void qnet_run_image(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                    uint32_t image_index, void *scratch, qnet_result *res, uint8_t *spikes,
                    uint32_t *spike_counts)
{
    run_image(q, events, step_start, image_index, scratch, res, spikes, spike_counts, NULL);
}

void qnet_run_image_ranges(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                           uint32_t image_index, void *scratch, qnet_result *res,
                           qnet_ranges *ranges)
{
    run_image(q, events, step_start, image_index, scratch, res, NULL, NULL, ranges);
}
