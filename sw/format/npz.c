/* npz.c - see npz.h. Zip layout: APPNOTE.TXT sections 4.3 (records) and 4.5.3 (zip64). */
#include "npz.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../util/atomic_file.h"
#include "../util/bytes.h"

#define MAX_MEMBERS 1024
#define MAX_VALUES ((size_t)1 << 28)

/* --- .npy --------------------------------------------------------------- */

/* Finds the value text after 'key': in the header dict. */
static const char *dict_value(const char *hdr, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s':", key);
    const char *p = strstr(hdr, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    return p;
}

static int parse_npy(const uint8_t *data, size_t len, const char *what, npz_array *a,
                     snn_error *err)
{
    byte_reader r;
    br_init(&r, data, len, what, err);
    const uint8_t *magic = br_bytes(&r, 6, "npy magic");
    if (!magic)
        return -1;
    if (memcmp(magic, "\x93NUMPY", 6) != 0)
        return snn_fail(err, "%s: not a .npy array (bad magic)", what);
    uint8_t major = br_u8(&r, "npy version");
    br_u8(&r, "npy version");
    if (!r.failed && (major < 1 || major > 3))
        return snn_fail(err, "%s: .npy version %u unsupported", what, major);
    size_t hlen = major == 1 ? br_u16(&r, "header length") : br_u32(&r, "header length");
    const uint8_t *h = br_bytes(&r, hlen, "npy header");
    if (!h)
        return -1;
    char hdr[1024];
    if (hlen >= sizeof hdr)
        return snn_fail(err, "%s: .npy header of %zu bytes is too long", what, hlen);
    memcpy(hdr, h, hlen);
    hdr[hlen] = 0;
    const char *descr = dict_value(hdr, "descr"), *fo = dict_value(hdr, "fortran_order");
    const char *shape = dict_value(hdr, "shape");
    if (!descr || !fo || !shape)
        return snn_fail(err, "%s: .npy header lacks descr, fortran_order or shape", what);
    if (strncmp(fo, "False", 5) != 0)
        return snn_fail(err, "%s: Fortran-ordered arrays are not supported", what);
    char type[8] = {0};
    if (sscanf(descr, "'%7[^']'", type) != 1)
        return snn_fail(err, "%s: unreadable dtype", what);
    /* Little-endian (or one-byte) floats and integers of every width numpy writes. */
    static const char *const known[] = {"<f4", "<f8", "|b1", "|u1", "|i1", "<u2", "<i2",
                                        "<u4", "<i4", "<u8", "<i8"};
    int size = 0;
    for (size_t k = 0; k < sizeof known / sizeof *known && !size; k++)
        if (!strcmp(type, known[k]))
            size = type[2] - '0';
    if (!size)
        return snn_fail(err, "%s: dtype %s unsupported (float32/64, (u)int8/16/32/64, bool)", what,
                        type);
    memcpy(a->dtype, type, sizeof a->dtype);
    if (*shape != '(')
        return snn_fail(err, "%s: unreadable shape", what);
    a->ndim = 0;
    a->count = 1;
    for (const char *p = shape + 1; *p && *p != ')';) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        char *end;
        unsigned long long d = strtoull(p, &end, 10);
        if (end == p || a->ndim == NPZ_MAX_DIMS)
            return snn_fail(err, "%s: unreadable shape or more than %d dimensions", what, NPZ_MAX_DIMS);
        if (d > MAX_VALUES || (d && a->count > MAX_VALUES / d))
            return snn_fail(err, "%s: shape too large", what);
        a->shape[a->ndim++] = (size_t)d;
        a->count *= (size_t)d;
        p = end;
    }
    const uint8_t *body = br_bytes(&r, a->count * size, "array data");
    if (!body)
        return -1;
    if (r.pos != len)
        return snn_fail(err, "%s: %zu bytes after the array data", what, len - r.pos);
    a->values = malloc(sizeof *a->values * (a->count ? a->count : 1));
    if (!a->values)
        return snn_fail(err, "%s: out of memory", what);
    for (size_t i = 0; i < a->count; i++) {
        const uint8_t *q = body + i * size;
        uint64_t u = 0;
        for (int b = size - 1; b >= 0; b--)
            u = u << 8 | q[b];
        if (type[1] == 'f' && size == 4) {
            uint32_t u32 = (uint32_t)u;
            float f;
            memcpy(&f, &u32, 4);
            a->values[i] = f;
        } else if (type[1] == 'f') {
            memcpy(&a->values[i], &u, 8);
        } else if (type[1] == 'i' && size < 8 && u >> (8 * size - 1)) {
            a->values[i] = (double)(int64_t)(u | ~(uint64_t)0 << 8 * size); /* sign-extended */
        } else if (type[1] == 'i') {
            a->values[i] = (double)(int64_t)u;
        } else {
            a->values[i] = (double)u;
        }
    }
    return 0;
}

