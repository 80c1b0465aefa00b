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
#include "../sw/format/npz.h"
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

/* 7 -> 6 (recurrent, 50:50) -> 4 (3 E) -> 5 (recurrent, all I) -> 3, each layer with its
 * own constants and the readout with its own decays. */
static void deep_model(snn_model *m)
{
    snn_config c = snn_default_config();
    const int sizes[3] = {6, 4, 5}, exc[3] = {3, 3, 0}, rec[3] = {1, 0, 1};
    c.n_in = 7, c.n_out = 3, c.n_layers = 3, c.steps = 17;
    for (int l = 0; l < 3; l++) {
        c.layer[l] = (snn_layer_config){sizes[l], exc[l], rec[l], 0.5f + 0.1f * l, 0.9f - 0.1f * l,
                                        1.0f + l};
    }
    c.out_alpha = 0.25f, c.out_beta = 0.75f;
    assert_int_equal(snn_model_alloc(m, &c, NULL), 0);
    snn_rng rng;
    snn_rng_seed(&rng, 6, 0);
    snn_model_init(m, 0.5, &rng);
}

static void assert_same_model(const snn_model *a, const snn_model *b)
{
    assert_memory_equal(&a->cfg, &b->cfg, sizeof a->cfg);
    assert_memory_equal(snn_model_weights(a), snn_model_weights(b),
                        sizeof(float) * snn_model_weight_count(&a->cfg));
    for (int l = 0; l < SNN_MAX_LAYERS; l++)
        assert_true((a->rec[l] == NULL) == (b->rec[l] == NULL));
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
    assert_same_model(&back, &m);
    free(got);
    snn_model_free(&back);
    snn_model_free(&m);
}

static void test_deep_recurrent_round_trip(void **state)
{
    (void)state;
    snn_model m, back;
    deep_model(&m);
    assert_non_null(m.rec[0]);
    assert_null(m.rec[1]);
    assert_non_null(m.rec[2]);
    assert_int_equal(snn_model_weight_count(&m.cfg), 7 * 6 + 6 * 4 + 4 * 5 + 5 * 3 + 36 + 25);
    assert_int_equal(snn_model_save(tmp("deep.snn"), &m, NULL, 0, NULL), 0);
    assert_int_equal(snn_model_load(tmp("deep.snn"), &back, NULL, NULL, NULL), 0);
    assert_same_model(&back, &m);
    snn_model_free(&back);
    snn_model_free(&m);
}

/* A version-1 file as the code before the general network wrote it (docs/model-format.md). */
static void write_v1(const char *name, const snn_model *m)
{
    const snn_config *c = &m->cfg;
    const snn_layer_config *h = &c->layer[0];
    byte_writer w = {0};
    bw_bytes(&w, "SNNF", 4);
    const uint32_t ints[] = {1, (uint32_t)c->n_in, (uint32_t)h->size, (uint32_t)c->n_out,
                             (uint32_t)h->n_exc, (uint32_t)c->steps, (uint32_t)c->dale};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        bw_u32(&w, ints[i]);
    bw_f32(&w, h->alpha), bw_f32(&w, h->beta), bw_f32(&w, h->threshold);
    for (int j = 0; j < h->size; j++)
        bw_u8(&w, j < h->n_exc ? 'E' : 'I');
    for (size_t i = 0; i < snn_model_weight_count(c); i++)
        bw_f32(&w, snn_model_weights(m)[i]);
    bw_u64(&w, 3);
    bw_bytes(&w, "abc", 3);
    bw_crc32(&w);
    FILE *f = fopen(tmp(name), "wb");
    fwrite(w.p, 1, w.len, f);
    fclose(f);
    bw_free(&w);
}

static void test_version_1_files_load_as_one_layer(void **state)
{
    (void)state;
    snn_model m, back;
    small_model(&m, 1);
    write_v1("v1.snn", &m);
    void *got;
    size_t len;
    assert_int_equal(snn_model_load(tmp("v1.snn"), &back, &got, &len, NULL), 0);
    assert_int_equal(back.cfg.n_layers, 1);
    assert_int_equal(back.cfg.layer[0].recurrent, 0);
    assert_true(back.cfg.out_alpha == m.cfg.layer[0].alpha);
    assert_true(back.cfg.out_beta == m.cfg.layer[0].beta);
    assert_same_model(&back, &m);
    assert_int_equal(len, 3);
    assert_memory_equal(got, "abc", 3);
    free(got);
    /* Saving it again writes version 2 with the same network. */
    assert_int_equal(snn_model_save(tmp("v2.snn"), &back, NULL, 0, NULL), 0);
    snn_model again;
    assert_int_equal(snn_model_load(tmp("v2.snn"), &again, NULL, NULL, NULL), 0);
    assert_same_model(&again, &m);
    snn_model_free(&again);
    snn_model_free(&back);
    snn_model_free(&m);
}

