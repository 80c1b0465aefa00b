/* test_data.c - the latency code and the IDX reader, including bad files; IDX
 * sets of any image shape and class count, a training and test set as one data
 * set, and labels beyond a readout refused naming the file; the shift of
 * non-square images (augmentation), refused for events. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "scratch_dir.h"
#include "../sw/data/augment.h"
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

/* Expects sample 0 of s shifted by (dx, dy) to fire, all at step 4, exactly want[0..n). */
static void expect_shift(const spike_data *s, int dx, int dy, const uint16_t *want, uint32_t n)
{
    uint16_t ev[15];
    uint32_t start[51];
    spike_data_shift_sample(s, 0, dx, dy, ev, start);
    assert_int_equal(start[4], 0);
    assert_int_equal(start[5], n);
    assert_int_equal(start[50], n);
    for (uint32_t i = 0; i < n; i++)
        if (ev[i] != want[i])
            fail_msg("shift (%d, %d): event %u is input %u, want %u", dx, dy, i, ev[i], want[i]);
}

/* A 3x5 image (rows x cols, not square) moves by whole rows and columns; the
 * pixels pushed off its edges are dropped. */
static void test_shift_of_non_square_images(void **state)
{
    (void)state;
    uint8_t px[15], label = 0;
    memset(px, 255, sizeof px); /* every pixel fires, at step 4 */
    dataset d = {.n = 1, .rows = 3, .cols = 5, .n_pixels = 15, .n_classes = 1, .pixels = px,
                 .labels = &label};
    spike_data s;
    assert_int_equal(encode_latency(&d, 50, &s, NULL), 0);
    assert_int_equal(s.rows, 3);
    assert_int_equal(s.cols, 5);
    assert_int_equal(spike_data_check_images(&s, "set", NULL), 0);
    /* (r, c) -> (r - 1, c + 2): rows 1-2, columns 0-2 stay */
    const uint16_t right_up[6] = {2, 3, 4, 7, 8, 9};
    expect_shift(&s, 2, -1, right_up, 6);
    /* (r, c) -> (r + 1, c - 1): rows 0-1, columns 1-4 stay */
    const uint16_t left_down[8] = {5, 6, 7, 8, 10, 11, 12, 13};
    expect_shift(&s, -1, 1, left_down, 8);
    const uint16_t all[15] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    expect_shift(&s, 0, 0, all, 15);
    expect_shift(&s, 5, 0, all, 0); /* a whole width: nothing left */
    spike_data_free(&s);
    /* Events have no image shape: a shift is refused, naming the data. */
    spike_data events = {.n = 1, .n_inputs = 15, .steps = 50};
    snn_error err = {{0}};
    assert_int_equal(spike_data_check_images(&events, "ev/train.npz", &err), -1);
    assert_non_null(strstr(err.msg, "ev/train.npz: spike events without an image shape"));
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

/* The gzip form of len bytes (windowBits 31: gzip header and trailer); caller frees. */
static uint8_t *gzip_bytes(const uint8_t *src, size_t len, size_t *out_len)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)len);
    uint8_t *out = malloc(cap);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

/* A 4 GiB claim (65536 images of 256x256) over a 16-byte file must be refused
 * against the file's real length, not after trying to allocate 4 GiB; the
 * gzip form against what actually inflates. */
static void test_idx_huge_claim_checked_against_real_length(void **state)
{
    (void)state;
    write_set("huge", 3, 0, 3);
    uint8_t claim[16 + 4] = {0, 0, 8, 3, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 2, 3, 4};
    write_file("huge-images-idx3-ubyte", claim, sizeof claim, 0);
    expect_load_error("huge", "huge-images-idx3-ubyte",
                      "header claims 4294967296 bytes, the file holds 4");
    size_t gz_len;
    uint8_t *gz = gzip_bytes(claim, sizeof claim, &gz_len);
    write_file("huge-images-idx3-ubyte.gz", gz, gz_len, 0);
    free(gz);
    expect_load_error("huge", "huge-images-idx3-ubyte.gz",
                      "header claims 4294967296 bytes, the gzip stream holds 4");
}

