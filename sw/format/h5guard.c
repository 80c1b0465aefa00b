/* h5guard.c - see h5guard.h. */
#include "h5guard.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Variable-length rows as libhdf5 1.10 stores them, checked before it reads
 * them. A row on disk is (uint32 length, heap address, uint32 object index);
 * the values are an object in the global heap collection at that address.
 * H5HG_read copies the object's recorded size into a buffer sized from the
 * row's length, so a crafted heap overflows it (or copies 2^64 bytes): here
 * every object a row names must lie inside its collection, inside the file,
 * and hold exactly length values. The collection is walked the way libhdf5
 * walks it (H5HG__cache_heap_deserialize), so both see the same objects. */
static uint64_t le_uint(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static int read_at(const h5guard *h, uint64_t at, void *buf, uint64_t n)
{
    return at <= h->file_size && n <= h->file_size - at &&
                   pread(h->fd, buf, (size_t)n, (off_t)at) == (ssize_t)n
               ? 0
               : -1;
}

/* Parses the collection at addr (unless it is the one parsed last). */
static int parse_collection(h5guard *h, uint64_t addr, const char *path, snn_error *err)
{
    if (addr == h->heap_addr)
        return 0;
    const unsigned hdr = 8 + h->sizeof_size, obj_hdr = 8 + h->sizeof_size;
    uint8_t head[16];
    uint64_t at = addr, size = 0;
    if (addr > h->file_size || read_at(h, at, head, hdr) != 0 || memcmp(head, "GCOL", 4) != 0 ||
        head[4] != 1 || (size = le_uint(head + 8, h->sizeof_size)) < hdr ||
        size > h->file_size - at)
        return snn_fail(err, "%s: damaged global heap collection at %llu (size %llu, file %llu "
                        "bytes)", path, (unsigned long long)addr, (unsigned long long)size,
                        (unsigned long long)h->file_size);
    uint8_t *c = malloc((size_t)size);
    uint64_t *obj = calloc(65536, sizeof *obj); /* object indices are 16-bit */
    int rc = c && obj ? read_at(h, at, c, size) : -1;
    size_t n_obj = 0;
    for (uint64_t p = hdr; rc == 0 && p < size && size - p >= obj_hdr;) {
        unsigned idx = (unsigned)le_uint(c + p, 2);
        uint64_t osize = le_uint(c + p + 8, h->sizeof_size);
        /* An object's data follows its header, padded to 8; the free-space
         * object (index 0) counts its header in its size. */
        uint64_t room = size - p, need = idx ? obj_hdr + ((osize + 7) & ~(uint64_t)7) : osize;
        if (idx ? osize > room - obj_hdr : osize < obj_hdr || osize > room) {
            rc = -1;
            break;
        }
        if (idx) {
            if (n_obj <= idx) {
                for (size_t k = n_obj; k < idx; k++)
                    obj[k] = UINT64_MAX;
                n_obj = idx + 1;
            }
            obj[idx] = osize;
        }
        p += need;
    }
    free(c);
    if (rc != 0) {
        free(obj);
        return snn_fail(err, "%s: global heap collection at %llu: an object runs past its end "
                        "(damaged file)", path, (unsigned long long)addr);
    }
    free(h->obj_size);
    h->obj_size = obj;
    h->n_obj = n_obj;
    h->heap_addr = addr;
    return 0;
}

int h5guard_vlen_rows(h5guard *h, const char *path, const char *name, uint64_t at,
                      uint64_t first, uint64_t count, size_t value_size, snn_error *err)
{
    const unsigned row = 8 + h->sizeof_addr;
    uint8_t *raw = malloc((size_t)count * row);
    if (!raw)
        return snn_fail(err, "%s: out of memory", path);
    int rc = read_at(h, at + first * row, raw, count * row);
    if (rc != 0)
        rc = snn_fail(err, "%s: %s: rows %llu.. lie past the end of the file", path, name,
                      (unsigned long long)first);
    for (uint64_t r = 0; rc == 0 && r < count; r++) {
        const uint8_t *e = raw + r * row;
        uint64_t len = le_uint(e, 4), addr = le_uint(e + 4, h->sizeof_addr);
        uint64_t idx = le_uint(e + 4 + h->sizeof_addr, 4);
        if (addr == 0) {
            if (len)
                rc = snn_fail(err, "%s: %s row %llu: %llu values but no heap object", path, name,
                              (unsigned long long)(first + r), (unsigned long long)len);
            continue;
        }
        rc = parse_collection(h, addr, path, err);
        if (rc == 0 && (idx >= h->n_obj || h->obj_size[idx] != len * value_size))
            rc = snn_fail(err, "%s: %s row %llu: %llu values, but heap object %llu holds %lld "
                          "bytes (damaged file)", path, name, (unsigned long long)(first + r),
                          (unsigned long long)len, (unsigned long long)idx,
                          idx < h->n_obj && h->obj_size[idx] != UINT64_MAX
                              ? (long long)h->obj_size[idx] : -1LL);
    }
    free(raw);
    return rc;
}

/* Reads the superblock, before libhdf5 does: the sizes of addresses and
 * lengths (for h5guard), and its base address, which must be 0 (no user
 * block): libhdf5 1.10 reads a crafted base address inconsistently (heap
 * objects past their collection). */
static int read_superblock(h5guard *h, const char *path, snn_error *err)
{
    static const uint8_t sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    uint8_t sb[40];
    if (read_at(h, 0, sb, sizeof sb) != 0 || memcmp(sb, sig, 8) != 0 || sb[8] > 3)
        return snn_fail(err, "%s: not an HDF5 file (no superblock of version 0 to 3 at its "
                        "start)", path);
    /* Versions 0 and 1: sizes at bytes 13 and 14, base address at 24 (0) or 28 (1);
     * versions 2 and 3: sizes at 9 and 10, base address at 12. */
    int old = sb[8] <= 1;
    unsigned sa = sb[old ? 13 : 9], ss = sb[old ? 14 : 10];
    unsigned base_at = sb[8] == 0 ? 24 : sb[8] == 1 ? 28 : 12;
    if ((sa != 2 && sa != 4 && sa != 8) || (ss != 2 && ss != 4 && ss != 8))
        return snn_fail(err, "%s: unusual superblock (addresses of %u bytes, lengths of %u)",
                        path, sa, ss);
    if (le_uint(sb + base_at, sa) != 0)
        return snn_fail(err, "%s: the HDF5 superblock's base address is not 0 (a user block or "
                        "a damaged superblock): not read", path);
    h->sizeof_addr = sa;
    h->sizeof_size = ss;
    /* Versions 0 and 1 store the group node sizes; later ones use libhdf5's defaults. */
    h->leaf_k = old ? (unsigned)le_uint(sb + 16, 2) : 4;
    h->internal_k = old ? (unsigned)le_uint(sb + 18, 2) : 16;
    if (h->leaf_k == 0 || h->internal_k == 0)
        return snn_fail(err, "%s: the superblock's group node sizes are 0 (damaged file)", path);
    return 0;
}

/* An address a node holds: "undefined" (all ones) where allowed, else inside the file. */
static int addr_ok(const h5guard *h, uint64_t a, int undef_ok)
{
    uint64_t undef = h->sizeof_addr == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * h->sizeof_addr)) - 1;
    return (undef_ok && a == undef) || a < h->file_size;
}

