/* model.c - see model.h; file layout in docs/model-format.md. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/atomic_file.h"
#include "../util/bytes.h"

#define MODEL_MAGIC "SNNF"
#define MODEL_VERSION 2 /* version 1 (one layer) is still read */
#define MAX_NEURONS 65535
#define MAX_STEPS 100000
/* Init scales in units of (1 - beta_post)/sqrt(n_pre) (docs/training.md). The paper's
 * readout has 7. Between hidden layers (ff[1..L-1]) 7 and in recurrent matrices 2,
 * with inhibitory rows scaled to balance the excitatory ones: a 784-128-64 80:20
 * network starts near 10-20 Hz in each layer, recurrent or not. The readout of a
 * deep network gets 1: with the paper's 7 its initial logits are large, and the
 * gradient that shrinks them silences the first layer's E neurons and with them
 * the layers above (measured). */
#define PAPER_READOUT_GAIN 7.0
#define DEEP_READOUT_GAIN 1.0
#define HIDDEN_GAIN 7.0
#define RECURRENT_GAIN 2.0

snn_config snn_default_config(void)
{
    snn_config c = {
        .n_in = 784, .n_out = 10, .n_layers = 1, .steps = 100, .dale = 1,
        .layer[0] = {.size = 100, .alpha = (float)exp(-1.0 / 5.0),
                     .beta = (float)exp(-1.0 / 10.0), .threshold = 1.0f},
    };
    c.layer[0].n_exc = snn_exc_count(c.layer[0].size, 0.8);
    c.out_alpha = c.layer[0].alpha;
    c.out_beta = c.layer[0].beta;
    return c;
}

int snn_exc_count(int size, double ratio)
{
    return (int)lround(size * ratio);
}

int snn_ff_rows(const snn_config *c, int l)
{
    return l == 0 ? c->n_in : c->layer[l - 1].size;
}

int snn_ff_cols(const snn_config *c, int l)
{
    return l == c->n_layers ? c->n_out : c->layer[l].size;
}

static int decay_ok(float d)
{
    return d >= 0 && d < 1;
}

/* Ranges of hidden layer l alone. */
static int check_layer(const snn_layer_config *h, int l, const char *what, snn_error *err)
{
    if (h->size < 1 || h->size > MAX_NEURONS)
        return snn_fail(err, "%s: hidden layer %d has %d neurons (1..%d)", what, l, h->size,
                        MAX_NEURONS);
    if (h->n_exc < 0 || h->n_exc > h->size)
        return snn_fail(err, "%s: hidden layer %d: %d excitatory neurons of %d", what, l,
                        h->n_exc, h->size);
    if (h->recurrent != 0 && h->recurrent != 1)
        return snn_fail(err, "%s: hidden layer %d: recurrent flag %d must be 0 or 1", what, l,
                        h->recurrent);
    if (!decay_ok(h->alpha) || !decay_ok(h->beta))
        return snn_fail(err, "%s: hidden layer %d: decays alpha=%g beta=%g must be in [0, 1)",
                        what, l, h->alpha, h->beta);
    if (!(h->threshold > 0 && isfinite(h->threshold)))
        return snn_fail(err, "%s: hidden layer %d: threshold %g must be positive", what, l,
                        h->threshold);
    return 0;
}

int snn_config_check(const snn_config *c, const char *what, snn_error *err)
{
    if (c->n_layers < 1 || c->n_layers > SNN_MAX_LAYERS)
        return snn_fail(err, "%s: %d hidden layers out of range (1..%d)", what, c->n_layers,
                        SNN_MAX_LAYERS);
    if (c->n_in < 1 || c->n_in > MAX_NEURONS || c->n_out < 1 || c->n_out > MAX_NEURONS)
        return snn_fail(err, "%s: %d inputs, %d outputs out of range (1..%d each)", what,
                        c->n_in, c->n_out, MAX_NEURONS);
    for (int l = 0; l < c->n_layers; l++)
        if (check_layer(&c->layer[l], l, what, err) != 0)
            return -1;
    if (!decay_ok(c->out_alpha) || !decay_ok(c->out_beta))
        return snn_fail(err, "%s: readout decays alpha=%g beta=%g must be in [0, 1)", what,
                        c->out_alpha, c->out_beta);
    if (c->steps < 1 || c->steps > MAX_STEPS)
        return snn_fail(err, "%s: %d time steps out of range (1..%d)", what, c->steps, MAX_STEPS);
    if (c->dale != 0 && c->dale != 1)
        return snn_fail(err, "%s: dale flag %d must be 0 or 1", what, c->dale);
    return 0;
}