/* --- zip reading -------------------------------------------------------- */

/* Deflate cannot expand data more than about 1032:1, so a member that claims
 * more is corrupt; checking before allocating bounds memory by the file size. */
#define DEFLATE_MAX_RATIO 1032

static int inflate_member(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    z_stream z = {0};
    if (src_len > UINT_MAX || dst_len > UINT_MAX || inflateInit2(&z, -15) != Z_OK)
        return -1;
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)src_len;
    z.next_out = dst;
    z.avail_out = (uInt)dst_len;
    int rc = inflate(&z, Z_FINISH);
    size_t produced = z.total_out, used = z.total_in;
    inflateEnd(&z);
    return rc == Z_STREAM_END && produced == dst_len && used == src_len ? 0 : -1;
}

/* Reads the zip64 extended-information extra field where a 32-bit field overflowed. */
static void zip64_sizes(const uint8_t *extra, size_t len, uint64_t *usize, uint64_t *csize,
                        uint64_t *offset)
{
    byte_reader r;
    br_init(&r, extra, len, "zip64 extra", NULL);
    while (!r.failed && r.len - r.pos >= 4) {
        uint16_t id = br_u16(&r, ""), size = br_u16(&r, "");
        const uint8_t *field = br_bytes(&r, size, "");
        if (!field || id != 1)
            continue;
        byte_reader f;
        br_init(&f, field, size, "zip64 extra", NULL);
        if (*usize == 0xffffffffu)
            *usize = br_u64(&f, "");
        if (*csize == 0xffffffffu)
            *csize = br_u64(&f, "");
        if (offset && *offset == 0xffffffffu)
            *offset = br_u64(&f, "");
        return;
    }
}

/* Finds the end-of-central-directory record: the last "PK\5\6" with room for
 * its 22 bytes, within 64 KiB (the longest comment) of the end. */
static int find_end_record(const uint8_t *data, size_t len, size_t *at)
{
    for (size_t back = 22; back <= len && back <= 22 + 65535; back++)
        if (memcmp(data + len - back, "PK\5\6", 4) == 0) {
            *at = len - back;
            return 0;
        }
    return -1;
}

/* One directory entry's member: its local header must agree with the entry
 * (name, method, CRC) so that damage to either is caught, not half-believed. */