/* Checks a local heap (group member names): its data must lie inside the file,
 * apart from its own header; libhdf5 1.10 copies from a wild pointer (SIGSEGV
 * in H5F__accum_read, from H5Lexists) when the two overlap. */
static int check_heap(const h5guard *h, uint64_t at, const uint8_t *p, const char *path,
                      snn_error *err)
{
    const unsigned hdr = 8 + 2 * h->sizeof_size + h->sizeof_addr;
    uint64_t size = le_uint(p + 8, h->sizeof_size);
    uint64_t data = le_uint(p + 8 + 2 * h->sizeof_size, h->sizeof_addr);
    int inside = data <= h->file_size && size <= h->file_size - data;
    int apart = data >= at + hdr || data + size <= at;
    if (inside && apart)
        return 0;
    return snn_fail(err, "%s: the local heap at %llu has its data (%llu bytes at %llu) %s "
                    "(damaged file)", path, (unsigned long long)at, (unsigned long long)size,
                    (unsigned long long)data,
                    inside ? "over its own header" : "past the end of the file");
}

/* A group's symbol table message (its B-tree and local heap addresses, p): libhdf5
 * 1.10 follows both without checking they are defined, and the undefined address
 * (all ones) makes H5F__accum_read copy from NULL (via H5HL_protect or H5B_find in
 * H5G__stab_lookup). Both must lie inside the file. */
