/* test_fixed_io.c - the quantized model file (docs/qmodel-format.md): round trip
 * of both versions (1: the paper's shape, 2: any network) and a committed
 * version-1 file, and the loader's errors for truncated files, wrong magic or
 * version, bad checksums, out-of-range widths, layers and weights; every
 * message names the file.
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
    qnet q = {.n_in = 3, .n_out = 2, .steps = 7, .n_layers = 1,
              .layer[0] = {.size = 2, .n_exc = 1, .theta = 300, .alpha_q = 3354, .beta_q = 3706},
              .out_alpha_q = 3354, .out_beta_q = 3706, .weight_bits = 8, .hidden_bits = 16,
              .readout_bits = 20, .noise_bits = 4, .seed = 0xDEADBEEFu};
    assert_int_equal(qnet_alloc(&q, NULL), 0);
    for (int i = 0; i < 6; i++)
        q.ff[0][i] = (uint16_t)(40 * i + 1);
    for (int i = 0; i < 4; i++)
        q.ff[1][i] = (uint16_t)(255 - i);
    return q;
}

/* A valid 3-4r-2-2 network: two layers with their own constants, the first
 * recurrent, the readout with its own decays (format version 2). */
static qnet deep_net(void)
{
    qnet q = {.n_in = 3, .n_out = 2, .steps = 9, .n_layers = 2,
              .layer = {{.size = 4, .n_exc = 3, .recurrent = 1, .theta = 300, .alpha_q = 3354,
                         .beta_q = 3706},
                        {.size = 2, .n_exc = 1, .theta = 77, .alpha_q = 100, .beta_q = 4095}},
              .out_alpha_q = 2048, .out_beta_q = 1000, .weight_bits = 8, .hidden_bits = 16,
              .readout_bits = 20, .noise_bits = 4, .seed = 42};
    assert_int_equal(qnet_alloc(&q, NULL), 0);
    assert_int_equal(qnet_weight_count(&q), 12 + 8 + 4 + 16);
    for (size_t i = 0; i < qnet_weight_count(&q); i++)
        q.ff[0][i] = (uint16_t)(7 * i % 256);
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
    assert_null(q.ff[0]);
}

static void test_round_trip(void **unused)
{
    (void)unused;
    qnet a = small_net(), b;
    snn_error err;
    assert_int_equal(qnet_save(path, &a, &err), 0);
    assert_int_equal(qnet_load(path, &b, &err), 0);
    assert_int_equal(b.n_in, 3);
    assert_int_equal(b.n_layers, 1);
    assert_int_equal(b.layer[0].n_exc, 1);
    assert_int_equal(b.steps, 7);
    assert_int_equal(b.readout_bits, 20);
    assert_int_equal(b.noise_bits, 4);
    assert_int_equal(b.layer[0].theta, 300);
    assert_int_equal(b.layer[0].alpha_q, 3354);
    assert_int_equal(b.out_alpha_q, 3354); /* version 1: the readout shares the decays */
    assert_int_equal(b.out_beta_q, 3706);
    assert_int_equal(b.seed, 0xDEADBEEFu);
    assert_memory_equal(a.ff[0], b.ff[0], 6 * sizeof *a.ff[0]);
    assert_memory_equal(a.ff[1], b.ff[1], 4 * sizeof *a.ff[1]);
    qnet_free(&a);
    qnet_free(&b);
}

/* The paper's shape is still written as version 1 (today's files, checksums
 * and readers stay valid); anything else as version 2, which keeps every
 * layer's constants, the recurrent matrix and the readout decays. */
