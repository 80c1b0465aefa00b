/* test_bptt_ref.c - the event-driven kernels of the general network against a dense reference.
 *
 * tests/dense_bptt.c computes the network of the contract (issue 11) densely in double
 * precision from its own plain description; here random small networks (1 to 4 hidden
 * layers, recurrent on, off and mixed per layer, E:I ratios 0.8, 0.5 and 1.0, per-layer
 * constants) go through both, and every state and every gradient element must agree. The
 * reference is itself checked against finite differences first, so a disagreement points
 * at the kernels.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../sw/net/kernels.h"
#include "dense_bptt.h"

/* A spike whose membrane lies this close to the threshold may fall either way in float and
 * double; such draws are rejected, so the spike comparison can be exact. The same margin
 * keeps a logit's arg-max time from flipping between two nearly equal outputs. */
#define DECISION_MARGIN 1e-4

/* Kernel (float) vs reference (double): |kernel - ref| <= rel |ref| + abs max|ref of the
 * array|; an element that cancels to near 0 has no meaningful relative error in float, hence
 * the absolute part scaled by the array's largest value.
 * - States: each is a chain of at most a few hundred float operations (T <= 40 steps of decay,
 *   sums over <= 70 presynaptic neurons), eps 6e-8: errors of ~1e-7 to 1e-6 of the values.
 * - Gradients: float rounding along their longer chains (through time and layers: n eps ~ 2e-5
 *   at worst, hence 3e-5), plus the surrogate's sensitivity to the float membrane:
 *   d ln(dS/dmem) / dmem = 2 scale / (scale |mem - thr| + 1) <= 2 scale, so a membrane error
 *   of MEM_ERR makes an error of up to 2 scale MEM_ERR in a surrogate factor, and these add
 *   up over the layers a gradient crosses (grad_tolerance).
 * The test prints the largest share of its tolerance any element used. */
#define MEM_ERR 1e-6
typedef struct {
    double rel, abs;
} tolerance;
static const tolerance STATE_TOL = {1e-5, MEM_ERR};

static tolerance grad_tolerance(double scale, int n_layers)
{
    double rel = 3e-5 + 2 * scale * MEM_ERR * n_layers;
    return (tolerance){rel, rel / 5};
}

/* Each hidden layer must fire at least this share of its (step, neuron) slots, and at least
 * MIN_SPIKES spikes, or the comparison would prove little. */
#define MIN_RATE 0.03
#define MAX_RATE 0.35
#define MIN_SPIKES 8

/* The compared sample of a draw's two (the other is a decoy, see draw_attempt). */
#define SAMPLE 1

typedef struct {
    const char *name;
    int n_layers;
    double ratio[SNN_MAX_LAYERS];
    int recurrent[SNN_MAX_LAYERS];
    int dale;
    int wide; /* layers of 33-70 neurons instead of 6-16: past any blocking of the loops */
} net_case;

static const net_case cases[] = {
    {"1 layer, feed-forward, 80:20", 1, {0.8}, {0}, 1, 0},
    {"1 layer, recurrent, 50:50", 1, {0.5}, {1}, 1, 0},
    {"2 layers, feed-forward, 80:20 50:50", 2, {0.8, 0.5}, {0, 0}, 1, 0},
    {"2 layers, recurrent, 50:50 100:0", 2, {0.5, 1.0}, {1, 1}, 1, 0},
    {"2 layers, recurrent then feed-forward, 100:0 80:20", 2, {1.0, 0.8}, {1, 0}, 1, 0},
    {"2 layers, feed-forward then recurrent, 80:20 80:20", 2, {0.8, 0.8}, {0, 1}, 1, 0},
    {"3 layers, feed-forward, 80:20 50:50 100:0", 3, {0.8, 0.5, 1.0}, {0, 0, 0}, 1, 0},
    {"3 layers, recurrent, 50:50 80:20 50:50", 3, {0.5, 0.8, 0.5}, {1, 1, 1}, 1, 0},
    {"3 layers, recurrent/ff/recurrent, 100:0 50:50 80:20", 3, {1.0, 0.5, 0.8}, {1, 0, 1}, 1, 0},
    {"3 layers, ff/recurrent/ff, no Dale", 3, {0.8, 0.8, 0.8}, {0, 1, 0}, 0, 0},
    {"4 layers, recurrent, 80:20 50:50 100:0 80:20", 4, {0.8, 0.5, 1.0, 0.8}, {1, 1, 1, 1}, 1, 0},
    {"2 wide layers, recurrent, 80:20 80:20", 2, {0.8, 0.8}, {1, 1}, 1, 1},
};
enum { N_CASES = sizeof cases / sizeof cases[0], SEEDS = 10 };

