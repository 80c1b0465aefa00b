/* shd.c - see shd.h.
 *
 * libhdf5 trusts the file it reads: a damaged or crafted one makes it
 * allocate, or copy, whatever its headers claim. So before any data is read,
 * each dataset's type, rank and extent is checked against what an SHD file
 * holds and against the file's size; the rows are then read in blocks, and
 * before libhdf5 reads a block of variable-length rows the loader reads their
 * raw form itself and checks it (sw/format/h5guard.h). Every value is
 * range-checked before it is used.
 */
#include "shd.h"

#include "../format/h5guard.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_ROWS 256 /* rows asked of libhdf5 per read */

/* One of the three datasets, opened and checked. */
typedef struct {
    const char *name;
    int vlen;           /* variable-length rows (times, units) or one integer per row (labels) */
    H5T_class_t base;   /* H5T_FLOAT or H5T_INTEGER: the class of the values */
    hid_t ds, fspace, mem_type;
    hsize_t rows;
    size_t value_size;  /* bytes of one stored value */
    uint64_t offset;    /* file offset of the raw rows (contiguous layout) */
} shd_set;

/* Whether elem (a dataset's value type) is what the set needs: an IEEE float
 * of 4 or 8 bytes, or an integer of 1 to 8 bytes. */
static int value_type_ok(hid_t elem, H5T_class_t base)
{
    if (elem < 0 || H5Tget_class(elem) != base)
        return 0;
    if (base == H5T_INTEGER) {
        size_t size = H5Tget_size(elem);
        return size >= 1 && size <= 8;
    }
    const hid_t ieee[] = {H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE};
    for (int i = 0; i < 4; i++)
        if (H5Tequal(elem, ieee[i]) > 0)
            return 1;
    return 0;
}

/* Opens and checks one dataset: type, rank, extent, and a layout whose stored
 * bytes are the rows' (contiguous, inside the file, which h5guard can read
 * for vlen rows; or compact labels). */
static int open_set(hid_t file, const char *path, const h5guard *h, shd_set *s, snn_error *err)
{
    if (H5Lexists(file, s->name, H5P_DEFAULT) <= 0)
        return snn_fail(err, "%s: no %s (not an SHD release file)", path, s->name);
    s->ds = H5Dopen2(file, s->name, H5P_DEFAULT);
    if (s->ds < 0)
        return snn_fail(err, "%s: %s is not a dataset", path, s->name);
    hid_t type = H5Dget_type(s->ds);
    hid_t elem = type >= 0 && s->vlen && H5Tget_class(type) == H5T_VLEN ? H5Tget_super(type) : -1;
    hid_t value = s->vlen ? elem : type;
    int ok = value_type_ok(value, s->base);
    s->value_size = ok ? H5Tget_size(value) : 0;
    if (elem >= 0)
        H5Tclose(elem);
    if (type >= 0)
        H5Tclose(type);
    if (!ok)
        return snn_fail(err, "%s: %s is not %s", path, s->name,
                        !s->vlen ? "integers of up to 8 bytes"
                        : s->base == H5T_FLOAT ? "variable-length lists of IEEE floats"
                                               : "variable-length lists of integers of up to 8 bytes");
    s->fspace = H5Dget_space(s->ds);
    hsize_t dim = 0;
    if (s->fspace < 0 || H5Sget_simple_extent_type(s->fspace) != H5S_SIMPLE ||
        H5Sget_simple_extent_ndims(s->fspace) != 1 ||
        H5Sget_simple_extent_dims(s->fspace, &dim, NULL) != 1)
        return snn_fail(err, "%s: %s is not 1-D", path, s->name);
    if (dim > h->file_size) /* every row takes at least one byte of the file */
        return snn_fail(err, "%s: %s claims %llu rows, more than the file's %llu bytes can hold",
                        path, s->name, (unsigned long long)dim, (unsigned long long)h->file_size);
    s->rows = dim;
    /* libhdf5 reads a layout as its message claims: a compact dataset of 0 bytes
     * with rows to read copies from NULL. So the stored bytes must be the rows'. */
    hid_t dcpl = H5Dget_create_plist(s->ds);
    H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    uint64_t bytes = (uint64_t)dim * (s->vlen ? 8 + h->sizeof_addr : s->value_size);
    haddr_t at = layout == H5D_CONTIGUOUS ? H5Dget_offset(s->ds) : HADDR_UNDEF;
    if (dim > 0 && layout == H5D_CONTIGUOUS && at == HADDR_UNDEF)
        return snn_fail(err, "%s: %s has no data stored", path, s->name);
    if (dim > 0 && (layout == H5D_CONTIGUOUS || (layout == H5D_COMPACT && !s->vlen))) {
        if (H5Dget_storage_size(s->ds) != bytes ||
            (at != HADDR_UNDEF && (at > h->file_size || bytes > h->file_size - at)))
            return snn_fail(err, "%s: %s: %llu rows but %llu bytes stored (damaged file)", path,
                            s->name, (unsigned long long)dim,
                            (unsigned long long)H5Dget_storage_size(s->ds));
    } else if (dim > 0) {
        return snn_fail(err, "%s: %s is stored %s: not read (the loader checks contiguous "
                        "data before libhdf5 reads it; h5repack -l CONTI makes it so)", path,
                        s->name, layout == H5D_CHUNKED ? "in chunks" : "compact or unknown");
    }
    s->offset = at;
    hid_t native = s->base == H5T_FLOAT ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT;
    s->mem_type = s->vlen ? H5Tvlen_create(native) : H5Tcopy(native);
    return s->mem_type < 0 ? snn_fail(err, "%s: libhdf5 cannot make a memory type", path) : 0;
}

