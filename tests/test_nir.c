/* test_nir.c - NIR graphs (sw/io/nir.c): a model written and read back is
 * bit-identical (weights, constants, E:I split, steps, Dale flag) for the
 * paper's network, a two-layer recurrent network with mixed E:I ratios, layers
 * of one population, no Dale's law, and decays over their whole range; files
 * edited with libhdf5 after writing show the reader folding input gains into
 * the weights and refusing, naming the node, what the model cannot run; the
 * inputs fuzz_nir crashed libhdf5 with are refused (run from the repository root). */
#include <hdf5.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scratch_dir.h"
#include "../sw/format/h5guard.h"
#include "../sw/io/nir.h"
#include "../sw/util/rng.h"

static void path_of(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", scratch_dir, name);
}

static void make_model(snn_model *m, const snn_config *c, uint64_t seed)
{
    snn_error err;
    assert_int_equal(snn_model_alloc(m, c, &err), 0);
    snn_rng rng;
    snn_rng_seed(&rng, seed, 0);
    snn_model_init(m, 0.01, &rng);
}

/* Writes m, reads it back and checks every bit. */
static void round_trip(const snn_model *m, const char *name)
{
    char path[512];
    path_of(path, sizeof path, name);
    snn_error err = {{0}};
    assert_int_equal(nir_write_model(path, m, &err), 0);
    assert_true(h5_has_signature(path));
    snn_model b;
    if (nir_read_model(path, 0, &b, &err) != 0)
        fail_msg("%s", err.msg);
    assert_memory_equal(&b.cfg, &m->cfg, sizeof m->cfg);
    size_t n = snn_model_weight_count(&m->cfg);
    assert_memory_equal(snn_model_weights(&b), snn_model_weights(m), n * sizeof(float));
    snn_model_free(&b);
}

static void test_paper_network_round_trip(void **state)
{
    (void)state;
    snn_config c = snn_default_config();
    snn_model m;
    make_model(&m, &c, 1);
    round_trip(&m, "paper.nir");
    snn_model_free(&m);
}

static snn_config two_layer_recurrent(void)
{
    snn_config c = snn_default_config();
    c.n_in = 40;
    c.n_out = 7;
    c.n_layers = 2;
    c.layer[0] = (snn_layer_config){30, 24, 1, 0.8187308f, 0.9048374f, 1.0f};
    c.layer[1] = (snn_layer_config){12, 6, 1, 0.75f, 0.95f, 0.5f};
    c.out_alpha = 0.6f;
    c.out_beta = 0.97f;
    c.steps = 37;
    return c;
}

static void test_recurrent_mixed_ratio_round_trip(void **state)
{
    (void)state;
    snn_config c = two_layer_recurrent();
    snn_model m;
    make_model(&m, &c, 2);
    round_trip(&m, "rec.nir");
    snn_model_free(&m);
}

/* Layers of only E or only I neurons (one population node each), one not
 * recurrent, and no Dale's law (signs free). */
static void test_one_population_layers_and_no_dale(void **state)
{
    (void)state;
    snn_config c = two_layer_recurrent();
    c.layer[0].n_exc = c.layer[0].size;
    c.layer[0].recurrent = 0;
    c.layer[1].n_exc = 0;
    snn_model m;
    make_model(&m, &c, 3);
    round_trip(&m, "pops.nir");
    snn_model_free(&m);
    c.dale = 0;
    make_model(&m, &c, 4);
    round_trip(&m, "nodale.nir");
    snn_model_free(&m);
}

/* alpha -> tau = dt / (1 - alpha) -> 1 - dt / tau gives alpha back, over [0, 1). */
static void test_decays_round_trip_over_their_range(void **state)
{
    (void)state;
    const float decays[] = {0.0f, 1e-7f, 0.1f, 1.0f / 3, 0.5f, 0.8187308f, 0.9f, 0.99f,
                            0.999999f, nextafterf(1.0f, 0.0f)};
    const int n = (int)(sizeof decays / sizeof decays[0]);
    snn_config c = snn_default_config();
    c.n_in = 3, c.n_out = 2, c.layer[0].size = 4, c.layer[0].n_exc = 2;
    for (int i = 0; i < n; i++) {
        c.layer[0].alpha = decays[i];
        c.layer[0].beta = decays[n - 1 - i];
        c.out_alpha = decays[(i + 3) % n];
        c.out_beta = decays[(i + 7) % n];
        c.layer[0].threshold = 0.25f + (float)i;
        snn_model m;
        make_model(&m, &c, 5);
        round_trip(&m, "decay.nir");
        snn_model_free(&m);
    }
}

/* Overwrites dataset `name` (n float64 values) of a written file. */
static void patch(const char *path, const char *name, const double *v, size_t n)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t space = H5Dget_space(ds);
    assert_int_equal(H5Sget_simple_extent_npoints(space), (hssize_t)n);
    assert_true(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(f);
}

/* A small written model (40-30r-12r-7) at path, with m kept for comparison. */
static void written(snn_model *m, char *path, size_t len, const char *name)
{
    snn_config c = two_layer_recurrent();
    make_model(m, &c, 6);
    path_of(path, len, name);
    assert_int_equal(nir_write_model(path, m, NULL), 0);
}

static void expect_refused(const char *path, const char *what1, const char *what2)
{
    snn_model b;
    snn_error err = {{0}};
    assert_int_equal(nir_read_model(path, 0, &b, &err), -1);
    if (!strstr(err.msg, path) || !strstr(err.msg, what1) || (what2 && !strstr(err.msg, what2)))
        fail_msg("message '%s' lacks the file, '%s' or '%s'", err.msg, what1, what2 ? what2 : "");
}