/* One drawn network and sample, as the library sees it (m, data) and as the reference
 * does (net over the double copies w, input x). */
typedef struct {
    snn_model m;
    spike_data data;
    int label;
    double *x;                              /* (T, n_in) */
    double *w[2 * SNN_MAX_LAYERS + 1];      /* ff[0..L], then rec[0..L-1] */
    dense_net net;
} drawn;

static size_t ff_len(const snn_config *c, int l)
{
    return (size_t)snn_ff_rows(c, l) * snn_ff_cols(c, l);
}

/* Matrix m of a network, in the order of drawn.w: ff[0..L] for m <= L, then rec[m - L - 1].
 * 0 for the matrix of a layer that is not recurrent. */
typedef struct {
    char name[16];
    int rows, cols;
} matrix_shape;

static int matrix_at(const snn_config *c, int m, matrix_shape *v)
{
    int L = c->n_layers;
    if (m <= L) {
        snprintf(v->name, sizeof v->name, "ff[%d]", m);
        v->rows = snn_ff_rows(c, m), v->cols = snn_ff_cols(c, m);
        return 1;
    }
    snprintf(v->name, sizeof v->name, "rec[%d]", m - L - 1);
    v->rows = v->cols = c->layer[m - L - 1].size;
    return c->layer[m - L - 1].recurrent;
}

static double *dense_grad(const dense_state *s, const snn_config *c, int m)
{
    return m <= c->n_layers ? s->dff[m] : s->drec[m - c->n_layers - 1];
}

static float *model_matrix(const snn_model *g, int m)
{
    return m <= g->cfg.n_layers ? g->ff[m] : g->rec[m - g->cfg.n_layers - 1];
}

/* Copies the model's weights into the reference's description. */
static void to_dense(drawn *d)
{
    const snn_config *c = &d->m.cfg;
    dense_net *n = &d->net;
    memset(n, 0, sizeof *n);
    n->n_in = c->n_in, n->n_out = c->n_out, n->n_layers = c->n_layers, n->steps = c->steps;
    n->out_alpha = c->out_alpha, n->out_beta = c->out_beta;
    for (int l = 0; l <= c->n_layers; l++) {
        size_t len = ff_len(c, l);
        for (size_t i = 0; i < len; i++)
            d->w[l][i] = d->m.ff[l][i];
        n->ff[l] = d->w[l];
    }
    for (int l = 0; l < c->n_layers; l++) {
        const snn_layer_config *lc = &c->layer[l];
        n->size[l] = lc->size;
        n->alpha[l] = lc->alpha, n->beta[l] = lc->beta, n->threshold[l] = lc->threshold;
        if (lc->recurrent) {
            double *r = d->w[c->n_layers + 1 + l];
            for (int i = 0; i < lc->size * lc->size; i++)
                r[i] = d->m.rec[l][i];
            n->rec[l] = r;
        }
    }
}

static int draw_int(snn_rng *rng, int lo, int hi)
{
    return lo + (int)snn_rng_below(rng, (uint32_t)(hi - lo + 1));
}

/* |N(0, 1)| * gain, signed by row i's type when dale (i < n_exc: +), else plain normal. */
static void fill_matrix(float *w, int rows, int cols, int n_exc, int dale, double gain,
                        snn_rng *rng)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            double z = snn_rng_normal(rng);
            /* Inhibitory rows at half the gain, so layers past a 50:50 one still fire. */
            w[i * cols + j] = (float)(dale ? (i < n_exc ? fabs(z) : -0.5 * fabs(z)) * gain
                                           : z * gain);
        }
}

static void scale_matrix(float *w, size_t len, double f)
{
    for (size_t i = 0; i < len; i++)
        w[i] = (float)(w[i] * f);
}

static int layer_spikes(const dense_net *n, const dense_state *s, int l)
{
    int count = 0;
    for (int i = 0; i < n->steps * n->size[l]; i++)
        count += s->spk[l][i] != 0;
    return count;
}

