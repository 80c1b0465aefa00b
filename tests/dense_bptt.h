/* dense_bptt.h - a dense, double-precision reference of the general network, for tests.
 *
 * Written from the equations of the network contract (docs/reference-model.md for one layer,
 * issue 11 for several layers and recurrence), independently of sw/net/kernels.c: it takes
 * its own plain description (sizes, constants, double arrays), keeps every state of every
 * step, runs every matrix product in full (no event lists, no skipped rows), and
 * backpropagates through time as += updates on whole adjoint arrays, each one quoting the
 * forward line it differentiates. Slow on purpose; not for training.
 */
#ifndef DENSE_BPTT_H
#define DENSE_BPTT_H

#define DENSE_MAX_LAYERS 4

/* The network. Layer l has size[l] neurons; ff[l] is (n_pre, size[l]) with n_pre = n_in for
 * l = 0 else size[l-1]; ff[n_layers] is (size[n_layers-1], n_out), to the readout;
 * rec[l] is (size[l], size[l]) or NULL. All row-major with the presynaptic neuron as row:
 * ff[l][i * n_post + j]. The arrays are borrowed. */
typedef struct {
    int n_in, n_out, n_layers, steps;
    int size[DENSE_MAX_LAYERS];
    double alpha[DENSE_MAX_LAYERS], beta[DENSE_MAX_LAYERS], threshold[DENSE_MAX_LAYERS];
    double out_alpha, out_beta;
    const double *ff[DENSE_MAX_LAYERS + 1];
    const double *rec[DENSE_MAX_LAYERS];
} dense_net;

/* Every state and adjoint of one sample. Per hidden layer l (N = size[l], T = steps):
 * mem, syn (T+1, N); spk, cur (T, N) with spk 0 or 1 and cur = I_l. Readout (K = n_out):
 * flt, out (T+1, K); logits, t_max (K). Gradients dff, drec mirror ff, rec (drec[l] is
 * allocated for every layer and stays 0 where rec[l] is NULL). The d* arrays without a
 * matrix shape are the adjoints dLoss/d(state), same shapes as their states. */
typedef struct {
    double *mem[DENSE_MAX_LAYERS], *syn[DENSE_MAX_LAYERS];
    double *spk[DENSE_MAX_LAYERS], *cur[DENSE_MAX_LAYERS];
    double *flt, *out, *logits;
    int *t_max;
    double *dmem[DENSE_MAX_LAYERS], *dsyn[DENSE_MAX_LAYERS];
    double *dspk[DENSE_MAX_LAYERS], *dcur[DENSE_MAX_LAYERS];
    double *dflt, *dout, *dh;
    double *dff[DENSE_MAX_LAYERS + 1], *drec[DENSE_MAX_LAYERS];
} dense_state;

/* 0, or -1 when out of memory (s is then freed). */
int dense_alloc(dense_state *s, const dense_net *n);
void dense_free(dense_state *s);

/* Forward pass over x, (steps, n_in) with 0/1 entries. With at == NULL this is the network.
 * With at = the states of a forward pass at some weights, the spike becomes a straight-through
 * function of the membrane around that point,
 *     S = S_at + g(mem) - g(mem_at),   g' = 1/(scale |mem - thr| + 1)^2,
 * and what the backward pass treats as constant is held at the point's value: the reset factor
 * (1 - S_at) and each logit's arg-max time. Equal to the network at the point itself, smooth
 * around it, its derivative is the surrogate gradient: finite differences of its loss check
 * dense_backward on every matrix. */
void dense_forward(const dense_net *n, const double *x, const dense_state *at, double scale,
                   dense_state *s);

/* Cross-entropy of log-softmax(s->logits) against label. */
double dense_loss(const dense_net *n, const dense_state *s, int label);

/* Backpropagation through time after dense_forward(n, x, NULL, ...): sets (does not add)
 * every dff and drec to dLoss/dweight, surrogate dS/dmem = 1/(scale |mem - thr| + 1)^2,
 * the reset factor not differentiated. Returns the loss. */
double dense_backward(const dense_net *n, const double *x, int label, double scale,
                      dense_state *s);

#endif
