/* idx.c - see idx.h. zlib's gzread passes plain files through unchanged. */
#include "idx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int read_exact(gzFile f, void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
        int got = gzread(f, p, chunk);
        if (got <= 0)
            return -1;
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

int idx_read(const char *path, size_t max_bytes, idx_array *out, snn_error *err)
{
    memset(out, 0, sizeof *out);
    gzFile f = gzopen(path, "rb");
    if (!f)
        return snn_fail(err, "%s: cannot open: %s", path, strerror(errno));
    uint8_t head[4];
    if (read_exact(f, head, 4) != 0) {
        gzclose(f);
        return snn_fail(err, "%s: truncated IDX header", path);
    }
    if (head[0] != 0 || head[1] != 0) {
        gzclose(f);
        return snn_fail(err, "%s: not an IDX file (bad magic %02x%02x)", path, head[0], head[1]);
    }
    if (head[2] != 0x08) {
        gzclose(f);
        return snn_fail(err, "%s: IDX type 0x%02x unsupported (need 0x08, unsigned byte)", path, head[2]);
    }
    int ndim = head[3];
    if (ndim < 1 || ndim > IDX_MAX_DIMS) {
        gzclose(f);
        return snn_fail(err, "%s: IDX rank %d unsupported (1..%d)", path, ndim, IDX_MAX_DIMS);
    }
    size_t total = 1;
    for (int i = 0; i < ndim; i++) {
        uint8_t d[4];
        if (read_exact(f, d, 4) != 0) {
            gzclose(f);
            return snn_fail(err, "%s: truncated IDX header", path);
        }
        out->dims[i] = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
        if (out->dims[i] == 0 || out->dims[i] > max_bytes || total > max_bytes / out->dims[i]) {
            gzclose(f);
            return snn_fail(err, "%s: IDX dimension %d of size %u is zero or too large (limit %zu bytes)",
                            path, i, out->dims[i], max_bytes);
        }
        total *= out->dims[i];
    }
    out->ndim = ndim;
    out->data = malloc(total);
    if (!out->data) {
        gzclose(f);
        return snn_fail(err, "%s: out of memory for %zu bytes", path, total);
    }
    if (read_exact(f, out->data, total) != 0) {
        free(out->data);
        out->data = NULL;
        gzclose(f);
        return snn_fail(err, "%s: truncated IDX data (expected %zu bytes)", path, total);
    }
    gzclose(f);
    return 0;
}
