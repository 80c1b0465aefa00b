/* kernels.c - see kernels.h. The derivation of the backward pass is in
 * docs/training.md; each backward loop quotes the forward line it inverts. */
#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int snn_workspace_alloc(snn_workspace *ws, const snn_config *c, snn_error *err)
{
    memset(ws, 0, sizeof *ws);
    int T = c->steps, H = c->n_hidden, K = c->n_out;
    ws->T = T;
    ws->H = H;
    ws->K = K;
    size_t th = (size_t)T * H, tk = (size_t)(T + 1) * K;
    ws->mem = malloc(sizeof *ws->mem * th);
    ws->spk = malloc(th);
    ws->spk_idx = malloc(sizeof *ws->spk_idx * th);
    ws->spk_start = malloc(sizeof *ws->spk_start * (T + 1));
    ws->cur = malloc(sizeof *ws->cur * th);
    ws->out = malloc(sizeof *ws->out * tk);
    ws->logits = malloc(sizeof *ws->logits * K);
    ws->t_max = malloc(sizeof *ws->t_max * K);
    ws->dh2 = malloc(sizeof *ws->dh2 * tk);
    ws->dcur = malloc(sizeof *ws->dcur * th);
    ws->dspk = malloc(sizeof *ws->dspk * H);
    if (!ws->mem || !ws->spk || !ws->spk_idx || !ws->spk_start || !ws->cur || !ws->out ||
        !ws->logits || !ws->t_max || !ws->dh2 || !ws->dcur || !ws->dspk) {
        snn_workspace_free(ws);
        return snn_fail(err, "out of memory for a workspace of %d steps x %d neurons", T, H);
    }
    return 0;
}

void snn_workspace_free(snn_workspace *ws)
{
    free(ws->mem);
    free(ws->spk);
    free(ws->spk_idx);
    free(ws->spk_start);
    free(ws->cur);
    free(ws->out);
    free(ws->logits);
    free(ws->t_max);
    free(ws->dh2);
    free(ws->dcur);
    free(ws->dspk);
    memset(ws, 0, sizeof *ws);
}

/* cur[t] = (W1^T x)[t]: adds the weight row of every input that fired at t. */
static void input_forward(const snn_model *m, const spike_data *data, int sample, float *cur)
{
    int T = m->cfg.steps, H = m->cfg.n_hidden;
    const uint32_t *st = data->step_start + (size_t)sample * (data->steps + 1);
    memset(cur, 0, sizeof *cur * (size_t)T * H);
    int steps = T < data->steps ? T : data->steps;
    for (int t = 0; t < steps; t++) {
        float *c = cur + (size_t)t * H;
        for (uint32_t e = st[t]; e < st[t + 1]; e++) {
            const float *w = m->w1 + (size_t)data->events[e] * H;
            for (int j = 0; j < H; j++)
                c[j] += w[j];
        }
    }
}

/* S[t] = mem[t] > thr;  syn[t+1] = alpha syn[t] + cur[t];
 * mem[t+1] = (beta mem[t] + syn[t]) (1 - S[t]).   mem[0] = syn[0] = 0. */
static void hidden_forward(const snn_config *c, snn_workspace *ws)
{
    int T = c->steps, H = c->n_hidden;
    float alpha = c->alpha, beta = c->beta, thr = c->threshold;
    float mem[H], syn[H];
    memset(mem, 0, sizeof mem);
    memset(syn, 0, sizeof syn);
    uint32_t n = 0;
    for (int t = 0; t < T; t++) {
        float *mem_t = ws->mem + (size_t)t * H;
        uint8_t *spk_t = ws->spk + (size_t)t * H;
        const float *cur_t = ws->cur + (size_t)t * H;
        for (int j = 0; j < H; j++) {
            uint8_t s = mem[j] > thr;
            mem_t[j] = mem[j];
            spk_t[j] = s;
            float new_mem = s ? 0.0f : beta * mem[j] + syn[j];
            syn[j] = alpha * syn[j] + cur_t[j];
            mem[j] = new_mem;
        }
        ws->spk_start[t] = n;
        for (int j = 0; j < H; j++)
            if (spk_t[j])
                ws->spk_idx[n++] = (uint16_t)j;
    }
    ws->spk_start[T] = n;
    ws->n_spikes = (int)n;
}

/* flt[r+1] = alpha flt[r] + (W2^T S)[r];  out[r+1] = beta out[r] + flt[r];
 * logits[k] = max_r out[r][k] over r = 0..T (out[0] = 0). */
static void readout_forward(const snn_model *m, snn_workspace *ws)
{
    const snn_config *c = &m->cfg;
    int T = c->steps, K = c->n_out;
    float flt[K], h2[K];
    memset(flt, 0, sizeof flt);
    memset(ws->out, 0, sizeof *ws->out * K);
    for (int k = 0; k < K; k++) {
        ws->logits[k] = 0;
        ws->t_max[k] = 0;
    }
    for (int t = 0; t < T; t++) {
        memset(h2, 0, sizeof h2);
        for (uint32_t e = ws->spk_start[t]; e < ws->spk_start[t + 1]; e++) {
            const float *w = m->w2 + (size_t)ws->spk_idx[e] * K;
            for (int k = 0; k < K; k++)
                h2[k] += w[k];
        }
        const float *out_t = ws->out + (size_t)t * K;
        float *out_next = ws->out + (size_t)(t + 1) * K;
        for (int k = 0; k < K; k++) {
            out_next[k] = c->beta * out_t[k] + flt[k];
            flt[k] = c->alpha * flt[k] + h2[k];
            if (out_next[k] > ws->logits[k]) {
                ws->logits[k] = out_next[k];
                ws->t_max[k] = t + 1;
            }
        }
    }
}