/* Writes the gzip form of the "gz" split's image file, edited by `edit`. */
static void write_damaged_gz(void (*edit)(uint8_t *gz, size_t *len))
{
    uint8_t img[16 + 3 * 4] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2};
    size_t len;
    uint8_t *gz = gzip_bytes(img, sizeof img, &len), *room = calloc(len + 8, 1);
    memcpy(room, gz, len); /* room for an edit to append up to 8 bytes */
    edit(room, &len);
    write_file("gz-images-idx3-ubyte.gz", room, len, 0);
    free(room);
    free(gz);
}

static void drop_trailer(uint8_t *gz, size_t *len) { (void)gz, *len -= 8; }
static void flip_crc(uint8_t *gz, size_t *len) { gz[*len - 8] ^= 0x01; }
static void flip_isize(uint8_t *gz, size_t *len) { gz[*len - 1] ^= 0x01; }
static void keep_as_is(uint8_t *gz, size_t *len) { (void)gz, (void)len; }
static void append_junk(uint8_t *gz, size_t *len) { memcpy(gz + *len, "junk", 4), *len += 4; }

static void test_idx_gzip_trailer_required_and_checked(void **state)
{
    (void)state;
    write_set("gz", 3, 1, 3);
    write_damaged_gz(keep_as_is);
    dataset d;
    snn_error err;
    assert_int_equal(dataset_load_idx(scratch_dir, "gz", 0, &d, &err), 0);
    dataset_free(&d);
    write_damaged_gz(drop_trailer);
    expect_load_error("gz", "gz-images-idx3-ubyte.gz", "truncated gzip stream");
    write_damaged_gz(flip_crc);
    expect_load_error("gz", "gz-images-idx3-ubyte.gz", "CRC-32 mismatch");
    write_damaged_gz(flip_isize);
    expect_load_error("gz", "gz-images-idx3-ubyte.gz", "length mismatch");
    write_damaged_gz(append_junk);
    expect_load_error("gz", "gz-images-idx3-ubyte.gz", "after the end of the gzip stream");
}

/* Bytes after the data the header claims mean the header or the file is wrong. */
static void test_idx_trailing_data_refused(void **state)
{
    (void)state;
    write_set("tail", 3, 0, 3);
    uint8_t lab[8 + 3 + 1] = {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3, 9};
    write_file("tail-labels-idx1-ubyte", lab, sizeof lab, 0);
    expect_load_error("tail", "tail-labels-idx1-ubyte", "data after the 3 bytes");
    size_t len;
    uint8_t *gz = gzip_bytes(lab, sizeof lab, &len);
    write_file("tail-labels-idx1-ubyte", gz, len, 0);
    free(gz);
    expect_load_error("tail", "tail-labels-idx1-ubyte", "data after the 3 bytes");
}

/* find_idx builds "<dir>/<split>-<kind>.gz": a directory name that does not
 * fit is an error, not a silently cut path. */
static void test_too_long_data_path_refused(void **state)
{
    (void)state;
    char dir[1100];
    memset(dir, 'd', sizeof dir - 1);
    dir[sizeof dir - 1] = 0;
    dataset d;
    snn_error err = {{0}};
    assert_int_equal(dataset_load_idx(dir, "train", 0, &d, &err), -1);
    assert_non_null(strstr(err.msg, "path too long"));
}

/* An IDX split of n images of rows x cols (pixel values i * 37) with the given
 * labels, in the scratch directory's subdirectory "shape". */
