/* nir.c - see nir.h. Writing first, then reading (checks, graph, model). */
#include "nir.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../format/h5guard.h"

#define NIR_VERSION "1.0.0" /* the layout of nir.write in NIR 1.0 */
#define NAME_MAX_LEN 64     /* node names, type strings, metadata strings */
#define MAX_NODES 128
#define MAX_EDGES 1024
#define MAX_DIM 65535                       /* one axis of a parameter or weight array */
#define MAX_ELEMS ((hsize_t)1 << 26)        /* one array: 256 MiB of float32 */
#define MAX_TOTAL ((uint64_t)1 << 27)       /* all arrays of one file */
#define GAIN_ONE 1e-9 /* |gain - 1| below this is the gain 1 our own files carry */

static const char *const pop_name[] = {"", "exc", "inh"};
static const char *const pop_label[] = {"", "excitatory", "inhibitory"};

/* ---- writing ---------------------------------------------------------- */

typedef struct {
    hid_t file, nodes;
    const char *path;
    int failed;
    const char *edge[MAX_EDGES][2];
    char names[MAX_NODES][NAME_MAX_LEN];
    int n_edges, n_names;
} nir_writer;

static hid_t str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* A dataset of rank 0..2 holding data of mem_type, stored as file_type. */
static void put(nir_writer *w, hid_t loc, const char *name, hid_t file_type, hid_t mem_type,
                int rank, const hsize_t *dims, const void *data)
{
    if (w->failed)
        return;
    hid_t space = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t ds = space < 0 ? -1 : H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT,
                                           H5P_DEFAULT);
    if (ds < 0 || H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        w->failed = 1;
    if (ds >= 0)
        H5Dclose(ds);
    if (space >= 0)
        H5Sclose(space);
}

static void put_str(nir_writer *w, hid_t loc, const char *name, const char *s)
{
    hid_t t = str_type();
    if (t < 0)
        w->failed = 1;
    else
        put(w, loc, name, t, t, 0, NULL, &s);
    if (t >= 0)
        H5Tclose(t);
}

static void put_i64(nir_writer *w, hid_t loc, const char *name, int rank, int64_t v)
{
    hsize_t one = 1;
    put(w, loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, rank, &one, &v);
}

/* n copies of v as float64 (N,): NIR's neuron parameters are per neuron. */
static void put_f64s(nir_writer *w, hid_t loc, const char *name, int n, double v)
{
    double *a = malloc(sizeof *a * (size_t)n);
    hsize_t dims = (hsize_t)n;
    if (!a) {
        w->failed = 1;
        return;
    }
    for (int i = 0; i < n; i++)
        a[i] = v;
    put(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &dims, a);
    free(a);
}

