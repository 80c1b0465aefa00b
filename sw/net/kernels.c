/* kernels.c - see kernels.h. The derivation of the backward pass is in
 * docs/training.md; each backward loop quotes the forward line it inverts. */
#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int snn_workspace_alloc(snn_workspace *ws, const snn_config *c, snn_error *err)
{
    memset(ws, 0, sizeof *ws);
    if (snn_config_check(c, "workspace", err) != 0)
        return -1;
    int T = c->steps, K = c->n_out, widest = 0, bad = 0;
    size_t transposed = 0;
    ws->T = T;
    ws->K = K;
    ws->n_layers = c->n_layers;
    for (int l = 0; l < c->n_layers; l++) {
        snn_layer_workspace *y = &ws->layer[l];
        size_t tn = (size_t)T * c->layer[l].size;
        y->size = c->layer[l].size;
        widest = y->size > widest ? y->size : widest;
        y->mem = malloc(sizeof *y->mem * tn);
        y->spk = malloc(tn);
        y->spk_idx = malloc(sizeof *y->spk_idx * tn);
        y->spk_start = malloc(sizeof *y->spk_start * (T + 1));
        y->cur = malloc(sizeof *y->cur * tn);
        y->dcur = malloc(sizeof *y->dcur * tn);
        bad |= !y->mem || !y->spk || !y->spk_idx || !y->spk_start || !y->cur || !y->dcur;
        ws->transposed_at[l] = transposed;
        transposed += (size_t)y->size * (snn_ff_cols(c, l + 1) + (c->layer[l].recurrent ? y->size : 0));
    }
    size_t tk = (size_t)T * K;
    ws->ro_in = malloc(sizeof *ws->ro_in * tk);
    ws->out = malloc(sizeof *ws->out * (tk + K));
    ws->logits = malloc(sizeof *ws->logits * K);
    ws->t_max = malloc(sizeof *ws->t_max * K);
    ws->dro_in = malloc(sizeof *ws->dro_in * tk);
    ws->state = malloc(sizeof *ws->state * 3 * (size_t)(widest > K ? widest : K));
    ws->transposed = malloc(sizeof *ws->transposed * transposed);
    if (bad || !ws->ro_in || !ws->out || !ws->logits || !ws->t_max || !ws->dro_in ||
        !ws->state || !ws->transposed) {
        snn_workspace_free(ws);
        return snn_fail(err, "out of memory for a workspace of %d steps x %d neurons", T, widest);
    }
    return 0;
}

void snn_workspace_free(snn_workspace *ws)
{
    for (int l = 0; l < SNN_MAX_LAYERS; l++) {
        snn_layer_workspace *y = &ws->layer[l];
        free(y->mem);
        free(y->spk);
        free(y->spk_idx);
        free(y->spk_start);
        free(y->cur);
        free(y->dcur);
    }
    free(ws->ro_in);
    free(ws->out);
    free(ws->logits);
    free(ws->t_max);
    free(ws->dro_in);
    free(ws->state);
    free(ws->transposed);
    memset(ws, 0, sizeof *ws);
}

/* Spike events of a presynaptic population: those of step t are
 * idx[start[t] .. start[t+1]), for t < steps. */
typedef struct {
    const uint16_t *idx;
    const uint32_t *start;
    int steps;
} events;

/* The input spikes of a sample (steps beyond the model's are never read). */
static events input_events(const spike_data *data, int sample, int T)
{
    events e = {data->events, data->step_start + (size_t)sample * (data->steps + 1),
                T < data->steps ? T : data->steps};
    return e;
}

static events layer_events(const snn_layer_workspace *y, int T)
{
    events e = {y->spk_idx, y->spk_start, T};
    return e;
}

/* dst[t] = (W^T S)[t] for a (rows, n) matrix W: adds the row of every event of t. */
__attribute__((target_clones("avx2", "default")))
static void events_forward(const float *w, int n, events ev, int T, float *dst)
{
    memset(dst, 0, sizeof *dst * (size_t)T * n);
    for (int t = 0; t < ev.steps; t++) {
        float *d = dst + (size_t)t * n;
        for (uint32_t e = ev.start[t]; e < ev.start[t + 1]; e++) {
            const float *row = w + (size_t)ev.idx[e] * n;
            for (int j = 0; j < n; j++)
                d[j] += row[j];
        }
    }
}

/* Inverts events_forward with the gradient d[t] = dL/d(W^T S)[t] taken at step
 * t + lag: dst[t + lag] += W[i] for events (i, t)  ->  gW[i] += d[t + lag]. */