static int check_stab(const h5guard *h, const char *path, uint64_t at, const uint8_t *p,
                      snn_error *err)
{
    const unsigned sa = h->sizeof_addr;
    uint64_t btree = le_uint(p, sa), heap = le_uint(p + sa, sa);
    if (btree < h->file_size && heap < h->file_size)
        return 0;
    return snn_fail(err, "%s: the group symbol table at %llu names its B-tree at %llu and its "
                    "local heap at %llu: %s past the end of the file (damaged file)", path,
                    (unsigned long long)at, (unsigned long long)btree, (unsigned long long)heap,
                    btree < h->file_size ? "the heap lies" : "the B-tree lies");
}

/* Reads n bytes at `at` into a new buffer, or NULL (past the file, or no memory). */
static uint8_t *read_new(const h5guard *h, uint64_t at, uint64_t n)
{
    uint8_t *b = at <= h->file_size && n <= h->file_size - at ? malloc(n ? n : 1) : NULL;
    if (b && read_at(h, at, b, n) != 0) {
        free(b);
        b = NULL;
    }
    return b;
}

/* A group B-tree node (type 0): libhdf5 follows each child address as it does a
 * symbol table's, so each must lie inside the file. */
static int check_group_node(const h5guard *h, const char *path, uint64_t at, snn_error *err)
{
    const unsigned sa = h->sizeof_addr, ss = h->sizeof_size, head = 8 + 2 * sa;
    uint8_t p[8];
    if (read_at(h, at, p, 8) != 0 || p[4] != 0)
        return 0; /* not a group node (chunk indices are not read) */
    uint64_t entries = le_uint(p + 6, 2), n = head + ss + entries * (ss + sa);
    uint8_t *b = read_new(h, at, n);
    if (!b)
        return snn_fail(err, "%s: the group B-tree node at %llu (%llu entries) runs past the end "
                        "of the file (damaged file)", path, (unsigned long long)at,
                        (unsigned long long)entries);
    int rc = 0;
    for (uint64_t i = 0; rc == 0 && i < entries; i++) {
        uint64_t child = le_uint(b + head + ss + i * (ss + sa), sa);
        if (child >= h->file_size)
            rc = snn_fail(err, "%s: the group B-tree node at %llu names child %llu at %llu, past "
                          "the end of the file (damaged file)", path, (unsigned long long)at,
                          (unsigned long long)i, (unsigned long long)child);
    }
    free(b);
    return rc;
}

