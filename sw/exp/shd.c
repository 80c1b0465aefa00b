/* shd.c - see shd.h. */
#include "shd.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Reads rows [0, n) of a 1-D dataset into buf as mem_type. */
static int read_rows(hid_t file, const char *name, hid_t mem_type, hsize_t n, void *buf)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0)
        return -1;
    hid_t fspace = H5Dget_space(ds);
    hsize_t start = 0, count = n;
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    herr_t st = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL);
    if (st >= 0)
        st = H5Dread(ds, mem_type, mspace, fspace, H5P_DEFAULT, buf);
    H5Sclose(mspace);
    H5Sclose(fspace);
    H5Dclose(ds);
    return st < 0 ? -1 : 0;
}

/* Length of a 1-D dataset, or -1 if it is missing or not 1-D. */
static long long rows_of(hid_t file, const char *name)
{
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0)
        return -1;
    hid_t space = H5Dget_space(ds);
    hsize_t dim = 0;
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank == 1)
        H5Sget_simple_extent_dims(space, &dim, NULL);
    H5Sclose(space);
    H5Dclose(ds);
    return rank == 1 ? (long long)dim : -1;
}

typedef struct {
    hid_t file, vl_time, vl_unit, space;
    hvl_t *times, *units;
    int *labels;
    uint32_t *ev_sample;
    uint16_t *ev_step, *ev_input;
    uint8_t *seen; /* (steps, SHD_INPUTS) of the current sample: dedup within a bin */
} shd_load_state;

static void release(shd_load_state *s)
{
    if (s->times && s->vl_time >= 0)
        H5Dvlen_reclaim(s->vl_time, s->space, H5P_DEFAULT, s->times);
    if (s->units && s->vl_unit >= 0)
        H5Dvlen_reclaim(s->vl_unit, s->space, H5P_DEFAULT, s->units);
    free(s->times);
    free(s->units);
    free(s->labels);
    free(s->ev_sample);
    free(s->ev_step);
    free(s->ev_input);
    free(s->seen);
    if (s->space >= 0)
        H5Sclose(s->space);
    if (s->vl_time >= 0)
        H5Tclose(s->vl_time);
    if (s->vl_unit >= 0)
        H5Tclose(s->vl_unit);
    if (s->file >= 0)
        H5Fclose(s->file);
}