__attribute__((target_clones("avx2", "default")))
static void events_backward(float *gw, int n, events ev, int T, int lag, const float *d)
{
    for (int t = 0; t < ev.steps && t + lag < T; t++) {
        const float *dt = d + (size_t)(t + lag) * n;
        for (uint32_t e = ev.start[t]; e < ev.start[t + 1]; e++) {
            float *g = gw + (size_t)ev.idx[e] * n;
            for (int j = 0; j < n; j++)
                g[j] += dt[j];
        }
    }
}

/* One step of a layer's neurons (below), element by element: restrict and the
 * AVX2 clone let it vectorise without changing any operation. */
__attribute__((target_clones("avx2", "default")))
static void neuron_step(int N, float alpha, float beta, float thr, const float *restrict cur_t,
                        float *restrict mem, float *restrict syn, float *restrict mem_t,
                        uint8_t *restrict spk_t)
{
    for (int j = 0; j < N; j++) {
        uint8_t s = mem[j] > thr;
        mem_t[j] = mem[j];
        spk_t[j] = s;
        float new_mem = s ? 0.0f : beta * mem[j] + syn[j];
        syn[j] = alpha * syn[j] + cur_t[j];
        mem[j] = new_mem;
    }
}

/* Hidden layer l over time, cur holding the feed-forward current on entry:
 * S[t] = mem[t] > thr;  I[t] = cur[t] + (rec^T S)[t-1] (recurrent layers);
 * syn[t+1] = alpha syn[t] + I[t];  mem[t+1] = (beta mem[t] + syn[t]) (1 - S[t]).
 * mem[0] = syn[0] = 0. */
static void hidden_forward(const snn_layer_config *h, const float *rec, snn_layer_workspace *y,
                           int T, float *state)
{
    int N = h->size;
    float alpha = h->alpha, beta = h->beta, thr = h->threshold;
    float *mem = state, *syn = state + N;
    memset(state, 0, sizeof *state * 2 * (size_t)N);
    uint32_t n = 0;
    for (int t = 0; t < T; t++) {
        float *mem_t = y->mem + (size_t)t * N;
        uint8_t *spk_t = y->spk + (size_t)t * N;
        float *cur_t = y->cur + (size_t)t * N;
        for (uint32_t e = t ? y->spk_start[t - 1] : 0; rec && e < n; e++) {
            const float *row = rec + (size_t)y->spk_idx[e] * N;
            for (int j = 0; j < N; j++)
                cur_t[j] += row[j];
        }
        neuron_step(N, alpha, beta, thr, cur_t, mem, syn, mem_t, spk_t);
        y->spk_start[t] = n;
        for (int j = 0; j < N; j++)
            if (spk_t[j])
                y->spk_idx[n++] = (uint16_t)j;
    }
    y->spk_start[T] = n;
    y->n_spikes = (int)n;
}

/* flt[r+1] = out_alpha flt[r] + ro_in[r];  out[r+1] = out_beta out[r] + flt[r];
 * logits[k] = max_r out[r][k] over r = 0..T (out[0] = 0). */
static void readout_forward(const snn_config *c, snn_workspace *ws)
{
    int T = c->steps, K = c->n_out;
    float *flt = ws->state;
    memset(flt, 0, sizeof *flt * K);
    memset(ws->out, 0, sizeof *ws->out * K);
    for (int k = 0; k < K; k++) {
        ws->logits[k] = 0;
        ws->t_max[k] = 0;
    }
    for (int t = 0; t < T; t++) {
        const float *h2 = ws->ro_in + (size_t)t * K;
        const float *out_t = ws->out + (size_t)t * K;
        float *out_next = ws->out + (size_t)(t + 1) * K;
        for (int k = 0; k < K; k++) {
            out_next[k] = c->out_beta * out_t[k] + flt[k];
            flt[k] = c->out_alpha * flt[k] + h2[k];
            if (out_next[k] > ws->logits[k]) {
                ws->logits[k] = out_next[k];
                ws->t_max[k] = t + 1;
            }
        }
    }
}

int snn_forward(const snn_model *m, const spike_data *data, int sample, snn_workspace *ws)
{
    const snn_config *c = &m->cfg;
    int T = c->steps, L = c->n_layers;
    events pre = input_events(data, sample, T);
    ws->n_spikes = 0;
    for (int l = 0; l < L; l++) {
        snn_layer_workspace *y = &ws->layer[l];
        events_forward(m->ff[l], y->size, pre, T, y->cur);
        hidden_forward(&c->layer[l], m->rec[l], y, T, ws->state);
        ws->n_spikes += y->n_spikes;
        pre = layer_events(y, T);
    }
    events_forward(m->ff[L], ws->K, pre, T, ws->ro_in);
    readout_forward(c, ws);
    int best = 0;
    for (int k = 1; k < ws->K; k++)
        if (ws->logits[k] > ws->logits[best])
            best = k;
    return best;
}

