/* test_data.c - the latency code and the IDX reader, including bad files. */
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
#include "../sw/data/dataset.h"
#include "../sw/data/idx.h"


static void test_latency_code_documented_steps(void **state)
{
    (void)state;
    /* Hand-computed: floor(20 ln(x / (x - 0.2))), x = p / 255. */
    assert_int_equal(latency_step(255), 4);   /* 20 ln 1.25 = 4.46 */
    assert_int_equal(latency_step(128), 10);  /* x = .50196: 20 ln 1.6623 = 10.16 */
    assert_int_equal(latency_step(52), 79);   /* x = .20392: 20 ln 52 = 79.02 */
    assert_int_equal(latency_step(64), 31);   /* x = .25098: 20 ln 4.923 = 31.88 */
    assert_int_equal(latency_step(100), 14);  /* x = .39216: 20 ln 2.0408 = 14.27 */
}

static void test_dark_pixels_never_fire_and_steps_fall_with_brightness(void **state)
{
    (void)state;
    for (int p = 0; p <= 51; p++)
        assert_int_equal(latency_step((uint8_t)p), -1);
    for (int p = 53; p <= 255; p++)
        assert_true(latency_step((uint8_t)p) <= latency_step((uint8_t)(p - 1)));
}

static void test_encoding_puts_each_bright_pixel_at_its_step(void **state)
{
    (void)state;
    uint8_t px[2 * 6] = {0, 255, 128, 51, 52, 255, /* sample 1: */ 0, 0, 0, 0, 0, 100};
    uint8_t labels[2] = {3, 7};
    dataset d = {.n = 2, .n_pixels = 6, .n_classes = 10, .pixels = px, .labels = labels};
    spike_data s;
    assert_int_equal(encode_latency(&d, 50, &s, NULL), 0); /* 79 >= 50: pixel 52 dropped */
    assert_int_equal(spike_data_count(&s, 0), 3);
    assert_int_equal(spike_data_count(&s, 1), 1);
    const uint32_t *st = s.step_start;
    assert_int_equal(st[5] - st[4], 2); /* step 4: inputs 1 and 5, ascending */
    assert_int_equal(s.events[st[4]], 1);
    assert_int_equal(s.events[st[4] + 1], 5);
    assert_int_equal(st[11] - st[10], 1);
    assert_int_equal(s.events[st[10]], 2);
    const uint32_t *st1 = s.step_start + 51;
    assert_int_equal(st1[15] - st1[14], 1);
    assert_int_equal(s.events[st1[14]], 5);
    spike_data_free(&s);
}

/* Writes an IDX file (optionally gzipped) with the given header bytes and payload. */
static void write_file(const char *name, const void *data, size_t len, int gz)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", scratch_dir, name);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        gzwrite(f, data, (unsigned)len);
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

static void write_set(const char *split, int n, int gz, int label_count)
{
    uint8_t img[16 + 3 * 4], lab[8 + 3];
    uint8_t ih[16] = {0, 0, 8, 3, 0, 0, 0, (uint8_t)n, 0, 0, 0, 2, 0, 0, 0, 2};
    uint8_t lh[8] = {0, 0, 8, 1, 0, 0, 0, (uint8_t)label_count};
    memcpy(img, ih, 16);
    memcpy(lab, lh, 8);
    for (int i = 0; i < n * 4; i++)
        img[16 + i] = (uint8_t)(60 * i);
    for (int i = 0; i < label_count; i++)
        lab[8 + i] = (uint8_t)(i + 1);
    char iname[64], lname[64];
    snprintf(iname, sizeof iname, "%s-images-idx3-ubyte%s", split, gz ? ".gz" : "");
    snprintf(lname, sizeof lname, "%s-labels-idx1-ubyte%s", split, gz ? ".gz" : "");
    write_file(iname, img, 16 + (size_t)n * 4, gz);
    write_file(lname, lab, 8 + (size_t)label_count, gz);
}

static void test_idx_reads_gzip_and_plain(void **state)
{
    (void)state;
    write_set("train", 3, 1, 3);
    write_set("t10k", 2, 0, 2);
    dataset d;
    snn_error err;
    assert_int_equal(dataset_load_idx(scratch_dir, "train", 0, &d, &err), 0);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.n_pixels, 4);
    assert_int_equal(d.n_classes, 4);
    assert_int_equal(d.pixels[5], (uint8_t)(60 * 5));
    dataset_free(&d);
    assert_int_equal(dataset_load_idx(scratch_dir, "t10k", 1, &d, &err), 0);
    assert_int_equal(d.n, 1);
    dataset_free(&d);
}

/* The load must fail with a message that names the file and contains `what`. */
static void expect_load_error(const char *split, const char *file, const char *what)
{
    dataset d;
    snn_error err = {{0}};
    assert_int_equal(dataset_load_idx(scratch_dir, split, 0, &d, &err), -1);
    if (!strstr(err.msg, file) || !strstr(err.msg, what)) {
        print_error("message '%s' lacks '%s' or '%s'\n", err.msg, file, what);
        fail();
    }
}

static void test_idx_bad_files_give_clear_errors(void **state)
{
    (void)state;
    write_set("bad", 3, 0, 3);
    uint8_t trunc[16 + 5] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2};
    write_file("bad-images-idx3-ubyte", trunc, sizeof trunc, 0);
    expect_load_error("bad", "bad-images-idx3-ubyte", "truncated");

    uint8_t magic[16] = {1, 2, 8, 3};
    write_file("bad-images-idx3-ubyte", magic, sizeof magic, 0);
    expect_load_error("bad", "bad-images-idx3-ubyte", "bad magic");

    uint8_t huge[16] = {0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2};
    write_file("bad-images-idx3-ubyte", huge, sizeof huge, 0);
    expect_load_error("bad", "bad-images-idx3-ubyte", "too large");

    uint8_t type[16] = {0, 0, 0x0d, 3};
    write_file("bad-images-idx3-ubyte", type, sizeof type, 0);
    expect_load_error("bad", "bad-images-idx3-ubyte", "unsupported");

    write_set("bad", 3, 0, 2); /* 2 labels for 3 images */
    expect_load_error("bad", "bad-labels-idx1-ubyte", "do not match");

    expect_load_error("missing", "missing-images-idx3-ubyte", "not found");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_code_documented_steps),
        cmocka_unit_test(test_dark_pixels_never_fire_and_steps_fall_with_brightness),
        cmocka_unit_test(test_encoding_puts_each_bright_pixel_at_its_step),
        cmocka_unit_test(test_idx_reads_gzip_and_plain),
        cmocka_unit_test(test_idx_bad_files_give_clear_errors),
    };
    return cmocka_run_group_tests_name("data", tests, scratch_dir_setup, scratch_dir_teardown);
}
