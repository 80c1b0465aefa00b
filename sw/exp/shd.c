/* shd.c - see shd.h.
 *
 * libhdf5 trusts the file it reads: a damaged or crafted one makes it
 * allocate, or copy, whatever its headers claim. So before any data is read,
 * each dataset's type, rank and extent is checked against what an SHD file
 * holds and against the file's size; the rows are then read in blocks, and
 * before libhdf5 reads a block of variable-length rows the loader reads their
 * raw form itself and checks it (heap_check below). Every value is
 * range-checked before it is used.
 */
#include "shd.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK_ROWS 256 /* rows asked of libhdf5 per read */

/* One of the three datasets, opened and checked. */
typedef struct {
    const char *name;
    int vlen;           /* variable-length rows (times, units) or one integer per row (labels) */
    H5T_class_t base;   /* H5T_FLOAT or H5T_INTEGER: the class of the values */
    hid_t ds, fspace, mem_type;
    hsize_t rows;
    size_t value_size;  /* bytes of one stored value */
    uint64_t offset;    /* file offset of the raw rows (contiguous layout) */
} shd_set;

/* Variable-length rows as libhdf5 1.10 stores them, checked before it reads
 * them. A row on disk is (uint32 length, heap address, uint32 object index);
 * the values are an object in the global heap collection at that address.
 * H5HG_read copies the object's recorded size into a buffer sized from the
 * row's length, so a crafted heap overflows it (or copies 2^64 bytes): here
 * every object a row names must lie inside its collection, inside the file,
 * and hold exactly length values. The collection is walked the way libhdf5
 * walks it (H5HG__cache_heap_deserialize), so both see the same objects. */
typedef struct {
    int fd;
    unsigned sizeof_addr, sizeof_size; /* from the superblock: 2, 4 or 8 bytes */
    uint64_t file_size;                /* addresses are offsets: base address 0 */
    uint64_t heap_addr;                /* the collection parsed last (0: none) */
    uint64_t *obj_size;                /* its object sizes by index; UINT64_MAX: no object */
    size_t n_obj;
} heap_check;