/* loss = logsumexp(logits) - logits[label]; dlogits = softmax - onehot. */
float snn_loss(const float *logits, int K, int label, float *dlogits)
{
    float mx = logits[0];
    for (int k = 1; k < K; k++)
        mx = logits[k] > mx ? logits[k] : mx;
    double sum = 0;
    for (int k = 0; k < K; k++)
        sum += exp((double)(logits[k] - mx));
    for (int k = 0; dlogits && k < K; k++)
        dlogits[k] = (float)(exp((double)(logits[k] - mx)) / sum - (k == label));
    return (float)(log(sum) + mx - logits[label]);
}

/* Inverts readout_forward. With lout[r] = dL/dout[r], lflt[r] = dL/dflt[r]:
 *   out[r+1] = beta out[r] + flt[r]     -> lout[r] = g[r] + beta lout[r+1], lflt[r] += lout[r+1]
 *   flt[r+1] = alpha flt[r] + ro_in[r]  -> lflt[r] += alpha lflt[r+1],      dro_in[r] = lflt[r+1]
 * where g[r] = dlogits[k] at the argmax step. lflt[T] = 0 (flt[T] feeds nothing). */
static void readout_backward(const snn_config *c, const float *dlogits, snn_workspace *ws)
{
    int T = c->steps, K = c->n_out;
    for (int k = 0; k < K; k++) {
        float lout = ws->t_max[k] == T ? dlogits[k] : 0.0f, lflt = 0.0f;
        for (int r = T - 1; r >= 0; r--) {
            ws->dro_in[(size_t)r * K + k] = lflt;
            lflt = lout + c->out_alpha * lflt;
            lout = (ws->t_max[k] == r ? dlogits[k] : 0.0f) + c->out_beta * lout;
        }
    }
}

/* wt (cols, rows) = w^T of a (rows, cols) matrix. */
static void transpose(const float *w, int rows, int cols, float *wt)
{
    for (int j = 0; j < rows; j++)
        for (int k = 0; k < cols; k++)
            wt[(size_t)k * rows + j] = w[(size_t)j * cols + k];
}

/* ds[j] += sum over k = 0, 1, ... of wt[k][j] v[k], for a (cols, N) matrix wt: each
 * element adds its terms in ascending k, whatever the blocking. Blocks of 16 keep
 * their sums in vector registers across all k; built for AVX2 and for the baseline,
 * picked at run time: the same operations in the same order, so the same bits. */
#define COLUMN_BLOCK 16
__attribute__((target_clones("avx2", "default")))
static void add_columns(float *restrict ds, const float *restrict wt, const float *restrict v,
                        int cols, int N)
{
    int j = 0;
    for (; j + COLUMN_BLOCK <= N; j += COLUMN_BLOCK) {
        float acc[COLUMN_BLOCK];
        memcpy(acc, ds + j, sizeof acc);
        for (int k = 0; k < cols; k++) {
            const float *w = wt + (size_t)k * N + j;
            for (int i = 0; i < COLUMN_BLOCK; i++)
                acc[i] += w[i] * v[k];
        }
        memcpy(ds + j, acc, sizeof acc);
    }
    for (; j < N; j++)
        for (int k = 0; k < cols; k++)
            ds[j] += wt[(size_t)k * N + j] * v[k];
}

/* One step of the layer's adjoint (below), element by element: restrict and the
 * AVX2 clone let it vectorise without changing any operation. */
__attribute__((target_clones("avx2", "default")))
static void adjoint_step(const snn_layer_config *h, float scale, int N, const float *restrict mem_t,
                         const uint8_t *restrict spk_t, const float *restrict ds,
                         float *restrict lmem, float *restrict lsyn, float *restrict dcur_t)
{
    float thr = h->threshold, alpha = h->alpha, beta = h->beta;
    for (int j = 0; j < N; j++) {
        float x = scale * fabsf(mem_t[j] - thr) + 1.0f;
        float keep = spk_t[j] ? 0.0f : 1.0f;
        dcur_t[j] = lsyn[j];
        lsyn[j] = keep * lmem[j] + alpha * lsyn[j];
        lmem[j] = ds[j] / (x * x) + beta * keep * lmem[j];
    }
}

