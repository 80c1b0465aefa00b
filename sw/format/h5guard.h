/* h5guard.h - checks an HDF5 file from outside before libhdf5 reads it.
 *
 * libhdf5 1.10 trusts the file it reads: a damaged or crafted one makes it
 * allocate, or copy, whatever its headers claim, and some of those copies
 * crash it. A reader of outside files (the SHD loader, the NIR importer)
 * opens the file here first: the superblock must sit at the start with base
 * address 0, every local heap (group member names) must lie inside the file
 * and apart from its own header, every version-1 B-tree node and symbol table
 * node (the groups of the default file format, and the chunk index) must point
 * inside the file, and, before libhdf5 reads variable-length
 * values (lists, strings) of a contiguous dataset, h5guard_vlen_rows checks
 * the raw rows against their global heap objects. Not here: the checks of
 * each dataset's type, rank and extent, which depend on what the reader expects.
 */
#ifndef SNN_H5GUARD_H
#define SNN_H5GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

typedef struct {
    int fd;                            /* the file, read with pread */
    unsigned sizeof_addr, sizeof_size; /* from the superblock: 2, 4 or 8 bytes */
    unsigned leaf_k, internal_k;       /* group B-tree and symbol node sizes (superblock) */
    uint64_t file_size;                /* addresses are offsets: base address 0 */
    uint64_t heap_addr;                /* the global heap collection parsed last (0: none) */
    uint64_t *obj_size;                /* its object sizes by index; UINT64_MAX: no object */
    size_t n_obj;
} h5guard;

/* Opens path (a regular file) and checks its superblock and local heaps. On
 * failure g is closed again. libhdf5's automatic error printing is turned off
 * (its errors come back as values). */
int h5guard_open(h5guard *g, const char *path, snn_error *err);
void h5guard_close(h5guard *g);

/* Checks the raw rows [first, first + count) of a contiguous variable-length
 * dataset `name` stored at file offset `at`, whose values are value_size bytes
 * each (1 for strings): each row's heap object must exist inside its
 * collection and the file and hold exactly the row's length. */
int h5guard_vlen_rows(h5guard *g, const char *path, const char *name, uint64_t at,
                      uint64_t first, uint64_t count, size_t value_size, snn_error *err);

/* The bytes a contiguous vlen row takes on disk (length, heap address, index). */
static inline uint64_t h5guard_vlen_row_size(const h5guard *g)
{
    return 8 + g->sizeof_addr;
}

/* 1 if the file at path starts with the HDF5 signature, 0 if not (or unreadable). */
int h5_has_signature(const char *path);

#endif
