/* dataset.c - see dataset.h. */
#include "dataset.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../format/h5guard.h"
#include "events.h"
#include "idx.h"
#include "shd.h"

/* Puts "<dir>/<split>-<kind>.gz", or the same without ".gz", whichever is
 * readable, into path (cap bytes). */
static int find_idx(const char *dir, const char *split, const char *kind, char *path, size_t cap,
                    snn_error *err)
{
    int n = snprintf(path, cap, "%s/%s-%s.gz", dir, split, kind);
    if (n < 0 || (size_t)n >= cap)
        return snn_fail(err, "data path too long (limit %zu bytes): %s/%s-%s", cap - 4, dir, split,
                        kind); /* reason first: the path may not fit in the message */
    if (access(path, R_OK) == 0)
        return 0;
    path[n - 3] = 0; /* drop ".gz" */
    if (access(path, R_OK) == 0)
        return 0;
    return snn_fail(err, "%s[.gz]: not found", path);
}

int dataset_load_idx(const char *dir, const char *split, int limit, dataset *out, snn_error *err)
{
    memset(out, 0, sizeof *out);
    char ipath[1024], lpath[1024];
    if (find_idx(dir, split, "images-idx3-ubyte", ipath, sizeof ipath, err) ||
        find_idx(dir, split, "labels-idx1-ubyte", lpath, sizeof lpath, err))
        return -1;
    return dataset_read_idx(ipath, lpath, limit, out, err);
}

int dataset_read_idx(const char *ipath, const char *lpath, int limit, dataset *out,
                     snn_error *err)
{
    memset(out, 0, sizeof *out);
    idx_array im, lb;
    if (idx_read(ipath, (size_t)1 << 32, &im, err) != 0)
        return -1;
    if (im.ndim != 3) {
        free(im.data);
        return snn_fail(err, "%s: expected 3 dimensions (n, rows, cols), found %d", ipath, im.ndim);
    }
    if (idx_read(lpath, (size_t)1 << 28, &lb, err) != 0) {
        free(im.data);
        return -1;
    }
    if (lb.ndim != 1 || lb.dims[0] != im.dims[0]) {
        free(im.data);
        free(lb.data);
        return snn_fail(err, "%s: %u labels do not match %u images in %s", lpath,
                        lb.dims[0], im.dims[0], ipath);
    }
    if (im.dims[0] > INT_MAX || (size_t)im.dims[1] * im.dims[2] > INT_MAX) {
        free(im.data);
        free(lb.data);
        return snn_fail(err, "%s: %u images of %ux%u pixels is more than this build handles",
                        ipath, im.dims[0], im.dims[1], im.dims[2]);
    }
    int n = (int)im.dims[0], n_classes = 0;
    for (int i = 0; i < n; i++)
        if (lb.data[i] + 1 > n_classes)
            n_classes = lb.data[i] + 1;
    if (limit > 0 && limit < n)
        n = limit;
    out->n = n;
    out->rows = (int)im.dims[1];
    out->cols = (int)im.dims[2];
    out->n_pixels = (int)((size_t)im.dims[1] * im.dims[2]);
    out->n_classes = n_classes;
    out->pixels = im.data;
    out->labels = lb.data;
    return 0;
}

