/* npz_model.c - see npz_model.h. */
#include "npz_model.h"

#include <math.h>
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

int npz_to_model(const npz_file *f, const char *path, snn_model *m, snn_error *err)
{
    const npz_array *w1 = npz_find(f, "w1"), *w2 = npz_find(f, "w2");
    if (!w1 || !w2)
        return snn_fail(err, "%s: needs arrays 'w1' and 'w2'", path);
    if (w1->ndim != 2 || w2->ndim != 2 || w1->shape[1] != w2->shape[0])
        return snn_fail(err, "%s: w1 must be (n_in, n_hidden) and w2 (n_hidden, n_out); got "
                        "%d-d and %d-d with inner sizes %zu, %zu", path, w1->ndim, w2->ndim,
                        w1->ndim == 2 ? w1->shape[1] : 0, w2->ndim == 2 ? w2->shape[0] : 0);
    snn_config c = snn_default_config();
    if (w1->shape[0] > 65535 || w1->shape[1] > 65535 || w2->shape[1] > 65535)
        return snn_fail(err, "%s: shape %zux%zux%zu too large", path, w1->shape[0],
                        w1->shape[1], w2->shape[1]);
    snn_layer_config *h = &c.layer[0];
    c.n_in = (int)w1->shape[0];
    h->size = (int)w1->shape[1];
    c.n_out = (int)w2->shape[1];
    double v[6];
    if (npz_scalar(f, path, "n_exc", snn_exc_count(h->size, 0.8), 1, &v[0], err) ||
        npz_scalar(f, path, "steps", c.steps, 1, &v[1], err) ||
        npz_scalar(f, path, "dale", c.dale, 1, &v[2], err) ||
        npz_scalar(f, path, "alpha", h->alpha, 0, &v[3], err) ||
        npz_scalar(f, path, "beta", h->beta, 0, &v[4], err) ||
        npz_scalar(f, path, "threshold", h->threshold, 0, &v[5], err))
        return -1;
    if (v[0] < 0 || v[0] > h->size || v[1] < 1 || v[1] > 100000 || (v[2] != 0 && v[2] != 1))
        return snn_fail(err, "%s: n_exc=%g, steps=%g or dale=%g out of range", path, v[0], v[1], v[2]);
    h->n_exc = (int)v[0];
    c.steps = (int)v[1];
    c.dale = (int)v[2];
    h->alpha = c.out_alpha = (float)v[3];
    h->beta = c.out_beta = (float)v[4];
    h->threshold = (float)v[5];
    if (snn_model_alloc(m, &c, err) != 0)
        return snn_fail(err, "%s: %s", path, err->msg);
    for (size_t i = 0; i < w1->count + w2->count; i++) {
        int first = i < w1->count;
        size_t idx = first ? i : i - w1->count;
        double w = first ? w1->values[idx] : w2->values[idx];
        int sign = first ? c.dale : snn_neuron_sign(&c, 0, (int)(idx / (size_t)c.n_out));
        if (!isfinite(w) || fabs(w) > 1e30 || sign * w < 0) {
            snn_model_free(m);
            return snn_fail(err, "%s: %s[%zu] = %g is %s", path, first ? "w1" : "w2", idx, w,
                            isfinite(w) ? "against Dale's law (or out of float range)" : "not finite");
        }
        m->ff[first ? 0 : 1][idx] = (float)w;
    }
    return 0;
}

int npz_write_model(const char *path, const snn_model *m, snn_error *err)
{
    const snn_config *c = &m->cfg;
    const snn_layer_config *h = &c->layer[0];
    if (c->n_layers != 1 || h->recurrent)
        return snn_fail(err, "%s: the .npz export holds one feed-forward hidden layer", path);
    size_t n1 = (size_t)c->n_in * h->size, n2 = (size_t)h->size * c->n_out;
    double *w1 = malloc(sizeof *w1 * n1), *w2 = malloc(sizeof *w2 * n2);
    double scalars[6] = {h->n_exc, c->steps, c->dale, h->alpha, h->beta, h->threshold};
    if (!w1 || !w2) {
        free(w1), free(w2);
        return snn_fail(err, "%s: out of memory", path);
    }
    for (size_t i = 0; i < n1; i++)
        w1[i] = m->ff[0][i];
    for (size_t i = 0; i < n2; i++)
        w2[i] = m->ff[1][i];
    npz_entry e[] = {
        {"w1", 2, {(size_t)c->n_in, (size_t)h->size}, 1, w1},
        {"w2", 2, {(size_t)h->size, (size_t)c->n_out}, 1, w2},
        {"n_exc", 0, {0}, 0, &scalars[0]},
        {"steps", 0, {0}, 0, &scalars[1]},
        {"dale", 0, {0}, 0, &scalars[2]},
        {"alpha", 0, {0}, 1, &scalars[3]},
        {"beta", 0, {0}, 1, &scalars[4]},
        {"threshold", 0, {0}, 1, &scalars[5]},
    };
    int rc = npz_write(path, e, (int)(sizeof e / sizeof e[0]), err);
    free(w1), free(w2);
    return rc;
}
