/* test_exp_shd.c - the SHD loader on small HDF5 files written here in the
 * release layout (float32 times, uint16 units and labels), good and bad: bad
 * values, types, shapes and layouts made with libhdf5, damage patched into
 * the bytes libhdf5 trusts, and the files fuzz_shd crashed libhdf5 with; and
 * the same files as `--data` takes them (encoded_set_load: one file, chosen by
 * its extension or content, or a directory with shd_train.h5 and shd_test.h5). */
#include <hdf5.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../sw/data/shd.h"
#include "scratch_dir.h"

#define MAX_SPIKES 8

typedef struct {
    int n;
    int len[4];
    double times[4][MAX_SPIKES];
    int units[4][MAX_SPIKES];
    int labels[4];
    int skip_labels;    /* leave /labels out */
    int n_labels;       /* labels written (defaults to n) */
    hid_t time_type;    /* stored type of the times (0: float32, as released) */
    hid_t label_type;   /* stored type of the labels (0: uint16) */
    int labels_2d;      /* labels as an (n, 1) array */
    int compact_labels; /* labels in the object header */
    int chunked_times;  /* times in chunks of 2 rows */
    hsize_t claim_rows; /* labels: this many rows, none written (unallocated storage) */
    int latest_format;  /* superblock version 3 (libhdf5's newest), not 0 */
} shd_fixture;

/* A variable-length dataset written from rows of native doubles or ints. */
static void write_vlen(hid_t group, const char *name, hid_t file_base, hid_t mem_base, int n,
                       const int *len, const void *rows, size_t row_bytes, int chunked)
{
    hvl_t v[4];
    for (int i = 0; i < n; i++)
        v[i] = (hvl_t){(size_t)len[i], (void *)((const char *)rows + i * row_bytes)};
    hsize_t dim = (hsize_t)n, chunk = 2;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    hid_t ftype = H5Tvlen_create(file_base), mtype = H5Tvlen_create(mem_base);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (chunked)
        H5Pset_chunk(dcpl, 1, &chunk);
    hid_t ds = H5Dcreate2(group, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(ds >= 0);
    assert_true(H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Tclose(ftype);
    H5Tclose(mtype);
    H5Sclose(space);
}

static void write_labels(hid_t file, const shd_fixture *f)
{
    hsize_t dims[2] = {f->claim_rows ? f->claim_rows : (hsize_t)(f->n_labels ? f->n_labels : f->n), 1};
    hid_t space = H5Screate_simple(f->labels_2d ? 2 : 1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (f->compact_labels)
        H5Pset_layout(dcpl, H5D_COMPACT);
    hid_t ds = H5Dcreate2(file, "labels", f->label_type ? f->label_type : H5T_STD_U16LE, space,
                          H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(ds >= 0);
    if (!f->claim_rows)
        assert_true(H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, f->labels) >= 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
}

static void write_file(const char *path, const shd_fixture *f)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (f->latest_format)
        H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    assert_true(file >= 0);
    hid_t spikes = H5Gcreate2(file, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    write_vlen(spikes, "times", f->time_type ? f->time_type : H5T_IEEE_F32LE, H5T_NATIVE_DOUBLE,
               f->n, f->len, f->times, sizeof f->times[0], f->chunked_times);
    write_vlen(spikes, "units", H5T_STD_U16LE, H5T_NATIVE_INT, f->n, f->len, f->units,
               sizeof f->units[0], 0);
    H5Gclose(spikes);
    if (!f->skip_labels)
        write_labels(file, f);
    H5Fclose(file);
}

static shd_fixture good(void)
{
    /* Sample 0: unit 5 at 0 s and 0.013 s (same 14 ms bin: counted once),
     * unit 699 at 0.71 s (bin 50), unit 3 at 1.5 s (past max_time: dropped).
     * Sample 1: no spikes. Sample 2: unit 0 at 1.399 s (bin 99). */
    shd_fixture f = {.n = 3, .len = {4, 0, 1}, .labels = {19, 0, 7},
                     .times = {{0.0, 0.013, 0.71, 1.5}, {0}, {1.399}},
                     .units = {{5, 5, 699, 3}, {0}, {0}}};
    return f;
}

/* Overwrites n bytes of the file at offset `at`. */
static void patch(const char *path, long at, const void *bytes, size_t n)
{
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, at, SEEK_SET), 0);
    assert_int_equal(fwrite(bytes, 1, n, fp), n);
    fclose(fp);
}

/* Offset of the first occurrence of a 4-byte signature ("GCOL": a global heap
 * collection, "HEAP": a local heap) in the file. */
static long find_sig(const char *path, const char *sig)
{
    static uint8_t buf[1 << 16];
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(buf + i, sig, 4) == 0)
            return (long)i;
    fail_msg("no %s in %s", sig, path);
    return -1;
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
    /* the newest file format (superblock version 3) reads the same */
    f.latest_format = 1;
    write_file(path, &f);
    assert_int_equal(shd_load(path, 0, SHD_STEPS, SHD_MAX_TIME, &d, &err), 0);
    assert_int_equal(spike_data_count(&d, 0), 2);
    assert_int_equal(d.labels[2], 7);
    spike_data_free(&d);
}

/* More classes than SHD's 20 (the Spiking Speech Commands have 35): the class
 * count is the largest label of the whole file + 1, whatever the limit. */
static void test_class_count_follows_the_labels(void **state)
{
    (void)state;
    shd_fixture f = good();
    f.labels[2] = 34;
    write_file(path, &f);
    spike_data d;
    snn_error err = {0};
    assert_int_equal(shd_load(path, 2, SHD_STEPS, SHD_MAX_TIME, &d, &err), 0);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.n_classes, 35); /* from sample 2, past the limit */
    spike_data_free(&d);
    f.labels[0] = 3; /* the largest label is now 7: 8 classes */
    f.labels[2] = 7;
    write_file(path, &f);
    assert_int_equal(shd_load(path, 0, SHD_STEPS, SHD_MAX_TIME, &d, &err), 0);
    assert_int_equal(d.n_classes, 8);
    spike_data_free(&d);
    /* a bad label past the limit is still an error naming its sample */
    f.labels[2] = 999;
    write_file(path, &f);
    assert_int_equal(shd_load(path, 1, SHD_STEPS, SHD_MAX_TIME, &d, &err), -1);
    assert_non_null(strstr(err.msg, "sample 2: label 999 out of range"));
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
    f.labels[1] = 256;
    write_file(path, &f);
    expect_error("sample 1: label 256 out of range [0, 255]");

    f = good();
    f.label_type = H5T_STD_I16LE;
    f.labels[2] = -1;
    write_file(path, &f);
    expect_error("sample 2: label -1 out of range");

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
    expect_error("not an HDF5 file");
}