void dataset_free(dataset *d)
{
    free(d->pixels);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

int latency_step(uint8_t pixel)
{
    double x = pixel / 255.0;
    if (!(x > 0.2))
        return -1;
    return (int)floor(20.0 * log(x / (x - 0.2)));
}

static int alloc_spike_data(spike_data *s, int n, int n_inputs, int steps, size_t n_events,
                            snn_error *err)
{
    s->n = n;
    s->n_inputs = n_inputs;
    s->steps = steps;
    s->step_start = malloc(sizeof *s->step_start * ((size_t)n * (steps + 1) + 1));
    s->events = malloc(sizeof *s->events * (n_events ? n_events : 1));
    if (!s->step_start || !s->events) {
        spike_data_free(s);
        return snn_fail(err, "out of memory encoding %d samples", n);
    }
    return 0;
}

int encode_latency(const dataset *d, int steps, spike_data *out, snn_error *err)
{
    memset(out, 0, sizeof *out);
    if (d->n_pixels > 65535)
        return snn_fail(err, "%d inputs: more than the 65535 an event can address", d->n_pixels);
    int table[256];
    for (int p = 0; p < 256; p++)
        table[p] = latency_step((uint8_t)p);
    size_t total = 0;
    for (size_t i = 0; i < (size_t)d->n * d->n_pixels; i++)
        total += table[d->pixels[i]] >= 0 && table[d->pixels[i]] < steps;
    if (alloc_spike_data(out, d->n, d->n_pixels, steps, total, err) != 0)
        return -1;
    out->labels = d->labels;
    out->n_classes = d->n_classes;
    out->rows = d->rows;
    out->cols = d->cols;
    /* Counting sort by step keeps indices ascending within a step. */
    int *count = calloc((size_t)steps + 1, sizeof *count);
    if (!count) {
        spike_data_free(out);
        return snn_fail(err, "out of memory");
    }
    size_t pos = 0;
    for (int s = 0; s < d->n; s++) {
        const uint8_t *px = d->pixels + (size_t)s * d->n_pixels;
        uint32_t *st = out->step_start + (size_t)s * (steps + 1);
        memset(count, 0, sizeof *count * ((size_t)steps + 1));
        for (int i = 0; i < d->n_pixels; i++)
            if (table[px[i]] >= 0 && table[px[i]] < steps)
                count[table[px[i]]]++;
        st[0] = (uint32_t)pos;
        for (int t = 0; t < steps; t++)
            st[t + 1] = st[t] + (uint32_t)count[t];
        for (int t = 0; t < steps; t++)
            count[t] = (int)st[t];
        for (int i = 0; i < d->n_pixels; i++)
            if (table[px[i]] >= 0 && table[px[i]] < steps)
                out->events[count[table[px[i]]]++] = (uint16_t)i;
        pos = st[steps];
    }
    free(count);
    return 0;
}

int spike_data_from_events(int n, int n_inputs, int steps, int n_classes, uint8_t *labels,
                           size_t n_events, const uint32_t *ev_sample, const uint16_t *ev_step,
                           const uint16_t *ev_input, spike_data *out, snn_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t e = 0; e < n_events; e++)
        if (ev_sample[e] >= (uint32_t)n || ev_step[e] >= steps || ev_input[e] >= n_inputs) {
            free(labels);
            return snn_fail(err, "event %zu (sample %u, step %u, input %u) out of range "
                            "(%d samples, %d steps, %d inputs)", e, ev_sample[e], ev_step[e],
                            ev_input[e], n, steps, n_inputs);
        }
    if (alloc_spike_data(out, n, n_inputs, steps, n_events, err) != 0) {
        free(labels);
        return -1;
    }
    out->labels = labels;
    out->owns_labels = 1;
    out->n_classes = n_classes;
    size_t cells = (size_t)n * (steps + 1);
    memset(out->step_start, 0, sizeof *out->step_start * (cells + 1));
    /* Bucket by (sample, step), then sort each bucket's inputs. */
    for (size_t e = 0; e < n_events; e++)
        out->step_start[(size_t)ev_sample[e] * (steps + 1) + ev_step[e] + 1]++;
    for (size_t c = 0; c < cells; c++)
        out->step_start[c + 1] += out->step_start[c];
    uint32_t *fill = malloc(sizeof *fill * (cells + 1));
    if (!fill) {
        spike_data_free(out);
        return snn_fail(err, "out of memory");
    }
    memcpy(fill, out->step_start, sizeof *fill * (cells + 1));
    for (size_t e = 0; e < n_events; e++)
        out->events[fill[(size_t)ev_sample[e] * (steps + 1) + ev_step[e]]++] = ev_input[e];
    free(fill);
    for (size_t c = 0; c < cells; c++) {
        uint16_t *a = out->events + out->step_start[c];
        uint32_t m = out->step_start[c + 1] - out->step_start[c];
        for (uint32_t i = 1; i < m; i++) /* insertion sort: buckets are small */
            for (uint32_t j = i; j > 0 && a[j - 1] > a[j]; j--) {
                uint16_t tmp = a[j];
                a[j] = a[j - 1];
                a[j - 1] = tmp;
            }
    }
    return 0;
}

