/* events.c - see events.h.
 *
 * The arrays come from the .npz reader as doubles whatever their dtype, so the
 * dtype is checked by its kind (integers where counts and indices are meant)
 * and every value is range-checked as a double before it becomes an index.
 */
#include "events.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An array of f: `ndim` 0 (scalar) or 1; `kinds` the dtype kinds it may have
 * ("iu" integers, "fiu" numbers). NULL with no error when optional and absent. */
static const npz_array *get(const npz_file *f, const char *path, const char *name, int ndim,
                            const char *kinds, int optional, snn_error *err)
{
    const npz_array *a = npz_find(f, name);
    if (!a) {
        if (!optional)
            snn_fail(err, "%s: no array '%s' (an events file holds times, units, offsets and "
                     "labels: docs/data.md)", path, name);
        return NULL;
    }
    if (!strchr(kinds, a->dtype[1])) {
        snn_fail(err, "%s: %s has dtype %s, need %s", path, name, a->dtype,
                 strcmp(kinds, "iu") ? "numbers (float or integer)" : "integers");
        return NULL;
    }
    if (a->ndim != ndim) {
        snn_fail(err, "%s: %s has %d dimensions, need %s", path, name, a->ndim,
                 ndim ? "1 (a flat array)" : "0 (a scalar)");
        return NULL;
    }
    return a;
}

/* A declared integer scalar in [1, max], or `fallback` when absent. */
static int scalar_count(const npz_array *a, const char *path, int max, int fallback, int *out,
                        snn_error *err)
{
    if (!a) {
        *out = fallback;
        return 0;
    }
    double v = a->values[0];
    if (!(v >= 1 && v <= max))
        return snn_fail(err, "%s: %s = %g, need an integer in [1, %d]", path, a->name, v, max);
    *out = (int)v;
    return 0;
}

