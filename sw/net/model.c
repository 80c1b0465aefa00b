/* model.c - see model.h; file layout in docs/model-format.md. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/atomic_file.h"
#include "../util/bytes.h"

#define MODEL_MAGIC "SNNF"
#define MODEL_VERSION 1
#define MAX_NEURONS 65535
#define MAX_STEPS 100000

snn_config snn_default_config(void)
{
    snn_config c = {
        .n_in = 784, .n_hidden = 100, .n_out = 10, .steps = 100,
        .alpha = (float)exp(-1.0 / 5.0), .beta = (float)exp(-1.0 / 10.0),
        .threshold = 1.0f, .dale = 1,
    };
    c.n_exc = snn_exc_count(c.n_hidden, 0.8);
    return c;
}

int snn_exc_count(int n_hidden, double ratio)
{
    return (int)lround(n_hidden * ratio);
}

int snn_config_check(const snn_config *c, const char *what, snn_error *err)
{
    if (c->n_in < 1 || c->n_in > MAX_NEURONS || c->n_hidden < 1 || c->n_hidden > MAX_NEURONS ||
        c->n_out < 1 || c->n_out > MAX_NEURONS)
        return snn_fail(err, "%s: shape %dx%dx%d out of range (1..%d each)", what, c->n_in,
                        c->n_hidden, c->n_out, MAX_NEURONS);
    if (c->n_exc < 0 || c->n_exc > c->n_hidden)
        return snn_fail(err, "%s: %d excitatory neurons of %d hidden", what, c->n_exc, c->n_hidden);
    if (c->steps < 1 || c->steps > MAX_STEPS)
        return snn_fail(err, "%s: %d time steps out of range (1..%d)", what, c->steps, MAX_STEPS);
    if (!(c->alpha >= 0 && c->alpha < 1) || !(c->beta >= 0 && c->beta < 1))
        return snn_fail(err, "%s: decays alpha=%g beta=%g must be in [0, 1)", what, c->alpha, c->beta);
    if (!(c->threshold > 0 && isfinite(c->threshold)))
        return snn_fail(err, "%s: threshold %g must be positive", what, c->threshold);
    if (c->dale != 0 && c->dale != 1)
        return snn_fail(err, "%s: dale flag %d must be 0 or 1", what, c->dale);
    return 0;
}

int snn_model_alloc(snn_model *m, const snn_config *c, snn_error *err)
{
    memset(m, 0, sizeof *m);
    if (snn_config_check(c, "model", err) != 0)
        return -1;
    m->cfg = *c;
    m->w1 = calloc((size_t)c->n_in * c->n_hidden, sizeof *m->w1);
    m->w2 = calloc((size_t)c->n_hidden * c->n_out, sizeof *m->w2);
    if (!m->w1 || !m->w2) {
        snn_model_free(m);
        return snn_fail(err, "out of memory for a %dx%dx%d model", c->n_in, c->n_hidden, c->n_out);
    }
    return 0;
}

void snn_model_free(snn_model *m)
{
    free(m->w1);
    free(m->w2);
    m->w1 = m->w2 = NULL;
}

void snn_model_init(snn_model *m, double s1, snn_rng *rng)
{
    const snn_config *c = &m->cfg;
    for (size_t i = 0; i < (size_t)c->n_in * c->n_hidden; i++) {
        double w = s1 * snn_rng_normal(rng);
        m->w1[i] = (float)(c->dale ? fabs(w) : w);
    }
    double s2 = 7.0 * (1.0 - c->beta) / sqrt((double)c->n_hidden);
    for (int j = 0; j < c->n_hidden; j++) {
        int sign = snn_hidden_sign(c, j);
        for (int k = 0; k < c->n_out; k++) {
            double w = s2 * snn_rng_normal(rng);
            m->w2[(size_t)j * c->n_out + k] = (float)(sign ? sign * fabs(w) : w);
        }
    }
}

void snn_dale_clip(snn_model *m)
{
    const snn_config *c = &m->cfg;
    if (!c->dale)
        return;
    for (size_t i = 0; i < (size_t)c->n_in * c->n_hidden; i++)
        if (m->w1[i] < 0)
            m->w1[i] = 0;
    for (int j = 0; j < c->n_hidden; j++) {
        float *row = m->w2 + (size_t)j * c->n_out;
        int sign = snn_hidden_sign(c, j);
        for (int k = 0; k < c->n_out; k++)
            if (sign * row[k] < 0)
                row[k] = 0;
    }
}

int snn_model_save(const char *path, const snn_model *m, const void *train_state,
                   size_t train_state_len, snn_error *err)
{
    const snn_config *c = &m->cfg;
    byte_writer w = {0};
    bw_bytes(&w, MODEL_MAGIC, 4);
    bw_u32(&w, MODEL_VERSION);
    bw_u32(&w, (uint32_t)c->n_in);
    bw_u32(&w, (uint32_t)c->n_hidden);
    bw_u32(&w, (uint32_t)c->n_out);
    bw_u32(&w, (uint32_t)c->n_exc);
    bw_u32(&w, (uint32_t)c->steps);
    bw_u32(&w, (uint32_t)c->dale);
    bw_f32(&w, c->alpha);
    bw_f32(&w, c->beta);
    bw_f32(&w, c->threshold);
    for (int j = 0; j < c->n_hidden; j++)
        bw_u8(&w, j < c->n_exc ? 'E' : 'I');
    for (size_t i = 0; i < (size_t)c->n_in * c->n_hidden; i++)
        bw_f32(&w, m->w1[i]);
    for (size_t i = 0; i < (size_t)c->n_hidden * c->n_out; i++)
        bw_f32(&w, m->w2[i]);
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
    if (!r.failed && version != MODEL_VERSION) {
        snn_fail(err, "%s: model format version %u unsupported (this build reads %d)", path,
                 version, MODEL_VERSION);
        goto done;
    }
    snn_config c;
    c.n_in = (int)br_u32(&r, "n_in");
    c.n_hidden = (int)br_u32(&r, "n_hidden");
    c.n_out = (int)br_u32(&r, "n_out");
    c.n_exc = (int)br_u32(&r, "n_exc");
    c.steps = (int)br_u32(&r, "steps");
    c.dale = (int)br_u32(&r, "dale");
    c.alpha = br_f32(&r, "alpha");
    c.beta = br_f32(&r, "beta");
    c.threshold = br_f32(&r, "threshold");
    if (r.failed || snn_config_check(&c, path, err) != 0)
        goto done;
    const uint8_t *types = br_bytes(&r, (size_t)c.n_hidden, "neuron types");
    for (int j = 0; types && j < c.n_hidden; j++)
        if (types[j] != (j < c.n_exc ? 'E' : 'I')) {
            snn_fail(err, "%s: hidden neuron %d has type '%c'; expected the first %d to be 'E' "
                     "and the rest 'I'", path, j, types[j], c.n_exc);
            goto done;
        }
    size_t n1 = (size_t)c.n_in * c.n_hidden, n2 = (size_t)c.n_hidden * c.n_out;
    if (!types || !br_bytes(&r, 0, "weights") || (n1 + n2) * 4 > r.len - r.pos) {
        if (!r.failed)
            snn_fail(err, "%s: truncated: %zu weights need %zu bytes, %zu left", path, n1 + n2,
                     (n1 + n2) * 4, r.len - r.pos);
        goto done;
    }
    if (snn_model_alloc(m, &c, err) != 0)
        goto done;
    for (size_t i = 0; i < n1; i++)
        m->w1[i] = br_f32(&r, "w1");
    for (size_t i = 0; i < n2; i++)
        m->w2[i] = br_f32(&r, "w2");
    for (size_t i = 0; i < n1 + n2; i++) {
        float w = i < n1 ? m->w1[i] : m->w2[i - n1];
        int j = i < n1 ? (int)(i % (size_t)c.n_hidden) : (int)((i - n1) / (size_t)c.n_out);
        if (!isfinite(w)) {
            snn_fail(err, "%s: %s weight %zu is not finite (%g)", path, i < n1 ? "w1" : "w2",
                     i < n1 ? i : i - n1, w);
            goto done;
        }
        int sign = i < n1 ? (c.dale ? 1 : 0) : snn_hidden_sign(&c, j);
        if (sign * w < 0) {
            snn_fail(err, "%s: %s weight %zu = %g breaks Dale's law", path, i < n1 ? "w1" : "w2",
                     i < n1 ? i : i - n1, w);
            goto done;
        }
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