/* Does hidden layer l fire within [MIN_RATE, MAX_RATE] of its slots, and MIN_SPIKES times? */
static int rate_ok(const dense_net *n, const dense_state *s, int l)
{
    int slots = n->steps * n->size[l], count = layer_spikes(n, s, l);
    return count >= MIN_SPIKES && count >= MIN_RATE * slots && count <= MAX_RATE * slots;
}

/* Does every membrane stay DECISION_MARGIN away from its threshold, and every logit's maximum
 * as far from the other outputs? Outputs exactly 0 (before any spike reaches the readout) tie
 * with a maximum of 0 exactly in float too, and the first of them is taken in both. */
static int decisions_clear(const dense_net *n, const dense_state *s)
{
    for (int l = 0; l < n->n_layers; l++)
        for (int i = 0; i < n->steps * n->size[l]; i++)
            if (fabs(s->mem[l][i] - n->threshold[l]) < DECISION_MARGIN)
                return 0;
    for (int k = 0; k < n->n_out; k++) {
        double best = s->logits[k];
        for (int r = 0; r <= n->steps; r++) {
            double gap = best - s->out[r * n->n_out + k];
            if (r != s->t_max[k] && !(best == 0 && gap == 0) &&
                gap < DECISION_MARGIN * fmax(1.0, fabs(best)))
                return 0;
        }
    }
    return 1;
}

/* Does the gradient reach every matrix (some element non-zero)? It need not: a layer whose
 * every path to the readout lands after the logits' arg-max times gets none. */
static int gradients_reach_every_matrix(const drawn *d, const dense_state *s)
{
    const snn_config *c = &d->m.cfg;
    matrix_shape v;
    for (int m = 0; m < 2 * c->n_layers + 1; m++) {
        if (!matrix_at(c, m, &v))
            continue;
        const double *g = dense_grad(s, c, m);
        int any = 0;
        for (int i = 0; i < v.rows * v.cols; i++)
            any |= g[i] != 0;
        if (!any)
            return 0;
    }
    return 1;
}

static void drawn_free(drawn *d)
{
    snn_model_free(&d->m);
    spike_data_free(&d->data);
    free(d->x);
    for (int i = 0; i < 2 * SNN_MAX_LAYERS + 1; i++)
        free(d->w[i]);
    memset(d, 0, sizeof *d);
}

/* One attempt at a case: draws shape, constants, weights and input, then scales each layer's
 * input weights until it fires at a moderate rate. 1 if the draw is usable (see draw). */
