/* dense_bptt.c - the dense double-precision reference of the general network (dense_bptt.h).
 *
 * The dynamics, for every hidden layer l (S_{-1} = the input x; every state 0 at t = 0):
 *     S_l[t]     = mem_l[t] > thr_l
 *     I_l[t]     = ff[l]^T S_{l-1}[t] + rec[l]^T S_l[t-1]          (second term if recurrent)
 *     syn_l[t+1] = alpha_l syn_l[t] + I_l[t]
 *     mem_l[t+1] = (beta_l mem_l[t] + syn_l[t]) (1 - S_l[t])
 * and the readout, h[t] = ff[L]^T S_{L-1}[t]:
 *     flt[t+1]   = out_alpha flt[t] + h[t]
 *     out[t+1]   = out_beta out[t] + flt[t];     logit_k = max_{r=0..T} out[r][k]
 * The backward pass walks these lines in reverse, one adjoint update per forward term.
 */
#include "dense_bptt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int n_pre(const dense_net *n, int l)
{
    return l == 0 ? n->n_in : n->size[l - 1];
}

/* The array of spikes that feeds layer l (x for the first layer), (T, n_pre). */
static const double *pre_spikes(const double *x, const dense_state *s, int l)
{
    return l == 0 ? x : s->spk[l - 1];
}

/* dS/dmem of the surrogate, and g with g' = that, g(thr) = 0 (the straight-through spike). */
static double surrogate(double mem, double thr, double scale)
{
    double a = scale * fabs(mem - thr) + 1.0;
    return 1.0 / (a * a);
}

static double surrogate_integral(double mem, double thr, double scale)
{
    double u = mem - thr;
    double g = (1.0 - 1.0 / (scale * fabs(u) + 1.0)) / scale;
    return u < 0 ? -g : g;
}

int dense_alloc(dense_state *s, const dense_net *n)
{
    memset(s, 0, sizeof *s);
    size_t T = (size_t)n->steps, K = (size_t)n->n_out;
    int ok = 1;
#define ALLOC(p, count) ok &= ((p) = calloc((count), sizeof *(p))) != NULL
    for (int l = 0; l < n->n_layers; l++) {
        size_t N = (size_t)n->size[l];
        ALLOC(s->mem[l], (T + 1) * N);
        ALLOC(s->syn[l], (T + 1) * N);
        ALLOC(s->spk[l], T * N);
        ALLOC(s->cur[l], T * N);
        ALLOC(s->dmem[l], (T + 1) * N);
        ALLOC(s->dsyn[l], (T + 1) * N);
        ALLOC(s->dspk[l], T * N);
        ALLOC(s->dcur[l], T * N);
        ALLOC(s->dff[l], (size_t)n_pre(n, l) * N);
        ALLOC(s->drec[l], N * N);
    }
    ALLOC(s->dff[n->n_layers], (size_t)n->size[n->n_layers - 1] * K);
    ALLOC(s->flt, (T + 1) * K);
    ALLOC(s->out, (T + 1) * K);
    ALLOC(s->dflt, (T + 1) * K);
    ALLOC(s->dout, (T + 1) * K);
    ALLOC(s->dh, T * K);
    ALLOC(s->logits, K);
    ALLOC(s->t_max, K);
#undef ALLOC
    if (!ok) {
        dense_free(s);
        return -1;
    }
    return 0;
}

void dense_free(dense_state *s)
{
    for (int l = 0; l < DENSE_MAX_LAYERS; l++) {
        free(s->mem[l]), free(s->syn[l]), free(s->spk[l]), free(s->cur[l]);
        free(s->dmem[l]), free(s->dsyn[l]), free(s->dspk[l]), free(s->dcur[l]);
        free(s->dff[l]), free(s->drec[l]);
    }
    free(s->dff[DENSE_MAX_LAYERS]);
    free(s->flt), free(s->out), free(s->dflt), free(s->dout), free(s->dh);
    free(s->logits), free(s->t_max);
    memset(s, 0, sizeof *s);
}