/* Creates /node/nodes/<name> with its type; returns the group (or -1, failed set). */
static hid_t new_node(nir_writer *w, const char *name, const char *type)
{
    if (w->failed || w->n_names == MAX_NODES)
        return w->failed = 1, -1;
    snprintf(w->names[w->n_names], NAME_MAX_LEN, "%s", name);
    hid_t g = H5Gcreate2(w->nodes, w->names[w->n_names++], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return w->failed = 1, -1;
    put_str(w, g, "type", type);
    return g;
}

static void end_node(nir_writer *w, hid_t g)
{
    if (g >= 0 && H5Gclose(g) < 0)
        w->failed = 1;
}

static const char *find_name(const nir_writer *w, const char *name)
{
    for (int i = 0; i < w->n_names; i++)
        if (strcmp(w->names[i], name) == 0)
            return w->names[i];
    return NULL;
}

static void add_edge(nir_writer *w, const char *src, const char *dst)
{
    const char *s = find_name(w, src), *d = find_name(w, dst);
    if (!s || !d || w->n_edges == MAX_EDGES) {
        w->failed = 1;
        return;
    }
    w->edge[w->n_edges][0] = s;
    w->edge[w->n_edges++][1] = d;
}

/* A population [lo, hi) of a layer's neurons: its name and its range. */
typedef struct {
    char name[NAME_MAX_LEN];
    int lo, hi, pop; /* pop: 1 excitatory, 2 inhibitory */
} population;

/* The populations of hidden layer l (one or two; "input" and "li" are one each). */
static int populations(const snn_config *c, int l, population p[2])
{
    if (l < 0 || l >= c->n_layers) {
        const int n = l < 0 ? c->n_in : c->n_out;
        snprintf(p[0].name, NAME_MAX_LEN, "%s", l < 0 ? "input" : "li");
        p[0].lo = 0, p[0].hi = n, p[0].pop = 0;
        return 1;
    }
    const snn_layer_config *lc = &c->layer[l];
    int k = 0;
    for (int pop = 1; pop <= 2; pop++) {
        int lo = pop == 1 ? 0 : lc->n_exc, hi = pop == 1 ? lc->n_exc : lc->size;
        if (hi > lo) {
            snprintf(p[k].name, NAME_MAX_LEN, "lif%d_%s", l, pop_name[pop]);
            p[k].lo = lo, p[k].hi = hi, p[k].pop = pop;
            k++;
        }
    }
    return k;
}

/* One Linear node per (source, target) population block of the matrix w, which is
 * (pre, n_post) with the presynaptic row, as NIR's (out, in) weight. */
static void put_matrix(nir_writer *w, const char *prefix, const float *mat, int n_post,
                       const population *src, int n_src, const population *dst, int n_dst)
{
    for (int a = 0; a < n_src; a++)
        for (int b = 0; b < n_dst; b++) {
            char name[NAME_MAX_LEN];
            const char *from = src[a].pop ? pop_name[src[a].pop] : "in";
            const char *to = dst[b].pop ? pop_name[dst[b].pop] : "out";
            snprintf(name, sizeof name, "%s_%s_%s", prefix, from, to);
            int rows = dst[b].hi - dst[b].lo, cols = src[a].hi - src[a].lo;
            float *wt = malloc(sizeof *wt * (size_t)rows * (size_t)cols);
            hid_t g = wt ? new_node(w, name, "Linear") : -1;
            if (!wt)
                w->failed = 1;
            for (int r = 0; g >= 0 && r < rows; r++)
                for (int q = 0; q < cols; q++)
                    wt[(size_t)r * cols + q] =
                        mat[(size_t)(src[a].lo + q) * n_post + (size_t)(dst[b].lo + r)];
            hsize_t dims[2] = {(hsize_t)rows, (hsize_t)cols};
            if (g >= 0)
                put(w, g, "weight", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2, dims, wt);
            end_node(w, g);
            free(wt);
            add_edge(w, src[a].name, name);
            add_edge(w, name, dst[b].name);
        }
}

/* A CubaLIF (hidden, with threshold) or CubaLI (readout) node of n neurons
 * whose per-step decays are alpha, beta (docs/interop.md: forward Euler at
 * dt, input gain (dt/tau_syn) w_in (dt/tau_mem) r = 1, v_leak = 0). */
static void put_neurons(nir_writer *w, const char *name, int n, double alpha, double beta,
                        const double *threshold, int pop)
{
    hid_t g = new_node(w, name, threshold ? "CubaLIF" : "CubaLI");
    if (g < 0)
        return;
    double tau_syn = NIR_DT / (1.0 - alpha), tau_mem = NIR_DT / (1.0 - beta);
    put_f64s(w, g, "tau_syn", n, tau_syn);
    put_f64s(w, g, "tau_mem", n, tau_mem);
    put_f64s(w, g, "w_in", n, tau_syn / NIR_DT);
    put_f64s(w, g, "r", n, tau_mem / NIR_DT);
    put_f64s(w, g, "v_leak", n, 0.0);
    if (threshold) {
        put_f64s(w, g, "v_threshold", n, *threshold);
        put_f64s(w, g, "v_reset", n, 0.0);
    }
    if (pop) {
        hid_t meta = H5Gcreate2(g, "metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (meta < 0)
            w->failed = 1;
        else
            put_str(w, meta, "population", pop_label[pop]);
        end_node(w, meta);
    }
    end_node(w, g);
}

static void put_shape_node(nir_writer *w, const char *name, const char *type, int n)
{
    hid_t g = new_node(w, name, type);
    if (g >= 0)
        put_i64(w, g, "shape", 1, n);
    end_node(w, g);
}

static void write_graph(nir_writer *w, const snn_model *m)
{
    const snn_config *c = &m->cfg;
    put_shape_node(w, "input", "Input", c->n_in);
    population src[2], dst[2];
    for (int l = 0; l < c->n_layers; l++) {
        const snn_layer_config *lc = &c->layer[l];
        double thr = lc->threshold;
        int nd = populations(c, l, dst);
        for (int b = 0; b < nd; b++)
            put_neurons(w, dst[b].name, dst[b].hi - dst[b].lo, lc->alpha, lc->beta, &thr,
                        dst[b].pop);
    }
    put_neurons(w, "li", c->n_out, c->out_alpha, c->out_beta, NULL, 0);
    put_shape_node(w, "output", "Output", c->n_out);
    for (int l = 0; l <= c->n_layers; l++) {
        char prefix[16];
        int ns = populations(c, l - 1, src), nd = populations(c, l, dst);
        int n_post = l < c->n_layers ? c->layer[l].size : c->n_out;
        snprintf(prefix, sizeof prefix, "fc%d", l);
        put_matrix(w, prefix, m->ff[l], n_post, src, ns, dst, nd);
        if (l < c->n_layers && c->layer[l].recurrent) {
            snprintf(prefix, sizeof prefix, "rec%d", l);
            put_matrix(w, prefix, m->rec[l], n_post, dst, nd, dst, nd);
        }
    }
    add_edge(w, "li", "output");
    hid_t meta = w->failed ? -1 : H5Gcreate2(w->file, "/node/metadata", H5P_DEFAULT,
                                             H5P_DEFAULT, H5P_DEFAULT);
    if (meta < 0) {
        w->failed = 1;
        return;
    }
    /* What NIR has no field for: the step count, Dale's law, the step our constants assume. */
    put_i64(w, meta, "steps", 0, c->steps);
    put_i64(w, meta, "dale", 0, c->dale);
    double dt = NIR_DT;
    put(w, meta, "dt", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, NULL, &dt);
    put_str(w, meta, "source", "snn-codesign");
    end_node(w, meta);
    hid_t t = str_type();
    hid_t node = w->failed || t < 0 ? -1 : H5Gopen2(w->file, "/node", H5P_DEFAULT);
    hsize_t dims[2] = {(hsize_t)w->n_edges, 2};
    if (node < 0)
        w->failed = 1;
    else
        put(w, node, "edges", t, t, 2, dims, w->edge);
    end_node(w, node);
    if (t >= 0)
        H5Tclose(t);
}

int nir_write_model(const char *path, const snn_model *m, snn_error *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    nir_writer *w = calloc(1, sizeof *w);
    if (!w)
        return snn_fail(err, "%s: out of memory", path);
    w->path = path;
    w->file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    w->nodes = -1;
    if (w->file < 0) {
        free(w);
        return snn_fail(err, "%s: cannot create %s", path, tmp);
    }
    put_str(w, w->file, "version", NIR_VERSION);
    hid_t node = w->failed ? -1 : H5Gcreate2(w->file, "node", H5P_DEFAULT, H5P_DEFAULT,
                                             H5P_DEFAULT);
    if (node < 0)
        w->failed = 1;
    put_str(w, node, "type", "NIRGraph");
    w->nodes = node < 0 ? -1 : H5Gcreate2(node, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    end_node(w, node);
    if (w->nodes < 0)
        w->failed = 1;
    write_graph(w, m);
    end_node(w, w->nodes);
    int failed = w->failed | (H5Fclose(w->file) < 0);
    free(w);
    if (failed || rename(tmp, path) != 0) {
        unlink(tmp);
        return snn_fail(err, "%s: cannot write the NIR file (libhdf5 failed, or the rename of "
                        "%s did)", path, tmp);
    }
    return 0;
}


/* ---- reading: each dataset checked before libhdf5 reads it ------------- */

typedef enum { K_INPUT, K_OUTPUT, K_WEIGHT, K_LIF, K_LI } node_kind;

typedef struct {
    char name[NAME_MAX_LEN];
    node_kind kind;
    int size;         /* neurons; a weight node: its outputs */
    int n_in;         /* a weight node: its inputs */
    double *w;        /* a weight node: (size, n_in), NIR's (out, in) */
    double *gain;     /* a neuron node: (dt/tau_syn) w_in (dt/tau_mem) r, per neuron */
    double tau_syn, tau_mem, threshold;
    int pop;          /* 0 unlabelled, 1 excitatory, 2 inhibitory */
    int src, dst;     /* a weight node: the nodes of its one edge in and its one edge out */
    int layer;        /* a neuron node: -1 until placed */
} nir_node;

typedef struct {
    const char *path;
    h5guard guard;
    hid_t file;
    snn_error *err;
    uint64_t total; /* elements read so far (MAX_TOTAL) */
    nir_node node[MAX_NODES];
    int n_nodes;
    int edge[MAX_EDGES][2];
    int n_edges;
    int64_t steps, dale; /* graph metadata; -1: absent */
    double dt;           /* seconds per step: the caller's, else the file's, else NIR_DT */
    char names[MAX_NODES][NAME_MAX_LEN];          /* of /node/nodes' members */
    char edge_names[2 * MAX_EDGES][NAME_MAX_LEN]; /* /node/edges, flattened */
    uint8_t reach[MAX_NODES][MAX_NODES]; /* CubaLIF j reachable from i through weight nodes */
} nir_reader;

/* 1: `name` is a hard link in loc; 0: absent; -1 (err set): a soft or external link,
 * which the reader never follows (an outside file must not lead to another). */
static int has_link(nir_reader *r, hid_t loc, const char *where, const char *name)
{
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return 0;
    H5L_info_t info;
    if (H5Lget_info(loc, name, &info, H5P_DEFAULT) < 0 || info.type != H5L_TYPE_HARD)
        return snn_fail(r->err, "%s: %s/%s is a soft or external link (not followed)", r->path,
                        where, name);
    return 1;
}

/* Opens group loc/name (a hard link) of at most max_links members. Groups in
 * libhdf5's dense link storage (a fractal heap: the newest file format, more than
 * 8 members) are refused before libhdf5 looks a name up in them: 1.10 frees a
 * wild pointer iterating a damaged one. h5py's default (and NIR's) writes the
 * older symbol tables, whose local heaps h5guard checks. Returns the group or -1. */
static hid_t open_group(nir_reader *r, hid_t loc, const char *where, const char *name,
                        hsize_t max_links)
{
    int has = name ? has_link(r, loc, where, name) : 1;
    if (has == 0)
        snn_fail(r->err, "%s: no %s/%s group (not a NIR graph)", r->path, where, name);
    hid_t g = has <= 0 ? -1 : H5Gopen2(loc, name ? name : "/", H5P_DEFAULT);
    H5G_info_t gi;
    if (has > 0 && (g < 0 || H5Gget_info(g, &gi) < 0 ||
                    gi.storage_type == H5G_STORAGE_TYPE_DENSE || gi.nlinks > max_links)) {
        snn_fail(r->err, "%s: %s/%s is not a group of at most %llu members in a symbol table or "
                 "compact storage (dense link storage is not read; rewrite the file with "
                 "h5py's default libver)", r->path, where, name ? name : "",
                 (unsigned long long)max_links);
        if (g >= 0)
            H5Gclose(g);
        return -1;
    }
    return g;
}

/* Whether every chunk of a chunked dataset of n values went through all of its
 * nfilters filters and, without filters, holds exactly chunk_bytes: libhdf5
 * copies a whole chunk out of an unfiltered one whatever its stored size. */
static int chunks_whole(hid_t ds, hsize_t n, int nfilters, uint64_t chunk_bytes)
{
    hid_t space = H5Dget_space(ds);
    hsize_t count;
    int whole = space >= 0 && H5Dget_num_chunks(ds, space, &count) >= 0 && count <= n;
    for (hsize_t i = 0; whole && i < count; i++) {
        unsigned skipped;
        haddr_t addr;
        hsize_t size;
        whole = H5Dget_chunk_info(ds, space, i, NULL, &skipped, &addr, &size) >= 0 &&
                skipped == 0 && (nfilters > 0 || size == chunk_bytes);
    }
    if (space >= 0)
        H5Sclose(space);
    return whole;
}

/* Checks that the stored bytes of ds are what its n elements of disk_size bytes
 * need: contiguous inside the file, compact, or (unless vlen) chunked with only
 * deflate/shuffle filters and whole chunks (chunks_whole). *offset receives a
 * contiguous dataset's file offset. */
static int check_storage(nir_reader *r, hid_t ds, const char *where, const char *name,
                         hsize_t n, uint64_t disk_size, int vlen, uint64_t *offset)
{
    hid_t dcpl = H5Dget_create_plist(ds);
    H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
    int nfilters = dcpl >= 0 && layout == H5D_CHUNKED ? H5Pget_nfilters(dcpl) : 0;
    int filters_ok = nfilters >= 0 && nfilters <= 4;
    for (int i = 0; filters_ok && i < nfilters; i++) {
        unsigned flags;
        size_t nelem = 0;
        H5Z_filter_t f = H5Pget_filter2(dcpl, (unsigned)i, &flags, &nelem, NULL, 0, NULL, NULL);
        filters_ok = f == H5Z_FILTER_DEFLATE || f == H5Z_FILTER_SHUFFLE;
    }
    hsize_t chunk[2] = {0, 0};
    int chunk_rank = layout == H5D_CHUNKED && dcpl >= 0 ? H5Pget_chunk(dcpl, 2, chunk) : 0;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    uint64_t bytes = (uint64_t)n * disk_size;
    *offset = HADDR_UNDEF;
    if (n == 0)
        return 0;
    if (layout == H5D_CONTIGUOUS) {
        haddr_t at = H5Dget_offset(ds);
        if (at == HADDR_UNDEF || at > r->guard.file_size || bytes > r->guard.file_size - at ||
            H5Dget_storage_size(ds) != bytes)
            return snn_fail(r->err, "%s: %s/%s: %llu values but %llu bytes stored (damaged file)",
                            r->path, where, name, (unsigned long long)n,
                            (unsigned long long)H5Dget_storage_size(ds));
        *offset = at;
        return 0;
    }
    if (layout == H5D_COMPACT && !vlen) {
        if (H5Dget_storage_size(ds) != bytes)
            return snn_fail(r->err, "%s: %s/%s: %llu values but %llu bytes stored (damaged file)",
                            r->path, where, name, (unsigned long long)n,
                            (unsigned long long)H5Dget_storage_size(ds));
        return 0;
    }
    hsize_t chunk_n = chunk_rank < 1 || chunk_rank > 2 ? 0
                      : chunk[0] * (chunk_rank == 2 ? chunk[1] : 1);
    if (layout == H5D_CHUNKED && !vlen && filters_ok && chunk_n >= 1 && chunk_n <= MAX_ELEMS) {
        if (chunks_whole(ds, n, nfilters, chunk_n * disk_size))
            return 0;
        return snn_fail(r->err, "%s: %s/%s: a chunk skips its filters or holds other than its "
                        "values' bytes (damaged file)", r->path, where, name);
    }
    return snn_fail(r->err, "%s: %s/%s is stored in a way this reader does not take (%s)",
                    r->path, where, name,
                    vlen ? "variable-length values must be contiguous"
                         : "contiguous, compact, or chunks with deflate/shuffle only");
}

/* Opens loc/name, a dataset of rank <= max_rank whose every axis is <= MAX_DIM;
 * dims[] (padded with 1) and *n receive its shape and element count. */
static hid_t open_set(nir_reader *r, hid_t loc, const char *where, const char *name,
                      int max_rank, hsize_t dims[2], int *rank, hsize_t *n)
{
    int has = has_link(r, loc, where, name);
    if (has <= 0) {
        if (has == 0)
            snn_fail(r->err, "%s: %s has no '%s'", r->path, where, name);
        return -1;
    }
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    hid_t space = ds >= 0 ? H5Dget_space(ds) : -1;
    int k = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    dims[0] = dims[1] = 1;
    int ok = k >= 0 && k <= max_rank &&
             (k == 0 ? H5Sget_simple_extent_type(space) == H5S_SCALAR
                     : H5Sget_simple_extent_dims(space, dims, NULL) == k);
    if (space >= 0)
        H5Sclose(space);
    *n = 1;
    for (int i = 0; ok && i < k; i++) {
        ok = dims[i] <= MAX_DIM;
        *n *= dims[i];
    }
    if (!ok || *n > MAX_ELEMS) {
        if (ds >= 0)
            H5Dclose(ds);
        snn_fail(r->err, "%s: %s/%s is not a dataset of rank <= %d with axes <= %d", r->path,
                 where, name, max_rank, MAX_DIM);
        return -1;
    }
    *rank = k;
    return ds;
}

/* Reads loc/name (numbers of rank <= max_rank) as doubles into a malloc'd array. */
static double *read_numbers(nir_reader *r, hid_t loc, const char *where, const char *name,
                            int max_rank, hsize_t dims[2], int *rank)
{
    hsize_t n;
    hid_t ds = open_set(r, loc, where, name, max_rank, dims, rank, &n);
    if (ds < 0)
        return NULL;
    /* Only the standard types: libhdf5 converts a crafted one (an integer whose bit
     * offset lies past its size) by reading past its buffer. */
    const hid_t standard[] = {H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE,
                              H5T_STD_I8LE,   H5T_STD_I8BE,   H5T_STD_U8LE,   H5T_STD_U8BE,
                              H5T_STD_I16LE,  H5T_STD_I16BE,  H5T_STD_U16LE,  H5T_STD_U16BE,
                              H5T_STD_I32LE,  H5T_STD_I32BE,  H5T_STD_U32LE,  H5T_STD_U32BE,
                              H5T_STD_I64LE,  H5T_STD_I64BE,  H5T_STD_U64LE,  H5T_STD_U64BE};
    hid_t type = H5Dget_type(ds);
    size_t size = type >= 0 ? H5Tget_size(type) : 0;
    int ok = 0;
    for (size_t k = 0; type >= 0 && k < sizeof standard / sizeof standard[0]; k++)
        ok |= H5Tequal(type, standard[k]) > 0;
    if (type >= 0)
        H5Tclose(type);
    double *v = NULL;
    uint64_t offset;
    if (!ok)
        snn_fail(r->err, "%s: %s/%s is not numbers (IEEE floats or integers)", r->path, where,
                 name);
    else if (r->total + n > MAX_TOTAL)
        snn_fail(r->err, "%s: more than %llu values in all: too large", r->path,
                 (unsigned long long)MAX_TOTAL);
    else if (check_storage(r, ds, where, name, n, size, 0, &offset) == 0 &&
             !(v = malloc(sizeof *v * (n ? n : 1))))
        snn_fail(r->err, "%s: out of memory", r->path);
    if (v && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) {
        free(v);
        v = NULL;
        snn_fail(r->err, "%s: %s/%s cannot be read (damaged file)", r->path, where, name);
    }
    H5Dclose(ds);
    r->total += n;
    for (hsize_t i = 0; v && i < n; i++)
        if (!isfinite(v[i]) || fabs(v[i]) > 1e30) {
            snn_fail(r->err, "%s: %s/%s[%llu] = %g is not a finite float", r->path, where, name,
                     (unsigned long long)i, v[i]);
            free(v);
            v = NULL;
        }
    return v;
}

/* Reads loc/name, n_max strings at most (rank <= 2), variable-length or fixed,
 * into out[] (each < NAME_MAX_LEN bytes); *n receives the count, dims the shape. */
static int read_strings(nir_reader *r, hid_t loc, const char *where, const char *name,
                        char (*out)[NAME_MAX_LEN], hsize_t n_max, hsize_t dims[2], hsize_t *n)
{
    int rank;
    hid_t ds = open_set(r, loc, where, name, 2, dims, &rank, n);
    if (ds < 0)
        return -1;
    hid_t type = H5Dget_type(ds);
    int vlen = type >= 0 && H5Tget_class(type) == H5T_STRING ? H5Tis_variable_str(type) : -1;
    size_t fixed = vlen == 0 ? H5Tget_size(type) : 0;
    H5T_cset_t cset = vlen >= 0 ? H5Tget_cset(type) : H5T_CSET_ERROR; /* libhdf5 converts none */
    if (type >= 0)
        H5Tclose(type);
    uint64_t offset;
    int rc = -1;
    if (vlen < 0 || cset < 0 || (vlen == 0 && (fixed < 1 || fixed >= NAME_MAX_LEN)))
        snn_fail(r->err, "%s: %s/%s is not strings of fewer than %d bytes", r->path, where, name,
                 NAME_MAX_LEN);
    else if (*n > n_max)
        snn_fail(r->err, "%s: %s/%s holds %llu strings, more than %llu", r->path, where, name,
                 (unsigned long long)*n, (unsigned long long)n_max);
    else if (check_storage(r, ds, where, name, *n,
                           vlen ? h5guard_vlen_row_size(&r->guard) : fixed, vlen, &offset) == 0 &&
             (!vlen || offset == HADDR_UNDEF ||
              h5guard_vlen_rows(&r->guard, r->path, name, offset, 0, *n, 1, r->err) == 0))
        rc = 0;
    hid_t mem = rc == 0 ? H5Tcopy(H5T_C_S1) : -1;
    if (mem >= 0 && (H5Tset_size(mem, vlen ? H5T_VARIABLE : NAME_MAX_LEN) < 0 ||
                     H5Tset_cset(mem, cset) < 0)) {
        H5Tclose(mem);
        mem = -1;
    }
    void *buf = mem >= 0 ? calloc(*n ? *n : 1, vlen ? sizeof(char *) : NAME_MAX_LEN) : NULL;
    if (rc == 0 && (!buf || H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
        rc = snn_fail(r->err, "%s: %s/%s cannot be read (damaged file)", r->path, where, name);
    for (hsize_t i = 0; rc == 0 && i < *n; i++) {
        const char *s = vlen ? ((char **)buf)[i] : (char *)buf + i * NAME_MAX_LEN;
        if (!s || strlen(s) >= NAME_MAX_LEN)
            rc = snn_fail(r->err, "%s: %s/%s[%llu] is %s", r->path, where, name,
                          (unsigned long long)i, s ? "too long" : "missing");
        else
            memcpy(out[i], s, strlen(s) + 1);
    }
    if (vlen > 0 && buf) {
        hid_t space = H5Dget_space(ds);
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buf);
        H5Sclose(space);
    }
    free(buf);
    if (mem >= 0)
        H5Tclose(mem);
    H5Dclose(ds);
    return rc;
}

/* One string (a scalar or a one-element array) at loc/name. */
static int read_string(nir_reader *r, hid_t loc, const char *where, const char *name,
                       char out[NAME_MAX_LEN])
{
    hsize_t dims[2], n;
    if (read_strings(r, loc, where, name, (char (*)[NAME_MAX_LEN])out, 1, dims, &n) != 0)
        return -1;
    return n == 1 ? 0 : snn_fail(r->err, "%s: %s/%s is empty", r->path, where, name);
}

/* One integer (graph metadata), or -1 when absent. */
static int read_meta_int(nir_reader *r, hid_t meta, const char *name, int64_t lo, int64_t hi,
                         int64_t *v)
{
    *v = -1;
    int has = meta >= 0 ? has_link(r, meta, "/node/metadata", name) : 0;
    if (has <= 0)
        return has;
    hsize_t dims[2];
    int rank;
    double *a = read_numbers(r, meta, "/node/metadata", name, 1, dims, &rank);
    if (!a)
        return -1;
    int ok = dims[0] == 1 && a[0] == floor(a[0]) && a[0] >= (double)lo && a[0] <= (double)hi;
    *v = (int64_t)a[0];
    free(a);
    return ok ? 0 : snn_fail(r->err, "%s: /node/metadata/%s is not a whole number in [%lld, %lld]",
                             r->path, name, (long long)lo, (long long)hi);
}

/* A neuron parameter: n values (*n < 0: this one sets n), or def when absent and
 * optional. The result is malloc'd. */
static double *read_param(nir_reader *r, hid_t g, const char *where, const char *name,
                          int optional, double def, int *n)
{
    int has = has_link(r, g, where, name);
    if (has < 0)
        return NULL;
    if (!has && optional && *n > 0) {
        double *v = malloc(sizeof *v * (size_t)*n);
        for (int i = 0; v && i < *n; i++)
            v[i] = def;
        if (!v)
            snn_fail(r->err, "%s: out of memory", r->path);
        return v;
    }
    hsize_t dims[2];
    int rank;
    double *v = read_numbers(r, g, where, name, 1, dims, &rank);
    if (v && *n < 0)
        *n = (int)dims[0];
    if (v && (hsize_t)*n != dims[0]) {
        snn_fail(r->err, "%s: node '%s': %s has %llu values for %d neurons", r->path,
                 strrchr(where, '/') + 1, name, (unsigned long long)dims[0], *n);
        free(v);
        v = NULL;
    }
    return v;
}

/* 0 if v[0..n) are all equal (one constant per layer), else an error naming the node. */
static int uniform(nir_reader *r, const nir_node *nd, const char *name, const double *v, int n)
{
    for (int i = 1; i < n; i++)
        if (v[i] != v[0])
            return snn_fail(r->err, "%s: node '%s': %s differs between neurons (%g at 0, %g at "
                            "%d); the model has one per layer", r->path, nd->name, name, v[0],
                            v[i], i);
    return 0;
}

/* A CubaLIF (threshold) or CubaLI node's constants. */
static int read_neurons(nir_reader *r, hid_t g, const char *where, nir_node *nd)
{
    enum { TAU_SYN, TAU_MEM, R, V_LEAK, W_IN, V_THR, V_RESET, N_PARAMS };
    static const char *const names[N_PARAMS] = {"tau_syn", "tau_mem", "r", "v_leak",
                                                "w_in", "v_threshold", "v_reset"};
    const int lif = nd->kind == K_LIF;
    double *p[N_PARAMS] = {0};
    int n = -1, rc = -1;
    for (int k = 0; k < (lif ? N_PARAMS : V_THR); k++)
        if (!(p[k] = read_param(r, g, where, names[k], k == W_IN || k == V_RESET,
                                k == W_IN ? 1.0 : 0.0, &n)))
            goto done;
    if (n < 1) {
        snn_fail(r->err, "%s: node '%s' has no neurons", r->path, nd->name);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        if (p[V_LEAK][i] != 0) {
            snn_fail(r->err, "%s: node '%s': v_leak = %g at neuron %d; the model has no leak "
                     "potential (0 only)", r->path, nd->name, p[V_LEAK][i], i);
            goto done;
        }
        if (lif && p[V_RESET][i] != 0) {
            snn_fail(r->err, "%s: node '%s': v_reset = %g at neuron %d; the model resets to 0 "
                     "(no other reset, subtractive or to a potential)", r->path, nd->name,
                     p[V_RESET][i], i);
            goto done;
        }
        if (!(p[TAU_SYN][i] >= r->dt && p[TAU_MEM][i] >= r->dt)) {
            snn_fail(r->err, "%s: node '%s': tau_syn = %g, tau_mem = %g s at neuron %d; the "
                     "model needs both >= dt = %g s", r->path, nd->name, p[TAU_SYN][i],
                     p[TAU_MEM][i], i, r->dt);
            goto done;
        }
    }
    if (uniform(r, nd, "tau_syn", p[TAU_SYN], n) || uniform(r, nd, "tau_mem", p[TAU_MEM], n) ||
        (lif && uniform(r, nd, "v_threshold", p[V_THR], n)))
        goto done;
    nd->gain = malloc(sizeof *nd->gain * (size_t)n);
    if (!nd->gain) {
        snn_fail(r->err, "%s: out of memory", r->path);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        double gain = r->dt / p[TAU_SYN][i] * p[W_IN][i] * (r->dt / p[TAU_MEM][i]) * p[R][i];
        if (!(gain > 0) || gain > 1e30) {
            snn_fail(r->err, "%s: node '%s': input gain (dt/tau_syn) w_in (dt/tau_mem) r = %g at "
                     "neuron %d; must be > 0", r->path, nd->name, gain, i);
            goto done;
        }
        nd->gain[i] = fabs(gain - 1.0) < GAIN_ONE ? 1.0 : gain;
    }
    nd->size = n;
    nd->tau_syn = p[TAU_SYN][0];
    nd->tau_mem = p[TAU_MEM][0];
    nd->threshold = lif ? p[V_THR][0] : 0;
    rc = 0;
done:
    for (int k = 0; k < N_PARAMS; k++)
        free(p[k]);
    return rc;
}

/* A node's metadata: population (excitatory/inhibitory) and a reset other than to zero. */
static int read_node_meta(nir_reader *r, hid_t g, const char *where, nir_node *nd)
{
    int has = has_link(r, g, where, "metadata");
    if (has <= 0)
        return has;
    char mwhere[2 * NAME_MAX_LEN + 32], s[NAME_MAX_LEN];
    snprintf(mwhere, sizeof mwhere, "%s/metadata", where);
    hid_t meta = open_group(r, g, where, "metadata", 32);
    if (meta < 0)
        return -1;
    int rc = 0;
    if ((has = has_link(r, meta, mwhere, "population")) != 0)
        rc = has < 0 || read_string(r, meta, mwhere, "population", s) != 0 ? -1
             : strcmp(s, pop_label[1]) == 0                             ? (nd->pop = 1, 0)
             : strcmp(s, pop_label[2]) == 0                             ? (nd->pop = 2, 0)
             : snn_fail(r->err, "%s: node '%s': population '%s' (excitatory or inhibitory)",
                        r->path, nd->name, s);
    /* snnTorch's name for the reset; NIR itself only has v_reset. */
    if (rc == 0 && (has = has_link(r, meta, mwhere, "reset_mechanism")) != 0)
        rc = has < 0 || read_string(r, meta, mwhere, "reset_mechanism", s) != 0 ? -1
             : strcmp(s, "zero") == 0 ? 0
             : snn_fail(r->err, "%s: node '%s': reset_mechanism '%s'; the model resets to zero",
                        r->path, nd->name, s);
    H5Gclose(meta);
    return rc;
}

/* Reads node `name` (a group under /node/nodes). */
static int read_node(nir_reader *r, hid_t nodes, const char *name)
{
    if (r->n_nodes == MAX_NODES)
        return snn_fail(r->err, "%s: more than %d nodes", r->path, MAX_NODES);
    nir_node *nd = &r->node[r->n_nodes++];
    memset(nd, 0, sizeof *nd);
    nd->layer = -1;
    nd->src = nd->dst = -1;
    memcpy(nd->name, name, strlen(name) + 1); /* < NAME_MAX_LEN: collect_name checked */
    char where[NAME_MAX_LEN + 16], type[NAME_MAX_LEN];
    snprintf(where, sizeof where, "/node/nodes/%s", name);
    hid_t g = open_group(r, nodes, "/node/nodes", name, 32);
    if (g < 0)
        return -1;
    int rc = read_string(r, g, where, "type", type);
    hsize_t dims[2];
    int rank;
    if (rc != 0) {
    } else if (strcmp(type, "Input") == 0 || strcmp(type, "Output") == 0) {
        nd->kind = type[0] == 'I' ? K_INPUT : K_OUTPUT;
        double *shape = read_numbers(r, g, where, "shape", 1, dims, &rank);
        if (!shape)
            rc = -1;
        else if (dims[0] != 1 || shape[0] < 1 || shape[0] > MAX_DIM || shape[0] != floor(shape[0]))
            rc = snn_fail(r->err, "%s: node '%s': shape must be one size in 1..%d (the model's "
                          "input and output are vectors)", r->path, name, MAX_DIM);
        else
            nd->size = (int)shape[0];
        free(shape);
    } else if (strcmp(type, "Linear") == 0 || strcmp(type, "Affine") == 0) {
        nd->kind = K_WEIGHT;
        nd->w = read_numbers(r, g, where, "weight", 2, dims, &rank);
        if (!nd->w)
            rc = -1;
        else if (rank != 2 || dims[0] < 1 || dims[1] < 1)
            rc = snn_fail(r->err, "%s: node '%s': weight must be 2-D (out, in)", r->path, name);
        nd->size = (int)dims[0];
        nd->n_in = (int)dims[1];
        double *bias = rc == 0 && type[0] == 'A' ? read_numbers(r, g, where, "bias", 1, dims,
                                                                 &rank) : NULL;
        if (rc == 0 && type[0] == 'A' && !bias)
            rc = -1;
        for (hsize_t i = 0; bias && rc == 0 && i < dims[0]; i++)
            if (bias[i] != 0)
                rc = snn_fail(r->err, "%s: node '%s': bias[%llu] = %g; the model has no biases "
                              "(an Affine node must have bias 0)", r->path, name,
                              (unsigned long long)i, bias[i]);
        free(bias);
    } else if (strcmp(type, "CubaLIF") == 0 || strcmp(type, "CubaLI") == 0) {
        nd->kind = strcmp(type, "CubaLIF") == 0 ? K_LIF : K_LI;
        rc = read_neurons(r, g, where, nd);
        if (rc == 0)
            rc = read_node_meta(r, g, where, nd);
    } else {
        rc = snn_fail(r->err, "%s: node '%s' is a %s, which the model cannot run (it runs "
                      "Input, Linear, Affine with bias 0, CubaLIF, CubaLI and Output: no "
                      "convolutions, delays, or neurons without a synaptic current)",
                      r->path, name, type);
    }
    H5Gclose(g);
    return rc;
}

/* H5Literate callback: collects the member names of /node/nodes. */
typedef struct {
    char (*names)[NAME_MAX_LEN];
    int n, too_long;
} name_list;

static herr_t collect_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    name_list *l = data;
    if (info->type != H5L_TYPE_HARD || strlen(name) >= NAME_MAX_LEN || l->n == MAX_NODES) {
        l->too_long = 1;
        return 1; /* stop */
    }
    memcpy(l->names[l->n++], name, strlen(name) + 1);
    return 0;
}

static int find_node(const nir_reader *r, const char *name)
{
    for (int i = 0; i < r->n_nodes; i++)
        if (strcmp(r->node[i].name, name) == 0)
            return i;
    return -1;
}

/* The graph's metadata that the model needs and NIR has no field for (our files
 * write them; others may not): steps, dale, dt. */
static int read_graph_meta(nir_reader *r, hid_t node)
{
    int has = has_link(r, node, "/node", "metadata");
    if (has <= 0)
        return has;
    hid_t meta = open_group(r, node, "/node", "metadata", 32);
    if (meta < 0)
        return -1;
    int rc = read_meta_int(r, meta, "steps", 1, 100000, &r->steps) < 0 ||
                     read_meta_int(r, meta, "dale", 0, 1, &r->dale) < 0
                 ? -1
                 : 0;
    has = rc == 0 && !(r->dt > 0) ? has_link(r, meta, "/node/metadata", "dt") : 0;
    hsize_t dims[2];
    int rank;
    double *dt = has > 0 ? read_numbers(r, meta, "/node/metadata", "dt", 1, dims, &rank) : NULL;
    if (has < 0 || (has > 0 && !dt))
        rc = -1;
    else if (dt && (dims[0] != 1 || !(dt[0] >= 1e-9 && dt[0] <= 10)))
        rc = snn_fail(r->err, "%s: /node/metadata/dt is not one time step in [1e-9, 10] s",
                      r->path);
    else if (dt)
        r->dt = dt[0];
    free(dt);
    H5Gclose(meta);
    return rc;
}

/* The nodes, the edges and the graph metadata of /node. */
static int read_graph(nir_reader *r)
{
    char s[NAME_MAX_LEN];
    hid_t root = open_group(r, r->file, "", NULL, 32);
    hid_t node = root >= 0 ? open_group(r, root, "", "node", 32) : -1;
    if (root >= 0)
        H5Gclose(root);
    if (node < 0)
        return -1;
    int rc = read_string(r, node, "/node", "type", s);
    if (rc == 0 && strcmp(s, "NIRGraph") != 0)
        rc = snn_fail(r->err, "%s: /node is a %s, not a NIRGraph", r->path, s);
    if (rc == 0)
        rc = read_graph_meta(r, node);
    if (!(r->dt > 0))
        r->dt = NIR_DT;
    hid_t nodes = rc == 0 ? open_group(r, node, "/node", "nodes", MAX_NODES) : -1;
    if (nodes < 0)
        rc = -1;
    name_list list = {r->names, 0, 0};
    if (rc == 0 && (H5Literate(nodes, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_name, &list) < 0 ||
                    list.too_long))
        rc = snn_fail(r->err, "%s: /node/nodes: a member is a link, or its name is %d bytes or "
                      "longer", r->path, NAME_MAX_LEN);
    for (int i = 0; rc == 0 && i < list.n; i++)
        rc = read_node(r, nodes, r->names[i]);
    if (nodes >= 0)
        H5Gclose(nodes);
    hsize_t dims[2], n = 0;
    if (rc == 0)
        rc = read_strings(r, node, "/node", "edges", r->edge_names, 2 * MAX_EDGES, dims, &n);
    if (rc == 0 && n > 0 && dims[1] != 2)
        rc = snn_fail(r->err, "%s: /node/edges must be (n, 2) (source, destination)", r->path);
    r->n_edges = (int)(n / 2);
    for (int e = 0; rc == 0 && e < r->n_edges; e++)
        for (int k = 0; rc == 0 && k < 2; k++)
            if ((r->edge[e][k] = find_node(r, r->edge_names[2 * e + k])) < 0)
                rc = snn_fail(r->err, "%s: edge %d names no node '%s'", r->path, e,
                              r->edge_names[2 * e + k]);
    H5Gclose(node);
    return rc;
}

/* Places every CubaLIF node in a layer, by NIR's semantics: an edge is
 * instantaneous, so recurrence is a cycle. The CubaLIF nodes that lie on one
 * cycle (a strongly connected component through weight nodes) are one layer's
 * recurrent populations; a component's depth is its longest path from the
 * Input; the components at one depth are one layer (say its E and I
 * populations, feed-forward). Every population of a layer must be fed from
 * outside its cycle (else the cycle runs through a later layer), and every edge
 * between components must go to the next layer. */
static int assign_layers(nir_reader *r, int *n_layers, int li)
{
    const int n = r->n_nodes;
    memset(r->reach, 0, sizeof r->reach);
    for (int i = 0; i < n; i++) {
        const nir_node *w = &r->node[i];
        if (w->kind == K_WEIGHT && r->node[w->src].kind == K_LIF && r->node[w->dst].kind == K_LIF)
            r->reach[w->src][w->dst] = 1;
    }
    for (int k = 0; k < n; k++) /* transitive closure: n <= MAX_NODES */
        for (int i = 0; i < n; i++)
            for (int j = 0; i != k && r->reach[i][k] && j < n; j++)
                r->reach[i][j] |= r->reach[k][j];
#define SAME_CYCLE(a, b) ((a) == (b) || (r->reach[a][b] && r->reach[b][a]))
    int fed[MAX_NODES] = {0};
    for (int i = 0; i < n; i++)
        r->node[i].layer = r->node[i].kind == K_INPUT ? -1 : -2;
    /* Longest paths over a DAG of at most n components: n rounds settle them. */
    for (int round = 0, changed = 1; changed && round <= n; round++) {
        changed = 0;
        for (int i = 0; i < n; i++) {
            const nir_node *w = &r->node[i];
            if (w->kind != K_WEIGHT || r->node[w->dst].kind != K_LIF ||
                r->node[w->src].layer == -2 || SAME_CYCLE(w->src, w->dst))
                continue;
            fed[w->dst] = 1;
            int depth = r->node[w->src].layer + 1;
            for (int j = 0; j < n; j++)
                if (r->node[j].kind == K_LIF && SAME_CYCLE(j, w->dst) && r->node[j].layer < depth) {
                    r->node[j].layer = depth;
                    changed = 1;
                }
        }
    }
    int deepest = -1;
    for (int i = 0; i < n; i++) {
        const nir_node *nd = &r->node[i];
        if (nd->kind == K_LIF && nd->layer < 0)
            return snn_fail(r->err, "%s: node '%s' is not reached from the Input", r->path,
                            nd->name);
        if (nd->kind == K_LIF && !fed[i])
            for (int k = 0; k < n; k++) {
                const nir_node *w = &r->node[k];
                if (w->kind == K_WEIGHT && w->src == i && SAME_CYCLE(i, w->dst))
                    return snn_fail(r->err, "%s: node '%s' leads from '%s', which only its own "
                                    "cycle feeds, back to '%s': a cycle that is not a layer's "
                                    "self-recurrence", r->path, w->name, nd->name,
                                    r->node[w->dst].name);
            }
        if (nd->kind == K_LIF && nd->layer > deepest)
            deepest = nd->layer;
    }
    *n_layers = deepest + 1;
    if (*n_layers < 1 || *n_layers > SNN_MAX_LAYERS)
        return snn_fail(r->err, "%s: %d hidden layers; the model runs 1 to %d", r->path,
                        *n_layers, SNN_MAX_LAYERS);
    r->node[li].layer = *n_layers;
    for (int i = 0; i < n; i++) {
        const nir_node *w = &r->node[i];
        if (w->kind != K_WEIGHT)
            continue;
        const nir_node *from = &r->node[w->src], *to = &r->node[w->dst];
        if (from->layer + 1 == to->layer ||
            (from->kind == K_LIF && to->kind == K_LIF && SAME_CYCLE(w->src, w->dst)))
            continue;
        return snn_fail(r->err, "%s: node '%s' connects '%s' (layer %d) to '%s' (layer %d): it "
                        "skips a layer (the model is a chain of layers; an edge inside a layer "
                        "is recurrence only on a cycle)", r->path, w->name, from->name,
                        from->layer, to->name, to->layer);
    }
#undef SAME_CYCLE
    return 0;
}

/* Wires the weight nodes to their ends, checks their shapes, and places the layers. */
static int place_layers(nir_reader *r, int *n_layers, int *input, int *li)
{
    int n_kind[5] = {0}, out = -1;
    for (int i = 0; i < r->n_nodes; i++) {
        n_kind[r->node[i].kind]++;
        if (r->node[i].kind == K_INPUT)
            *input = i;
        if (r->node[i].kind == K_LI)
            *li = i;
        if (r->node[i].kind == K_OUTPUT)
            out = i;
    }
    if (n_kind[K_INPUT] != 1 || n_kind[K_OUTPUT] != 1 || n_kind[K_LI] != 1)
        return snn_fail(r->err, "%s: %d Input, %d CubaLI and %d Output nodes; the model has one "
                        "of each (the readout is the CubaLI)", r->path, n_kind[K_INPUT],
                        n_kind[K_LI], n_kind[K_OUTPUT]);
    int li_out = 0;
    for (int e = 0; e < r->n_edges; e++) {
        nir_node *a = &r->node[r->edge[e][0]], *b = &r->node[r->edge[e][1]];
        if (a->kind == K_WEIGHT && (b->kind == K_LIF || b->kind == K_LI) && a->dst < 0)
            a->dst = r->edge[e][1];
        else if (b->kind == K_WEIGHT && (a->kind == K_LIF || a->kind == K_INPUT) && b->src < 0)
            b->src = r->edge[e][0];
        else if (a->kind == K_LI && b->kind == K_OUTPUT && !li_out++)
            continue;
        else
            return snn_fail(r->err, "%s: edge '%s' -> '%s': the model connects the Input and "
                            "CubaLIF nodes only through one Linear or Affine node each (one edge "
                            "in, one out), and the CubaLI to the Output", r->path, a->name,
                            b->name);
    }
    if (!li_out || r->node[*li].size != r->node[out].size)
        return snn_fail(r->err, "%s: the CubaLI '%s' (%d) must feed the Output '%s' of its size",
                        r->path, r->node[*li].name, r->node[*li].size, r->node[out].name);
    for (int i = 0; i < r->n_nodes; i++) {
        nir_node *w = &r->node[i];
        if (w->kind != K_WEIGHT)
            continue;
        if (w->src < 0 || w->dst < 0)
            return snn_fail(r->err, "%s: node '%s' has no %s", r->path, w->name,
                            w->src < 0 ? "source" : "destination");
        if (w->size != r->node[w->dst].size || w->n_in != r->node[w->src].size)
            return snn_fail(r->err, "%s: node '%s': weight is (%d, %d); '%s' -> '%s' needs (%d, "
                            "%d)", r->path, w->name, w->size, w->n_in, r->node[w->src].name,
                            r->node[w->dst].name, r->node[w->dst].size, r->node[w->src].size);
    }
    return assign_layers(r, n_layers, *li);
}

/* The model's config from the placed graph: each layer's populations (excitatory
 * first) and constants. pops[l] receives the node of each population. */
static int build_config(nir_reader *r, int n_layers, int input, int li, snn_config *c,
                        int pops[SNN_MAX_LAYERS][2])
{
    *c = snn_default_config();
    c->n_in = r->node[input].size;
    c->n_out = r->node[li].size;
    c->n_layers = n_layers;
    int labelled = 1;
    for (int l = 0; l < n_layers; l++) {
        int n = 0;
        pops[l][0] = pops[l][1] = -1;
        for (int i = 0; i < r->n_nodes; i++) {
            if (r->node[i].kind != K_LIF || r->node[i].layer != l)
                continue;
            if (n == 2)
                return snn_fail(r->err, "%s: node '%s': layer %d has more than two populations "
                                "(the model has excitatory, then inhibitory)", r->path,
                                r->node[i].name, l);
            pops[l][n++] = i;
        }
        const nir_node *a = &r->node[pops[l][0]], *b = n == 2 ? &r->node[pops[l][1]] : NULL;
        if (b && (a->pop == 0 || b->pop == 0 || a->pop == b->pop))
            return snn_fail(r->err, "%s: nodes '%s' and '%s' form layer %d: two populations "
                            "need metadata population = excitatory and inhibitory", r->path,
                            a->name, b->name, l);
        if (b && a->pop == 2) { /* excitatory first */
            int t = pops[l][0];
            pops[l][0] = pops[l][1];
            pops[l][1] = t;
            a = &r->node[pops[l][0]];
            b = &r->node[pops[l][1]];
        }
        if (b && (a->tau_syn != b->tau_syn || a->tau_mem != b->tau_mem ||
                  a->threshold != b->threshold))
            return snn_fail(r->err, "%s: node '%s': tau_syn, tau_mem or v_threshold differ from "
                            "'%s' of the same layer; the model has one per layer", r->path,
                            b->name, a->name);
        labelled &= a->pop != 0;
        snn_layer_config *lc = &c->layer[l];
        lc->size = a->size + (b ? b->size : 0);
        lc->n_exc = a->pop == 2 ? 0 : a->size;
        lc->alpha = (float)(1.0 - r->dt / a->tau_syn);
        lc->beta = (float)(1.0 - r->dt / a->tau_mem);
        lc->threshold = (float)a->threshold;
        lc->recurrent = 0;
        if (lc->size > MAX_DIM)
            return snn_fail(r->err, "%s: layer %d has %d neurons, more than %d", r->path, l,
                            lc->size, MAX_DIM);
    }
    const nir_node *ro = &r->node[li];
    c->out_alpha = (float)(1.0 - r->dt / ro->tau_syn);
    c->out_beta = (float)(1.0 - r->dt / ro->tau_mem);
    c->dale = r->dale >= 0 ? (int)r->dale : labelled;
    if (r->steps >= 0)
        c->steps = (int)r->steps;
    for (int i = 0; i < r->n_nodes; i++) {
        const nir_node *w = &r->node[i];
        if (w->kind == K_WEIGHT && r->node[w->dst].kind == K_LIF &&
            r->node[w->src].layer == r->node[w->dst].layer && r->node[w->src].kind == K_LIF)
            c->layer[r->node[w->dst].layer].recurrent = 1;
    }
    return 0;
}

/* The first neuron of node i within its layer (0 for Input and CubaLI). */
static int offset_in_layer(const nir_reader *r, int pops[SNN_MAX_LAYERS][2], int i)
{
    const nir_node *nd = &r->node[i];
    if (nd->kind != K_LIF)
        return 0;
    return pops[nd->layer][1] == i ? r->node[pops[nd->layer][0]].size : 0;
}

/* Adds each weight node's block into the model's matrices, the target neuron's
 * input gain folded in, and checks Dale's law naming the node. */
static int fill_weights(nir_reader *r, int pops[SNN_MAX_LAYERS][2], snn_model *m)
{
    const snn_config *c = &m->cfg;
    for (int i = 0; i < r->n_nodes; i++) {
        const nir_node *w = &r->node[i];
        if (w->kind != K_WEIGHT)
            continue;
        const nir_node *from = &r->node[w->src], *to = &r->node[w->dst];
        int lf = from->kind == K_INPUT ? -1 : from->layer;
        int rec = to->kind == K_LIF && to->layer == lf;
        int l = rec ? lf : lf + 1;
        int n_post = l < c->n_layers ? c->layer[l].size : c->n_out;
        float *mat = rec ? m->rec[l] : m->ff[l];
        int o_pre = offset_in_layer(r, pops, w->src), o_post = offset_in_layer(r, pops, w->dst);
        for (int q = 0; q < w->n_in; q++) {
            int pre = o_pre + q;
            /* The sign Dale's law asks of this row: the Input's >= 0, else by neuron type. */
            int sign = !c->dale ? 0 : lf < 0 || pre < c->layer[lf].n_exc ? 1 : -1;
            for (int p = 0; p < w->size; p++) {
                double v = w->w[(size_t)p * w->n_in + q] * to->gain[p];
                if (sign * v < 0)
                    return snn_fail(r->err, "%s: node '%s': weight[%d][%d] = %g from %s '%s' "
                                    "breaks Dale's law (the file says dale = 1)", r->path,
                                    w->name, p, q, v,
                                    sign > 0 ? "excitatory or input" : "inhibitory", from->name);
                float *dst = &mat[(size_t)pre * n_post + (size_t)(o_post + p)];
                *dst = (float)(*dst + v);
                if (!isfinite(*dst))
                    return snn_fail(r->err, "%s: node '%s': weight[%d][%d] overflows a float",
                                    r->path, w->name, p, q);
            }
        }
    }
    return 0;
}

int nir_read_model(const char *path, double dt, snn_model *m, snn_error *err)
{
    memset(m, 0, sizeof *m);
    nir_reader *r = calloc(1, sizeof *r);
    if (!r)
        return snn_fail(err, "%s: out of memory", path);
    r->path = path;
    r->err = err;
    r->file = -1;
    r->steps = r->dale = -1;
    r->dt = dt;
    int rc = h5guard_open(&r->guard, path, err);
    if (rc == 0 && (r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        rc = snn_fail(err, "%s: cannot open as HDF5 (damaged file)", path);
    int n_layers = 0, input = -1, li = -1, pops[SNN_MAX_LAYERS][2];
    snn_config c;
    if (rc == 0)
        rc = read_graph(r);
    if (rc == 0)
        rc = place_layers(r, &n_layers, &input, &li);
    if (rc == 0)
        rc = build_config(r, n_layers, input, li, &c, pops);
    snn_error inner;
    if (rc == 0 && snn_model_alloc(m, &c, &inner) != 0)
        rc = snn_fail(err, "%s: %s", path, inner.msg);
    if (rc == 0 && (rc = fill_weights(r, pops, m)) != 0)
        snn_model_free(m);
    for (int i = 0; i < r->n_nodes; i++) {
        free(r->node[i].w);
        free(r->node[i].gain);
    }
    if (r->file >= 0)
        H5Fclose(r->file);
    h5guard_close(&r->guard);
    free(r);
    return rc;
}