/* w_in and r other than our files' fold into the weights into each neuron. */
static void test_input_gain_folded_into_weights(void **state)
{
    (void)state;
    snn_model m;
    char path[512];
    written(&m, path, sizeof path, "gain.nir");
    double w_in[6];
    for (int i = 0; i < 6; i++) /* lif1_exc: tau_syn = dt / (1 - 0.75) = 4 ms, w_in was 4 */
        w_in[i] = 4.0 * (i + 1);
    patch(path, "/node/nodes/lif1_exc/w_in", w_in, 6);
    snn_model b;
    snn_error err = {{0}};
    if (nir_read_model(path, 0, &b, &err) != 0)
        fail_msg("%s", err.msg);
    int pre = m.cfg.layer[0].size, post = m.cfg.layer[1].size;
    for (int i = 0; i < pre; i++)
        for (int j = 0; j < post; j++) {
            float w = m.ff[1][i * post + j], want = j < 6 ? (float)(w * (j + 1.0)) : w;
            assert_true(fabsf(b.ff[1][i * post + j] - want) <= 1e-6f * fabsf(want));
        }
    for (int i = 0; i < post; i++) /* the recurrent weights into lif1_exc too */
        for (int j = 0; j < 6; j++) {
            float want = (float)(m.rec[1][i * post + j] * (j + 1.0));
            assert_true(fabsf(b.rec[1][i * post + j] - want) <= 1e-6f * fabsf(want));
        }
    snn_model_free(&b);
    snn_model_free(&m);
}

static void test_refuses_what_the_model_cannot_run(void **state)
{
    (void)state;
    snn_model m;
    char path[512];
    double v[24];

    written(&m, path, sizeof path, "reset.nir");
    for (int i = 0; i < 24; i++)
        v[i] = i == 3 ? -0.5 : 0;
    patch(path, "/node/nodes/lif0_exc/v_reset", v, 24);
    expect_refused(path, "node 'lif0_exc'", "v_reset");
    snn_model_free(&m);

    written(&m, path, sizeof path, "leak.nir");
    patch(path, "/node/nodes/lif1_inh/v_leak", v, 6);
    expect_refused(path, "node 'lif1_inh'", "v_leak");
    snn_model_free(&m);

    written(&m, path, sizeof path, "tau.nir");
    for (int i = 0; i < 6; i++)
        v[i] = 0.004 + (i == 5) * 0.001;
    patch(path, "/node/nodes/lif1_exc/tau_syn", v, 6);
    expect_refused(path, "node 'lif1_exc'", "tau_syn differs between neurons");
    snn_model_free(&m);

    written(&m, path, sizeof path, "thr.nir"); /* uniform per node, not per layer */
    for (int i = 0; i < 6; i++)
        v[i] = 0.75;
    patch(path, "/node/nodes/lif1_inh/v_threshold", v, 6);
    expect_refused(path, "node 'lif1_inh'", "same layer");
    snn_model_free(&m);

    written(&m, path, sizeof path, "dale.nir"); /* an inhibitory block with a positive weight */
    double w[6 * 6];
    for (int i = 0; i < 36; i++)
        w[i] = i == 7 ? 0.5 : -0.1;
    patch(path, "/node/nodes/rec1_inh_exc/weight", w, 36);
    expect_refused(path, "node 'rec1_inh_exc'", "Dale's law");
    snn_model_free(&m);

    written(&m, path, sizeof path, "tau_dt.nir");
    for (int i = 0; i < 7; i++)
        v[i] = 0.0005;
    patch(path, "/node/nodes/li/tau_mem", v, 7);
    expect_refused(path, "node 'li'", ">= dt");
    snn_model_free(&m);
}

/* Files that are not NIR graphs: errors name the file, nothing is allocated. */
static void test_refuses_other_files(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "text.nir");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("not hdf5\n", f);
    fclose(f);
    assert_false(h5_has_signature(path));
    expect_refused(path, "not an HDF5 file", NULL);
    path_of(path, sizeof path, "missing.nir");
    expect_refused(path, "cannot open", NULL);
    /* An HDF5 file without a graph. */
    path_of(path, sizeof path, "empty.h5");
    hid_t h = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(h >= 0);
    H5Fclose(h);
    expect_refused(path, "no /node group", NULL);
}

/* The inputs fuzz_nir crashed libhdf5 with: each refused, the file and the cause named. */
static void test_refuses_fuzz_crashes(void **state)
{
    (void)state;
    static const char *const crashes[][2] = {
        {"crash_dense_links.nir", "dense link storage"},
        {"crash_integer_bit_offset.nir", "is not numbers"},
        {"crash_btree_child_address.nir", "B-tree node at 1440 names child 0"},
    };
    for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++) {
        char p[256];
        snprintf(p, sizeof p, "tests/fuzz/corpus/nir/%s", crashes[i][0]);
        expect_refused(p, crashes[i][1], NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paper_network_round_trip),
        cmocka_unit_test(test_recurrent_mixed_ratio_round_trip),
        cmocka_unit_test(test_one_population_layers_and_no_dale),
        cmocka_unit_test(test_decays_round_trip_over_their_range),
        cmocka_unit_test(test_input_gain_folded_into_weights),
        cmocka_unit_test(test_refuses_what_the_model_cannot_run),
        cmocka_unit_test(test_refuses_other_files),
        cmocka_unit_test(test_refuses_fuzz_crashes),
    };
    return cmocka_run_group_tests(tests, scratch_dir_setup, scratch_dir_teardown);
}
