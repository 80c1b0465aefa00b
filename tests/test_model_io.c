/* test_model_io.c - model files and .npz: round trips, and bad files rejected
 * with a message naming the file and the problem. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "scratch_dir.h"
#include "../sw/io/npz.h"
#include "../sw/net/model.h"
#include "../sw/util/bytes.h"

static char path[256];

static const char *tmp(const char *name)
{
    snprintf(path, sizeof path, "%s/%s", scratch_dir, name);
    return path;
}

static void small_model(snn_model *m, int dale)
{
    snn_config c = snn_default_config();
    c.n_in = 7, c.layer[0].size = 5, c.n_out = 3, c.layer[0].n_exc = 4, c.dale = dale;
    assert_int_equal(snn_model_alloc(m, &c, NULL), 0);
    snn_rng rng;
    snn_rng_seed(&rng, 5, 0);
    snn_model_init(m, 0.5, &rng);
}

static void expect_error(int rc, const snn_error *err, const char *file, const char *what)
{
    assert_int_equal(rc, -1);
    if (!strstr(err->msg, file) || !strstr(err->msg, what)) {
        print_error("message '%s' lacks '%s' or '%s'\n", err->msg, file, what);
        fail();
    }
}

static void test_model_round_trip_with_training_state(void **state)
{
    (void)state;
    snn_model m, back;
    small_model(&m, 1);
    const char blob[] = "optimizer state";
    assert_int_equal(snn_model_save(tmp("m.snn"), &m, blob, sizeof blob, NULL), 0);
    void *got;
    size_t len;
    assert_int_equal(snn_model_load(tmp("m.snn"), &back, &got, &len, NULL), 0);
    assert_int_equal(len, sizeof blob);
    assert_memory_equal(got, blob, sizeof blob);
    assert_memory_equal(&back.cfg, &m.cfg, sizeof m.cfg);
    assert_memory_equal(back.ff[0], m.ff[0], sizeof(float) * 35);
    assert_memory_equal(back.ff[1], m.ff[1], sizeof(float) * 15);
    free(got);
    snn_model_free(&back);
    snn_model_free(&m);
}

/* Rewrites a saved model's bytes through `edit`, fixing the CRC if asked. */
static void corrupt(const char *name, void (*edit)(uint8_t *, size_t *), int fix_crc)
{
    uint8_t *data;
    size_t len;
    assert_int_equal(read_file(tmp(name), &data, &len, NULL), 0);
    edit(data, &len);
    if (fix_crc) {
        uint32_t crc = (uint32_t)crc32(0L, data, (uInt)(len - 4));
        for (int i = 0; i < 4; i++)
            data[len - 4 + i] = (uint8_t)(crc >> (8 * i));
    }
    FILE *f = fopen(tmp(name), "wb");
    fwrite(data, 1, len, f);
    fclose(f);
    free(data);
}

/* Layout (docs/model-format.md): a 44-byte header, one type byte per hidden
 * neuron (5 here), then w1 as float32. */
enum { W1_OFFSET = 44 + 5 };

static void truncate_half(uint8_t *d, size_t *len) { (void)d, *len /= 2; }
static void bad_magic(uint8_t *d, size_t *len) { (void)len, d[0] = 'X'; }
static void flip_weight_bit(uint8_t *d, size_t *len) { (void)len, d[W1_OFFSET + 4 * 3 + 1] ^= 0x10; }
static void nan_weight(uint8_t *d, size_t *len)
{
    (void)len;
    uint32_t nan = 0x7fc00000;
    memcpy(d + W1_OFFSET + 4 * 3, &nan, 4); /* w1[3] */
}
static void negative_w1(uint8_t *d, size_t *len)
{
    (void)len;
    d[W1_OFFSET + 4 * 2 + 3] |= 0x80; /* sign bit of w1[2] */
}
static void huge_shape(uint8_t *d, size_t *len)
{
    (void)len;
    d[8] = d[9] = d[10] = 0xff; /* n_in */
}