static int read_member(const uint8_t *data, size_t len, const char *member, uint16_t method,
                       uint32_t crc, uint64_t csize, uint64_t usize, uint64_t offset,
                       const uint8_t *name, uint16_t name_len, uint8_t **out, snn_error *err)
{
    byte_reader l;
    br_init(&l, data, len, member, err);
    br_seek(&l, offset, "local header");
    const uint8_t *sig = br_bytes(&l, 4, "local header");
    if (sig && memcmp(sig, "PK\3\4", 4) != 0)
        return snn_fail(err, "%s: local header missing (corrupt directory offset)", member);
    br_bytes(&l, 2, "local version");
    uint16_t flags = br_u16(&l, "local flags"), lmethod = br_u16(&l, "local method");
    br_bytes(&l, 4, "local time");
    uint32_t lcrc = br_u32(&l, "local crc");
    br_bytes(&l, 8, "local sizes");
    uint16_t lname_len = br_u16(&l, "local name length"), lextra_len = br_u16(&l, "local extra length");
    const uint8_t *lname = br_bytes(&l, lname_len, "local name");
    br_bytes(&l, lextra_len, "local extra");
    const uint8_t *body = br_bytes(&l, csize, "member data");
    if (!body)
        return -1;
    /* With flag bit 3 the CRC follows the data instead of sitting in the header. */
    if (lname_len != name_len || memcmp(lname, name, name_len) != 0 || lmethod != method ||
        (!(flags & 8) && lcrc != crc))
        return snn_fail(err, "%s: local header disagrees with the directory (corrupt file)", member);
    if (method != 0 && method != 8)
        return snn_fail(err, "%s: compression method %u unsupported", member, method);
    if (method == 0 ? csize != usize : usize > csize * DEFLATE_MAX_RATIO + 64)
        return snn_fail(err, "%s: corrupt directory entry (sizes %llu compressed, %llu stored)",
                        member, (unsigned long long)csize, (unsigned long long)usize);
    if (usize > MAX_VALUES * 8 + 65536)
        return snn_fail(err, "%s: %llu bytes is too large an array", member, (unsigned long long)usize);
    uint8_t *raw = malloc(usize ? usize : 1);
    if (!raw)
        return snn_fail(err, "%s: out of memory", member);
    int bad = method == 8 && inflate_member(body, csize, raw, usize) != 0;
    if (!bad && method == 0)
        memcpy(raw, body, usize);
    if (bad || crc32_z(0L, raw, usize) != crc) {
        free(raw);
        return snn_fail(err, "%s: corrupt data (%s)", member, bad ? "bad compressed stream" : "CRC mismatch");
    }
    *out = raw;
    return 0;
}

