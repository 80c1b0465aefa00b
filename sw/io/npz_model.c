/* npz_model.c - see npz_model.h. */
#include "npz_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A scalar key, or def if absent; fails unless it is a whole number when integral. */
static int npz_scalar(const npz_file *f, const char *path, const char *key, double def,
                      int integral, double *v, snn_error *err)
{
    const npz_array *a = npz_find(f, key);
    *v = def;
    if (!a)
        return 0;
    if (a->count != 1)
        return snn_fail(err, "%s: '%s' must be a scalar, has %zu values", path, key, a->count);
    *v = a->values[0];
    if (!isfinite(*v) || (integral && *v != floor(*v)))
        return snn_fail(err, "%s: '%s' = %g is not a valid %s", path, key, *v,
                        integral ? "whole number" : "number");
    return 0;
}

/* Key `base` of hidden layer l: "alpha" for the first layer, "alpha2" for the second. */
static const char *layer_key(char *buf, size_t cap, const char *base, int l)
{
    if (l == 0)
        snprintf(buf, cap, "%s", base);
    else
        snprintf(buf, cap, "%s%d", base, l + 1);
    return buf;
}

/* Hidden layer l's scalars over its defaults (layer 0's constants of the paper). */
static int layer_scalars(const npz_file *f, const char *path, int l, snn_layer_config *h,
                         snn_error *err)
{
    char key[32];
    double v[4];
    if (npz_scalar(f, path, layer_key(key, sizeof key, "n_exc", l), snn_exc_count(h->size, 0.8),
                   1, &v[0], err) ||
        npz_scalar(f, path, layer_key(key, sizeof key, "alpha", l), h->alpha, 0, &v[1], err) ||
        npz_scalar(f, path, layer_key(key, sizeof key, "beta", l), h->beta, 0, &v[2], err) ||
        npz_scalar(f, path, layer_key(key, sizeof key, "threshold", l), h->threshold, 0, &v[3],
                   err))
        return -1;
    if (v[0] < 0 || v[0] > h->size)
        return snn_fail(err, "%s: %s = %g out of range (0..%d)",
                        path, layer_key(key, sizeof key, "n_exc", l), v[0], h->size);
    h->n_exc = (int)v[0];
    h->alpha = (float)v[1];
    h->beta = (float)v[2];
    h->threshold = (float)v[3];
    return 0;
}

/* Copies array a into w, checking each weight: finite, in float range, and on
 * its row's side of zero (sign: the presynaptic neuron's, 0 = free). */
static int copy_matrix(const npz_array *a, float *w, const snn_config *c, int l_pre,
                       const char *path, snn_error *err)
{
    size_t cols = a->shape[1];
    for (size_t i = 0; i < a->count; i++) {
        double v = a->values[i];
        int sign = l_pre < 0 ? c->dale : snn_neuron_sign(c, l_pre, (int)(i / cols));
        if (!isfinite(v) || fabs(v) > 1e30 || sign * v < 0)
            return snn_fail(err, "%s: %s[%zu] = %g is %s", path, a->name, i, v,
                            isfinite(v) ? "against Dale's law (or out of float range)"
                                        : "not finite");
        w[i] = (float)v;
    }
    return 0;
}

int npz_to_model(const npz_file *f, const char *path, snn_model *m, snn_error *err)
{
    const npz_array *w[SNN_MAX_LAYERS + 2], *rec[SNN_MAX_LAYERS] = {0};
    int n = 0;
    char key[32];
    for (; n < SNN_MAX_LAYERS + 2; n++) {
        snprintf(key, sizeof key, "w%d", n + 1);
        if (!(w[n] = npz_find(f, key)))
            break;
    }
    if (n < 2)
        return snn_fail(err, "%s: needs arrays 'w1' and 'w2'", path);
    int L = n - 1;
    snprintf(key, sizeof key, "w%d", n + 1);
    if (L > SNN_MAX_LAYERS || npz_find(f, key))
        return snn_fail(err, "%s: more than %d hidden layers (w1..w%d)", path, SNN_MAX_LAYERS,
                        SNN_MAX_LAYERS + 1);
    for (int k = 0; k < n; k++)
        if (w[k]->ndim != 2 || w[k]->shape[0] < 1 || w[k]->shape[0] > 65535 ||
            w[k]->shape[1] < 1 || w[k]->shape[1] > 65535 ||
            (k > 0 && w[k]->shape[0] != w[k - 1]->shape[1]))
            return snn_fail(err, "%s: w1 must be (n_in, n_hidden), each next w<k> (the columns "
                            "of w<k-1>, its layer's size) and the last (..., n_out), each side "
                            "1..65535; w%d is %d-d (%zu x %zu)%s", path, k + 1, w[k]->ndim,
                            w[k]->ndim == 2 ? w[k]->shape[0] : 0,
                            w[k]->ndim == 2 ? w[k]->shape[1] : 0,
                            k > 0 ? " after the previous matrix's columns" : "");
    snn_config c = snn_default_config();
    c.n_in = (int)w[0]->shape[0];
    c.n_out = (int)w[L]->shape[1];
    c.n_layers = L;
    for (int l = 0; l < L; l++) {
        c.layer[l] = c.layer[0];
        c.layer[l].size = (int)w[l]->shape[1];
        snprintf(key, sizeof key, "rec%d", l + 1);
        rec[l] = npz_find(f, key);
        if (rec[l] && (rec[l]->ndim != 2 || rec[l]->shape[0] != (size_t)c.layer[l].size ||
                       rec[l]->shape[1] != (size_t)c.layer[l].size))
            return snn_fail(err, "%s: %s must be (%d, %d), the size of hidden layer %d", path,
                            key, c.layer[l].size, c.layer[l].size, l + 1);
        c.layer[l].recurrent = rec[l] != NULL;
        if (layer_scalars(f, path, l, &c.layer[l], err) != 0)
            return -1;
    }
    double v[4];
    if (npz_scalar(f, path, "steps", c.steps, 1, &v[0], err) ||
        npz_scalar(f, path, "dale", c.dale, 1, &v[1], err) ||
        npz_scalar(f, path, "out_alpha", c.layer[0].alpha, 0, &v[2], err) ||
        npz_scalar(f, path, "out_beta", c.layer[0].beta, 0, &v[3], err))
        return -1;
    if (v[0] < 1 || v[0] > 100000 || (v[1] != 0 && v[1] != 1))
        return snn_fail(err, "%s: steps=%g or dale=%g out of range", path, v[0], v[1]);
    c.steps = (int)v[0];
    c.dale = (int)v[1];
    c.out_alpha = (float)v[2];
    c.out_beta = (float)v[3];
    if (snn_config_check(&c, path, err) != 0 || snn_model_alloc(m, &c, err) != 0)
        return -1;
    for (int l = 0; l <= L; l++)
        if (copy_matrix(w[l], m->ff[l], &c, l - 1, path, err) != 0 ||
            (l < L && rec[l] && copy_matrix(rec[l], m->rec[l], &c, l, path, err) != 0)) {
            snn_model_free(m);
            return -1;
        }
    return 0;
}