static void test_model_bad_files(void **state)
{
    (void)state;
    snn_model m, back;
    snn_error err;
    small_model(&m, 1);
    struct {
        void (*edit)(uint8_t *, size_t *);
        int fix_crc;
        const char *what;
    } cases[] = {
        {truncate_half, 0, "checksum"},  {bad_magic, 0, "bad magic"},
        {flip_weight_bit, 0, "checksum"}, {nan_weight, 1, "not finite"},
        {negative_w1, 1, "Dale"},        {huge_shape, 1, "out of range"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(snn_model_save(tmp("bad.snn"), &m, NULL, 0, NULL), 0);
        corrupt("bad.snn", cases[i].edit, cases[i].fix_crc);
        expect_error(snn_model_load(tmp("bad.snn"), &back, NULL, NULL, &err), &err, "bad.snn",
                     cases[i].what);
    }
    FILE *f = fopen(tmp("short.snn"), "wb");
    fwrite("SNN", 1, 3, f);
    fclose(f);
    expect_error(snn_model_load(tmp("short.snn"), &back, NULL, NULL, &err), &err, "short.snn",
                 "truncated");
    expect_error(snn_model_load(tmp("none.snn"), &back, NULL, NULL, &err), &err, "none.snn",
                 "cannot open");
    snn_model_free(&m);
}

static void test_npz_round_trip(void **state)
{
    (void)state;
    double w[6] = {1.5, -2, 0.25, 3, 4, 5}, scalar = 42;
    npz_entry e[] = {{"w", 2, {2, 3}, 1, w}, {"n", 0, {0}, 0, &scalar}};
    assert_int_equal(npz_write(tmp("a.npz"), e, 2, NULL), 0);
    npz_file f;
    assert_int_equal(npz_read(tmp("a.npz"), &f, NULL), 0);
    const npz_array *a = npz_find(&f, "w"), *n = npz_find(&f, "n");
    assert_non_null(a);
    assert_non_null(n);
    assert_int_equal(a->ndim, 2);
    assert_int_equal(a->shape[0], 2);
    assert_int_equal(a->shape[1], 3);
    for (int i = 0; i < 6; i++)
        assert_true(a->values[i] == w[i]);
    assert_int_equal(n->ndim, 0);
    assert_true(n->values[0] == 42);
    npz_free(&f);
}

static void test_npz_bad_files(void **state)
{
    (void)state;
    double w[6] = {1, 2, 3, 4, 5, 6};
    npz_entry e[] = {{"w", 2, {2, 3}, 1, w}};
    assert_int_equal(npz_write(tmp("b.npz"), e, 1, NULL), 0);
    uint8_t *data;
    size_t len;
    assert_int_equal(read_file(tmp("b.npz"), &data, &len, NULL), 0);
    snn_error err;
    npz_file f;
    FILE *out = fopen(tmp("cut.npz"), "wb");
    fwrite(data, 1, len - 30, out);
    fclose(out);
    expect_error(npz_read(tmp("cut.npz"), &f, &err), &err, "cut.npz", "");
    data[100] ^= 0xff; /* inside the array data: CRC no longer matches */
    out = fopen(tmp("crc.npz"), "wb");
    fwrite(data, 1, len, out);
    fclose(out);
    expect_error(npz_read(tmp("crc.npz"), &f, &err), &err, "crc.npz", "CRC");
    free(data);
    out = fopen(tmp("text.npz"), "wb");
    fputs("this is not a zip file", out);
    fclose(out);
    expect_error(npz_read(tmp("text.npz"), &f, &err), &err, "text.npz", "not a zip");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_round_trip_with_training_state),
        cmocka_unit_test(test_model_bad_files),
        cmocka_unit_test(test_npz_round_trip),
        cmocka_unit_test(test_npz_bad_files),
    };
    return cmocka_run_group_tests_name("model_io", tests, scratch_dir_setup, scratch_dir_teardown);
}