size_t snn_model_weight_count(const snn_config *c)
{
    size_t n = 0;
    for (int l = 0; l <= c->n_layers; l++)
        n += (size_t)snn_ff_rows(c, l) * snn_ff_cols(c, l);
    for (int l = 0; l < c->n_layers; l++)
        if (c->layer[l].recurrent)
            n += (size_t)c->layer[l].size * c->layer[l].size;
    return n;
}

int snn_model_alloc(snn_model *m, const snn_config *c, snn_error *err)
{
    memset(m, 0, sizeof *m);
    if (snn_config_check(c, "model", err) != 0)
        return -1;
    m->cfg = *c;
    float *w = calloc(snn_model_weight_count(c), sizeof *w);
    if (!w)
        return snn_fail(err, "out of memory for a model of %zu weights",
                        snn_model_weight_count(c));
    for (int l = 0; l <= c->n_layers; l++) {
        m->ff[l] = w;
        w += (size_t)snn_ff_rows(c, l) * snn_ff_cols(c, l);
    }
    for (int l = 0; l < c->n_layers; l++)
        if (c->layer[l].recurrent) {
            m->rec[l] = w;
            w += (size_t)c->layer[l].size * c->layer[l].size;
        }
    return 0;
}

void snn_model_free(snn_model *m)
{
    free(m->ff[0]);
    memset(m->ff, 0, sizeof m->ff);
    memset(m->rec, 0, sizeof m->rec);
}

/* A (rows, cols) matrix leaving hidden layer l (l = -1: the input) of N(0, s)
 * magnitudes, signed by the presynaptic type under Dale's law (inputs: >= 0).
 * With `balance`, inhibitory rows are scaled by n_exc/n_inh so that a neuron's
 * expected E and I input cancel when both kinds fire alike. */
static void init_matrix(float *w, const snn_config *c, int l, int rows, int cols, double s,
                        int balance, snn_rng *rng)
{
    int n_exc = l < 0 ? rows : c->layer[l].n_exc;
    double inh_scale = balance && n_exc > 0 && n_exc < rows ? (double)n_exc / (rows - n_exc) : 1;
    for (int i = 0; i < rows; i++) {
        int sign = l < 0 ? c->dale : snn_neuron_sign(c, l, i);
        double si = sign < 0 ? s * inh_scale : s;
        for (int j = 0; j < cols; j++) {
            double v = si * snn_rng_normal(rng);
            w[(size_t)i * cols + j] = (float)(sign ? sign * fabs(v) : v);
        }
    }
}

void snn_model_init(snn_model *m, double s1, snn_rng *rng)
{
    const snn_config *c = &m->cfg;
    int L = c->n_layers;
    /* Draw order: ff[0..L] then rec[l]; the paper's network draws ff[0], ff[1] as before. */
    for (int l = 0; l <= L; l++) {
        int rows = snn_ff_rows(c, l);
        double s = l == 0 ? s1
                   : l == L ? (L == 1 ? PAPER_READOUT_GAIN : DEEP_READOUT_GAIN) *
                                  (1.0 - c->out_beta) / sqrt((double)rows)
                            : HIDDEN_GAIN * (1.0 - c->layer[l].beta) / sqrt((double)rows);
        init_matrix(m->ff[l], c, l - 1, rows, snn_ff_cols(c, l), s, l > 0 && l < L, rng);
    }
    for (int l = 0; l < L; l++)
        if (c->layer[l].recurrent) {
            int n = c->layer[l].size;
            init_matrix(m->rec[l], c, l, n, n,
                        RECURRENT_GAIN * (1.0 - c->layer[l].beta) / sqrt((double)n), 1, rng);
        }
}

/* Zeroes the weights of a (rows, cols) matrix leaving layer l (-1: input) that break Dale. */
static void clip_matrix(float *w, const snn_config *c, int l, int rows, int cols)
{
    for (int i = 0; i < rows; i++) {
        int sign = l < 0 ? 1 : snn_neuron_sign(c, l, i);
        float *row = w + (size_t)i * cols;
        for (int j = 0; j < cols; j++)
            if (sign * row[j] < 0)
                row[j] = 0;
    }
}

void snn_dale_clip(snn_model *m)
{
    const snn_config *c = &m->cfg;
    if (!c->dale)
        return;
    for (int l = 0; l <= c->n_layers; l++)
        clip_matrix(m->ff[l], c, l - 1, snn_ff_rows(c, l), snn_ff_cols(c, l));
    for (int l = 0; l < c->n_layers; l++)
        if (m->rec[l])
            clip_matrix(m->rec[l], c, l, c->layer[l].size, c->layer[l].size);
}