/* Values past what a cast or an index can take. */
static void test_rejects_bad_values(void **state)
{
    (void)state;
    /* 1e248 s (float64) is past max_time: dropped, never cast to an integer step. */
    shd_fixture f = good();
    f.time_type = H5T_IEEE_F64LE;
    f.times[0][3] = 1e248;
    write_file(path, &f);
    spike_data d;
    snn_error err = {0};
    assert_int_equal(shd_load(path, 0, SHD_STEPS, SHD_MAX_TIME, &d, &err), 0);
    assert_int_equal(spike_data_count(&d, 0), 2);
    spike_data_free(&d);

    f.times[0][3] = -1e248;
    write_file(path, &f);
    expect_error("time -1e+248 is not a time >= 0");
    f.times[0][3] = INFINITY;
    write_file(path, &f);
    expect_error("time inf is not a time >= 0");

    f = good();
    f.units[2][0] = 65535;
    write_file(path, &f);
    expect_error("sample 2 spike 0: unit 65535 out of range");
}

/* Types, shapes and layouts the loader does not let libhdf5 read. */
static void test_rejects_bad_layouts(void **state)
{
    (void)state;
    shd_fixture f = good();
    f.time_type = H5T_STD_I32LE;
    write_file(path, &f);
    expect_error("/spikes/times is not variable-length lists of IEEE floats");

    f = good();
    f.label_type = H5T_IEEE_F32LE;
    write_file(path, &f);
    expect_error("/labels is not integers");

    f = good();
    f.labels_2d = 1;
    write_file(path, &f);
    expect_error("/labels is not 1-D");

    f = good();
    f.claim_rows = 1000000;
    write_file(path, &f);
    expect_error("/labels claims 1000000 rows");

    f = good();
    f.chunked_times = 1;
    write_file(path, &f);
    expect_error("/spikes/times is stored in chunks");

    /* Compact labels whose bytes are the rows' are read. */
    f = good();
    f.compact_labels = 1;
    write_file(path, &f);
    spike_data d;
    snn_error err = {0};
    assert_int_equal(shd_load(path, 0, SHD_STEPS, SHD_MAX_TIME, &d, &err), 0);
    assert_int_equal(d.labels[0], 19);
    spike_data_free(&d);
}