/* Inverts hidden_forward of layer l, with the surrogate sigma'(mem) =
 * 1/(scale |mem - thr| + 1)^2 for dS/dmem and S a constant in the reset factor
 * (1 - S). W (N, n) is the matrix the layer's spikes drive (ff[l+1]) and d[t]
 * the gradient of what they drive (dL/dI_{l+1}[t], or dro_in[t]):
 *   dS[t]    = W d[t] + rec dcur[t+1]       (I[t+1] = ... + (rec^T S)[t])
 *   lmem[t]  = sigma'(mem[t]) dS[t] + beta (1 - S[t]) lmem[t+1]
 *   lsyn[t]  = (1 - S[t]) lmem[t+1] + alpha lsyn[t+1]
 *   dcur[t]  = lsyn[t+1]                         lmem[T] = lsyn[T] = 0.
 * dS[t] is summed column by column over W^T and rec^T (wt: W^T then rec^T):
 * each dS[t][j] still adds its terms in the order k = 0, 1, ... (so results do not
 * change), but the inner loop runs over j, contiguous and vectorisable. */
static void hidden_backward(const snn_layer_config *h, const float *wt, int n, const float *d,
                            int recurrent, float scale, snn_layer_workspace *y, int T,
                            float *state)
{
    int N = h->size;
    float *lmem = state, *lsyn = state + N, *ds = state + 2 * N;
    const float *rect = wt + (size_t)n * N;
    memset(lmem, 0, sizeof *state * 2 * (size_t)N);
    for (int t = T - 1; t >= 0; t--) {
        const float *d_t = d + (size_t)t * n;
        const float *dnext = recurrent && t + 1 < T ? y->dcur + (size_t)(t + 1) * N : NULL;
        const float *mem_t = y->mem + (size_t)t * N;
        const uint8_t *spk_t = y->spk + (size_t)t * N;
        float *dcur_t = y->dcur + (size_t)t * N;
        memset(ds, 0, sizeof *ds * (size_t)N);
        add_columns(ds, wt, d_t, n, N);
        if (dnext)
            add_columns(ds, rect, dnext, N, N);
        adjoint_step(h, scale, N, mem_t, spk_t, ds, lmem, lsyn, dcur_t);
    }
}

void snn_backward_prepare(const snn_model *m, snn_workspace *ws)
{
    const snn_config *c = &m->cfg;
    for (int l = 0; l < c->n_layers; l++) {
        int N = c->layer[l].size, n = snn_ff_cols(c, l + 1);
        float *wt = ws->transposed + ws->transposed_at[l];
        transpose(m->ff[l + 1], N, n, wt);
        if (m->rec[l])
            transpose(m->rec[l], N, N, wt + (size_t)n * N);
    }
}

float snn_backward(const snn_model *m, const spike_data *data, int sample, int label,
                   float surrogate_scale, snn_workspace *ws, snn_model *grad)
{
    const snn_config *c = &m->cfg;
    int T = c->steps, L = c->n_layers;
    float dlogits[ws->K];
    float loss = snn_loss(ws->logits, ws->K, label, dlogits);
    readout_backward(c, dlogits, ws);
    /* Top layer down: layer l's dS needs dL/dI_{l+1} (or dro_in) and its own dcur[t+1]. */
    for (int l = L - 1; l >= 0; l--) {
        int n = snn_ff_cols(c, l + 1);
        const float *d = l == L - 1 ? ws->dro_in : ws->layer[l + 1].dcur;
        hidden_backward(&c->layer[l], ws->transposed + ws->transposed_at[l], n, d,
                        m->rec[l] != NULL, surrogate_scale, &ws->layer[l], T, ws->state);
    }
    /* Weight gradients, touching only rows whose presynaptic neuron spiked:
     *   I_0[t] += ff[0][i] for input events (i, t)        -> gff[0][i] += dcur_0[t]
     *   I_l[t] += ff[l][i] for layer l-1 spikes (i, t)    -> gff[l][i] += dcur_l[t]
     *   ro_in[t] += ff[L][i] for layer L-1 spikes (i, t)  -> gff[L][i] += dro_in[t]
     *   I_l[t+1] += rec[l][i] for layer l spikes (i, t)   -> grec[l][i] += dcur_l[t+1] */
    events pre = input_events(data, sample, T);
    for (int l = 0; l <= L; l++) {
        int n = snn_ff_cols(c, l);
        events_backward(grad->ff[l], n, pre, T, 0, l < L ? ws->layer[l].dcur : ws->dro_in);
        if (l < L) {
            pre = layer_events(&ws->layer[l], T);
            if (m->rec[l])
                events_backward(grad->rec[l], n, pre, T, 1, ws->layer[l].dcur);
        }
    }
    return loss;
}