static const char *write_shape(const char *split, int n, int rows, int cols,
                               const uint8_t *labels)
{
    static char dir[300];
    snprintf(dir, sizeof dir, "%s/shape", scratch_dir);
    mkdir(dir, 0777);
    size_t px = (size_t)n * rows * cols;
    uint8_t *img = malloc(16 + px), lab[8 + 256];
    const uint8_t ih[16] = {0, 0, 8, 3, 0, 0, 0, (uint8_t)n, 0, 0, (uint8_t)(rows >> 8),
                            (uint8_t)rows, 0, 0, (uint8_t)(cols >> 8), (uint8_t)cols};
    const uint8_t lh[8] = {0, 0, 8, 1, 0, 0, 0, (uint8_t)n};
    memcpy(img, ih, 16);
    for (size_t i = 0; i < px; i++)
        img[16 + i] = (uint8_t)(37 * i);
    memcpy(lab, lh, 8);
    memcpy(lab + 8, labels, (size_t)n);
    char iname[64], lname[64];
    snprintf(iname, sizeof iname, "shape/%s-images-idx3-ubyte", split);
    snprintf(lname, sizeof lname, "shape/%s-labels-idx1-ubyte", split);
    write_file(iname, img, 16 + px, 0);
    write_file(lname, lab, 8 + (size_t)n, 0);
    free(img);
    return dir;
}

/* Any image shape, any class count: 3x5 images, labels up to 25 (26 classes),
 * counted over the whole label file whatever the limit. */
static void test_idx_any_shape_and_class_count(void **state)
{
    (void)state;
    const uint8_t labels[4] = {25, 0, 7, 3};
    const char *dir = write_shape("train", 4, 3, 5, labels);
    encoded_set e;
    snn_error err = {{0}};
    assert_int_equal(encoded_set_load(dir, "train", 2, 100, &e, &err), 0);
    assert_int_equal(e.images.rows, 3);
    assert_int_equal(e.images.cols, 5);
    assert_int_equal(e.spikes.n_inputs, 15);
    assert_int_equal(e.spikes.n, 2);
    assert_int_equal(e.spikes.n_classes, 26);
    assert_non_null(strstr(e.labels_file, "train-labels-idx1-ubyte"));
    /* A 10-class readout refuses label 25, naming the label file and the label. */
    assert_int_equal(encoded_set_check(&e, 15, 10, &err), -1);
    assert_non_null(strstr(err.msg, "train-labels-idx1-ubyte: sample 0 has label 25"));
    assert_int_equal(encoded_set_check(&e, 15, 26, &err), 0);
    /* Another input count names the images file. */
    assert_int_equal(encoded_set_check(&e, 784, 26, &err), -1);
    assert_non_null(strstr(err.msg, "train-images-idx3-ubyte: the data has 15 inputs"));
    encoded_set_free(&e);
}

/* A training and a test set: one class count (the larger), one image shape. */
static void test_idx_pair_is_one_data_set(void **state)
{
    (void)state;
    const uint8_t train_labels[3] = {1, 0, 3}, test_labels[2] = {5, 2};
    const char *dir = write_shape("train", 3, 4, 6, train_labels);
    write_shape("t10k", 2, 4, 6, test_labels);
    encoded_set tr, te;
    snn_error err = {{0}};
    assert_int_equal(encoded_pair_load(dir, 0, 0, 100, &tr, &te, &err), 0);
    assert_int_equal(tr.spikes.n_classes, 6);
    assert_int_equal(te.spikes.n_classes, 6);
    assert_int_equal(tr.spikes.n_inputs, 24);
    encoded_set_free(&tr);
    encoded_set_free(&te);
    /* 4x6 against 6x4: the same pixel count, another image. */
    write_shape("t10k", 2, 6, 4, test_labels);
    assert_int_equal(encoded_pair_load(dir, 0, 0, 100, &tr, &te, &err), -1);
    if (!strstr(err.msg, "train-images-idx3-ubyte holds 4x6 images") ||
        !strstr(err.msg, "t10k-images-idx3-ubyte 6x4")) {
        print_error("message '%s' lacks both files and shapes\n", err.msg);
        fail();
    }
    assert_null(tr.spikes.events); /* nothing left to free */
    assert_null(te.spikes.events);
    /* One file is one split: training needs a directory. */
    char one[400];
    snprintf(one, sizeof one, "%s/t10k-images-idx3-ubyte", dir);
    assert_int_equal(encoded_pair_load(one, 0, 0, 100, &tr, &te, &err), -1);
    assert_non_null(strstr(err.msg, "one file holds one split"));
}