int shd_load(const char *path, int limit, int steps, double max_time, spike_data *out,
             snn_error *err)
{
    memset(out, 0, sizeof *out);
    if (steps < 1 || steps > 65535 || !(max_time > 0))
        return snn_fail(err, "%s: steps must be in [1, 65535] and max_time > 0", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back as values, not as stack dumps */
    shd_load_state s = {.file = -1, .vl_time = -1, .vl_unit = -1, .space = -1};
    int rc = -1;
    s.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (s.file < 0) {
        snn_fail(err, "%s: cannot open as HDF5 (missing, unreadable or not an HDF5 file)", path);
        goto done;
    }
    if (H5Lexists(s.file, "/spikes", H5P_DEFAULT) <= 0) {
        snn_fail(err, "%s: no /spikes group (not an SHD release file)", path);
        goto done;
    }
    long long n_lab = rows_of(s.file, "/labels"), n_t = rows_of(s.file, "/spikes/times"),
              n_u = rows_of(s.file, "/spikes/units");
    if (n_lab < 0 || n_t < 0 || n_u < 0) {
        snn_fail(err, "%s: missing or not 1-D: %s%s%s", path, n_lab < 0 ? "/labels " : "",
                 n_t < 0 ? "/spikes/times " : "", n_u < 0 ? "/spikes/units" : "");
        goto done;
    }
    if (n_lab != n_t || n_lab != n_u) {
        snn_fail(err, "%s: %lld labels but %lld time lists and %lld unit lists", path, n_lab, n_t,
                 n_u);
        goto done;
    }
    hsize_t n = (hsize_t)(limit > 0 && limit < n_lab ? limit : n_lab);
    if (n == 0) {
        snn_fail(err, "%s: no samples", path);
        goto done;
    }
    s.vl_time = H5Tvlen_create(H5T_NATIVE_DOUBLE);
    s.vl_unit = H5Tvlen_create(H5T_NATIVE_INT);
    s.space = H5Screate_simple(1, &n, NULL);
    s.labels = malloc(sizeof *s.labels * n);
    s.times = calloc(n, sizeof *s.times);
    s.units = calloc(n, sizeof *s.units);
    s.seen = malloc((size_t)steps * SHD_INPUTS);
    if (!s.labels || !s.times || !s.units || !s.seen) {
        snn_fail(err, "%s: out of memory", path);
        goto done;
    }
    if (read_rows(s.file, "/labels", H5T_NATIVE_INT, n, s.labels) != 0 ||
        read_rows(s.file, "/spikes/times", s.vl_time, n, s.times) != 0 ||
        read_rows(s.file, "/spikes/units", s.vl_unit, n, s.units) != 0) {
        snn_fail(err, "%s: cannot read /labels, /spikes/times or /spikes/units "
                 "(wrong type or damaged file)", path);
        goto done;
    }
    size_t total = 0;
    for (hsize_t i = 0; i < n; i++) {
        if (s.times[i].len != s.units[i].len) {
            snn_fail(err, "%s: sample %llu has %zu times but %zu units", path,
                     (unsigned long long)i, s.times[i].len, s.units[i].len);
            goto done;
        }
        if (s.labels[i] < 0 || s.labels[i] >= SHD_CLASSES) {
            snn_fail(err, "%s: sample %llu: label %d out of range [0, %d)", path,
                     (unsigned long long)i, s.labels[i], SHD_CLASSES);
            goto done;
        }
        total += s.times[i].len;
    }
    s.ev_sample = malloc(sizeof *s.ev_sample * (total ? total : 1));
    s.ev_step = malloc(sizeof *s.ev_step * (total ? total : 1));
    s.ev_input = malloc(sizeof *s.ev_input * (total ? total : 1));
    if (!s.ev_sample || !s.ev_step || !s.ev_input) {
        snn_fail(err, "%s: out of memory for %zu spikes", path, total);
        goto done;
    }
    size_t n_ev = 0;
    for (hsize_t i = 0; i < n; i++) {
        const double *t = s.times[i].p;
        const int *u = s.units[i].p;
        memset(s.seen, 0, (size_t)steps * SHD_INPUTS);
        for (size_t e = 0; e < s.times[i].len; e++) {
            if (!isfinite(t[e]) || t[e] < 0) {
                snn_fail(err, "%s: sample %llu spike %zu: time %g is not a time >= 0", path,
                         (unsigned long long)i, e, t[e]);
                goto done;
            }
            if (u[e] < 0 || u[e] >= SHD_INPUTS) {
                snn_fail(err, "%s: sample %llu spike %zu: unit %d out of range [0, %d)", path,
                         (unsigned long long)i, e, u[e], SHD_INPUTS);
                goto done;
            }
            long step = (long)floor(t[e] / max_time * steps);
            if (step >= steps || s.seen[(size_t)step * SHD_INPUTS + u[e]])
                continue;
            s.seen[(size_t)step * SHD_INPUTS + u[e]] = 1;
            s.ev_sample[n_ev] = (uint32_t)i;
            s.ev_step[n_ev] = (uint16_t)step;
            s.ev_input[n_ev] = (uint16_t)u[e];
            n_ev++;
        }
    }
    uint8_t *labels = malloc(n);
    if (!labels) {
        snn_fail(err, "%s: out of memory", path);
        goto done;
    }
    for (hsize_t i = 0; i < n; i++)
        labels[i] = (uint8_t)s.labels[i];
    if (spike_data_from_events((int)n, SHD_INPUTS, steps, SHD_CLASSES, labels, n_ev, s.ev_sample,
                               s.ev_step, s.ev_input, out, err) != 0) {
        char inner[sizeof err->msg];
        snprintf(inner, sizeof inner, "%s", err ? err->msg : "");
        snn_fail(err, "%s: %s", path, inner);
        goto done;
    }
    rc = 0;
done:
    release(&s);
    return rc;
}
