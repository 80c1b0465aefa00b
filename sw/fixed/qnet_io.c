/* qnet_io.c - see qnet_io.h; the layout is docs/qmodel-format.md.
 *
 * Two versions: 1 holds the paper's shape (one feed-forward layer, readout with
 * the layer's decays) and is still what the writer produces for it, so today's
 * files, their checksums and older readers stay valid; 2 holds any qnet.
 */
#include "qnet_io.h"

#include <stdlib.h>
#include <string.h>

#include "../util/atomic_file.h"
#include "../util/bytes.h"

#define QMODEL_MAGIC "SNNQ"
#define QMODEL_VERSION 2 /* the newest this build reads and writes */
#define V1_FIELDS 13     /* u32 header fields after magic and version, version 1 */
#define V2_FIELDS 11     /* version 2: global fields, then LAYER_FIELDS per layer */
#define LAYER_FIELDS 6

/* Points ff[] and rec[] into one block laid out in file order. */
static void point_matrices(qnet *q, uint16_t *block)
{
    uint16_t *p = block;
    for (int l = 0; l <= q->n_layers; l++) {
        q->ff[l] = p;
        p += (size_t)qnet_ff_rows(q, l) * qnet_ff_cols(q, l);
    }
    for (int l = 0; l < q->n_layers; l++) {
        q->rec[l] = q->layer[l].recurrent ? p : NULL;
        if (q->layer[l].recurrent)
            p += (size_t)q->layer[l].size * q->layer[l].size;
    }
}

int qnet_alloc(qnet *q, snn_error *err)
{
    size_t n = qnet_weight_count(q);
    uint16_t *block = calloc(n ? n : 1, sizeof *block);
    memset(q->ff, 0, sizeof q->ff);
    memset(q->rec, 0, sizeof q->rec);
    if (!block)
        return snn_fail(err, "out of memory for a quantized model of %zu weights", n);
    point_matrices(q, block);
    return 0;
}

void qnet_free(qnet *q)
{
    free(q->ff[0]);
    memset(q->ff, 0, sizeof q->ff);
    memset(q->rec, 0, sizeof q->rec);
}

int qnet_copy(const qnet *src, qnet *dst, snn_error *err)
{
    *dst = *src;
    if (qnet_alloc(dst, err) != 0)
        return -1;
    for (int l = 0; l <= src->n_layers; l++) /* src's matrices need not be one block */
        memcpy(dst->ff[l], src->ff[l],
               (size_t)qnet_ff_rows(src, l) * qnet_ff_cols(src, l) * sizeof *src->ff[l]);
    for (int l = 0; l < src->n_layers; l++)
        if (src->rec[l])
            memcpy(dst->rec[l], src->rec[l],
                   (size_t)src->layer[l].size * src->layer[l].size * sizeof *src->rec[l]);
    return 0;
}

int qnet_save(const char *path, const qnet *q, snn_error *err)
{
    if (qnet_check(q, path, err) != 0)
        return -1;
    byte_writer w = {0};
    bw_bytes(&w, QMODEL_MAGIC, 4);
    const qnet_layer *h = &q->layer[0];
    if (qnet_is_single_layer(q)) {
        bw_u32(&w, 1);
        const int32_t f[V1_FIELDS] = {
            q->n_in, h->size, q->n_out, h->n_exc, q->steps, q->weight_bits, q->hidden_bits,
            q->readout_bits, q->noise_bits, h->theta, h->alpha_q, h->beta_q, (int32_t)q->seed,
        };
        for (int i = 0; i < V1_FIELDS; i++)
            bw_u32(&w, (uint32_t)f[i]);
    } else {
        bw_u32(&w, 2);
        const int32_t f[V2_FIELDS] = {
            q->n_in, q->n_out, q->steps, q->n_layers, q->weight_bits, q->hidden_bits,
            q->readout_bits, q->noise_bits, (int32_t)q->seed, q->out_alpha_q, q->out_beta_q,
        };
        for (int i = 0; i < V2_FIELDS; i++)
            bw_u32(&w, (uint32_t)f[i]);
        for (int l = 0; l < q->n_layers; l++) {
            const qnet_layer *y = &q->layer[l];
            const int32_t g[LAYER_FIELDS] = {y->size, y->n_exc, y->recurrent, y->theta,
                                             y->alpha_q, y->beta_q};
            for (int i = 0; i < LAYER_FIELDS; i++)
                bw_u32(&w, (uint32_t)g[i]);
        }
    }
    /* Both versions: the matrices in file order, ff[0..L] then rec[l]. */
    for (int l = 0; l <= q->n_layers; l++)
        for (size_t i = 0, n = (size_t)qnet_ff_rows(q, l) * qnet_ff_cols(q, l); i < n; i++)
            bw_u16(&w, q->ff[l][i]);
    for (int l = 0; l < q->n_layers; l++)
        for (size_t i = 0, n = q->rec[l] ? (size_t)q->layer[l].size * q->layer[l].size : 0; i < n;
             i++)
            bw_u16(&w, q->rec[l][i]);
    bw_crc32(&w);
    if (w.oom) {
        bw_free(&w);
        return snn_fail(err, "%s: out of memory serialising the quantized model", path);
    }
    int rc = atomic_write(path, w.p, w.len, err);
    bw_free(&w);
    return rc;
}