static uint64_t le_uint(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static int read_at(const heap_check *h, uint64_t at, void *buf, uint64_t n)
{
    return at <= h->file_size && n <= h->file_size - at &&
                   pread(h->fd, buf, (size_t)n, (off_t)at) == (ssize_t)n
               ? 0
               : -1;
}

/* Parses the collection at addr (unless it is the one parsed last). */
static int parse_collection(heap_check *h, uint64_t addr, const char *path, snn_error *err)
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

/* Checks the raw rows [first, first + count) of a contiguous vlen dataset
 * stored at file offset `at`, whose values are value_size bytes each. */
static int check_vlen_rows(heap_check *h, const char *path, const char *name, uint64_t at,
                           hsize_t first, hsize_t count, size_t value_size, snn_error *err)
{
    const unsigned row = 8 + h->sizeof_addr;
    uint8_t *raw = malloc((size_t)count * row);
    if (!raw)
        return snn_fail(err, "%s: out of memory", path);
    int rc = read_at(h, at + first * row, raw, count * row);
    if (rc != 0)
        rc = snn_fail(err, "%s: %s: rows %llu.. lie past the end of the file", path, name,
                      (unsigned long long)first);
    for (hsize_t r = 0; rc == 0 && r < count; r++) {
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

/* Whether elem (a dataset's value type) is what the set needs: an IEEE float
 * of 4 or 8 bytes, or an integer of 1 to 8 bytes. */
static int value_type_ok(hid_t elem, H5T_class_t base)
{
    if (elem < 0 || H5Tget_class(elem) != base)
        return 0;
    if (base == H5T_INTEGER) {
        size_t size = H5Tget_size(elem);
        return size >= 1 && size <= 8;
    }
    const hid_t ieee[] = {H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE};
    for (int i = 0; i < 4; i++)
        if (H5Tequal(elem, ieee[i]) > 0)
            return 1;
    return 0;
}

/* Opens and checks one dataset: type, rank, extent, and a layout whose stored
 * bytes are the rows' (contiguous, inside the file, which heap_check can read
 * for vlen rows; or compact labels). */
static int open_set(hid_t file, const char *path, const heap_check *h, shd_set *s, snn_error *err)
{
    if (H5Lexists(file, s->name, H5P_DEFAULT) <= 0)
        return snn_fail(err, "%s: no %s (not an SHD release file)", path, s->name);
    s->ds = H5Dopen2(file, s->name, H5P_DEFAULT);
    if (s->ds < 0)
        return snn_fail(err, "%s: %s is not a dataset", path, s->name);
    hid_t type = H5Dget_type(s->ds);
    hid_t elem = type >= 0 && s->vlen && H5Tget_class(type) == H5T_VLEN ? H5Tget_super(type) : -1;
    hid_t value = s->vlen ? elem : type;
    int ok = value_type_ok(value, s->base);
    s->value_size = ok ? H5Tget_size(value) : 0;
    if (elem >= 0)
        H5Tclose(elem);
    if (type >= 0)
        H5Tclose(type);
    if (!ok)
        return snn_fail(err, "%s: %s is not %s", path, s->name,
                        !s->vlen ? "integers of up to 8 bytes"
                        : s->base == H5T_FLOAT ? "variable-length lists of IEEE floats"
                                               : "variable-length lists of integers of up to 8 bytes");
    s->fspace = H5Dget_space(s->ds);
    hsize_t dim = 0;
    if (s->fspace < 0 || H5Sget_simple_extent_type(s->fspace) != H5S_SIMPLE ||
        H5Sget_simple_extent_ndims(s->fspace) != 1 ||
        H5Sget_simple_extent_dims(s->fspace, &dim, NULL) != 1)
        return snn_fail(err, "%s: %s is not 1-D", path, s->name);
    if (dim > h->file_size) /* every row takes at least one byte of the file */
        return snn_fail(err, "%s: %s claims %llu rows, more than the file's %llu bytes can hold",
                        path, s->name, (unsigned long long)dim, (unsigned long long)h->file_size);
    s->rows = dim;
    /* libhdf5 reads a layout as its message claims: a compact dataset of 0 bytes
     * with rows to read copies from NULL. So the stored bytes must be the rows'. */
    hid_t dcpl = H5Dget_create_plist(s->ds);
    H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
    if (dcpl >= 0)
        H5Pclose(dcpl);
    uint64_t bytes = (uint64_t)dim * (s->vlen ? 8 + h->sizeof_addr : s->value_size);
    haddr_t at = layout == H5D_CONTIGUOUS ? H5Dget_offset(s->ds) : HADDR_UNDEF;
    if (dim > 0 && layout == H5D_CONTIGUOUS && at == HADDR_UNDEF)
        return snn_fail(err, "%s: %s has no data stored", path, s->name);
    if (dim > 0 && (layout == H5D_CONTIGUOUS || (layout == H5D_COMPACT && !s->vlen))) {
        if (H5Dget_storage_size(s->ds) != bytes ||
            (at != HADDR_UNDEF && (at > h->file_size || bytes > h->file_size - at)))
            return snn_fail(err, "%s: %s: %llu rows but %llu bytes stored (damaged file)", path,
                            s->name, (unsigned long long)dim,
                            (unsigned long long)H5Dget_storage_size(s->ds));
    } else if (dim > 0) {
        return snn_fail(err, "%s: %s is stored %s: not read (the loader checks contiguous "
                        "data before libhdf5 reads it; h5repack -l CONTI makes it so)", path,
                        s->name, layout == H5D_CHUNKED ? "in chunks" : "compact or unknown");
    }
    s->offset = at;
    hid_t native = s->base == H5T_FLOAT ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT;
    s->mem_type = s->vlen ? H5Tvlen_create(native) : H5Tcopy(native);
    return s->mem_type < 0 ? snn_fail(err, "%s: libhdf5 cannot make a memory type", path) : 0;
}

static void close_set(shd_set *s)
{
    if (s->mem_type >= 0)
        H5Tclose(s->mem_type);
    if (s->fspace >= 0)
        H5Sclose(s->fspace);
    if (s->ds >= 0)
        H5Dclose(s->ds);
}

/* Reads rows [first, first + count) of s into buf (count elements of s->mem_type). */
static int read_block(const shd_set *s, hsize_t first, hsize_t count, void *buf)
{
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    herr_t st = mspace < 0 ? -1
                           : H5Sselect_hyperslab(s->fspace, H5S_SELECT_SET, &first, NULL, &count,
                                                 NULL);
    if (st >= 0)
        st = H5Dread(s->ds, s->mem_type, mspace, s->fspace, H5P_DEFAULT, buf);
    if (mspace >= 0)
        H5Sclose(mspace);
    return st < 0 ? -1 : 0;
}

/* Checks and bins the spikes of sample i; seen is (steps, SHD_INPUTS) scratch. */
static int bin_sample(const char *path, hsize_t i, const hvl_t *times, const hvl_t *units,
                      int steps, double max_time, uint8_t *seen, event_list *ev, snn_error *err)
{
    if (times->len != units->len)
        return snn_fail(err, "%s: sample %llu has %zu times but %zu units", path,
                        (unsigned long long)i, times->len, units->len);
    const double *t = times->p;
    const int *u = units->p;
    memset(seen, 0, (size_t)steps * SHD_INPUTS);
    for (size_t e = 0; e < times->len; e++) {
        if (!(t[e] >= 0) || isinf(t[e]))
            return snn_fail(err, "%s: sample %llu spike %zu: time %g is not a time >= 0", path,
                            (unsigned long long)i, e, t[e]);
        if (u[e] < 0 || u[e] >= SHD_INPUTS)
            return snn_fail(err, "%s: sample %llu spike %zu: unit %d out of range [0, %d)", path,
                            (unsigned long long)i, e, u[e], SHD_INPUTS);
        if (t[e] >= max_time) /* past the window (however far): dropped, never cast */
            continue;
        int step = (int)(t[e] / max_time * steps);
        if (step >= steps || seen[(size_t)step * SHD_INPUTS + u[e]])
            continue;
        seen[(size_t)step * SHD_INPUTS + u[e]] = 1;
        if (event_list_push(ev, (uint32_t)i, (uint16_t)step, (uint16_t)u[e]) != 0)
            return snn_fail(err, "%s: out of memory for %zu spikes", path, ev->n);
    }
    return 0;
}

typedef struct {
    hid_t file;
    heap_check heap;
    shd_set set[3]; /* labels, times, units */
    int *labels;    /* one block's */
    hvl_t *times, *units;
    int have_times, have_units; /* the block's vlen rows are to be reclaimed */
    uint8_t *seen, *all_labels;
    event_list ev;
} shd_load_state;

static void reclaim_block(shd_load_state *s)
{
    hsize_t count = BLOCK_ROWS;
    hid_t space = H5Screate_simple(1, &count, NULL);
    if (s->have_times)
        H5Dvlen_reclaim(s->set[1].mem_type, space, H5P_DEFAULT, s->times);
    if (s->have_units)
        H5Dvlen_reclaim(s->set[2].mem_type, space, H5P_DEFAULT, s->units);
    H5Sclose(space);
    s->have_times = s->have_units = 0;
}

static void release(shd_load_state *s)
{
    reclaim_block(s);
    for (int k = 0; k < 3; k++)
        close_set(&s->set[k]);
    free(s->labels);
    free(s->times);
    free(s->units);
    free(s->seen);
    free(s->all_labels);
    event_list_free(&s->ev);
    free(s->heap.obj_size);
    if (s->heap.fd >= 0)
        close(s->heap.fd);
    if (s->file >= 0)
        H5Fclose(s->file);
}

/* Checks, reads and bins rows [first, first + count) into s. */
static int load_block(shd_load_state *s, const char *path, hsize_t first, hsize_t count,
                      int steps, double max_time, snn_error *err)
{
    for (int k = 1; k < 3; k++)
        if (check_vlen_rows(&s->heap, path, s->set[k].name, s->set[k].offset, first, count,
                            s->set[k].value_size, err) != 0)
            return -1;
    memset(s->times, 0, sizeof *s->times * BLOCK_ROWS);
    memset(s->units, 0, sizeof *s->units * BLOCK_ROWS);
    /* A failed vlen read may leave rows allocated: reclaim them either way. */
    s->have_times = 1;
    int rc = read_block(&s->set[1], first, count, s->times);
    s->have_units = 1;
    if (rc == 0)
        rc = read_block(&s->set[2], first, count, s->units);
    if (rc == 0)
        rc = read_block(&s->set[0], first, count, s->labels);
    if (rc != 0)
        return snn_fail(err, "%s: rows %llu..%llu of /labels, /spikes/times or /spikes/units "
                        "cannot be read (damaged file)", path, (unsigned long long)first,
                        (unsigned long long)(first + count - 1));
    for (hsize_t r = 0; r < count; r++) {
        hsize_t i = first + r;
        if (s->labels[r] < 0 || s->labels[r] >= SHD_CLASSES)
            return snn_fail(err, "%s: sample %llu: label %d out of range [0, %d)", path,
                            (unsigned long long)i, s->labels[r], SHD_CLASSES);
        s->all_labels[i] = (uint8_t)s->labels[r];
        if (bin_sample(path, i, &s->times[r], &s->units[r], steps, max_time, s->seen, &s->ev,
                       err) != 0)
            return -1;
    }
    reclaim_block(s);
    return 0;
}

/* Reads the superblock, before libhdf5 does: the sizes of addresses and
 * lengths (for heap_check), and its base address, which must be 0 (no user
 * block): libhdf5 1.10 reads a crafted base address inconsistently (heap
 * objects past their collection). */
static int read_superblock(heap_check *h, const char *path, snn_error *err)
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
    return 0;
}

/* A local heap (group member names): libhdf5 1.10 copies from a wild pointer
 * (SIGSEGV in H5F__accum_read, from H5Lexists) when its data segment overlaps
 * its own header or lies past the file. p: the heap's header bytes. */
static int check_local_heap(const heap_check *h, const char *path, uint64_t heap,
                            const uint8_t *p, snn_error *err)
{
    const unsigned hdr = 8 + 2 * h->sizeof_size + h->sizeof_addr;
    uint64_t size = le_uint(p + 8, h->sizeof_size);
    uint64_t data = le_uint(p + 8 + 2 * h->sizeof_size, h->sizeof_addr);
    int inside = data <= h->file_size && size <= h->file_size - data;
    int apart = data >= heap + hdr || data + size <= heap;
    if (inside && apart)
        return 0;
    return snn_fail(err, "%s: the local heap at %llu has its data (%llu bytes at %llu) %s "
                    "(damaged file)", path, (unsigned long long)heap, (unsigned long long)size,
                    (unsigned long long)data,
                    inside ? "over its own header" : "past the end of the file");
}

/* A group's symbol table message (its B-tree and local heap addresses, p): libhdf5
 * 1.10 follows both without checking they are defined, and the undefined address
 * (all ones) makes H5F__accum_read copy from NULL (via H5HL_protect or H5B_find in
 * H5G__stab_lookup). Both must lie inside the file. */
static int check_stab(const heap_check *h, const char *path, uint64_t at, const uint8_t *p,
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
static uint8_t *read_new(const heap_check *h, uint64_t at, uint64_t n)
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
static int check_group_node(const heap_check *h, const char *path, uint64_t at, snn_error *err)
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
static int check_ohdr(const heap_check *h, const char *path, uint64_t at, snn_error *err)
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

/* Checks the group metadata libhdf5 reads to look a name up, before it does:
 * every local heap ("HEAP", version 0), group B-tree node ("TREE") and symbol
 * table message (in a version 1 object header: type 0x0011, a size that is a
 * multiple of 8, zero reserved bytes; in a version 2 one, "OHDR", its messages).
 * They are found by their signatures and patterns; the chance of one plus a
 * consistent structure in spike data is nil. */
static int check_groups(const heap_check *h, const char *path, snn_error *err)
{
    enum { CHUNK = 1 << 20, KEEP = 64 }; /* KEEP: a structure straddling two chunks */
    const unsigned sa = h->sizeof_addr, heap_hdr = 8 + 2 * h->sizeof_size + sa;
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
            uint64_t left = n - i;
            if (*p == 'H' && left >= heap_hdr && memcmp(p, "HEAP", 4) == 0 && p[4] == 0)
                rc = check_local_heap(h, path, at + i, p, err);
            else if (*p == 'T' && left >= 4 && memcmp(p, "TREE", 4) == 0)
                rc = check_group_node(h, path, at + i, err);
            else if (*p == 'O' && left >= 4 && memcmp(p, "OHDR", 4) == 0)
                rc = check_ohdr(h, path, at + i, err);
            else if (*p == 0x11 && left >= 8 + 2u * sa && p[1] == 0 && p[5] == 0 && p[6] == 0 &&
                     p[7] == 0 && le_uint(p + 2, 2) >= 2u * sa && le_uint(p + 2, 2) % 8 == 0)
                rc = check_stab(h, path, at + i, p + 8, err);
        }
    }
    free(buf);
    return rc;
}

int shd_load(const char *path, int limit, int steps, double max_time, spike_data *out,
             snn_error *err)
{
    memset(out, 0, sizeof *out);
    if (steps < 1 || steps > 65535 || !(max_time > 0) || isinf(max_time))
        return snn_fail(err, "%s: steps must be in [1, 65535] and max_time finite and > 0", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back as values, not as stack dumps */
    shd_load_state s = {.file = -1,
                        .heap = {.fd = -1},
                        .set = {{"/labels", 0, H5T_INTEGER, -1, -1, -1, 0, 0, 0},
                                {"/spikes/times", 1, H5T_FLOAT, -1, -1, -1, 0, 0, 0},
                                {"/spikes/units", 1, H5T_INTEGER, -1, -1, -1, 0, 0, 0}}};
    int rc = -1;
    struct stat st;
    s.heap.fd = open(path, O_RDONLY);
    if (s.heap.fd < 0 || fstat(s.heap.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snn_fail(err, "%s: cannot open: %s", path,
                 s.heap.fd < 0 ? strerror(errno) : "not a regular file");
        goto done;
    }
    s.heap.file_size = (uint64_t)st.st_size;
    if (read_superblock(&s.heap, path, err) != 0 || check_groups(&s.heap, path, err) != 0)
        goto done;
    s.file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (s.file < 0) {
        snn_fail(err, "%s: cannot open as HDF5 (damaged file)", path);
        goto done;
    }
    if (H5Lexists(s.file, "/spikes", H5P_DEFAULT) <= 0) {
        snn_fail(err, "%s: no /spikes group (not an SHD release file)", path);
        goto done;
    }
    for (int k = 0; k < 3; k++)
        if (open_set(s.file, path, &s.heap, &s.set[k], err) != 0)
            goto done;
    hsize_t n_lab = s.set[0].rows;
    if (s.set[1].rows != n_lab || s.set[2].rows != n_lab) {
        snn_fail(err, "%s: %llu labels but %llu time lists and %llu unit lists", path,
                 (unsigned long long)n_lab, (unsigned long long)s.set[1].rows,
                 (unsigned long long)s.set[2].rows);
        goto done;
    }
    hsize_t n = limit > 0 && (hsize_t)limit < n_lab ? (hsize_t)limit : n_lab;
    if (n == 0 || n > INT32_MAX) {
        snn_fail(err, "%s: %llu samples (need 1 to %d)", path, (unsigned long long)n, INT32_MAX);
        goto done;
    }
    s.labels = malloc(sizeof *s.labels * BLOCK_ROWS);
    s.times = malloc(sizeof *s.times * BLOCK_ROWS);
    s.units = malloc(sizeof *s.units * BLOCK_ROWS);
    s.seen = malloc((size_t)steps * SHD_INPUTS);
    s.all_labels = malloc(n);
    if (!s.labels || !s.times || !s.units || !s.seen || !s.all_labels) {
        snn_fail(err, "%s: out of memory", path);
        goto done;
    }
    for (hsize_t first = 0; first < n; first += BLOCK_ROWS) {
        hsize_t count = n - first < BLOCK_ROWS ? n - first : BLOCK_ROWS;
        if (load_block(&s, path, first, count, steps, max_time, err) != 0)
            goto done;
    }
    uint8_t *labels = s.all_labels;
    s.all_labels = NULL; /* spike_data_from_events owns them now, whatever it returns */
    if (spike_data_from_events((int)n, SHD_INPUTS, steps, SHD_CLASSES, labels, s.ev.n,
                               s.ev.sample, s.ev.step, s.ev.input, out, err) != 0) {
        char inner[sizeof err->msg];
        snprintf(inner, sizeof inner, "%s", err ? err->msg : "");
        snn_fail(err, "%s: %s", path, inner);
        goto done;
    }
    rc = 0;
done:
    release(&s);
    return rc;
}