static int check_inputs(const spike_data *s, int n_inputs, const char *what, snn_error *err)
{
    if (s->n_inputs != n_inputs)
        return snn_fail(err, "%s: the data has %d inputs per sample, the network %d", what,
                        s->n_inputs, n_inputs);
    return 0;
}

static int check_labels(const spike_data *s, int n_classes, const char *what, snn_error *err)
{
    for (int i = 0; i < s->n; i++)
        if (s->labels[i] >= n_classes)
            return snn_fail(err, "%s: sample %d has label %d, the network has %d classes (0..%d)",
                            what, i, s->labels[i], n_classes, n_classes - 1);
    return 0;
}

int spike_data_check_shape(const spike_data *s, int n_inputs, int n_classes, const char *what,
                           snn_error *err)
{
    return check_inputs(s, n_inputs, what, err) || check_labels(s, n_classes, what, err) ? -1 : 0;
}

int event_list_push(event_list *l, uint32_t sample, uint16_t step, uint16_t input)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        uint32_t *sa = realloc(l->sample, sizeof *sa * cap);
        if (sa)
            l->sample = sa;
        uint16_t *st = realloc(l->step, sizeof *st * cap);
        if (st)
            l->step = st;
        uint16_t *in = realloc(l->input, sizeof *in * cap);
        if (in)
            l->input = in;
        if (!sa || !st || !in)
            return -1;
        l->cap = cap;
    }
    l->sample[l->n] = sample;
    l->step[l->n] = step;
    l->input[l->n] = input;
    l->n++;
    return 0;
}

void event_list_free(event_list *l)
{
    free(l->sample);
    free(l->step);
    free(l->input);
    *l = (event_list){0};
}

void spike_data_free(spike_data *s)
{
    free(s->step_start);
    free(s->events);
    if (s->owns_labels)
        free(s->labels);
    memset(s, 0, sizeof *s);
}

/* Loads one IDX split (its files found) and latency-codes it. */
static int load_idx_split(const char *ipath, const char *lpath, int limit, int steps,
                          encoded_set *out, snn_error *err)
{
    snprintf(out->inputs_file, sizeof out->inputs_file, "%s", ipath);
    snprintf(out->labels_file, sizeof out->labels_file, "%s", lpath);
    if (dataset_read_idx(ipath, lpath, limit, &out->images, err) != 0)
        return -1;
    if (encode_latency(&out->images, steps, &out->spikes, err) != 0) {
        char inner[sizeof err->msg];
        snprintf(inner, sizeof inner, "%s", err ? err->msg : "");
        dataset_free(&out->images);
        return snn_fail(err, "%s: %s", ipath, inner);
    }
    return 0;
}

/* The labels file of an IDX images file: its file name with "images-idx3-ubyte"
 * made "labels-idx1-ubyte", into lpath. Returns 1 when the name has no such
 * part (not IDX images), 0 when found, -1 (an error) when lpath is too short. */
static int idx_labels_of(const char *path, char *lpath, size_t cap, snn_error *err)
{
    static const char images[] = "images-idx3-ubyte";
    const char *base = strrchr(path, '/');
    const char *at = strstr(base ? base + 1 : path, images);
    if (!at)
        return 1;
    int n = snprintf(lpath, cap, "%.*slabels-idx1-ubyte%s", (int)(at - path), path,
                     at + sizeof images - 1);
    if (n < 0 || (size_t)n >= cap)
        return snn_fail(err, "data path too long (limit %zu bytes): %s", cap - 1, path);
    return 0;
}

/* Whether path names an SHD HDF5 file: by its extension, else its first bytes. */
static int is_shd_file(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/') && (strcmp(dot, ".h5") == 0 || strcmp(dot, ".hdf5") == 0))
        return 1;
    return h5_has_signature(path);
}