int npz_decode(const uint8_t *data, size_t len, const char *path, npz_file *out, snn_error *err)
{
    memset(out, 0, sizeof *out);
    size_t eocd;
    if (find_end_record(data, len, &eocd) != 0)
        return snn_fail(err, "%s: not a zip/.npz archive (no end-of-central-directory record)", path);
    byte_reader r;
    br_init(&r, data, len, path, err);
    br_seek(&r, eocd + 8, "end record");
    uint64_t disk_entries = br_u16(&r, "entry count"), n_entries = br_u16(&r, "entry count");
    uint64_t cd_size = br_u32(&r, "directory size"), cd_offset = br_u32(&r, "directory offset");
    uint64_t cd_end = eocd; /* the directory ends where the (zip64) end record starts */
    if (r.failed)
        return -1;
    if (cd_offset == 0xffffffffu || n_entries == 0xffff || cd_size == 0xffffffffu) {
        br_seek(&r, eocd >= 20 ? eocd - 20 : len, "zip64 locator");
        const uint8_t *sig = br_bytes(&r, 4, "zip64 locator");
        if (sig && memcmp(sig, "PK\6\7", 4) == 0) {
            br_bytes(&r, 4, "zip64 locator disk");
            cd_end = br_u64(&r, "zip64 end offset");
            br_seek(&r, cd_end, "zip64 end record");
            sig = br_bytes(&r, 4, "zip64 end record");
            if (sig && memcmp(sig, "PK\6\6", 4) != 0)
                return snn_fail(err, "%s: corrupt zip64 end record", path);
            br_bytes(&r, 20, "zip64 end record");
            disk_entries = br_u64(&r, "zip64 entry count");
            n_entries = br_u64(&r, "zip64 entry count");
            cd_size = br_u64(&r, "zip64 directory size");
            cd_offset = br_u64(&r, "zip64 directory offset");
        }
        if (r.failed)
            return -1;
    }
    if (n_entries != disk_entries || n_entries > MAX_MEMBERS || cd_offset > cd_end ||
        cd_size != cd_end - cd_offset)
        return snn_fail(err, "%s: corrupt zip directory (%llu entries, %llu bytes at offset %llu)",
                        path, (unsigned long long)n_entries, (unsigned long long)cd_size,
                        (unsigned long long)cd_offset);
    out->arrays = calloc(n_entries ? n_entries : 1, sizeof *out->arrays);
    if (!out->arrays)
        return snn_fail(err, "%s: out of memory", path);
    br_seek(&r, cd_offset, "zip directory");
    for (uint64_t e = 0; e < n_entries; e++) {
        const uint8_t *sig = br_bytes(&r, 4, "directory entry");
        if (sig && memcmp(sig, "PK\1\2", 4) != 0) {
            snn_fail(err, "%s: corrupt zip directory entry %llu", path, (unsigned long long)e);
            goto fail;
        }
        br_bytes(&r, 6, "entry versions, flags");
        uint16_t method = br_u16(&r, "method");
        br_bytes(&r, 4, "entry time");
        uint32_t crc = br_u32(&r, "crc");
        uint64_t csize = br_u32(&r, "compressed size"), usize = br_u32(&r, "size");
        uint16_t name_len = br_u16(&r, "name length"), extra_len = br_u16(&r, "extra length");
        uint16_t comment_len = br_u16(&r, "comment length");
        br_bytes(&r, 8, "entry attributes");
        uint64_t offset = br_u32(&r, "local header offset");
        const uint8_t *name = br_bytes(&r, name_len, "entry name");
        const uint8_t *extra = br_bytes(&r, extra_len, "entry extra");
        br_bytes(&r, comment_len, "entry comment");
        if (r.failed || r.pos > cd_end) {
            snn_fail(err, "%s: corrupt zip directory (entry %llu runs past its end)", path,
                     (unsigned long long)e);
            goto fail;
        }
        zip64_sizes(extra, extra_len, &usize, &csize, &offset);
        char member[160];
        snprintf(member, sizeof member, "%s: member '%.*s'", path, name_len > 100 ? 100 : name_len,
                 (const char *)name);
        if (name_len < 5 || name_len - 4 >= (int)sizeof out->arrays[0].name ||
            memcmp(name + name_len - 4, ".npy", 4) != 0 || memchr(name, 0, name_len)) {
            snn_fail(err, "%s is not a .npy array", member);
            goto fail;
        }
        uint8_t *raw = NULL;
        if (read_member(data, len, member, method, crc, csize, usize, offset, name, name_len,
                        &raw, err) != 0)
            goto fail;
        npz_array *a = &out->arrays[out->n];
        memcpy(a->name, name, name_len - 4u);
        a->name[name_len - 4] = 0;
        int pr = parse_npy(raw, usize, member, a, err);
        free(raw);
        if (pr != 0)
            goto fail;
        out->n++;
    }
    if (r.pos != cd_end) { /* the counted entries must fill the directory exactly */
        snn_fail(err, "%s: corrupt zip directory (%llu entries leave %llu bytes unread)", path,
                 (unsigned long long)n_entries, (unsigned long long)(cd_end - r.pos));
        goto fail;
    }
    return 0;
fail:
    npz_free(out);
    return -1;
}

int npz_read(const char *path, npz_file *out, snn_error *err)
{
    uint8_t *data;
    size_t len;
    if (read_file(path, &data, &len, err) != 0) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    int rc = npz_decode(data, len, path, out, err);
    free(data);
    return rc;
}

const npz_array *npz_find(const npz_file *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->arrays[i].name, name) == 0)
            return &f->arrays[i];
    return NULL;
}

void npz_free(npz_file *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->arrays[i].values);
    free(f->arrays);
    memset(f, 0, sizeof *f);
}

/* --- writing ------------------------------------------------------------ */