/* A version 2 object header ("OHDR"): its first chunk's symbol table messages. */
static int check_ohdr(const h5guard *h, const char *path, uint64_t at, snn_error *err)
{
    uint8_t p[40];
    if (read_at(h, at, p, 6) != 0 || p[4] != 2)
        return 0;
    unsigned flags = p[5], off = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    unsigned width = 1u << (flags & 3), mhead = flags & 0x04 ? 6 : 4;
    if (read_at(h, at + off, p, width) != 0)
        return 0; /* libhdf5 cannot read it either */
    uint64_t size = le_uint(p, width);
    uint8_t *b = read_new(h, at + off + width, size);
    if (!b)
        return 0;
    int rc = 0;
    for (uint64_t m = 0; rc == 0 && size >= mhead && m <= size - mhead;) {
        uint64_t msize = le_uint(b + m + 1, 2);
        if (b[m] == 0x11 && msize >= 2u * h->sizeof_addr && msize <= size - m - mhead)
            rc = check_stab(h, path, at + off + width + m, b + m + mhead, err);
        m += mhead + msize;
    }
    free(b);
    return rc;
}

/* A version-1 B-tree node whose siblings and children lie inside the file:
 * libhdf5 1.10 reads a child at a wild address (an address near 2^64 wraps its
 * end-of-file check) and crashes in H5F__accum_read. Group nodes (type 0) have
 * keys of sizeof_size bytes; chunk index nodes (type 1) keys of 8 + 8 (rank + 1)
 * bytes, and the node does not say the rank: one of ranks 1 to 3 must fit. */
static int tree_ok(const h5guard *h, uint64_t at)
{
    const unsigned sa = h->sizeof_addr, ss = h->sizeof_size;
    uint8_t head[8 + 16];
    if (read_at(h, at, head, 8 + 2 * sa) != 0 || head[4] > 1)
        return 0;
    unsigned type = head[4], entries = (unsigned)le_uint(head + 6, 2);
    if (!addr_ok(h, le_uint(head + 8, sa), 1) || !addr_ok(h, le_uint(head + 8 + sa, sa), 1) ||
        (type == 0 && entries > 2 * h->internal_k))
        return 0;
    for (unsigned rank = type == 0 ? 0 : 1; rank <= (type == 0 ? 0 : 3); rank++) {
        uint64_t key = type == 0 ? ss : 8 + 8 * (rank + 1);
        uint64_t bytes = (uint64_t)entries * (key + sa) + key;
        uint8_t *p = bytes <= h->file_size ? malloc((size_t)bytes) : NULL;
        int ok = p && read_at(h, at + 8 + 2 * sa, p, bytes) == 0;
        for (unsigned i = 0; ok && i < entries; i++) {
            const uint8_t *k = p + i * (key + sa);
            ok = addr_ok(h, le_uint(k + key, sa), 0) &&
                 (type == 0 || le_uint(k, 4) <= h->file_size);
        }
        free(p);
        if (ok)
            return 1;
    }
    return 0;
}

/* A symbol table node whose entries point inside the file (object headers, and
 * the B-tree and heap a cached group entry names). */
static int snod_ok(const h5guard *h, uint64_t at)
{
    const unsigned sa = h->sizeof_addr, ss = h->sizeof_size, entry = ss + sa + 24;
    uint8_t head[8];
    if (read_at(h, at, head, 8) != 0 || head[4] != 1)
        return 0;
    unsigned n = (unsigned)le_uint(head + 6, 2);
    if (n > 2 * h->leaf_k)
        return 0;
    uint8_t *p = malloc((size_t)n * entry + 1);
    int ok = p && read_at(h, at + 8, p, (uint64_t)n * entry) == 0;
    for (unsigned i = 0; ok && i < n; i++) {
        const uint8_t *e = p + (size_t)i * entry;
        uint32_t cache = (uint32_t)le_uint(e + ss + sa, 4);
        ok = addr_ok(h, le_uint(e + ss, sa), 0) && cache <= 2 &&
             (cache != 1 || (addr_ok(h, le_uint(e + ss + sa + 8, sa), 0) &&
                             addr_ok(h, le_uint(e + ss + sa + 8 + sa, sa), 0)));
    }
    free(p);
    return ok;
}