int snn_model_save(const char *path, const snn_model *m, const void *train_state,
                   size_t train_state_len, snn_error *err)
{
    const snn_config *c = &m->cfg;
    byte_writer w = {0};
    bw_bytes(&w, MODEL_MAGIC, 4);
    bw_u32(&w, MODEL_VERSION);
    bw_u32(&w, (uint32_t)c->n_in);
    bw_u32(&w, (uint32_t)c->n_out);
    bw_u32(&w, (uint32_t)c->n_layers);
    bw_u32(&w, (uint32_t)c->steps);
    bw_u32(&w, (uint32_t)c->dale);
    bw_f32(&w, c->out_alpha);
    bw_f32(&w, c->out_beta);
    for (int l = 0; l < c->n_layers; l++) {
        const snn_layer_config *h = &c->layer[l];
        bw_u32(&w, (uint32_t)h->size);
        bw_u32(&w, (uint32_t)h->n_exc);
        bw_u32(&w, (uint32_t)h->recurrent);
        bw_f32(&w, h->alpha);
        bw_f32(&w, h->beta);
        bw_f32(&w, h->threshold);
        for (int j = 0; j < h->size; j++)
            bw_u8(&w, j < h->n_exc ? 'E' : 'I');
    }
    size_t n = snn_model_weight_count(c);
    const float *wt = snn_model_weights(m);
    for (size_t i = 0; i < n; i++)
        bw_f32(&w, wt[i]);
    bw_u64(&w, train_state_len);
    if (train_state_len)
        bw_bytes(&w, train_state, train_state_len);
    bw_crc32(&w);
    if (w.oom) {
        bw_free(&w);
        return snn_fail(err, "%s: out of memory serialising the model", path);
    }
    int rc = atomic_write(path, w.p, w.len, err);
    bw_free(&w);
    return rc;
}

/* Checks every weight of a (rows, cols) matrix `name` leaving layer l (-1: input):
 * finite, and on the side of zero Dale's law gives its row. */
static int check_matrix(const float *w, const snn_config *c, int l, int rows, int cols,
                        const char *path, const char *name, snn_error *err)
{
    for (int i = 0; i < rows; i++) {
        int sign = l < 0 ? c->dale : snn_neuron_sign(c, l, i);
        for (int j = 0; j < cols; j++) {
            size_t k = (size_t)i * cols + j;
            if (!isfinite(w[k]))
                return snn_fail(err, "%s: %s weight %zu is not finite (%g)", path, name, k, w[k]);
            if (sign * w[k] < 0)
                return snn_fail(err, "%s: %s weight %zu = %g breaks Dale's law", path, name, k,
                                w[k]);
        }
    }
    return 0;
}

/* The neuron types of hidden layer l: `E` for the first n_exc, then `I`. */
static int check_types(byte_reader *r, const snn_config *c, int l, snn_error *err)
{
    const snn_layer_config *h = &c->layer[l];
    const uint8_t *types = br_bytes(r, (size_t)h->size, "neuron types");
    for (int j = 0; types && j < h->size; j++)
        if (types[j] != (j < h->n_exc ? 'E' : 'I'))
            return snn_fail(err, "%s: hidden layer %d neuron %d has type '%c'; expected the first "
                            "%d to be 'E' and the rest 'I'", r->name, l, j, types[j], h->n_exc);
    return types ? 0 : -1;
}

/* Version 1: one feed-forward layer whose decays the readout shares. */
static int decode_config_v1(byte_reader *r, snn_config *c, snn_error *err)
{
    snn_layer_config *h = &c->layer[0];
    c->n_layers = 1;
    c->n_in = (int)br_u32(r, "n_in");
    h->size = (int)br_u32(r, "n_hidden");
    c->n_out = (int)br_u32(r, "n_out");
    h->n_exc = (int)br_u32(r, "n_exc");
    c->steps = (int)br_u32(r, "steps");
    c->dale = (int)br_u32(r, "dale");
    h->alpha = c->out_alpha = br_f32(r, "alpha");
    h->beta = c->out_beta = br_f32(r, "beta");
    h->threshold = br_f32(r, "threshold");
    if (r->failed || snn_config_check(c, r->name, err) != 0)
        return -1;
    return check_types(r, c, 0, err);
}