static void close_set(shd_set *s)
{
    if (s->mem_type >= 0)
        H5Tclose(s->mem_type);
    if (s->fspace >= 0)
        H5Sclose(s->fspace);
    if (s->ds >= 0)
        H5Dclose(s->ds);
}

/* Reads rows [first, first + count) of s into buf (count elements of s->mem_type). */
static int read_block(const shd_set *s, hsize_t first, hsize_t count, void *buf)
{
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    herr_t st = mspace < 0 ? -1
                           : H5Sselect_hyperslab(s->fspace, H5S_SELECT_SET, &first, NULL, &count,
                                                 NULL);
    if (st >= 0)
        st = H5Dread(s->ds, s->mem_type, mspace, s->fspace, H5P_DEFAULT, buf);
    if (mspace >= 0)
        H5Sclose(mspace);
    return st < 0 ? -1 : 0;
}

/* Checks and bins the spikes of sample i; seen is (steps, SHD_INPUTS) scratch. */
static int bin_sample(const char *path, hsize_t i, const hvl_t *times, const hvl_t *units,
                      int steps, double max_time, uint8_t *seen, event_list *ev, snn_error *err)
{
    if (times->len != units->len)
        return snn_fail(err, "%s: sample %llu has %zu times but %zu units", path,
                        (unsigned long long)i, times->len, units->len);
    const double *t = times->p;
    const int *u = units->p;
    memset(seen, 0, (size_t)steps * SHD_INPUTS);
    for (size_t e = 0; e < times->len; e++) {
        if (!(t[e] >= 0) || isinf(t[e]))
            return snn_fail(err, "%s: sample %llu spike %zu: time %g is not a time >= 0", path,
                            (unsigned long long)i, e, t[e]);
        if (u[e] < 0 || u[e] >= SHD_INPUTS)
            return snn_fail(err, "%s: sample %llu spike %zu: unit %d out of range [0, %d)", path,
                            (unsigned long long)i, e, u[e], SHD_INPUTS);
        if (t[e] >= max_time) /* past the window (however far): dropped, never cast */
            continue;
        int step = (int)(t[e] / max_time * steps);
        if (step >= steps || seen[(size_t)step * SHD_INPUTS + u[e]])
            continue;
        seen[(size_t)step * SHD_INPUTS + u[e]] = 1;
        if (event_list_push(ev, (uint32_t)i, (uint16_t)step, (uint16_t)u[e]) != 0)
            return snn_fail(err, "%s: out of memory for %zu spikes", path, ev->n);
    }
    return 0;
}

