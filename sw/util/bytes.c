/* bytes.c - see bytes.h. */
#include "bytes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void br_init(byte_reader *r, const void *data, size_t len, const char *name, snn_error *err)
{
    r->p = data;
    r->len = len;
    r->pos = 0;
    r->name = name;
    r->failed = 0;
    r->err = err;
}

const uint8_t *br_bytes(byte_reader *r, size_t n, const char *what)
{
    if (r->failed)
        return NULL;
    if (n > r->len - r->pos) {
        r->failed = 1;
        snn_fail(r->err, "%s: truncated: %s needs %zu bytes at offset %zu, %zu left",
                 r->name, what, n, r->pos, r->len - r->pos);
        return NULL;
    }
    const uint8_t *q = r->p + r->pos;
    r->pos += n;
    return q;
}

int br_seek(byte_reader *r, uint64_t pos, const char *what)
{
    if (r->failed)
        return -1;
    if (pos > r->len) {
        r->failed = 1;
        return snn_fail(r->err, "%s: truncated: %s at offset %llu lies beyond the end (%zu bytes)",
                        r->name, what, (unsigned long long)pos, r->len);
    }
    r->pos = (size_t)pos;
    return 0;
}

static uint64_t br_le(byte_reader *r, int n, const char *what)
{
    const uint8_t *q = br_bytes(r, (size_t)n, what);
    uint64_t v = 0;
    if (q)
        for (int i = n - 1; i >= 0; i--)
            v = (v << 8) | q[i];
    return v;
}

uint8_t br_u8(byte_reader *r, const char *what) { return (uint8_t)br_le(r, 1, what); }
uint16_t br_u16(byte_reader *r, const char *what) { return (uint16_t)br_le(r, 2, what); }
uint32_t br_u32(byte_reader *r, const char *what) { return (uint32_t)br_le(r, 4, what); }
uint64_t br_u64(byte_reader *r, const char *what) { return br_le(r, 8, what); }

float br_f32(byte_reader *r, const char *what)
{
    uint32_t u = br_u32(r, what);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static void bw_reserve(byte_writer *w, size_t n)
{
    if (w->oom || w->len + n <= w->cap)
        return;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n)
        cap *= 2;
    uint8_t *p = realloc(w->p, cap);
    if (!p) {
        w->oom = 1;
        return;
    }
    w->p = p;
    w->cap = cap;
}

void bw_bytes(byte_writer *w, const void *data, size_t n)
{
    bw_reserve(w, n);
    if (w->oom)
        return;
    memcpy(w->p + w->len, data, n);
    w->len += n;
}

static void bw_le(byte_writer *w, uint64_t v, int n)
{
    uint8_t b[8];
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    bw_bytes(w, b, (size_t)n);
}

void bw_u8(byte_writer *w, uint8_t v) { bw_le(w, v, 1); }
void bw_u16(byte_writer *w, uint16_t v) { bw_le(w, v, 2); }
void bw_u32(byte_writer *w, uint32_t v) { bw_le(w, v, 4); }
void bw_u64(byte_writer *w, uint64_t v) { bw_le(w, v, 8); }

void bw_f32(byte_writer *w, float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    bw_le(w, u, 4);
}

void bw_crc32(byte_writer *w)
{
    if (!w->oom)
        bw_u32(w, (uint32_t)crc32_z(0L, w->p, w->len));
}

void bw_free(byte_writer *w)
{
    free(w->p);
    w->p = NULL;
    w->len = w->cap = 0;
}

int read_file(const char *path, uint8_t **data, size_t *len, snn_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return snn_fail(err, "%s: cannot open: %s", path, strerror(errno));
    byte_writer w = {0};
    uint8_t chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        bw_bytes(&w, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || w.oom) {
        bw_free(&w);
        return snn_fail(err, "%s: %s", path, bad ? "read error" : "out of memory");
    }
    *data = w.p;
    *len = w.len;
    return 0;
}

int check_framed(const uint8_t *d, size_t n, const char *name, const char magic[4],
                 const char *kind, snn_error *err)
{
    if (n < 8)
        return snn_fail(err, "%s: truncated: %zu bytes cannot hold a magic and a checksum", name, n);
    if (memcmp(d, magic, 4) != 0)
        return snn_fail(err, "%s: not a %s file (bad magic; expected \"%.4s\")", name, kind, magic);
    byte_reader r;
    br_init(&r, d + n - 4, 4, name, err);
    if (crc32_z(0L, d, n - 4) != br_u32(&r, "checksum"))
        return snn_fail(err, "%s: checksum mismatch (file corrupt or truncated)", name);
    return 0;
}