void dense_forward(const dense_net *n, const double *x, const dense_state *at, double scale,
                   dense_state *s)
{
    const int T = n->steps, K = n->n_out, L = n->n_layers;
    for (int l = 0; l < L; l++) {
        const int N = n->size[l], P = n_pre(n, l);
        const double *pre = pre_spikes(x, s, l), *W = n->ff[l], *R = n->rec[l];
        const double thr = n->threshold[l];
        double *mem = s->mem[l], *syn = s->syn[l], *S = s->spk[l], *I = s->cur[l];
        for (int j = 0; j < N; j++)
            mem[j] = syn[j] = 0;
        for (int t = 0; t < T; t++) {
            /* S[t] = mem[t] > thr */
            for (int j = 0; j < N; j++) {
                double m = mem[t * N + j];
                if (at)
                    S[t * N + j] = at->spk[l][t * N + j] +
                                   (surrogate_integral(m, thr, scale) -
                                    surrogate_integral(at->mem[l][t * N + j], thr, scale));
                else
                    S[t * N + j] = m > thr ? 1.0 : 0.0;
            }
            /* I[t] = ff^T S_{l-1}[t] + rec^T S[t-1] */
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int i = 0; i < P; i++)
                    sum += W[i * N + j] * pre[t * P + i];
                if (R && t > 0)
                    for (int i = 0; i < N; i++)
                        sum += R[i * N + j] * S[(t - 1) * N + i];
                I[t * N + j] = sum;
            }
            /* syn[t+1] = alpha syn[t] + I[t];  mem[t+1] = (beta mem[t] + syn[t]) (1 - S[t]) */
            for (int j = 0; j < N; j++) {
                /* The reset is a constant factor: the straight-through form keeps its point's. */
                double keep = 1.0 - (at ? at->spk[l][t * N + j] : S[t * N + j]);
                syn[(t + 1) * N + j] = n->alpha[l] * syn[t * N + j] + I[t * N + j];
                mem[(t + 1) * N + j] = (n->beta[l] * mem[t * N + j] + syn[t * N + j]) * keep;
            }
        }
    }
    const int H = n->size[L - 1];
    const double *S = s->spk[L - 1], *W = n->ff[L];
    for (int k = 0; k < K; k++)
        s->flt[k] = s->out[k] = 0;
    /* h[t] = ff[L]^T S_{L-1}[t];  flt[t+1] = out_alpha flt[t] + h[t];
     * out[t+1] = out_beta out[t] + flt[t] */
    for (int t = 0; t < T; t++)
        for (int k = 0; k < K; k++) {
            double h = 0;
            for (int j = 0; j < H; j++)
                h += W[j * K + k] * S[t * H + j];
            s->flt[(t + 1) * K + k] = n->out_alpha * s->flt[t * K + k] + h;
            s->out[(t + 1) * K + k] = n->out_beta * s->out[t * K + k] + s->flt[t * K + k];
        }
    for (int k = 0; k < K; k++) {
        int best = 0; /* the first r reaching the maximum; the point's, straight-through */
        for (int r = 1; r <= T && !at; r++)
            if (s->out[r * K + k] > s->out[best * K + k])
                best = r;
        s->t_max[k] = at ? at->t_max[k] : best;
        s->logits[k] = s->out[s->t_max[k] * K + k];
    }
}

static double log_sum_exp(const dense_net *n, const dense_state *s)
{
    double mx = s->logits[0], z = 0;
    for (int k = 1; k < n->n_out; k++)
        mx = fmax(mx, s->logits[k]);
    for (int k = 0; k < n->n_out; k++)
        z += exp(s->logits[k] - mx);
    return log(z) + mx;
}

double dense_loss(const dense_net *n, const dense_state *s, int label)
{
    return log_sum_exp(n, s) - s->logits[label];
}

/* d(loss)/d(logits) = softmax - onehot, placed at each logit's arg-max time. */
static void readout_backward(const dense_net *n, int label, dense_state *s)
{
    const int T = n->steps, K = n->n_out;
    const double lse = log_sum_exp(n, s);
    for (int k = 0; k < K; k++)
        s->dout[s->t_max[k] * K + k] += exp(s->logits[k] - lse) - (k == label ? 1.0 : 0.0);
    for (int t = T - 1; t >= 0; t--)
        for (int k = 0; k < K; k++) {
            /* out[t+1] = out_beta out[t] + flt[t] */
            s->dout[t * K + k] += n->out_beta * s->dout[(t + 1) * K + k];
            s->dflt[t * K + k] += s->dout[(t + 1) * K + k];
            /* flt[t+1] = out_alpha flt[t] + h[t] */
            s->dflt[t * K + k] += n->out_alpha * s->dflt[(t + 1) * K + k];
            s->dh[t * K + k] = s->dflt[(t + 1) * K + k];
        }
    /* h[t] = ff[L]^T S_{L-1}[t] */
    const int L = n->n_layers, H = n->size[L - 1];
    const double *W = n->ff[L], *S = s->spk[L - 1];
    for (int j = 0; j < H; j++)
        for (int k = 0; k < K; k++)
            for (int t = 0; t < T; t++) {
                s->dff[L][j * K + k] += S[t * H + j] * s->dh[t * K + k];
                s->dspk[L - 1][t * H + j] += W[j * K + k] * s->dh[t * K + k];
            }
}