typedef struct {
    hid_t file;
    h5guard heap;
    shd_set set[3]; /* labels, times, units */
    int *labels;    /* one block's */
    hvl_t *times, *units;
    int have_times, have_units; /* the block's vlen rows are to be reclaimed */
    uint8_t *seen, *all_labels;
    int n_classes; /* the largest label seen + 1 */
    event_list ev;
} shd_load_state;

static void reclaim_block(shd_load_state *s)
{
    hsize_t count = BLOCK_ROWS;
    hid_t space = H5Screate_simple(1, &count, NULL);
    if (s->have_times)
        H5Dvlen_reclaim(s->set[1].mem_type, space, H5P_DEFAULT, s->times);
    if (s->have_units)
        H5Dvlen_reclaim(s->set[2].mem_type, space, H5P_DEFAULT, s->units);
    H5Sclose(space);
    s->have_times = s->have_units = 0;
}

static void release(shd_load_state *s)
{
    reclaim_block(s);
    for (int k = 0; k < 3; k++)
        close_set(&s->set[k]);
    free(s->labels);
    free(s->times);
    free(s->units);
    free(s->seen);
    free(s->all_labels);
    event_list_free(&s->ev);
    h5guard_close(&s->heap);
    if (s->file >= 0)
        H5Fclose(s->file);
}

/* Range-checks the labels of rows [first, first + count) (read into s->labels)
 * and raises s->n_classes to cover them. */
static int check_labels(shd_load_state *s, const char *path, hsize_t first, hsize_t count,
                        snn_error *err)
{
    for (hsize_t r = 0; r < count; r++) {
        if (s->labels[r] < 0 || s->labels[r] > SHD_MAX_LABEL)
            return snn_fail(err, "%s: sample %llu: label %d out of range [0, %d]", path,
                            (unsigned long long)(first + r), s->labels[r], SHD_MAX_LABEL);
        if (s->labels[r] + 1 > s->n_classes)
            s->n_classes = s->labels[r] + 1;
    }
    return 0;
}

/* The labels of the rows past the samples loaded, [first, rows): only their classes count. */
static int scan_labels(shd_load_state *s, const char *path, hsize_t first, hsize_t rows,
                       snn_error *err)
{
    for (; first < rows; first += BLOCK_ROWS) {
        hsize_t count = rows - first < BLOCK_ROWS ? rows - first : BLOCK_ROWS;
        if (read_block(&s->set[0], first, count, s->labels) != 0)
            return snn_fail(err, "%s: rows %llu..%llu of /labels cannot be read (damaged file)",
                            path, (unsigned long long)first,
                            (unsigned long long)(first + count - 1));
        if (check_labels(s, path, first, count, err) != 0)
            return -1;
    }
    return 0;
}

/* Checks, reads and bins rows [first, first + count) into s. */
static int load_block(shd_load_state *s, const char *path, hsize_t first, hsize_t count,
                      int steps, double max_time, snn_error *err)
{
    for (int k = 1; k < 3; k++)
        if (h5guard_vlen_rows(&s->heap, path, s->set[k].name, s->set[k].offset, first,
                              count, s->set[k].value_size, err) != 0)
            return -1;
    memset(s->times, 0, sizeof *s->times * BLOCK_ROWS);
    memset(s->units, 0, sizeof *s->units * BLOCK_ROWS);
    /* A failed vlen read may leave rows allocated: reclaim them either way. */
    s->have_times = 1;
    int rc = read_block(&s->set[1], first, count, s->times);
    s->have_units = 1;
    if (rc == 0)
        rc = read_block(&s->set[2], first, count, s->units);
    if (rc == 0)
        rc = read_block(&s->set[0], first, count, s->labels);
    if (rc != 0)
        return snn_fail(err, "%s: rows %llu..%llu of /labels, /spikes/times or /spikes/units "
                        "cannot be read (damaged file)", path, (unsigned long long)first,
                        (unsigned long long)(first + count - 1));
    if (check_labels(s, path, first, count, err) != 0)
        return -1;
    for (hsize_t r = 0; r < count; r++) {
        hsize_t i = first + r;
        s->all_labels[i] = (uint8_t)s->labels[r];
        if (bin_sample(path, i, &s->times[r], &s->units[r], steps, max_time, s->seen, &s->ev,
                       err) != 0)
            return -1;
    }
    reclaim_block(s);
    return 0;
}

