/* qnet_io.c - see qnet_io.h; the layout is docs/qmodel-format.md. */
#include "qnet_io.h"

#include <stdlib.h>
#include <string.h>

#include "../util/atomic_file.h"
#include "../util/bytes.h"

#define QMODEL_MAGIC "SNNQ"
#define QMODEL_VERSION 1
#define HEADER_FIELDS 13 /* u32 fields after magic and version */

int qnet_alloc(qnet *q, snn_error *err)
{
    size_t n1 = (size_t)q->n_in * q->n_hidden, n2 = (size_t)q->n_hidden * q->n_out;
    q->w1 = calloc(n1 ? n1 : 1, sizeof *q->w1);
    q->w2 = calloc(n2 ? n2 : 1, sizeof *q->w2);
    if (!q->w1 || !q->w2) {
        qnet_free(q);
        return snn_fail(err, "out of memory for a %dx%dx%d quantized model", q->n_in,
                        q->n_hidden, q->n_out);
    }
    return 0;
}

void qnet_free(qnet *q)
{
    free(q->w1);
    free(q->w2);
    q->w1 = q->w2 = NULL;
}

int qnet_save(const char *path, const qnet *q, snn_error *err)
{
    if (qnet_check(q, path, err) != 0)
        return -1;
    byte_writer w = {0};
    bw_bytes(&w, QMODEL_MAGIC, 4);
    bw_u32(&w, QMODEL_VERSION);
    const int32_t fields[HEADER_FIELDS] = {
        q->n_in, q->n_hidden, q->n_out, q->n_exc, q->steps, q->weight_bits, q->hidden_bits,
        q->readout_bits, q->noise_bits, q->theta, q->alpha_q, q->beta_q, (int32_t)q->seed,
    };
    for (int i = 0; i < HEADER_FIELDS; i++)
        bw_u32(&w, (uint32_t)fields[i]);
    size_t n1 = (size_t)q->n_in * q->n_hidden, n2 = (size_t)q->n_hidden * q->n_out;
    for (size_t i = 0; i < n1; i++)
        bw_u16(&w, q->w1[i]);
    for (size_t i = 0; i < n2; i++)
        bw_u16(&w, q->w2[i]);
    bw_crc32(&w);
    if (w.oom) {
        bw_free(&w);
        return snn_fail(err, "%s: out of memory serialising the quantized model", path);
    }
    int rc = atomic_write(path, w.p, w.len, err);
    bw_free(&w);
    return rc;
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
    if (version != QMODEL_VERSION) {
        snn_fail(err, "%s: quantized model format version %u unsupported (this build reads %d)",
                 path, version, QMODEL_VERSION);
        goto done;
    }
    int32_t f[HEADER_FIELDS];
    for (int i = 0; i < HEADER_FIELDS; i++)
        f[i] = (int32_t)br_u32(&r, "header");
    if (r.failed)
        goto done;
    q->n_in = f[0], q->n_hidden = f[1], q->n_out = f[2], q->n_exc = f[3], q->steps = f[4];
    q->weight_bits = f[5], q->hidden_bits = f[6], q->readout_bits = f[7], q->noise_bits = f[8];
    q->theta = f[9], q->alpha_q = f[10], q->beta_q = f[11], q->seed = (uint32_t)f[12];
    if (q->n_in < 1 || q->n_in > 65535 || q->n_hidden < 1 || q->n_hidden > 65535 ||
        q->n_out < 1 || q->n_out > 65535) {
        snn_fail(err, "%s: shape %dx%dx%d out of range (1..65535 each)", path, q->n_in,
                 q->n_hidden, q->n_out);
        goto done;
    }
    size_t n1 = (size_t)q->n_in * q->n_hidden, n2 = (size_t)q->n_hidden * q->n_out;
    size_t expect = r.pos + 2 * (n1 + n2) + 4;
    if (len != expect) {
        snn_fail(err, "%s: %zu bytes, but a %dx%dx%d model takes %zu", path, len, q->n_in,
                 q->n_hidden, q->n_out, expect);
        goto done;
    }
    if (qnet_alloc(q, err) != 0)
        goto done;
    for (size_t i = 0; i < n1; i++)
        q->w1[i] = br_u16(&r, "w1");
    for (size_t i = 0; i < n2; i++)
        q->w2[i] = br_u16(&r, "w2");
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