/* Checks times, units and offsets value by value, and finds the largest unit. */
static int check_spikes(const char *path, const npz_array *times, const npz_array *units,
                        const npz_array *offsets, double *max_unit, snn_error *err)
{
    size_t n = offsets->count - 1, e_count = times->count;
    const double *o = offsets->values;
    if (o[0] != 0)
        return snn_fail(err, "%s: offsets[0] = %g, need 0", path, o[0]);
    for (size_t i = 0; i < n; i++)
        if (!(o[i + 1] >= o[i]))
            return snn_fail(err, "%s: offsets are not monotone: offsets[%zu] = %g < offsets[%zu] "
                            "= %g", path, i + 1, o[i + 1], i, o[i]);
    if (o[n] != (double)e_count)
        return snn_fail(err, "%s: offsets[%zu] = %g, but times has %zu values", path, n, o[n],
                        e_count);
    *max_unit = -1;
    size_t s = 0;
    for (size_t e = 0; e < e_count; e++) {
        while (o[s + 1] <= (double)e) /* the sample of spike e */
            s++;
        double t = times->values[e], u = units->values[e];
        if (isnan(t) || t < 0 || isinf(t))
            return snn_fail(err, "%s: times[%zu] (sample %zu) = %g, need a finite time >= 0",
                            path, e, s, t);
        if (u < 0)
            return snn_fail(err, "%s: units[%zu] (sample %zu) = %g is negative", path, e, s, u);
        *max_unit = u > *max_unit ? u : *max_unit;
    }
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Pushes sample s's spikes [lo, hi), binned, each (step, unit) once. key is scratch
 * of hi - lo entries. */
static int bin_sample(const npz_array *times, const npz_array *units, size_t lo, size_t hi,
                      uint32_t s, int steps, double dt, uint32_t *key, event_list *ev)
{
    size_t k = 0;
    for (size_t e = lo; e < hi; e++) {
        double q = times->values[e] / dt;
        if (q < steps) /* step and unit both < 65536: one 32-bit key */
            key[k++] = (uint32_t)q << 16 | (uint32_t)units->values[e];
    }
    qsort(key, k, sizeof *key, cmp_key); /* SHD-like samples hold thousands of spikes */
    for (size_t i = 0; i < k; i++)
        if ((i == 0 || key[i] != key[i - 1]) &&
            event_list_push(ev, s, (uint16_t)(key[i] >> 16), (uint16_t)(key[i] & 0xffff)) != 0)
            return -1;
    return 0;
}

int events_from_npz(const npz_file *f, const char *path, int limit, int steps, spike_data *out,
                    snn_error *err)
{
    memset(out, 0, sizeof *out);
    if (steps < 1 || steps > 65535)
        return snn_fail(err, "%s: %d steps: need 1 to 65535", path, steps);
    const npz_array *times = get(f, path, "times", 1, "fiu", 0, err);
    const npz_array *units = times ? get(f, path, "units", 1, "iu", 0, err) : NULL;
    const npz_array *offsets = units ? get(f, path, "offsets", 1, "iu", 0, err) : NULL;
    const npz_array *labels = offsets ? get(f, path, "labels", 1, "iu", 0, err) : NULL;
    if (!labels)
        return -1;
    /* The optional scalars: n_units, n_classes, dt. */
    static const char *const opt_name[3] = {"n_units", "n_classes", "dt"};
    const npz_array *opt[3];
    for (int k = 0; k < 3; k++) {
        opt[k] = get(f, path, opt_name[k], 0, k < 2 ? "iu" : "fiu", 1, err);
        if (!opt[k] && npz_find(f, opt_name[k]))
            return -1;
    }
    if (units->count != times->count)
        return snn_fail(err, "%s: units has %zu values, times %zu (one unit per spike time)", path,
                        units->count, times->count);
    size_t n_all = labels->count;
    if (n_all == 0 || n_all > INT32_MAX)
        return snn_fail(err, "%s: labels has %zu values: need 1 to %d samples", path, n_all,
                        INT32_MAX);
    if (offsets->count != n_all + 1)
        return snn_fail(err, "%s: offsets has %zu values, need %zu (one more than the %zu labels)",
                        path, offsets->count, n_all + 1, n_all);
    double dt = opt[2] ? opt[2]->values[0] : 1;
    if (!(dt > 0) || isinf(dt))
        return snn_fail(err, "%s: dt = %g, need a finite step length > 0", path, dt);
    double max_unit = -1, max_label = -1;
    if (check_spikes(path, times, units, offsets, &max_unit, err) != 0)
        return -1;
    for (size_t i = 0; i < n_all; i++) {
        double l = labels->values[i];
        if (!(l >= 0 && l <= 255))
            return snn_fail(err, "%s: labels[%zu] = %g, need a class in [0, 255]", path, i, l);
        max_label = l > max_label ? l : max_label;
    }
    int n_units = 0, n_classes = 0;
    if (scalar_count(opt[0], path, 65535, (int)fmin(max_unit + 1, 65536), &n_units, err) ||
        scalar_count(opt[1], path, 256, (int)max_label + 1, &n_classes, err))
        return -1;
    if (n_units < 1)
        return snn_fail(err, "%s: no spikes and no n_units: the input count is unknown", path);
    if (max_unit >= n_units) {
        size_t e = 0;
        while (units->values[e] < n_units)
            e++;
        return snn_fail(err, "%s: units[%zu] = %g, outside [0, %d)%s", path, e, units->values[e],
                        n_units, opt[0] ? " (n_units)" : ": more inputs than an event can address");
    }
    if (max_label >= n_classes) {
        size_t i = 0;
        while (labels->values[i] < n_classes)
            i++;
        return snn_fail(err, "%s: labels[%zu] = %g, outside the %d classes of n_classes", path, i,
                        labels->values[i], n_classes);
    }
    size_t n = limit > 0 && (size_t)limit < n_all ? (size_t)limit : n_all;
    const double *o = offsets->values;
    size_t widest = 0;
    for (size_t i = 0; i < n; i++)
        widest = o[i + 1] - o[i] > widest ? (size_t)(o[i + 1] - o[i]) : widest;
    uint8_t *lab = malloc(n);
    uint32_t *key = malloc(sizeof *key * (widest ? widest : 1));
    event_list ev = {0};
    int rc = lab && key ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        lab[i] = (uint8_t)labels->values[i];
        rc = bin_sample(times, units, (size_t)o[i], (size_t)o[i + 1], (uint32_t)i, steps, dt, key,
                        &ev);
    }
    free(key);
    if (rc != 0) {
        free(lab);
        event_list_free(&ev);
        return snn_fail(err, "%s: out of memory", path);
    }
    rc = spike_data_from_events((int)n, n_units, steps, n_classes, lab, ev.n, ev.sample, ev.step,
                                ev.input, out, err);
    event_list_free(&ev);
    return rc;
}

int events_load_npz(const char *path, int limit, int steps, spike_data *out, snn_error *err)
{
    memset(out, 0, sizeof *out);
    npz_file f;
    if (npz_read(path, &f, err) != 0)
        return -1;
    int rc = events_from_npz(&f, path, limit, steps, out, err);
    npz_free(&f);
    return rc;
}