int shd_load(const char *path, int limit, int steps, double max_time, spike_data *out,
             snn_error *err)
{
    memset(out, 0, sizeof *out);
    if (steps < 1 || steps > 65535 || !(max_time > 0) || isinf(max_time))
        return snn_fail(err, "%s: steps must be in [1, 65535] and max_time finite and > 0", path);
    shd_load_state s = {.file = -1,
                        .heap = {.fd = -1},
                        .set = {{"/labels", 0, H5T_INTEGER, -1, -1, -1, 0, 0, 0},
                                {"/spikes/times", 1, H5T_FLOAT, -1, -1, -1, 0, 0, 0},
                                {"/spikes/units", 1, H5T_INTEGER, -1, -1, -1, 0, 0, 0}}};
    int rc = -1;
    if (h5guard_open(&s.heap, path, err) != 0)
        goto done;
    s.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (s.file < 0) {
        snn_fail(err, "%s: cannot open as HDF5 (damaged file)", path);
        goto done;
    }
    if (H5Lexists(s.file, "/spikes", H5P_DEFAULT) <= 0) {
        snn_fail(err, "%s: no /spikes group (not an SHD release file)", path);
        goto done;
    }
    for (int k = 0; k < 3; k++)
        if (open_set(s.file, path, &s.heap, &s.set[k], err) != 0)
            goto done;
    hsize_t n_lab = s.set[0].rows;
    if (s.set[1].rows != n_lab || s.set[2].rows != n_lab) {
        snn_fail(err, "%s: %llu labels but %llu time lists and %llu unit lists", path,
                 (unsigned long long)n_lab, (unsigned long long)s.set[1].rows,
                 (unsigned long long)s.set[2].rows);
        goto done;
    }
    hsize_t n = limit > 0 && (hsize_t)limit < n_lab ? (hsize_t)limit : n_lab;
    if (n == 0 || n > INT32_MAX) {
        snn_fail(err, "%s: %llu samples (need 1 to %d)", path, (unsigned long long)n, INT32_MAX);
        goto done;
    }
    s.labels = malloc(sizeof *s.labels * BLOCK_ROWS);
    s.times = malloc(sizeof *s.times * BLOCK_ROWS);
    s.units = malloc(sizeof *s.units * BLOCK_ROWS);
    s.seen = malloc((size_t)steps * SHD_INPUTS);
    s.all_labels = malloc(n);
    if (!s.labels || !s.times || !s.units || !s.seen || !s.all_labels) {
        snn_fail(err, "%s: out of memory", path);
        goto done;
    }
    for (hsize_t first = 0; first < n; first += BLOCK_ROWS) {
        hsize_t count = n - first < BLOCK_ROWS ? n - first : BLOCK_ROWS;
        if (load_block(&s, path, first, count, steps, max_time, err) != 0)
            goto done;
    }
    if (scan_labels(&s, path, n, n_lab, err) != 0)
        goto done;
    uint8_t *labels = s.all_labels;
    s.all_labels = NULL; /* spike_data_from_events owns them now, whatever it returns */
    if (spike_data_from_events((int)n, SHD_INPUTS, steps, s.n_classes, labels, s.ev.n,
                               s.ev.sample, s.ev.step, s.ev.input, out, err) != 0) {
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