static int draw_attempt(const net_case *nc, snn_rng *rng, drawn *d, dense_state *s)
{
    memset(d, 0, sizeof *d);
    snn_config c;
    memset(&c, 0, sizeof c);
    c.n_in = draw_int(rng, 20, 40);
    c.n_out = draw_int(rng, 3, 6);
    c.steps = draw_int(rng, 20, 40);
    c.n_layers = nc->n_layers;
    c.dale = nc->dale;
    static const double tau_syn[3] = {5, 3, 8}, tau_mem[3] = {10, 6, 15}, thr[3] = {1, 0.75, 1.25};
    for (int l = 0; l < c.n_layers; l++) {
        snn_layer_config *lc = &c.layer[l];
        lc->size = nc->wide ? draw_int(rng, 33, 70) : draw_int(rng, 6, 16);
        lc->n_exc = snn_exc_count(lc->size, nc->ratio[l]);
        lc->recurrent = nc->recurrent[l];
        lc->alpha = (float)exp(-1.0 / tau_syn[snn_rng_below(rng, 3)]);
        lc->beta = (float)exp(-1.0 / tau_mem[snn_rng_below(rng, 3)]);
        lc->threshold = (float)thr[snn_rng_below(rng, 3)];
    }
    c.out_alpha = (float)exp(-1.0 / tau_syn[snn_rng_below(rng, 3)]);
    c.out_beta = (float)exp(-1.0 / tau_mem[snn_rng_below(rng, 3)]);
    snn_error err;
    if (snn_model_alloc(&d->m, &c, &err) != 0)
        fail_msg("snn_model_alloc: %s", err.msg);
    const snn_config *mc = &d->m.cfg;
    const int L = c.n_layers, T = c.steps;
    for (int l = 0; l <= L; l++) {
        int rows = snn_ff_rows(mc, l), cols = snn_ff_cols(mc, l);
        int n_exc = l == 0 ? rows : c.layer[l - 1].n_exc;
        fill_matrix(d->m.ff[l], rows, cols, n_exc, c.dale, l == L ? 0.05 : 0.03, rng);
        d->w[l] = malloc(sizeof(double) * ff_len(mc, l));
        assert_non_null(d->w[l]);
    }
    for (int l = 0; l < L; l++) {
        int N = c.layer[l].size;
        assert_true((d->m.rec[l] != NULL) == (c.layer[l].recurrent != 0));
        if (!d->m.rec[l])
            continue;
        fill_matrix(d->m.rec[l], N, N, c.layer[l].n_exc, c.dale, 0.02, rng);
        d->w[L + 1 + l] = malloc(sizeof(double) * N * N);
        assert_non_null(d->w[L + 1 + l]);
    }

    /* Two samples: a busier decoy the kernels run first in the same workspace (nothing of it
     * may stay behind), then the compared one, SAMPLE; each (step, input) fires with
     * probability p. */
    double p = 0.08 + 0.1 * snn_rng_uniform(rng);
    size_t cap = 2 * (size_t)T * c.n_in, n_ev = 0;
    uint32_t *ev_sample = malloc(sizeof *ev_sample * cap);
    uint16_t *ev_step = malloc(sizeof *ev_step * cap), *ev_input = malloc(sizeof *ev_input * cap);
    d->x = calloc((size_t)T * c.n_in, sizeof *d->x);
    uint8_t *labels = malloc(2);
    assert_true(ev_sample && ev_step && ev_input && d->x && labels);
    for (int sample = 0; sample < 2; sample++)
        for (int t = 0; t < T; t++)
            for (int i = 0; i < c.n_in; i++)
                if (snn_rng_uniform(rng) < (sample == SAMPLE ? p : 0.3)) {
                    if (sample == SAMPLE)
                        d->x[t * c.n_in + i] = 1;
                    ev_sample[n_ev] = (uint32_t)sample, ev_step[n_ev] = (uint16_t)t;
                    ev_input[n_ev++] = (uint16_t)i;
                }
    for (int sample = 0; sample < 2; sample++)
        labels[sample] = (uint8_t)snn_rng_below(rng, (uint32_t)c.n_out);
    d->label = labels[SAMPLE];
    if (spike_data_from_events(2, c.n_in, T, c.n_out, labels, n_ev, ev_sample, ev_step, ev_input,
                               &d->data, &err) != 0)
        fail_msg("spike_data_from_events: %s", err.msg);
    free(ev_sample), free(ev_step), free(ev_input);

    /* Layer by layer (a layer's scale moves only the layers above it). */
    to_dense(d);
    assert_int_equal(dense_alloc(s, &d->net), 0);
    for (int l = 0; l < L; l++) {
        int tries = 0;
        for (;;) {
            dense_forward(&d->net, d->x, NULL, 0, s);
            if (rate_ok(&d->net, s, l))
                break;
            if (++tries > 40)
                return 0;
            int few = layer_spikes(&d->net, s, l) < MAX_RATE * T * c.layer[l].size;
            scale_matrix(d->m.ff[l], ff_len(mc, l), few ? 1.25 : 0.8);
            to_dense(d);
        }
    }
    if (!decisions_clear(&d->net, s))
        return 0;
    dense_backward(&d->net, d->x, d->label, SNN_PAPER_SURROGATE_SCALE, s);
    return gradients_reach_every_matrix(d, s);
}

/* A usable draw for (case, seed): hidden layers fire at a moderate rate, no decision is
 * marginal, and the gradient reaches every matrix (so no comparison is empty). Attempts until
 * one passes; returns their number. */
static int draw(int case_index, unsigned seed, drawn *d, dense_state *s)
{
    snn_rng rng;
    snn_rng_seed(&rng, seed, 1000 + (uint64_t)case_index);
    for (int attempt = 1; attempt <= 200; attempt++) {
        if (draw_attempt(&cases[case_index], &rng, d, s))
            return attempt;
        dense_free(s);
        drawn_free(d);
    }
    fail_msg("case '%s' seed %u: no usable draw (firing within [%g, %g], clear decisions, "
             "gradient in every matrix)", cases[case_index].name, seed, MIN_RATE, MAX_RATE);
    return 0;
}

