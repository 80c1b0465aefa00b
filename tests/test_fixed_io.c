/* test_fixed_io.c - the quantized model file (docs/qmodel-format.md): round trip,
 * and the loader's errors for truncated files, wrong magic or version, bad
 * checksums, out-of-range widths and weights; every message names the file.
 * Corrupt files are built byte by byte here with a valid CRC, so that the
 * range checks (not the checksum) are what must catch them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "../sw/fixed/qnet_io.h"
#include "scratch_dir.h"

static char path[128];

static int setup(void **state)
{
    if (scratch_dir_setup(state) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/net.snnq", scratch_dir);
    return 0;
}

/* A valid 3-2-2 network with distinct weights. */
static qnet small_net(void)
{
    qnet q = {.n_in = 3, .n_hidden = 2, .n_out = 2, .n_exc = 1, .steps = 7, .weight_bits = 8,
              .hidden_bits = 16, .readout_bits = 20, .noise_bits = 4, .theta = 300,
              .alpha_q = 3354, .beta_q = 3706, .seed = 0xDEADBEEFu};
    assert_int_equal(qnet_alloc(&q, NULL), 0);
    for (int i = 0; i < 6; i++)
        q.w1[i] = (uint16_t)(40 * i + 1);
    for (int i = 0; i < 4; i++)
        q.w2[i] = (uint16_t)(255 - i);
    return q;
}

static void write_bytes(const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

/* The saved file's bytes (caller frees). */
static uint8_t *saved_bytes(size_t *len)
{
    qnet q = small_net();
    snn_error err;
    assert_int_equal(qnet_save(path, &q, &err), 0);
    qnet_free(&q);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *p = malloc(4096);
    *len = fread(p, 1, 4096, f);
    fclose(f);
    return p;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void fix_crc(uint8_t *p, size_t len)
{
    put_u32(p + len - 4, (uint32_t)crc32(0L, p, (uInt)(len - 4)));
}

/* Loading must fail with a message naming the file and containing `what`. */
static void expect_error(const char *what)
{
    qnet q;
    snn_error err;
    assert_int_equal(qnet_load(path, &q, &err), -1);
    if (!strstr(err.msg, path) || !strstr(err.msg, what))
        fail_msg("expected an error naming %s and saying '%s', got: %s", path, what, err.msg);
    assert_null(q.w1);
}

static void test_round_trip(void **unused)
{
    (void)unused;
    qnet a = small_net(), b;
    snn_error err;
    assert_int_equal(qnet_save(path, &a, &err), 0);
    assert_int_equal(qnet_load(path, &b, &err), 0);
    assert_int_equal(b.n_in, 3);
    assert_int_equal(b.n_exc, 1);
    assert_int_equal(b.steps, 7);
    assert_int_equal(b.readout_bits, 20);
    assert_int_equal(b.noise_bits, 4);
    assert_int_equal(b.theta, 300);
    assert_int_equal(b.alpha_q, 3354);
    assert_int_equal(b.seed, 0xDEADBEEFu);
    assert_memory_equal(a.w1, b.w1, 6 * sizeof *a.w1);
    assert_memory_equal(a.w2, b.w2, 4 * sizeof *a.w2);
    qnet_free(&a);
    qnet_free(&b);
}

static void test_save_rejects_invalid(void **unused)
{
    (void)unused;
    qnet q = small_net();
    q.w1[2] = 256;
    snn_error err;
    unlink(path);
    assert_int_equal(qnet_save(path, &q, &err), -1);
    assert_non_null(strstr(err.msg, "w1 magnitude 2"));
    assert_int_equal(access(path, F_OK), -1); /* nothing written */
    qnet_free(&q);
}

static void test_missing_file(void **unused)
{
    (void)unused;
    unlink(path);
    expect_error("cannot open");
}

static void test_truncated(void **unused)
{
    (void)unused;
    size_t len;
    uint8_t *p = saved_bytes(&len);
    write_bytes(p, len - 10);
    expect_error("checksum");
    write_bytes(p, 20); /* inside the header */
    expect_error("truncated");
    write_bytes(p, 0);
    expect_error("truncated");
    /* A consistent (CRC-valid) file that is simply too short for its shape. */
    size_t short_len = len - 6;
    memmove(p + short_len - 4, p + len - 4, 4);
    fix_crc(p, short_len);
    write_bytes(p, short_len);
    expect_error("bytes");
    free(p);
}

static void test_wrong_magic_and_version(void **unused)
{
    (void)unused;
    size_t len;
    uint8_t *p = saved_bytes(&len);
    p[0] = 'X';
    write_bytes(p, len);
    expect_error("bad magic");
    p[0] = 'S';
    put_u32(p + 4, 2);
    fix_crc(p, len);
    write_bytes(p, len);
    expect_error("version 2");
    free(p);
}

static void test_bad_crc(void **unused)
{
    (void)unused;
    size_t len;
    uint8_t *p = saved_bytes(&len);
    p[len - 8] ^= 1; /* a w2 byte */
    write_bytes(p, len);
    expect_error("checksum");
    free(p);
}

/* Header field offsets: magic 0, version 4, then u32 fields from 8 in the order
 * n_in, n_hidden, n_out, n_exc, steps, B, H, R, N, theta, alpha_q, beta_q, seed. */
static void patch_and_expect(size_t field, uint32_t value, const char *what)
{
    size_t len;
    uint8_t *p = saved_bytes(&len);
    put_u32(p + 8 + 4 * field, value);
    fix_crc(p, len);
    write_bytes(p, len);
    expect_error(what);
    free(p);
}

static void test_out_of_range_fields(void **unused)
{
    (void)unused;
    patch_and_expect(5, 17, "weight bits");   /* B */
    patch_and_expect(5, 0, "weight bits");
    patch_and_expect(6, 40, "hidden bits");  /* H */
    patch_and_expect(6, 7, "hidden bits");
    patch_and_expect(7, 41, "readout bits"); /* R */
    patch_and_expect(8, 17, "noise bits");   /* N */
    patch_and_expect(9, 0, "theta");
    patch_and_expect(9, 32768, "theta");     /* > 2^15 - 1 at H = 16 */
    patch_and_expect(10, 4096, "alpha_q");
    patch_and_expect(3, 3, "excitatory");    /* n_exc > n_hidden */
    patch_and_expect(2, 0, "shape");
    patch_and_expect(4, 0, "time steps");
}

static void test_out_of_range_weight(void **unused)
{
    (void)unused;
    size_t len;
    uint8_t *p = saved_bytes(&len);
    size_t w1_0 = 8 + 4 * 13;
    p[w1_0 + 2 * 4 + 1] = 1; /* w1[4] = 0x100 + 161 > 255 */
    fix_crc(p, len);
    write_bytes(p, len);
    expect_error("w1 magnitude 4");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_save_rejects_invalid),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_wrong_magic_and_version),
        cmocka_unit_test(test_bad_crc),
        cmocka_unit_test(test_out_of_range_fields),
        cmocka_unit_test(test_out_of_range_weight),
    };
    return cmocka_run_group_tests(tests, setup, scratch_dir_teardown);
}
