/* test_npz.c - the .npz reader against crafted archives: every offset read from
 * the file is bounds-checked (the 42-byte zip64 file that crashed `snn import`),
 * the zip64 end record is followed, and the zip structure is cross-checked
 * (directory size and count, local header against directory entry, sizes a
 * deflate stream can have, no bytes after an array), so damage is an error
 * naming the file rather than a different set of arrays. Archives come from
 * npz_write and are edited byte by byte here, CRCs fixed where the point is
 * that the structure check (not the CRC) must catch the edit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "scratch_dir.h"
#include "../sw/format/npz.h"
#include "../sw/util/bytes.h"

#define NAME "crafted.npz"

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A two-member archive from npz_write: "w" float32 (2, 3), then "n" an int32
 * scalar. Both stored, so member 0's npy starts at 30 + strlen("w.npy"). */
static uint8_t *archive(size_t *len)
{
    static const double w[6] = {1.5, -2, 0.25, 3, 4, 5}, n = 42;
    npz_entry e[] = {{"w", 2, {2, 3}, 1, w}, {"n", 0, {0}, 0, &n}};
    char path[256];
    snprintf(path, sizeof path, "%s/a.npz", scratch_dir);
    assert_int_equal(npz_write(path, e, 2, NULL), 0);
    uint8_t *data;
    assert_int_equal(read_file(path, &data, len, NULL), 0);
    return data;
}

enum { NPY0 = 30 + 5 };

static size_t central_offset(const uint8_t *d, size_t len) { return get_u32(d + len - 22 + 16); }

/* Decoding must fail with a message naming the archive and containing `what`. */
static void expect_refused(const uint8_t *d, size_t len, const char *what)
{
    npz_file f;
    snn_error err = {{0}};
    assert_int_equal(npz_decode(d, len, NAME, &f, &err), -1);
    if (!strstr(err.msg, NAME) || !strstr(err.msg, what))
        fail_msg("expected an error naming %s and saying '%s', got: %s", NAME, what, err.msg);
    assert_int_equal(f.n, 0);
}

/* A zip64 locator (20 bytes) and an end record (22) whose directory offset
 * says "see zip64": 42 bytes in all. The locator's offset must be bounds
 * checked whatever its value; before, `z64 > len - 56` underflowed. */
static void test_short_file_with_zip64_locator_refused(void **state)
{
    (void)state;
    const uint64_t offsets[] = {0, 22, 41, 42, 1000, (uint64_t)1 << 40, UINT64_MAX};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        uint8_t d[42] = {0};
        memcpy(d, "PK\6\7", 4);
        put_le(d + 8, offsets[i], 8);
        put_le(d + 16, 1, 4);
        memcpy(d + 20, "PK\5\6", 4);
        put_le(d + 20 + 8, 1, 2);
        put_le(d + 20 + 10, 1, 2);
        put_le(d + 20 + 16, 0xffffffffu, 4);
        expect_refused(d, sizeof d, "");
    }
}

/* The same archive with a zip64 end record and locator before its end record
 * (what zip writers emit past 65535 members or 4 GiB) reads the same arrays. */
static void test_zip64_end_record_followed(void **state)
{
    (void)state;
    size_t len;
    uint8_t *d = archive(&len);
    size_t cd = central_offset(d, len), cd_size = len - 22 - cd, z64 = len - 22;
    uint8_t *z = calloc(len + 56 + 20, 1);
    memcpy(z, d, z64);
    uint8_t *r = z + z64; /* zip64 end record */
    memcpy(r, "PK\6\6", 4);
    put_le(r + 4, 44, 8);
    put_le(r + 24, 2, 8);
    put_le(r + 32, 2, 8);
    put_le(r + 40, cd_size, 8);
    put_le(r + 48, cd, 8);
    uint8_t *l = r + 56; /* locator */
    memcpy(l, "PK\6\7", 4);
    put_le(l + 8, z64, 8);
    put_le(l + 16, 1, 4);
    uint8_t *e = l + 20; /* end record: every field "see zip64" */
    memcpy(e, "PK\5\6", 4);
    put_le(e + 8, 0xffff, 2);
    put_le(e + 10, 0xffff, 2);
    put_le(e + 12, 0xffffffffu, 4);
    put_le(e + 16, 0xffffffffu, 4);
    npz_file f;
    snn_error err;
    if (npz_decode(z, len + 56 + 20, NAME, &f, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(f.n, 2);
    const npz_array *w = npz_find(&f, "w");
    assert_non_null(w);
    assert_true(w->values[2] == 0.25);
    npz_free(&f);
    put_le(l + 8, z64 + 1, 8); /* locator off by one */
    expect_refused(z, len + 56 + 20, "zip64");
    free(z);
    free(d);
}

/* An end record that counts one member fewer used to read only the first. */
static void test_entry_count_must_fill_directory(void **state)
{
    (void)state;
    size_t len;
    uint8_t *d = archive(&len);
    put_le(d + len - 22 + 8, 1, 2);
    put_le(d + len - 22 + 10, 1, 2);
    expect_refused(d, len, "corrupt zip directory");
    free(d);
}

/* A renamed local header ("v.npy" for "w.npy") used to pass unnoticed. */
static void test_local_header_must_agree_with_directory(void **state)
{
    (void)state;
    size_t len;
    uint8_t *d = archive(&len);
    d[30] = 'v';
    expect_refused(d, len, "local header disagrees");
    free(d);
}

/* A deflated member claiming 2 GiB from 100 bytes cannot be (deflate expands
 * at most ~1032x): refused before anything is allocated for it. */
static void test_impossible_deflate_size_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t *d = archive(&len);
    size_t cd = central_offset(d, len);
    put_le(d + 8, 8, 2);       /* local method: deflate */
    put_le(d + cd + 10, 8, 2); /* directory method */
    put_le(d + cd + 24, 0x7fffffffu, 4);
    expect_refused(d, len, "corrupt directory entry");
    free(d);
}

/* A .npy whose shape covers less than its data: (2, 3) edited to (2, 2), CRCs
 * fixed, so only the exact-length check can see it. */
static void test_bytes_after_npy_data_refused(void **state)
{
    (void)state;
    size_t len;
    uint8_t *d = archive(&len);
    size_t cd = central_offset(d, len), npy_len = get_u32(d + 18);
    uint8_t *shape = memmem(d + NPY0, npy_len, "(2, 3)", 6);
    assert_non_null(shape);
    shape[4] = '2';
    uint32_t crc = (uint32_t)crc32(0L, d + NPY0, (uInt)npy_len);
    put_le(d + 14, crc, 4);
    put_le(d + cd + 16, crc, 4);
    expect_refused(d, len, "8 bytes after the array data");
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_file_with_zip64_locator_refused),
        cmocka_unit_test(test_zip64_end_record_followed),
        cmocka_unit_test(test_entry_count_must_fill_directory),
        cmocka_unit_test(test_local_header_must_agree_with_directory),
        cmocka_unit_test(test_impossible_deflate_size_refused),
        cmocka_unit_test(test_bytes_after_npy_data_refused),
    };
    return cmocka_run_group_tests_name("npz", tests, scratch_dir_setup, scratch_dir_teardown);
}
