/* idx.c - see idx.h.
 *
 * The file is read whole, then decoded from memory: a plain file's size is
 * known before anything is allocated for its data, and a gzip file is
 * inflated into a buffer that grows (doubling) only as real data arrive, so a
 * header claiming gigabytes costs at most twice what the stream holds.
 */
#include "idx.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../util/bytes.h" /* read_file */

#define GROW_START ((size_t)1 << 20)

/* The decoded byte stream: the plain file, or the inflated gzip member. */
typedef struct {
    const uint8_t *src;
    size_t len, pos; /* input bytes and how many are consumed */
    int gz;
    int ended;       /* gzip: trailer read and checked (CRC-32, length) */
    z_stream z;
    const char *name;
    snn_error *err;
} idx_stream;

/* Fills dst with up to n decoded bytes; returns how many it got (fewer at the
 * end of the data), or -1 with the error set if the gzip stream is corrupt. */
static long long stream_read(idx_stream *s, uint8_t *dst, size_t n)
{
    if (!s->gz) {
        size_t k = n < s->len - s->pos ? n : s->len - s->pos;
        memcpy(dst, s->src + s->pos, k);
        s->pos += k;
        return (long long)k;
    }
    size_t got = 0;
    while (got < n && !s->ended) {
        if (s->z.avail_in == 0 && s->pos < s->len) { /* feed input in chunks zlib can count */
            size_t k = s->len - s->pos < (1u << 30) ? s->len - s->pos : (1u << 30);
            s->z.next_in = (Bytef *)(s->src + s->pos);
            s->z.avail_in = (uInt)k;
            s->pos += k;
        }
        size_t want = n - got < (1u << 30) ? n - got : (1u << 30);
        s->z.next_out = dst + got;
        s->z.avail_out = (uInt)want;
        int rc = inflate(&s->z, Z_NO_FLUSH);
        got += want - s->z.avail_out;
        if (rc == Z_STREAM_END) {
            s->ended = 1;
        } else if (rc == Z_DATA_ERROR) {
            const char *m = s->z.msg ? s->z.msg : "bad data";
            snn_fail(s->err, "%s: corrupt gzip data: %s", s->name,
                     !strcmp(m, "incorrect data check")     ? "CRC-32 mismatch"
                     : !strcmp(m, "incorrect length check") ? "length mismatch"
                                                            : m);
            return -1;
        } else if (rc == Z_BUF_ERROR) { /* no progress: all input was given, output has room */
            snn_fail(s->err, "%s: truncated gzip stream (it ends before its CRC-32 trailer)",
                     s->name);
            return -1;
        } else if (rc != Z_OK) {
            snn_fail(s->err, "%s: zlib error %d inflating", s->name, rc);
            return -1;
        }
    }
    return (long long)got;
}

/* Reads exactly n header bytes, or fails naming the file. */
static int read_header(idx_stream *s, uint8_t *dst, size_t n)
{
    long long got = stream_read(s, dst, n);
    if (got < 0)
        return -1;
    if ((size_t)got < n)
        return snn_fail(s->err, "%s: truncated IDX header", s->name);
    return 0;
}

/* Reads the total data bytes the header claims into out->data, then checks
 * that nothing follows them: not in the file, and for gzip neither after the
 * data nor after the member's trailer. */
static int read_data(idx_stream *s, size_t total, idx_array *out)
{
    size_t cap = !s->gz || total < GROW_START ? total : GROW_START, have = 0;
    for (;;) {
        uint8_t *p = realloc(out->data, cap);
        if (!p)
            return snn_fail(s->err, "%s: out of memory for %zu bytes", s->name, cap);
        out->data = p;
        long long got = stream_read(s, out->data + have, cap - have);
        if (got < 0)
            return -1;
        have += (size_t)got;
        if (have < cap)
            return snn_fail(s->err, "%s: truncated IDX data: the header claims %zu bytes, the %s "
                            "holds %zu", s->name, total, s->gz ? "gzip stream" : "file", have);
        if (have == total)
            break;
        cap = total - cap < cap ? total : 2 * cap;
    }
    uint8_t extra;
    long long more = stream_read(s, &extra, 1);
    if (more < 0)
        return -1;
    if (more > 0)
        return snn_fail(s->err, "%s: data after the %zu bytes the IDX header claims", s->name, total);
    if (s->gz && s->z.avail_in + (s->len - s->pos) > 0)
        return snn_fail(s->err, "%s: data after the end of the gzip stream", s->name);
    return 0;
}

int idx_decode(const uint8_t *data, size_t len, const char *name, size_t max_bytes,
               idx_array *out, snn_error *err)
{
    memset(out, 0, sizeof *out);
    idx_stream s = {.src = data, .len = len, .gz = len >= 2 && data[0] == 0x1f && data[1] == 0x8b,
                    .name = name, .err = err};
    if (s.gz && inflateInit2(&s.z, 16 + MAX_WBITS) != Z_OK)
        return snn_fail(err, "%s: cannot start zlib", name);
    int rc = -1;
    uint8_t head[4 + 4 * IDX_MAX_DIMS];
    if (read_header(&s, head, 4) != 0)
        goto done;
    if (head[0] != 0 || head[1] != 0) {
        snn_fail(err, "%s: not an IDX file (bad magic %02x%02x)", name, head[0], head[1]);
        goto done;
    }
    if (head[2] != 0x08) {
        snn_fail(err, "%s: IDX type 0x%02x unsupported (need 0x08, unsigned byte)", name, head[2]);
        goto done;
    }
    int ndim = head[3];
    if (ndim < 1 || ndim > IDX_MAX_DIMS) {
        snn_fail(err, "%s: IDX rank %d unsupported (1..%d)", name, ndim, IDX_MAX_DIMS);
        goto done;
    }
    if (read_header(&s, head + 4, 4 * (size_t)ndim) != 0)
        goto done;
    size_t total = 1;
    for (int i = 0; i < ndim; i++) {
        const uint8_t *d = head + 4 + 4 * i; /* IDX is big-endian */
        out->dims[i] = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
        if (out->dims[i] == 0 || out->dims[i] > max_bytes || total > max_bytes / out->dims[i]) {
            snn_fail(err, "%s: IDX dimension %d of size %u is zero or too large (limit %zu bytes)",
                     name, i, out->dims[i], max_bytes);
            goto done;
        }
        total *= out->dims[i];
    }
    if (!s.gz && total > len - s.pos) { /* a plain file's size is known: check before allocating */
        snn_fail(err, "%s: truncated IDX data: the header claims %zu bytes, the file holds %zu",
                 name, total, len - s.pos);
        goto done;
    }
    if (read_data(&s, total, out) != 0)
        goto done;
    out->ndim = ndim;
    rc = 0;
done:
    if (s.gz)
        inflateEnd(&s.z);
    if (rc != 0) {
        free(out->data);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

int idx_read(const char *path, size_t max_bytes, idx_array *out, snn_error *err)
{
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len, err) != 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    int rc = idx_decode(data, len, path, max_bytes, out, err);
    free(data);
    return rc;
}