static void test_dale_clip_acts_on_every_matrix(void **state)
{
    (void)state;
    snn_model m;
    deep_model(&m);
    const snn_config *c = &m.cfg;
    float *w = snn_model_weights(&m);
    for (size_t i = 0; i < snn_model_weight_count(c); i++)
        w[i] = i % 2 ? 1.0f : -1.0f; /* half of every row on the wrong side */
    snn_dale_clip(&m);
    for (int l = 0; l <= c->n_layers; l++) {
        int rows = snn_ff_rows(c, l), cols = snn_ff_cols(c, l);
        for (int i = 0; i < rows * cols; i++) {
            int sign = l == 0 ? 1 : snn_neuron_sign(c, l - 1, i / cols);
            assert_true(sign * m.ff[l][i] >= 0);
        }
    }
    for (int l = 0; l < c->n_layers; l++) {
        int n = c->layer[l].size, negatives = 0;
        for (int i = 0; m.rec[l] && i < n * n; i++) {
            assert_true(snn_neuron_sign(c, l, i / n) * m.rec[l][i] >= 0);
            negatives += m.rec[l][i] < 0;
        }
        /* layer 0 is 50:50: its inhibitory rows keep their negative weights */
        if (l == 0)
            assert_true(negatives > 0);
    }
    /* and init signs every matrix by type */
    snn_model_free(&m);
    deep_model(&m);
    for (int l = 0; l < c->n_layers; l++)
        for (int i = 0; m.rec[l] && i < c->layer[l].size * c->layer[l].size; i++)
            assert_true(snn_neuron_sign(c, l, i / c->layer[l].size) * m.rec[l][i] >= 0);
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

/* Layout, version 2 (docs/model-format.md): a 36-byte header, the layer's 24 bytes
 * and one type byte per neuron (5 here), then ff0 as float32. */
enum { W1_OFFSET = 36 + 24 + 5, LAYERS_OFFSET = 16, RECURRENT_OFFSET = 36 + 8 };

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
static void five_layers(uint8_t *d, size_t *len) { (void)len, d[LAYERS_OFFSET] = 5; }
static void no_layers(uint8_t *d, size_t *len) { (void)len, d[LAYERS_OFFSET] = 0; }
static void bad_recurrent_flag(uint8_t *d, size_t *len) { (void)len, d[RECURRENT_OFFSET] = 2; }
static void version_3(uint8_t *d, size_t *len) { (void)len, d[4] = 3; }

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
        {five_layers, 1, "5 hidden layers out of range"},
        {no_layers, 1, "0 hidden layers out of range"},
        {bad_recurrent_flag, 1, "recurrent flag 2"},
        {version_3, 1, "version 3 unsupported"},
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

/* A deep model's recurrent matrix breaking Dale's law is named. */
static void rec_wrong_sign(uint8_t *d, size_t *len)
{
    /* rec0 starts after the header, three layers and ff0..ff3; its row 4 is inhibitory
     * (50:50 layer of 6), so a positive weight there breaks the law. */
    size_t at = 36 + 3 * 24 + 6 + 4 + 5 + 4 * (7 * 6 + 6 * 4 + 4 * 5 + 5 * 3) + 4 * (4 * 6 + 1);
    float one = 1.0f;
    memcpy(d + at, &one, 4);
    (void)len;
}

static void test_deep_bad_files(void **state)
{
    (void)state;
    snn_model m, back;
    snn_error err;
    deep_model(&m);
    assert_int_equal(snn_model_save(tmp("deep_bad.snn"), &m, NULL, 0, NULL), 0);
    corrupt("deep_bad.snn", rec_wrong_sign, 1);
    expect_error(snn_model_load(tmp("deep_bad.snn"), &back, NULL, NULL, &err), &err,
                 "deep_bad.snn", "rec0 weight 25 = 1 breaks Dale's law");
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
        cmocka_unit_test(test_deep_recurrent_round_trip),
        cmocka_unit_test(test_version_1_files_load_as_one_layer),
        cmocka_unit_test(test_dale_clip_acts_on_every_matrix),
        cmocka_unit_test(test_deep_bad_files),
        cmocka_unit_test(test_npz_round_trip),
        cmocka_unit_test(test_npz_bad_files),
    };
    return cmocka_run_group_tests_name("model_io", tests, scratch_dir_setup, scratch_dir_teardown);
}
