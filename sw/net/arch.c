/* arch.c - see arch.h. */
#include "arch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS (SNN_MAX_LAYERS + 2)

/* Splits "a<sep>b<sep>c" into doubles; fails on an empty item, trailing text or
 * more than `max` items. Returns the count, or -1. */
static int split_numbers(const char *s, char sep, double *out, int max)
{
    int n = 0;
    const char *p = s;
    for (;;) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno || n == max || (*end != sep && *end != '\0'))
            return -1;
        out[n++] = v;
        if (*end == '\0')
            return n;
        p = end + 1;
    }
}

int snn_config_from_text(snn_config *c, const char *arch, const char *ratio,
                         const char *recurrent, int n_in, int n_out, snn_error *err)
{
    double v[MAX_ITEMS];
    int n = split_numbers(arch, '-', v, MAX_ITEMS);
    if (n < 1)
        return snn_fail(err, "--arch '%s': expected sizes joined by '-', e.g. 128-64 (hidden "
                        "layers) or %d-128-64-%d (input to readout), at most %d hidden layers",
                        arch, n_in, n_out, SNN_MAX_LAYERS);
    for (int i = 0; i < n; i++)
        if (v[i] != (int)v[i] || v[i] < 1 || v[i] > 65535)
            return snn_fail(err, "--arch '%s': size %g must be a whole number in 1..65535", arch,
                            v[i]);
    int full = n >= 3 && ((int)v[0] == n_in || (int)v[n - 1] == n_out);
    int first = full ? 1 : 0, layers = full ? n - 2 : n;
    if (layers > SNN_MAX_LAYERS)
        return snn_fail(err, "--arch '%s': %d hidden layers, at most %d", arch, layers,
                        SNN_MAX_LAYERS);
    double r[MAX_ITEMS];
    int nr = split_numbers(ratio, ',', r, MAX_ITEMS);
    if (nr < 1 || (nr != 1 && nr != layers))
        return snn_fail(err, "--ratio '%s': give one E fraction, or one per hidden layer (%d)",
                        ratio, layers);
    for (int i = 0; i < nr; i++)
        if (!(r[i] >= 0 && r[i] <= 1))
            return snn_fail(err, "--ratio: %g is out of range [0, 1] (in '%s')", r[i], ratio);
    int rec[MAX_ITEMS] = {0};
    if (recurrent && strcmp(recurrent, "all") == 0) {
        for (int l = 0; l < layers; l++)
            rec[l] = 1;
    } else if (recurrent && *recurrent) {
        double f[MAX_ITEMS];
        int nf = split_numbers(recurrent, ',', f, MAX_ITEMS);
        if (nf != 1 && nf != layers)
            return snn_fail(err, "--recurrent '%s': give one 0 or 1 for every hidden layer, one "
                            "per layer (%d), or no value for all", recurrent, layers);
        for (int i = 0; i < nf; i++)
            if (f[i] != 0 && f[i] != 1)
                return snn_fail(err, "--recurrent '%s': %g is not 0 or 1", recurrent, f[i]);
        for (int l = 0; l < layers; l++)
            rec[l] = (int)f[nf == 1 ? 0 : l];
    }
    snn_layer_config base = c->layer[0];
    c->n_in = full ? (int)v[0] : n_in;
    c->n_out = full ? (int)v[n - 1] : n_out;
    c->n_layers = layers;
    memset(c->layer, 0, sizeof c->layer);
    for (int l = 0; l < layers; l++) {
        snn_layer_config *h = &c->layer[l];
        *h = base;
        h->size = (int)v[first + l];
        h->n_exc = snn_exc_count(h->size, r[nr == 1 ? 0 : l]);
        h->recurrent = rec[l];
    }
    return 0;
}

void snn_arch_format(const snn_config *c, char *buf, size_t cap)
{
    int len = snprintf(buf, cap, "%d", c->n_in);
    for (int l = 0; l < c->n_layers && len >= 0 && (size_t)len < cap; l++)
        len += snprintf(buf + len, cap - len, "-%d%s", c->layer[l].size,
                        c->layer[l].recurrent ? "r" : "");
    if (len >= 0 && (size_t)len < cap)
        snprintf(buf + len, cap - len, "-%d", c->n_out);
}

void snn_ei_format(const snn_config *c, char *buf, size_t cap)
{
    int len = 0;
    if (cap)
        buf[0] = '\0';
    for (int l = 0; l < c->n_layers && len >= 0 && (size_t)len < cap; l++)
        len += snprintf(buf + len, cap - len, "%s%d:%d", l ? "," : "", c->layer[l].n_exc,
                        c->layer[l].size - c->layer[l].n_exc);
}