int snn_forward(const snn_model *m, const spike_data *data, int sample, snn_workspace *ws)
{
    input_forward(m, data, sample, ws->cur);
    hidden_forward(&m->cfg, ws);
    readout_forward(m, ws);
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
 *   flt[r+1] = alpha flt[r] + h2[r]     -> lflt[r] += alpha lflt[r+1],      dh2[r] = lflt[r+1]
 * where g[r] = dlogits[k] at the argmax step. lflt[T] = 0 (flt[T] feeds nothing). */
static void readout_backward(const snn_config *c, const float *dlogits, snn_workspace *ws)
{
    int T = c->steps, K = c->n_out;
    for (int k = 0; k < K; k++) {
        float lout = ws->t_max[k] == T ? dlogits[k] : 0.0f, lflt = 0.0f;
        for (int r = T - 1; r >= 0; r--) {
            ws->dh2[(size_t)r * K + k] = lflt;
            lflt = lout + c->alpha * lflt;
            lout = (ws->t_max[k] == r ? dlogits[k] : 0.0f) + c->beta * lout;
        }
    }
}

/* Inverts hidden_forward, with the surrogate sigma'(mem) = 1/(scale |mem - thr| + 1)^2
 * for dS/dmem and S treated as a constant in the reset factor (1 - S):
 *   dS[t]    = W2 dh2[t]
 *   lmem[t]  = sigma'(mem[t]) dS[t] + beta (1 - S[t]) lmem[t+1]
 *   lsyn[t]  = (1 - S[t]) lmem[t+1] + alpha lsyn[t+1]
 *   dcur[t]  = lsyn[t+1]                         lmem[T] = lsyn[T] = 0. */
static void hidden_backward(const snn_model *m, float scale, snn_workspace *ws)
{
    const snn_config *c = &m->cfg;
    int T = c->steps, H = c->n_hidden, K = c->n_out;
    float lmem[H], lsyn[H];
    memset(lmem, 0, sizeof lmem);
    memset(lsyn, 0, sizeof lsyn);
    for (int t = T - 1; t >= 0; t--) {
        const float *dh2 = ws->dh2 + (size_t)t * K;
        const float *mem_t = ws->mem + (size_t)t * H;
        const uint8_t *spk_t = ws->spk + (size_t)t * H;
        float *dcur_t = ws->dcur + (size_t)t * H;
        for (int j = 0; j < H; j++) {
            const float *w = m->w2 + (size_t)j * K;
            float ds = 0;
            for (int k = 0; k < K; k++)
                ds += w[k] * dh2[k];
            float x = scale * fabsf(mem_t[j] - c->threshold) + 1.0f;
            float keep = spk_t[j] ? 0.0f : 1.0f;
            dcur_t[j] = lsyn[j];
            lsyn[j] = keep * lmem[j] + c->alpha * lsyn[j];
            lmem[j] = ds / (x * x) + c->beta * keep * lmem[j];
        }
    }
}

/* Weight gradients, touching only rows that carried spikes:
 *   cur[t] += W1[i] for input events (i, t)  -> gW1[i] += dcur[t]
 *   h2[t]  += W2[j] for hidden spikes (j, t) -> gW2[j] += dh2[t]   */
static void weight_backward(const snn_model *m, const spike_data *data, int sample,
                            const snn_workspace *ws, float *gw1, float *gw2)
{
    int T = m->cfg.steps, H = m->cfg.n_hidden, K = m->cfg.n_out;
    const uint32_t *st = data->step_start + (size_t)sample * (data->steps + 1);
    int steps = T < data->steps ? T : data->steps;
    for (int t = 0; t < steps; t++) {
        const float *d = ws->dcur + (size_t)t * H;
        for (uint32_t e = st[t]; e < st[t + 1]; e++) {
            float *g = gw1 + (size_t)data->events[e] * H;
            for (int j = 0; j < H; j++)
                g[j] += d[j];
        }
    }
    for (int t = 0; t < T; t++) {
        const float *d = ws->dh2 + (size_t)t * K;
        for (uint32_t e = ws->spk_start[t]; e < ws->spk_start[t + 1]; e++) {
            float *g = gw2 + (size_t)ws->spk_idx[e] * K;
            for (int k = 0; k < K; k++)
                g[k] += d[k];
        }
    }
}

float snn_backward(const snn_model *m, const spike_data *data, int sample, int label,
                   float surrogate_scale, snn_workspace *ws, float *gw1, float *gw2)
{
    float dlogits[ws->K];
    float loss = snn_loss(ws->logits, ws->K, label, dlogits);
    readout_backward(&m->cfg, dlogits, ws);
    hidden_backward(m, surrogate_scale, ws);
    weight_backward(m, data, sample, ws, gw1, gw2);
    return loss;
}