/* Compares a kernel array with the reference's, (rows, cols); names the first element out of
 * tolerance by its row and column labels. Returns the largest share of its tolerance an
 * element used, for the record. */
static double compare(const char *ctx, const char *what, const char *row_name,
                      const char *col_name, int rows, int cols, const float *k, const double *r,
                      tolerance tl)
{
    double big = 0, worst = 0;
    for (int i = 0; i < rows * cols; i++)
        big = fmax(big, fabs(r[i]));
    for (int i = 0; i < rows * cols; i++) {
        double err = fabs(k[i] - r[i]), tol = tl.rel * fabs(r[i]) + tl.abs * big;
        if (!(err <= tol))
            fail_msg("%s: %s, %s %d %s %d: kernel %.9g, reference %.9g (tolerance %.3g)", ctx,
                     what, row_name, i / cols, col_name, i % cols, k[i], r[i], tol);
        if (tol > 0)
            worst = fmax(worst, err / tol);
    }
    return worst;
}

static double compare_case(const char *ctx, drawn *d, const dense_state *s, snn_workspace *ws)
{
    const dense_net *n = &d->net;
    const int T = n->steps, K = n->n_out;
    double worst = 0;
    char what[64];
    for (int l = 0; l < n->n_layers; l++) {
        const int N = n->size[l];
        for (int t = 0; t < T; t++)
            for (int j = 0; j < N; j++) {
                int ks = ws->layer[l].spk[t * N + j] != 0, rs = s->spk[l][t * N + j] != 0;
                if (ks != rs)
                    fail_msg("%s: spike of layer %d neuron %d step %d: kernel %d, reference %d "
                             "(reference mem %.9g, kernel mem %.9g, threshold %g)",
                             ctx, l, j, t, ks, rs, s->mem[l][t * N + j],
                             ws->layer[l].mem[t * N + j], n->threshold[l]);
            }
        snprintf(what, sizeof what, "layer %d mem", l);
        worst = fmax(worst, compare(ctx, what, "step", "neuron", T, N, ws->layer[l].mem,
                                    s->mem[l], STATE_TOL));
        snprintf(what, sizeof what, "layer %d current", l);
        worst = fmax(worst, compare(ctx, what, "step", "neuron", T, N, ws->layer[l].cur,
                                    s->cur[l], STATE_TOL));
    }
    worst = fmax(worst, compare(ctx, "out", "step", "class", T + 1, K, ws->out, s->out,
                                STATE_TOL));
    worst = fmax(worst, compare(ctx, "logits", "row", "class", 1, K, ws->logits, s->logits,
                                STATE_TOL));
    for (int k = 0; k < K; k++)
        if (ws->t_max[k] != s->t_max[k])
            fail_msg("%s: arg-max time of class %d: kernel %d, reference %d", ctx, k,
                     ws->t_max[k], s->t_max[k]);
    return worst;
}

static double compare_gradients(const char *ctx, const drawn *d, const dense_state *s,
                                const snn_workspace *ws, const snn_model *g, double scale)
{
    const snn_config *c = &d->m.cfg;
    const tolerance tl = grad_tolerance(scale, c->n_layers);
    double worst = 0;
    char what[64];
    matrix_shape v;
    for (int m = 0; m < 2 * c->n_layers + 1; m++) {
        if (!matrix_at(c, m, &v))
            continue;
        snprintf(what, sizeof what, "gradient of %s", v.name);
        worst = fmax(worst, compare(ctx, what, "row", "column", v.rows, v.cols,
                                    model_matrix(g, m), dense_grad(s, c, m), tl));
    }
    /* The matrices' common factor, to tell the layer and step where they part. */
    for (int l = c->n_layers - 1; l >= 0; l--) {
        snprintf(what, sizeof what, "layer %d dLoss/dcurrent", l);
        worst = fmax(worst, compare(ctx, what, "step", "neuron", c->steps, c->layer[l].size,
                                    ws->layer[l].dcur, s->dcur[l], tl));
    }
    return worst;
}