int encoded_set_load_file(const char *path, int limit, int steps, encoded_set *out,
                          snn_error *err)
{
    memset(out, 0, sizeof *out);
    char lpath[1024];
    int idx = idx_labels_of(path, lpath, sizeof lpath, err);
    if (idx < 0)
        return -1;
    if (idx == 0) {
        if (access(lpath, R_OK) != 0)
            return snn_fail(err, "%s: not found (the labels of %s)", lpath, path);
        return load_idx_split(path, lpath, limit, steps, out, err);
    }
    snprintf(out->inputs_file, sizeof out->inputs_file, "%s", path);
    snprintf(out->labels_file, sizeof out->labels_file, "%s", path);
    if (is_shd_file(path))
        return shd_load(path, limit, steps, SHD_MAX_TIME, &out->spikes, err);
    return events_load_npz(path, limit, steps, &out->spikes, err);
}

int encoded_set_load(const char *path, const char *split, int limit, int steps, encoded_set *out,
                     snn_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return encoded_set_load_file(path, limit, steps, out, err);
    char ipath[1024], lpath[1024], npz[1024], h5[1024];
    int test = strcmp(split, "train") != 0;
    int n = snprintf(npz, sizeof npz, "%s/%s.npz", path, test ? "test" : "train");
    int m = snprintf(h5, sizeof h5, "%s/shd_%s.h5", path, test ? "test" : "train");
    if (n < 0 || (size_t)n >= sizeof npz || m < 0 || (size_t)m >= sizeof h5)
        return snn_fail(err, "data path too long (limit %zu bytes): %s",
                        sizeof h5 - sizeof "/shd_train.h5", path);
    snn_error idx_err;
    if (find_idx(path, split, "images-idx3-ubyte", ipath, sizeof ipath, &idx_err) == 0) {
        if (find_idx(path, split, "labels-idx1-ubyte", lpath, sizeof lpath, err) != 0)
            return -1;
        return load_idx_split(ipath, lpath, limit, steps, out, err);
    }
    if (access(npz, R_OK) == 0)
        return encoded_set_load_file(npz, limit, steps, out, err);
    if (access(h5, R_OK) == 0)
        return encoded_set_load_file(h5, limit, steps, out, err);
    return snn_fail(err, "%s (IDX images), nor %s (events), nor %s (SHD)", idx_err.msg, npz, h5);
}

int encoded_pair_load(const char *path, int train_limit, int test_limit, int steps,
                      encoded_set *train, encoded_set *test, snn_error *err)
{
    memset(test, 0, sizeof *test);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        memset(train, 0, sizeof *train);
        return snn_fail(err, "%s: one file holds one split; training and testing take a "
                        "directory with both (IDX files, train.npz and test.npz, or "
                        "shd_train.h5 and shd_test.h5)", path);
    }
    if (encoded_set_load(path, "train", train_limit, steps, train, err) != 0)
        return -1;
    if (encoded_set_load(path, "t10k", test_limit, steps, test, err) != 0) {
        encoded_set_free(train);
        return -1;
    }
    const dataset *a = &train->images, *b = &test->images;
    spike_data *s = &train->spikes, *t = &test->spikes;
    int images = a->rows && b->rows; /* both IDX: the shapes must agree, not only their sizes */
    if ((images && (a->rows != b->rows || a->cols != b->cols)) || s->n_inputs != t->n_inputs) {
        if (images)
            snn_fail(err, "%s holds %dx%d images, %s %dx%d: the training and test sets must "
                     "have one image shape", train->inputs_file, a->rows, a->cols,
                     test->inputs_file, b->rows, b->cols);
        else
            snn_fail(err, "%s has %d inputs per sample, %s %d: the training and test sets must "
                     "have one input count", train->inputs_file, s->n_inputs, test->inputs_file,
                     t->n_inputs);
        encoded_set_free(train);
        encoded_set_free(test);
        return -1;
    }
    s->n_classes = t->n_classes = s->n_classes > t->n_classes ? s->n_classes : t->n_classes;
    return 0;
}

int encoded_set_check(const encoded_set *e, int n_inputs, int n_classes, snn_error *err)
{
    return check_inputs(&e->spikes, n_inputs, e->inputs_file, err) ||
                   check_labels(&e->spikes, n_classes, e->labels_file, err)
               ? -1
               : 0;
}

void encoded_set_free(encoded_set *e)
{
    spike_data_free(&e->spikes);
    dataset_free(&e->images);
}