/* Finds the group metadata libhdf5 reads to look a name up, and the chunk index,
 * and checks it before libhdf5 reads any: every local heap ("HEAP", version 0),
 * version-1 B-tree node ("TREE"), symbol table node ("SNOD") and symbol table
 * message (in a version 1 object header: type 0x0011, a size that is a multiple
 * of 8, zero reserved bytes; in a version 2 one, "OHDR", its messages). They are
 * found by their signatures and patterns; the chance of one plus a consistent
 * structure in numeric data is nil, and a false alarm only refuses the file. */
static int check_structures(const h5guard *h, const char *path, snn_error *err)
{
    enum { CHUNK = 1 << 20, KEEP = 64 }; /* KEEP: a heap header straddling two chunks */
    const unsigned sa = h->sizeof_addr, hdr = 8 + 2 * h->sizeof_size + sa;
    uint8_t *buf = malloc(CHUNK + KEEP);
    if (!buf)
        return snn_fail(err, "%s: out of memory", path);
    int rc = 0;
    for (uint64_t at = 0; rc == 0 && at < h->file_size; at += CHUNK) {
        uint64_t n = h->file_size - at < CHUNK + KEEP ? h->file_size - at : CHUNK + KEEP;
        if (read_at(h, at, buf, n) != 0) {
            rc = snn_fail(err, "%s: read error", path);
            break;
        }
        for (uint64_t i = 0; rc == 0 && i < n && i < CHUNK; i++) {
            const uint8_t *p = buf + i;
            if ((p[0] != 'H' && p[0] != 'T' && p[0] != 'S' && p[0] != 'O' && p[0] != 0x11) ||
                n - i < 8)
                continue;
            const char *what = NULL;
            uint64_t left = n - i;
            if (memcmp(p, "HEAP", 4) == 0 && p[4] == 0 && left >= hdr)
                rc = check_heap(h, at + i, p, path, err);
            else if (memcmp(p, "TREE", 4) == 0)
                rc = check_group_node(h, path, at + i, err) != 0 ? -1
                     : tree_ok(h, at + i)                      ? 0
                                                               : (what = "B-tree node", 0);
            else if (memcmp(p, "SNOD", 4) == 0)
                what = snod_ok(h, at + i) ? NULL : "symbol table node";
            else if (memcmp(p, "OHDR", 4) == 0)
                rc = check_ohdr(h, path, at + i, err);
            else if (*p == 0x11 && left >= 8 + 2u * sa && p[1] == 0 && p[5] == 0 && p[6] == 0 &&
                     p[7] == 0 && le_uint(p + 2, 2) >= 2u * sa && le_uint(p + 2, 2) % 8 == 0)
                rc = check_stab(h, path, at + i, p + 8, err);
            if (what)
                rc = snn_fail(err, "%s: the %s at %llu points outside the file "
                              "(damaged file)", path, what, (unsigned long long)(at + i));
        }
    }
    free(buf);
    return rc;
}

int h5guard_open(h5guard *g, const char *path, snn_error *err)
{
    memset(g, 0, sizeof *g);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back as values, not as stack dumps */
    struct stat st;
    g->fd = open(path, O_RDONLY);
    if (g->fd < 0 || fstat(g->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snn_fail(err, "%s: cannot open: %s", path,
                 g->fd < 0 ? strerror(errno) : "not a regular file");
        h5guard_close(g);
        return -1;
    }
    g->file_size = (uint64_t)st.st_size;
    if (read_superblock(g, path, err) != 0 || check_structures(g, path, err) != 0) {
        h5guard_close(g);
        return -1;
    }
    return 0;
}

void h5guard_close(h5guard *g)
{
    free(g->obj_size);
    g->obj_size = NULL;
    g->n_obj = 0;
    g->heap_addr = 0;
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
}

int h5_has_signature(const char *path)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    unsigned char b[8];
    FILE *f = fopen(path, "rb");
    int yes = f && fread(b, 1, 8, f) == 8 && memcmp(b, sig, 8) == 0;
    if (f)
        fclose(f);
    return yes;
}