static void test_kernels_match_dense_reference(void **state)
{
    (void)state;
    /* The paper's surrogate slope, and a soft one that carries gradient down deep stacks. */
    const float scales[2] = {SNN_PAPER_SURROGATE_SCALE, 5.0f};
    double worst_state = 0, worst_grad = 0;
    int runs = 0, redraws = 0, fewest = 1 << 30;
    for (int ci = 0; ci < N_CASES; ci++)
        for (unsigned seed = 1; seed <= SEEDS; seed++) {
            drawn d;
            dense_state s;
            redraws += draw(ci, seed, &d, &s) - 1;
            snn_error err;
            snn_workspace ws;
            snn_model g;
            if (snn_workspace_alloc(&ws, &d.m.cfg, &err) != 0)
                fail_msg("snn_workspace_alloc: %s", err.msg);
            if (snn_model_alloc(&g, &d.m.cfg, &err) != 0)
                fail_msg("snn_model_alloc: %s", err.msg);
            snn_backward_prepare(&d.m, &ws);
            for (int si = 0; si < 2; si++) {
                char ctx[200];
                snprintf(ctx, sizeof ctx, "case '%s' seed %u surrogate scale %g", cases[ci].name,
                         seed, scales[si]);
                const int decoy = 1 - SAMPLE;
                snn_forward(&d.m, &d.data, decoy, &ws);
                snn_backward(&d.m, &d.data, decoy, d.data.labels[decoy], scales[si], &ws, &g);
                snn_forward(&d.m, &d.data, SAMPLE, &ws);
                dense_forward(&d.net, d.x, NULL, 0, &s);
                worst_state = fmax(worst_state, compare_case(ctx, &d, &s, &ws));
                for (int l = 0; l < d.net.n_layers; l++) {
                    int n = layer_spikes(&d.net, &s, l);
                    assert_int_equal(ws.layer[l].n_spikes, n);
                    assert_true(n >= MIN_SPIKES);
                    fewest = n < fewest ? n : fewest;
                }
                memset(snn_model_weights(&g), 0,
                       sizeof(float) * snn_model_weight_count(&g.cfg));
                float loss = snn_backward(&d.m, &d.data, SAMPLE, d.label, scales[si], &ws, &g);
                double rloss = dense_backward(&d.net, d.x, d.label, scales[si], &s);
                if (!(fabs(loss - rloss) <= STATE_TOL.rel * fabs(rloss) + STATE_TOL.abs))
                    fail_msg("%s: loss: kernel %.9g, reference %.9g", ctx, loss, rloss);
                double e = compare_gradients(ctx, &d, &s, &ws, &g, scales[si]);
                /* snn_backward adds into grad: a second call doubles it. */
                snn_backward(&d.m, &d.data, SAMPLE, d.label, scales[si], &ws, &g);
                float *gw = snn_model_weights(&g);
                for (size_t i = 0; i < snn_model_weight_count(&g.cfg); i++)
                    gw[i] *= 0.5f;
                strncat(ctx, ", after a second backward, halved", sizeof ctx - strlen(ctx) - 1);
                e = fmax(e, compare_gradients(ctx, &d, &s, &ws, &g, scales[si]));
                worst_grad = fmax(worst_grad, e);
                runs++;
            }
            snn_model_free(&g);
            snn_workspace_free(&ws);
            dense_free(&s);
            drawn_free(&d);
        }
    print_message("%d comparisons (%d cases x %d seeds x 2 surrogate slopes), %d draws "
                  "redrawn, fewest spikes of a layer %d; largest error, as a share of its "
                  "tolerance: states %.2g, gradients %.2g\n", runs, N_CASES, SEEDS, redraws,
                  fewest, worst_state, worst_grad);
}

/* How far a central difference of step h may be from the gradient g (largest of its matrix: big;
 * largest |logit|: top): truncation O(h^2) well inside the relative part; the loss is a
 * difference of terms as large as the logits, so its rounding, over h, bounds the absolute one. */
static double fd_tolerance(double g, double big, double top, double h)
{
    return 1e-5 * (big + fabs(g)) + 1e-14 * (1 + top) / h;
}

static double largest_logit(const dense_net *n, const dense_state *s)
{
    double top = 0;
    for (int k = 0; k < n->n_out; k++)
        top = fmax(top, fabs(s->logits[k]));
    return top;
}

/* The reference's gradient of matrix m against central differences of the loss of
 * dense_forward(.., at, scale, ..), step h; names the first element that disagrees. */