static void npy_encode(byte_writer *w, const npz_entry *e)
{
    char hdr[256], shape[128] = "";
    size_t count = 1, n = 0;
    for (int d = 0; d < e->ndim; d++) {
        n += (size_t)snprintf(shape + n, sizeof shape - n, "%zu,%s", e->shape[d],
                              d + 1 < e->ndim ? " " : "");
        count *= e->shape[d];
    }
    if (e->ndim > 1)
        shape[strlen(shape) - 1] = 0; /* (3, 4) not (3, 4,) */
    int len = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                       e->is_float ? "<f4" : "<i4", shape);
    int total = 10 + len + 1;
    int pad = (64 - total % 64) % 64; /* data start aligned to 64 bytes, as numpy does */
    bw_bytes(w, "\x93NUMPY\1\0", 8);
    bw_u16(w, (uint16_t)(len + pad + 1));
    bw_bytes(w, hdr, (size_t)len);
    for (int i = 0; i < pad; i++)
        bw_u8(w, ' ');
    bw_u8(w, '\n');
    for (size_t i = 0; i < count; i++) {
        if (e->is_float)
            bw_f32(w, (float)e->data[i]);
        else
            bw_u32(w, (uint32_t)(int32_t)e->data[i]);
    }
}

int npz_write(const char *path, const npz_entry *entries, int n, snn_error *err)
{
    byte_writer zip = {0}, dir = {0};
    for (int i = 0; i < n; i++) {
        byte_writer npy = {0};
        npy_encode(&npy, &entries[i]);
        char name[80];
        int name_len = snprintf(name, sizeof name, "%s.npy", entries[i].name);
        uint32_t crc = (uint32_t)crc32(0L, npy.p, (uInt)npy.len);
        uint32_t offset = (uint32_t)zip.len;
        /* local header: version 20, no flags, stored, fixed DOS time (deterministic files) */
        bw_bytes(&zip, "PK\3\4", 4);
        bw_u16(&zip, 20), bw_u16(&zip, 0), bw_u16(&zip, 0);
        bw_u16(&zip, 0), bw_u16(&zip, 0x21);
        bw_u32(&zip, crc), bw_u32(&zip, (uint32_t)npy.len), bw_u32(&zip, (uint32_t)npy.len);
        bw_u16(&zip, (uint16_t)name_len), bw_u16(&zip, 0);
        bw_bytes(&zip, name, (size_t)name_len);
        bw_bytes(&zip, npy.p, npy.len);
        bw_bytes(&dir, "PK\1\2", 4);
        bw_u16(&dir, 20), bw_u16(&dir, 20), bw_u16(&dir, 0), bw_u16(&dir, 0);
        bw_u16(&dir, 0), bw_u16(&dir, 0x21);
        bw_u32(&dir, crc), bw_u32(&dir, (uint32_t)npy.len), bw_u32(&dir, (uint32_t)npy.len);
        bw_u16(&dir, (uint16_t)name_len), bw_u16(&dir, 0), bw_u16(&dir, 0);
        bw_u16(&dir, 0), bw_u16(&dir, 0), bw_u32(&dir, 0);
        bw_u32(&dir, offset);
        bw_bytes(&dir, name, (size_t)name_len);
        bw_free(&npy);
    }
    uint32_t dir_offset = (uint32_t)zip.len;
    bw_bytes(&zip, dir.p, dir.len);
    bw_bytes(&zip, "PK\5\6", 4);
    bw_u16(&zip, 0), bw_u16(&zip, 0);
    bw_u16(&zip, (uint16_t)n), bw_u16(&zip, (uint16_t)n);
    bw_u32(&zip, (uint32_t)dir.len), bw_u32(&zip, dir_offset);
    bw_u16(&zip, 0);
    int rc = zip.oom || dir.oom ? snn_fail(err, "%s: out of memory", path)
                                : atomic_write(path, zip.p, zip.len, err);
    bw_free(&zip);
    bw_free(&dir);
    return rc;
}