static int decode_config_v2(byte_reader *r, snn_config *c, snn_error *err)
{
    c->n_in = (int)br_u32(r, "n_in");
    c->n_out = (int)br_u32(r, "n_out");
    uint32_t n_layers = br_u32(r, "n_layers");
    c->steps = (int)br_u32(r, "steps");
    c->dale = (int)br_u32(r, "dale");
    c->out_alpha = br_f32(r, "readout alpha");
    c->out_beta = br_f32(r, "readout beta");
    if (r->failed)
        return -1;
    if (n_layers < 1 || n_layers > SNN_MAX_LAYERS)
        return snn_fail(err, "%s: %u hidden layers out of range (1..%d)", r->name, n_layers,
                        SNN_MAX_LAYERS);
    c->n_layers = (int)n_layers;
    for (int l = 0; l < c->n_layers; l++) {
        snn_layer_config *h = &c->layer[l];
        h->size = (int)br_u32(r, "layer size");
        h->n_exc = (int)br_u32(r, "layer n_exc");
        h->recurrent = (int)br_u32(r, "layer recurrent flag");
        h->alpha = br_f32(r, "layer alpha");
        h->beta = br_f32(r, "layer beta");
        h->threshold = br_f32(r, "layer threshold");
        /* Sizes checked before the type bytes they announce are read. */
        if (r->failed || check_layer(h, l, r->name, err) != 0 || check_types(r, c, l, err) != 0)
            return -1;
    }
    return snn_config_check(c, r->name, err);
}

int snn_model_decode(const uint8_t *data, size_t len, const char *path, snn_model *m,
                     void **train_state, size_t *train_state_len, snn_error *err)
{
    memset(m, 0, sizeof *m);
    if (train_state)
        *train_state = NULL;
    if (train_state_len)
        *train_state_len = 0;
    if (check_framed(data, len, path, MODEL_MAGIC, "model", err) != 0)
        return -1;
    byte_reader r;
    br_init(&r, data, len, path, err);
    int rc = -1;
    br_bytes(&r, 4, "magic");
    uint32_t version = br_u32(&r, "version");
    if (!r.failed && version != 1 && version != MODEL_VERSION) {
        snn_fail(err, "%s: model format version %u unsupported (this build reads 1 and %d)", path,
                 version, MODEL_VERSION);
        goto done;
    }
    snn_config c;
    memset(&c, 0, sizeof c);
    if (r.failed || (version == 1 ? decode_config_v1(&r, &c, err)
                                  : decode_config_v2(&r, &c, err)) != 0)
        goto done;
    size_t n = snn_model_weight_count(&c);
    if (!br_bytes(&r, 0, "weights") || n > (r.len - r.pos) / 4) {
        if (!r.failed)
            snn_fail(err, "%s: truncated: %zu weights need %zu bytes, %zu left", path, n, n * 4,
                     r.len - r.pos);
        goto done;
    }
    if (snn_model_alloc(m, &c, err) != 0)
        goto done;
    float *wt = snn_model_weights(m);
    for (size_t i = 0; i < n; i++)
        wt[i] = br_f32(&r, "weights");
    for (int l = 0; l <= c.n_layers; l++) {
        char name[16]; /* as the format names the matrix */
        if (version == 1)
            snprintf(name, sizeof name, "w%d", l + 1);
        else
            snprintf(name, sizeof name, "ff%d", l);
        if (check_matrix(m->ff[l], &c, l - 1, snn_ff_rows(&c, l), snn_ff_cols(&c, l), path, name,
                         err) != 0)
            goto done;
    }
    for (int l = 0; l < c.n_layers; l++) {
        char name[16];
        snprintf(name, sizeof name, "rec%d", l);
        if (m->rec[l] && check_matrix(m->rec[l], &c, l, c.layer[l].size, c.layer[l].size, path,
                                      name, err) != 0)
            goto done;
    }
    uint64_t ts_len = br_u64(&r, "training-state length");
    if (r.failed)
        goto done;
    if (r.len - r.pos < 4 || ts_len != r.len - r.pos - 4) {
        snn_fail(err, "%s: training-state length %llu does not match the %zu bytes left", path,
                 (unsigned long long)ts_len, r.len - r.pos);
        goto done;
    }
    if (train_state && ts_len) {
        *train_state = malloc(ts_len);
        if (!*train_state) {
            snn_fail(err, "%s: out of memory", path);
            goto done;
        }
        memcpy(*train_state, r.p + r.pos, ts_len);
        *train_state_len = ts_len;
    }
    rc = 0;
done:
    if (rc != 0)
        snn_model_free(m);
    return rc;
}

int snn_model_load(const char *path, snn_model *m, void **train_state, size_t *train_state_len,
                   snn_error *err)
{
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len, err) != 0) {
        memset(m, 0, sizeof *m);
        if (train_state)
            *train_state = NULL;
        return -1;
    }
    int rc = snn_model_decode(data, len, path, m, train_state, train_state_len, err);
    free(data);
    return rc;
}