static void check_fd(const char *ctx, drawn *d, dense_state *s, dense_state *p, int m,
                     const dense_state *at, double scale, double h)
{
    const snn_config *c = &d->m.cfg;
    matrix_shape v;
    if (!matrix_at(c, m, &v))
        return;
    double *w = d->w[m], *g = dense_grad(s, c, m), big = 0;
    for (int i = 0; i < v.rows * v.cols; i++)
        big = fmax(big, fabs(g[i]));
    assert_true(big > 0);
    const double top = largest_logit(&d->net, s);
    for (int i = 0; i < v.rows * v.cols; i++) {
        double w0 = w[i], lp, lm;
        w[i] = w0 + h;
        dense_forward(&d->net, d->x, at, scale, p);
        lp = dense_loss(&d->net, p, d->label);
        for (int k = 0; k < c->n_out; k++)
            assert_int_equal(p->t_max[k], s->t_max[k]);
        w[i] = w0 - h;
        dense_forward(&d->net, d->x, at, scale, p);
        lm = dense_loss(&d->net, p, d->label);
        w[i] = w0;
        double fd = (lp - lm) / (2 * h);
        if (!(fabs(fd - g[i]) <= fd_tolerance(g[i], big, top, h)))
            fail_msg("%s, surrogate scale %g: %s row %d column %d: backward %.12g, finite "
                     "difference %.12g (largest %.3g)", ctx, scale, v.name, i / v.cols,
                     i % v.cols, g[i], fd, big);
    }
}

/* The reference's readout gradient against central differences of its loss: the readout
 * weights move no spike, so the loss is smooth in them (while every arg-max stays put). */
static void check_readout_gradient(const char *ctx, drawn *d, dense_state *s, dense_state *p)
{
    dense_forward(&d->net, d->x, NULL, 0, s);
    dense_backward(&d->net, d->x, d->label, SNN_PAPER_SURROGATE_SCALE, s);
    check_fd(ctx, d, s, p, d->net.n_layers, NULL, SNN_PAPER_SURROGATE_SCALE, 1e-6);
}

/* Every gradient of the reference against central differences of the straight-through loss
 * (dense_bptt.h): the forward pass with spikes made smooth around the drawn point, whose
 * derivative is by construction the surrogate gradient. This checks the backward pass's
 * chain rule through all layers, the recurrent path and time, from the forward code alone. */
static void check_all_gradients(const char *ctx, drawn *d, dense_state *s, dense_state *p,
                                double scale)
{
    const dense_net *n = &d->net;
    dense_forward(n, d->x, NULL, 0, s);
    dense_backward(n, d->x, d->label, scale, s);
    /* At the point itself the straight-through pass is the network. */
    dense_forward(n, d->x, s, scale, p);
    for (int l = 0; l < n->n_layers; l++)
        for (int i = 0; i < n->steps * n->size[l]; i++) {
            assert_true(p->spk[l][i] == s->spk[l][i]);
            assert_true(p->mem[l][i] == s->mem[l][i]);
        }
    for (int m = 0; m < 2 * n->n_layers + 1; m++)
        check_fd(ctx, d, s, p, m, s, scale, 1e-7);
}

static void test_reference_matches_finite_differences(void **state)
{
    (void)state;
    /* One case of each depth with recurrence, and the deepest mixed one. */
    static const int picks[] = {1, 3, 5, 7, 8, 10};
    for (size_t pi = 0; pi < sizeof picks / sizeof picks[0]; pi++) {
        drawn d;
        dense_state s, p;
        draw(picks[pi], 99, &d, &s);
        assert_int_equal(dense_alloc(&p, &d.net), 0);
        char ctx[200];
        snprintf(ctx, sizeof ctx, "reference, case '%s'", cases[picks[pi]].name);
        check_readout_gradient(ctx, &d, &s, &p);
        check_all_gradients(ctx, &d, &s, &p, 5.0);
        check_all_gradients(ctx, &d, &s, &p, SNN_PAPER_SURROGATE_SCALE);
        dense_free(&p);
        dense_free(&s);
        drawn_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_matches_finite_differences),
        cmocka_unit_test(test_kernels_match_dense_reference),
    };
    return cmocka_run_group_tests_name("bptt_ref", tests, NULL, NULL);
}