/* One IDX images file as the data (a command that reads one split): its labels
 * file is found by name, a prefix kept (EMNIST's emnist-letters-...). */
static void test_idx_images_file_as_data(void **state)
{
    (void)state;
    const uint8_t labels[3] = {26, 1, 2};
    const char *dir = write_shape("emnist-letters-test", 3, 4, 6, labels);
    char path[400];
    snprintf(path, sizeof path, "%s/emnist-letters-test-images-idx3-ubyte", dir);
    encoded_set e;
    snn_error err = {{0}};
    assert_int_equal(encoded_set_load(path, "train", 2, 100, &e, &err), 0);
    assert_int_equal(e.spikes.n, 2);
    assert_int_equal(e.spikes.n_inputs, 24);
    assert_int_equal(e.spikes.n_classes, 27);
    assert_string_equal(e.inputs_file, path);
    assert_non_null(strstr(e.labels_file, "shape/emnist-letters-test-labels-idx1-ubyte"));
    encoded_set_free(&e);
    /* without its labels file: named in the error */
    char labels_path[400];
    snprintf(labels_path, sizeof labels_path, "%s/emnist-letters-test-labels-idx1-ubyte", dir);
    assert_int_equal(remove(labels_path), 0);
    assert_int_equal(encoded_set_load(path, "t10k", 0, 100, &e, &err), -1);
    assert_non_null(strstr(err.msg, "emnist-letters-test-labels-idx1-ubyte: not found (the "
                                    "labels of "));
}

/* Images of more pixels than an event can address (65535) are refused naming the file. */
static void test_idx_too_many_pixels_names_the_file(void **state)
{
    (void)state;
    const uint8_t labels[1] = {0};
    const char *dir = write_shape("train", 1, 2, 32768, labels);
    encoded_set e;
    snn_error err = {{0}};
    assert_int_equal(encoded_set_load(dir, "train", 0, 100, &e, &err), -1);
    assert_non_null(strstr(err.msg, "shape/train-images-idx3-ubyte: 65536 inputs: more than the "
                                    "65535 an event can address"));
}

/* A directory with neither IDX files nor events names what it looked for. */
static void test_missing_data_names_both_kinds(void **state)
{
    (void)state;
    char dir[300];
    snprintf(dir, sizeof dir, "%s/nothing", scratch_dir);
    encoded_set e;
    snn_error err = {{0}};
    assert_int_equal(encoded_set_load(dir, "t10k", 0, 100, &e, &err), -1);
    assert_non_null(strstr(err.msg, "nothing/t10k-images-idx3-ubyte[.gz]: not found"));
    assert_non_null(strstr(err.msg, "nothing/test.npz (events)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_code_documented_steps),
        cmocka_unit_test(test_dark_pixels_never_fire_and_steps_fall_with_brightness),
        cmocka_unit_test(test_encoding_puts_each_bright_pixel_at_its_step),
        cmocka_unit_test(test_shift_of_non_square_images),
        cmocka_unit_test(test_idx_reads_gzip_and_plain),
        cmocka_unit_test(test_idx_bad_files_give_clear_errors),
        cmocka_unit_test(test_idx_huge_claim_checked_against_real_length),
        cmocka_unit_test(test_idx_gzip_trailer_required_and_checked),
        cmocka_unit_test(test_idx_trailing_data_refused),
        cmocka_unit_test(test_too_long_data_path_refused),
        cmocka_unit_test(test_idx_any_shape_and_class_count),
        cmocka_unit_test(test_idx_pair_is_one_data_set),
        cmocka_unit_test(test_idx_images_file_as_data),
        cmocka_unit_test(test_idx_too_many_pixels_names_the_file),
        cmocka_unit_test(test_missing_data_names_both_kinds),
    };
    return cmocka_run_group_tests_name("data", tests, scratch_dir_setup, scratch_dir_teardown);
}