/* Damage libhdf5 1.10 would act on: a heap object's size (H5HG_read copies it
 * into a buffer sized from the row), the superblock's base address, and a
 * local heap's data address. */
static void test_rejects_damaged_heap(void **state)
{
    (void)state;
    shd_fixture f = good();
    write_file(path, &f);
    long gcol = find_sig(path, "GCOL");
    /* The first object (sample 0's 4 float32 times, 16 bytes) claims 12: still
     * inside its collection, but not the row's 4 values. */
    const uint8_t size12[8] = {12};
    patch(path, gcol + 16 + 8, size12, sizeof size12);
    expect_error("row 0: 4 values, but heap object 1 holds 12 bytes");

    write_file(path, &f);
    const uint8_t huge[8] = {2, 0, 0, 0, 0, 0, 0, 0xff};
    patch(path, gcol + 16 + 8, huge, sizeof huge);
    expect_error("an object runs past its end");

    write_file(path, &f);
    const uint8_t base12 = 12;
    patch(path, 24, &base12, 1); /* superblock version 0: base address at byte 24 */
    expect_error("base address is not 0");

    /* The root group's local heap with its data segment over its own header
     * (libhdf5: SIGSEGV in H5F__accum_read from H5Lexists). */
    write_file(path, &f);
    long heap = find_sig(path, "HEAP");
    uint8_t addr[8];
    for (int i = 0; i < 8; i++)
        addr[i] = (uint8_t)((uint64_t)(heap + 2) >> (8 * i));
    patch(path, heap + 8 + 16, addr, sizeof addr); /* after signature, version, 2 lengths */
    expect_error("over its own header");

    /* The root group's symbol table message (version 1 object header: type 0x0011,
     * 16 bytes) naming its local heap, or its B-tree, at the undefined address
     * (libhdf5: SIGSEGV, a memcpy from NULL in H5F__accum_read, from H5HL_protect
     * or H5B_find in H5G__stab_lookup). */
    const uint8_t undefined[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    write_file(path, &f);
    long stab = find_sig(path, "\x11\0\x10\0");
    patch(path, stab + 8 + 8, undefined, sizeof undefined);
    expect_error("the heap lies past the end of the file");
    write_file(path, &f);
    patch(path, stab + 8, undefined, sizeof undefined);
    expect_error("the B-tree lies past the end of the file");
    /* A group B-tree node's first child (after signature, type, level, entry
     * count, two siblings and the first key). */
    write_file(path, &f);
    patch(path, find_sig(path, "TREE") + 8 + 16 + 8, undefined, sizeof undefined);
    expect_error("names child 0 at 18446744073709551615");
}

/* Every file a fuzzer crashed libhdf5 with is refused (the corpus is read from
 * the repository root, where make test runs). */
static void test_rejects_fuzz_crashes(void **state)
{
    (void)state;
    static const char *const crashes[] = {"crash-heap-object-size.h5",
                                          "crash-compact-labels-no-bytes.h5",
                                          "crash-base-address.h5",
                                          "crash-local-heap-overlap.h5",
                                          "crash-stab-heap-undefined.h5"};
    for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++) {
        char p[256];
        snprintf(p, sizeof p, "tests/fuzz/corpus/shd/%s", crashes[i]);
        spike_data d;
        snn_error err = {0};
        assert_int_equal(shd_load(p, 0, SHD_STEPS, SHD_MAX_TIME, &d, &err), -1);
        if (!strstr(err.msg, p) || strstr(err.msg, "cannot open"))
            fail_msg("%s: error '%s' should name the file and what is wrong", p, err.msg);
    }
}