static void layer_backward(const dense_net *n, const double *x, double scale, int l,
                           dense_state *s)
{
    const int T = n->steps, N = n->size[l], P = n_pre(n, l);
    const double *W = n->ff[l], *R = n->rec[l], *pre = pre_spikes(x, s, l);
    const double *mem = s->mem[l], *S = s->spk[l];
    double *dmem = s->dmem[l], *dsyn = s->dsyn[l], *dS = s->dspk[l], *dI = s->dcur[l];
    for (int t = T - 1; t >= 0; t--) {
        /* I[t+1] = ... + rec^T S[t] */
        if (R && t + 1 < T)
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++)
                    dS[t * N + i] += R[i * N + j] * dI[(t + 1) * N + j];
        for (int j = 0; j < N; j++) {
            /* syn[t+1] = alpha syn[t] + I[t] */
            dI[t * N + j] = dsyn[(t + 1) * N + j];
            dsyn[t * N + j] += n->alpha[l] * dsyn[(t + 1) * N + j];
            /* mem[t+1] = (beta mem[t] + syn[t]) (1 - S[t]), the factor (1 - S[t]) a constant */
            double keep = 1.0 - S[t * N + j];
            dmem[t * N + j] += n->beta[l] * keep * dmem[(t + 1) * N + j];
            dsyn[t * N + j] += keep * dmem[(t + 1) * N + j];
            /* S[t] = H(mem[t] - thr), through the surrogate */
            dmem[t * N + j] += surrogate(mem[t * N + j], n->threshold[l], scale) * dS[t * N + j];
        }
    }
    /* I[t] = ff[l]^T S_{l-1}[t] + rec[l]^T S[t-1] */
    for (int i = 0; i < P; i++)
        for (int j = 0; j < N; j++)
            for (int t = 0; t < T; t++) {
                s->dff[l][i * N + j] += pre[t * P + i] * dI[t * N + j];
                if (l > 0)
                    s->dspk[l - 1][t * P + i] += W[i * N + j] * dI[t * N + j];
            }
    if (R)
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                for (int t = 1; t < T; t++)
                    s->drec[l][i * N + j] += S[(t - 1) * N + i] * dI[t * N + j];
}

double dense_backward(const dense_net *n, const double *x, int label, double scale,
                      dense_state *s)
{
    const size_t T = (size_t)n->steps, K = (size_t)n->n_out;
    const int L = n->n_layers;
    for (int l = 0; l < L; l++) {
        size_t N = (size_t)n->size[l];
        memset(s->dmem[l], 0, (T + 1) * N * sizeof(double));
        memset(s->dsyn[l], 0, (T + 1) * N * sizeof(double));
        memset(s->dspk[l], 0, T * N * sizeof(double));
        memset(s->dcur[l], 0, T * N * sizeof(double));
        memset(s->dff[l], 0, (size_t)n_pre(n, l) * N * sizeof(double));
        memset(s->drec[l], 0, N * N * sizeof(double));
    }
    memset(s->dff[L], 0, (size_t)n->size[L - 1] * K * sizeof(double));
    memset(s->dflt, 0, (T + 1) * K * sizeof(double));
    memset(s->dout, 0, (T + 1) * K * sizeof(double));
    memset(s->dh, 0, T * K * sizeof(double));
    readout_backward(n, label, s);
    /* Top down: layer l's dS is complete once layer l+1 is done. */
    for (int l = L - 1; l >= 0; l--)
        layer_backward(n, x, scale, l, s);
    return dense_loss(n, s, label);
}