static void test_round_trip_v2(void **unused)
{
    (void)unused;
    size_t len;
    uint8_t *p = saved_bytes(&len);
    assert_int_equal(p[4], 1);
    free(p);
    qnet a = deep_net(), b;
    snn_error err;
    assert_int_equal(qnet_save(path, &a, &err), 0);
    assert_int_equal(qnet_load(path, &b, &err), 0);
    assert_int_equal(b.n_layers, 2);
    assert_memory_equal(a.layer, b.layer, sizeof a.layer);
    assert_int_equal(b.out_alpha_q, 2048);
    assert_int_equal(b.out_beta_q, 1000);
    assert_int_equal(b.steps, 9);
    assert_int_equal(b.seed, 42);
    assert_non_null(b.rec[0]);
    assert_null(b.rec[1]);
    assert_memory_equal(a.ff[0], b.ff[0], qnet_weight_count(&a) * sizeof *a.ff[0]);
    assert_memory_equal(a.rec[0], b.rec[0], 16 * sizeof *a.rec[0]);
    qnet_free(&b);
    /* A one-layer network that is recurrent, or whose readout has its own decays, is
     * not the paper's shape: version 2 too. */
    qnet c = small_net();
    c.out_beta_q = 1;
    assert_int_equal(qnet_save(path, &c, &err), 0);
    assert_int_equal(qnet_load(path, &b, &err), 0);
    assert_int_equal(b.out_beta_q, 1);
    assert_int_equal(b.layer[0].beta_q, 3706);
    qnet_free(&b);
    qnet_free(&c);
    qnet_free(&a);
}

/* A version-1 file committed before version 2 existed still loads. */
static void test_committed_v1_file(void **unused)
{
    (void)unused;
    qnet q;
    snn_error err;
    if (qnet_load("tests/fuzz/corpus/snnq/q432.snnq", &q, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(q.n_layers, 1);
    assert_int_equal(q.n_in, 4);
    assert_int_equal(q.layer[0].size, 3);
    assert_int_equal(q.n_out, 2);
    assert_true(qnet_is_single_layer(&q));
    qnet_free(&q);
}

/* Version-2 header: magic, version, 11 u32 (n_in, n_out, steps, n_layers, B, H, R,
 * N, seed, out_alpha_q, out_beta_q), then per layer 6 u32 (size, n_exc,
 * recurrent, theta, alpha_q, beta_q). Patches deep_net's file. */
static void patch_v2_and_expect(size_t field, uint32_t value, const char *what)
{
    qnet q = deep_net();
    snn_error err;
    assert_int_equal(qnet_save(path, &q, &err), 0);
    qnet_free(&q);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t p[4096];
    size_t len = fread(p, 1, sizeof p, f);
    fclose(f);
    put_u32(p + 8 + 4 * field, value);
    fix_crc(p, len);
    write_bytes(p, len);
    expect_error(what);
}

static void test_v2_out_of_range(void **unused)
{
    (void)unused;
    patch_v2_and_expect(3, 0, "hidden layers");
    patch_v2_and_expect(3, 5, "hidden layers");
    patch_v2_and_expect(3, 1, "bytes");          /* a consistent header, the wrong length */
    patch_v2_and_expect(9, 4096, "readout decays");
    patch_v2_and_expect(11 + 2, 2, "recurrent");  /* layer 0's flag */
    patch_v2_and_expect(11 + 2, 0, "bytes");      /* no recurrent matrix: 32 bytes too many */
    patch_v2_and_expect(11 + 6 + 3, 0, "of hidden layer 1 outside");
    patch_v2_and_expect(11 + 6 + 5, 4096, "hidden layer 1 decays");
    patch_v2_and_expect(11 + 6 + 1, 3, "excitatory");
}

static void test_save_rejects_invalid(void **unused)
{
    (void)unused;
    qnet q = small_net();
    q.ff[0][2] = 256;
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
    put_u32(p + 4, 3);
    fix_crc(p, len);
    write_bytes(p, len);
    expect_error("version 3");
    put_u32(p + 4, 0);
    fix_crc(p, len);
    write_bytes(p, len);
    expect_error("version 0");
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
        cmocka_unit_test(test_round_trip_v2),
        cmocka_unit_test(test_committed_v1_file),
        cmocka_unit_test(test_v2_out_of_range),
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