/* Loads `file` as --data does, expecting an error that names it and says `want`. */
static void expect_data_error(const char *file, const char *want)
{
    encoded_set e;
    snn_error err = {0};
    assert_int_equal(encoded_set_load(file, "t10k", 0, SHD_STEPS, &e, &err), -1);
    if (!strstr(err.msg, want) || !strstr(err.msg, file))
        fail_msg("error '%s' should name %s and say '%s'", err.msg, file, want);
}

/* --data takes an SHD file by its extension or its content, and a directory
 * holding the two release files; bad files are refused naming the file. */
static void test_data_path_takes_shd_files(void **state)
{
    (void)state;
    char dir[300], train[400], test[400], plain[400];
    snprintf(dir, sizeof dir, "%s/shd", scratch_dir);
    assert_int_equal(mkdir(dir, 0777), 0);
    snprintf(train, sizeof train, "%s/shd_train.h5", dir);
    snprintf(test, sizeof test, "%s/shd_test.h5", dir);
    snprintf(plain, sizeof plain, "%s/utterances", scratch_dir); /* no extension */
    shd_fixture f = good();
    write_file(train, &f);
    f.n = 2;
    write_file(test, &f);
    write_file(plain, &f);
    encoded_set tr, te;
    snn_error err = {0};
    assert_int_equal(encoded_pair_load(dir, 0, 0, SHD_STEPS, &tr, &te, &err), 0);
    assert_int_equal(tr.spikes.n, 3);
    assert_int_equal(te.spikes.n, 2);
    assert_int_equal(tr.spikes.n_inputs, SHD_INPUTS);
    assert_int_equal(te.spikes.n_classes, 20); /* labels up to 19 */
    assert_int_equal(tr.images.n, 0); /* events, not images */
    assert_string_equal(tr.inputs_file, train);
    assert_string_equal(te.labels_file, test);
    /* binned as shd_load bins them: unit 699 of sample 0 in step 50 */
    assert_int_equal(tr.spikes.events[tr.spikes.step_start[50]], 699);
    /* the label check names the file */
    assert_int_equal(encoded_set_check(&tr, SHD_INPUTS, 10, &err), -1);
    assert_non_null(strstr(err.msg, "shd_train.h5: sample 0 has label 19"));
    encoded_set_free(&tr);
    encoded_set_free(&te);
    /* one file, whichever split, found by its content */
    assert_int_equal(encoded_set_load(plain, "train", 1, SHD_STEPS, &tr, &err), 0);
    assert_int_equal(tr.spikes.n, 1);
    assert_int_equal(tr.spikes.n_inputs, SHD_INPUTS);
    encoded_set_free(&tr);
    /* bad values and a file that only has the name */
    f = good();
    f.labels[1] = 300;
    write_file(test, &f);
    expect_data_error(test, "sample 1: label 300 out of range [0, 255]");
    FILE *fp = fopen(test, "w");
    fputs("not an hdf5 file\n", fp);
    fclose(fp);
    expect_data_error(test, "not an HDF5 file");
    /* a directory with neither IDX files nor events names all three */
    assert_int_equal(remove(train), 0);
    assert_int_equal(encoded_set_load(dir, "train", 0, SHD_STEPS, &tr, &err), -1);
    assert_non_null(strstr(err.msg, "shd/train.npz (events), nor "));
    assert_non_null(strstr(err.msg, "shd/shd_train.h5 (SHD)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_loads_and_bins, make_path, drop_path),
        cmocka_unit_test_setup_teardown(test_class_count_follows_the_labels, make_path, drop_path),
        cmocka_unit_test_setup_teardown(test_rejects_bad_files, make_path, drop_path),
        cmocka_unit_test_setup_teardown(test_rejects_bad_values, make_path, drop_path),
        cmocka_unit_test_setup_teardown(test_rejects_bad_layouts, make_path, drop_path),
        cmocka_unit_test_setup_teardown(test_rejects_damaged_heap, make_path, drop_path),
        cmocka_unit_test(test_rejects_fuzz_crashes),
        cmocka_unit_test(test_data_path_takes_shd_files),
    };
    return cmocka_run_group_tests_name("exp_shd", tests, scratch_dir_setup, scratch_dir_teardown);
}