/* Reads the header of either version into q (shape and constants, no weights). */
static int decode_header(byte_reader *r, uint32_t version, qnet *q)
{
    if (version == 1) {
        int32_t f[V1_FIELDS];
        for (int i = 0; i < V1_FIELDS; i++)
            f[i] = (int32_t)br_u32(r, "header");
        qnet_layer *h = &q->layer[0];
        q->n_layers = 1;
        q->n_in = f[0], h->size = f[1], q->n_out = f[2], h->n_exc = f[3], q->steps = f[4];
        q->weight_bits = f[5], q->hidden_bits = f[6], q->readout_bits = f[7];
        q->noise_bits = f[8], h->theta = f[9], h->alpha_q = f[10], h->beta_q = f[11];
        q->seed = (uint32_t)f[12];
        q->out_alpha_q = h->alpha_q, q->out_beta_q = h->beta_q; /* version 1: shared decays */
        return r->failed ? -1 : 0;
    }
    int32_t f[V2_FIELDS];
    for (int i = 0; i < V2_FIELDS; i++)
        f[i] = (int32_t)br_u32(r, "header");
    q->n_in = f[0], q->n_out = f[1], q->steps = f[2], q->n_layers = f[3];
    q->weight_bits = f[4], q->hidden_bits = f[5], q->readout_bits = f[6], q->noise_bits = f[7];
    q->seed = (uint32_t)f[8], q->out_alpha_q = f[9], q->out_beta_q = f[10];
    if (r->failed)
        return -1;
    if (q->n_layers < 1 || q->n_layers > QNET_MAX_LAYERS)
        return snn_fail(r->err, "%s: %d hidden layers out of range (1..%d)", r->name, q->n_layers,
                        QNET_MAX_LAYERS);
    for (int l = 0; l < q->n_layers; l++) {
        int32_t g[LAYER_FIELDS];
        for (int i = 0; i < LAYER_FIELDS; i++)
            g[i] = (int32_t)br_u32(r, "layer header");
        qnet_layer *h = &q->layer[l];
        h->size = g[0], h->n_exc = g[1], h->recurrent = g[2];
        h->theta = g[3], h->alpha_q = g[4], h->beta_q = g[5];
    }
    return r->failed ? -1 : 0;
}

int qnet_decode(const uint8_t *data, size_t len, const char *path, qnet *q, snn_error *err)
{
    memset(q, 0, sizeof *q);
    if (check_framed(data, len, path, QMODEL_MAGIC, "quantized model", err) != 0)
        return -1;
    byte_reader r;
    br_init(&r, data, len, path, err);
    int rc = -1;
    br_bytes(&r, 4, "magic");
    uint32_t version = br_u32(&r, "version");
    if (r.failed)
        goto done;
    if (version < 1 || version > QMODEL_VERSION) {
        snn_fail(err, "%s: quantized model format version %u unsupported (this build reads 1..%d)",
                 path, version, QMODEL_VERSION);
        goto done;
    }
    if (decode_header(&r, version, q) != 0)
        goto done;
    /* Shapes bounded before any size is computed from them; qnet_check does the rest. */
    int bad = q->n_in < 1 || q->n_in > 65535 || q->n_out < 1 || q->n_out > 65535;
    for (int l = 0; l < q->n_layers; l++)
        bad |= q->layer[l].size < 1 || q->layer[l].size > 65535 ||
               (q->layer[l].recurrent != 0 && q->layer[l].recurrent != 1);
    if (bad) {
        snn_fail(err, "%s: shape (%d inputs, %d hidden in layer 0, %d outputs) or a layer's size "
                 "or recurrent flag out of range (sizes 1..65535, flag 0/1)", path, q->n_in,
                 q->layer[0].size, q->n_out);
        goto done;
    }
    size_t n = qnet_weight_count(q), expect = r.pos + 2 * n + 4;
    if (len != expect) {
        snn_fail(err, "%s: %zu bytes, but a model with %zu weights (%d hidden layer%s) takes %zu",
                 path, len, n, q->n_layers, q->n_layers == 1 ? "" : "s", expect);
        goto done;
    }
    if (qnet_alloc(q, err) != 0)
        goto done;
    for (size_t i = 0; i < n; i++)
        q->ff[0][i] = br_u16(&r, "weights");
    if (r.failed || qnet_check(q, path, err) != 0)
        goto done;
    rc = 0;
done:
    if (rc != 0)
        qnet_free(q);
    return rc;
}

int qnet_load(const char *path, qnet *q, snn_error *err)
{
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len, err) != 0) {
        memset(q, 0, sizeof *q);
        return -1;
    }
    int rc = qnet_decode(data, len, path, q, err);
    free(data);
    return rc;
}
