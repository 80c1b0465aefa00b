/* test_exp_shd.c - the SHD loader on small HDF5 files written here in the
 * release layout (float32 times, uint16 units and labels), good and bad. */
#include <hdf5.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../sw/exp/shd.h"

#define MAX_SPIKES 8

typedef struct {
    int n;
    int len[4];
    float times[4][MAX_SPIKES];
    uint16_t units[4][MAX_SPIKES];
    uint16_t labels[4];
    int skip_labels; /* leave /labels out */
    int n_labels;    /* labels written (defaults to n) */
} shd_fixture;

static void write_vlen(hid_t group, const char *name, hid_t base, int n, const int *len,
                       const void *rows, size_t row_bytes)
{
    hvl_t v[4];
    for (int i = 0; i < n; i++)
        v[i] = (hvl_t){(size_t)len[i], (void *)((const char *)rows + i * row_bytes)};
    hsize_t dim = (hsize_t)n;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    hid_t type = H5Tvlen_create(base);
    hid_t ds = H5Dcreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(ds >= 0);
    assert_true(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(ds);
    H5Tclose(type);
    H5Sclose(space);
}

static void write_file(const char *path, const shd_fixture *f)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t spikes = H5Gcreate2(file, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    write_vlen(spikes, "times", H5T_NATIVE_FLOAT, f->n, f->len, f->times, sizeof f->times[0]);
    write_vlen(spikes, "units", H5T_NATIVE_UINT16, f->n, f->len, f->units, sizeof f->units[0]);
    H5Gclose(spikes);
    if (!f->skip_labels) {
        hsize_t dim = (hsize_t)(f->n_labels ? f->n_labels : f->n);
        hid_t space = H5Screate_simple(1, &dim, NULL);
        hid_t ds = H5Dcreate2(file, "labels", H5T_STD_U16LE, space, H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT);
        H5Dwrite(ds, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, f->labels);
        H5Dclose(ds);
        H5Sclose(space);
    }
    H5Fclose(file);
}

static shd_fixture good(void)
{
    /* Sample 0: unit 5 at 0 s and 0.013 s (same 14 ms bin: counted once),
     * unit 699 at 0.71 s (bin 50), unit 3 at 1.5 s (past max_time: dropped).
     * Sample 1: no spikes. Sample 2: unit 0 at 1.399 s (bin 99). */
    shd_fixture f = {.n = 3, .len = {4, 0, 1}, .labels = {19, 0, 7}};
    float t0[] = {0.0f, 0.013f, 0.71f, 1.5f};
    uint16_t u0[] = {5, 5, 699, 3};
    memcpy(f.times[0], t0, sizeof t0);
    memcpy(f.units[0], u0, sizeof u0);
    f.times[2][0] = 1.399f;
    f.units[2][0] = 0;
    return f;
}

static char path[64];

static int make_path(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/test_exp_shd.%ld.h5", (long)getpid());
    return 0;
}

static int drop_path(void **state)
{
    (void)state;
    remove(path);
    return 0;
}

static void test_loads_and_bins(void **state)
{
    (void)state;
    shd_fixture f = good();
    write_file(path, &f);
    spike_data d;
    snn_error err = {0};
    assert_int_equal(shd_load(path, 0, SHD_STEPS, SHD_MAX_TIME, &d, &err), 0);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.n_inputs, 700);
    assert_int_equal(d.n_classes, 20);
    assert_int_equal(d.steps, 100);
    assert_int_equal(d.labels[0], 19);
    assert_int_equal(d.labels[2], 7);
    assert_int_equal(spike_data_count(&d, 0), 2);
    assert_int_equal(spike_data_count(&d, 1), 0);
    assert_int_equal(spike_data_count(&d, 2), 1);
    const uint32_t *st0 = d.step_start;
    assert_int_equal(st0[1] - st0[0], 1);
    assert_int_equal(d.events[st0[0]], 5);
    assert_int_equal(st0[51] - st0[50], 1);
    assert_int_equal(d.events[st0[50]], 699);
    const uint32_t *st2 = d.step_start + 2 * (d.steps + 1);
    assert_int_equal(st2[100] - st2[99], 1);
    spike_data_free(&d);
    /* limit keeps the first samples only */
    assert_int_equal(shd_load(path, 2, SHD_STEPS, SHD_MAX_TIME, &d, &err), 0);
    assert_int_equal(d.n, 2);
    spike_data_free(&d);
}

static void expect_error(const char *want)
{
    spike_data d;
    snn_error err = {0};
    assert_int_equal(shd_load(path, 0, SHD_STEPS, SHD_MAX_TIME, &d, &err), -1);
    if (!strstr(err.msg, want) || !strstr(err.msg, path))
        fail_msg("error '%s' should name the file and say '%s'", err.msg, want);
}

static void test_rejects_bad_files(void **state)
{
    (void)state;
    shd_fixture f = good();
    f.units[0][2] = 700;
    write_file(path, &f);
    expect_error("unit 700 out of range");

    f = good();
    f.times[2][0] = NAN;
    write_file(path, &f);
    expect_error("is not a time");

    f = good();
    f.labels[1] = 20;
    write_file(path, &f);
    expect_error("label 20 out of range");

    f = good();
    f.skip_labels = 1;
    write_file(path, &f);
    expect_error("/labels");

    f = good();
    f.n_labels = 2;
    write_file(path, &f);
    expect_error("2 labels but 3 time lists");

    FILE *fp = fopen(path, "w");
    fputs("not an hdf5 file\n", fp);
    fclose(fp);
    expect_error("cannot open as HDF5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_loads_and_bins, make_path, drop_path),
        cmocka_unit_test_setup_teardown(test_rejects_bad_files, make_path, drop_path),
    };
    return cmocka_run_group_tests_name("exp_shd", tests, NULL, NULL);
}