/* The archive's entries: matrices, then scalars (values in `scalars`). */
enum { MAX_ENTRIES = 2 * SNN_MAX_LAYERS + 1 + 3 + 4 * SNN_MAX_LAYERS + 2 };

int npz_write_model(const char *path, const snn_model *m, snn_error *err)
{
    const snn_config *c = &m->cfg;
    int L = c->n_layers, n = 0;
    npz_entry e[MAX_ENTRIES];
    char names[MAX_ENTRIES][32];
    double *data[2 * SNN_MAX_LAYERS + 1] = {0}, scalars[MAX_ENTRIES];
    int n_data = 0, failed = 0;
    /* Matrices as doubles (what npz_write takes): w<l+1> = ff[l], then rec<l+1>. */
    for (int k = 0; k < 2 * L + 1; k++) {
        int l = k <= L ? k : k - L - 1;
        const float *src = k <= L ? m->ff[l] : m->rec[l];
        if (!src)
            continue;
        size_t rows = k <= L ? (size_t)snn_ff_rows(c, l) : (size_t)c->layer[l].size;
        size_t cols = k <= L ? (size_t)snn_ff_cols(c, l) : (size_t)c->layer[l].size;
        double *d = data[n_data++] = malloc(sizeof *d * rows * cols);
        failed |= !d;
        for (size_t i = 0; d && i < rows * cols; i++)
            d[i] = src[i];
        snprintf(names[n], sizeof names[n], "%s%d", k <= L ? "w" : "rec", l + 1);
        e[n] = (npz_entry){names[n], 2, {rows, cols}, 1, d};
        n++;
    }
    /* Scalars: layer 1's under the plain names (the paper's keys, in their order). */
    for (int l = 0; l < L; l++) {
        const snn_layer_config *h = &c->layer[l];
        const char *base[4] = {"n_exc", "alpha", "beta", "threshold"};
        double value[4] = {h->n_exc, h->alpha, h->beta, h->threshold};
        for (int i = 0; i < 4; i++) {
            if (l == 0 && i == 1) { /* steps and dale sit between n_exc and alpha */
                snprintf(names[n], sizeof names[n], "steps");
                scalars[n] = c->steps;
                e[n] = (npz_entry){names[n], 0, {0}, 0, &scalars[n]};
                n++;
                snprintf(names[n], sizeof names[n], "dale");
                scalars[n] = c->dale;
                e[n] = (npz_entry){names[n], 0, {0}, 0, &scalars[n]};
                n++;
            }
            layer_key(names[n], sizeof names[n], base[i], l);
            scalars[n] = value[i];
            e[n] = (npz_entry){names[n], 0, {0}, i > 0, &scalars[n]};
            n++;
        }
    }
    if (c->out_alpha != c->layer[0].alpha || c->out_beta != c->layer[0].beta) {
        const char *base[2] = {"out_alpha", "out_beta"};
        double value[2] = {c->out_alpha, c->out_beta};
        for (int i = 0; i < 2; i++) {
            snprintf(names[n], sizeof names[n], "%s", base[i]);
            scalars[n] = value[i];
            e[n] = (npz_entry){names[n], 0, {0}, 1, &scalars[n]};
            n++;
        }
    }
    int rc = failed ? snn_fail(err, "%s: out of memory", path) : npz_write(path, e, n, err);
    for (int i = 0; i < n_data; i++)
        free(data[i]);
    return rc;
}
