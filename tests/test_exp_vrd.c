/* test_exp_vrd.c - the Van Rossum distance against known values and an
 * independent direct computation (double sums of exponential kernels, and
 * the filter run far past the raster instead of the closed-form tail); the
 * spike-train CSV reader on good and bad text. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../sw/exp/vrd.h"
#include "../sw/exp/vrd_csv.h"
#include "../sw/util/rng.h"

#define CLOSE(a, b, tol) assert_true(fabs((a) - (b)) <= (tol) || (print_message("%.12g vs %.12g\n", (double)(a), (double)(b)), 0))

/* Direct: K = sum_ij k(ai-aj) + sum_ij k(bi-bj) - 2 sum_ij k(ai-bj). */
static double direct_kernel_sum(const double *a, int na, const double *b, int nb, double tau)
{
    double k = 0;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < na; j++)
            k += exp(-fabs(a[i] - a[j]) / tau);
    for (int i = 0; i < nb; i++)
        for (int j = 0; j < nb; j++)
            k += exp(-fabs(b[i] - b[j]) / tau);
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            k -= 2 * exp(-fabs(a[i] - b[j]) / tau);
    return k;
}

static void test_known_values(void **state)
{
    (void)state;
    double one[] = {3.0};
    /* One spike against none. */
    CLOSE(vrd_times(one, 1, NULL, 0, 1.0, VRD_ELEPHANT), 1.0, 1e-12);
    CLOSE(vrd_times(one, 1, NULL, 0, 1.0, VRD_VR2001), sqrt(0.5), 1e-12);
    CLOSE(vrd_times(one, 1, NULL, 0, 1.0, VRD_GRID), sqrt(1.0 / (1.0 - exp(-2.0))), 1e-12);
    CLOSE(vrd_times(one, 1, NULL, 0, 1.0, VRD_GRID), 1.0754151, 1e-7);
    /* van Rossum (2001): two single spikes dt apart, D^2 = 1 - exp(-dt/tau). */
    double a[] = {10.0}, b[] = {12.5};
    for (double tau = 0.5; tau < 20; tau *= 2)
        CLOSE(vrd_times(a, 1, b, 1, tau, VRD_VR2001), sqrt(1 - exp(-2.5 / tau)), 1e-12);
    /* Identical trains are at distance 0; no spikes at all too. */
    double c[] = {1, 4, 4.5, 9};
    CLOSE(vrd_times(c, 4, c, 4, 2.0, VRD_ELEPHANT), 0.0, 1e-7);
    CLOSE(vrd_times(NULL, 0, NULL, 0, 2.0, VRD_GRID), 0.0, 0);
    /* Far-apart spikes add up like independent ones: n + m. */
    double far_a[] = {0, 1000}, far_b[] = {2000};
    CLOSE(vrd_times(far_a, 2, far_b, 1, 1.0, VRD_ELEPHANT), sqrt(3.0), 1e-12);
    assert_int_equal(vrd_norm_parse("elephant"), VRD_ELEPHANT);
    assert_int_equal(vrd_norm_parse("grid"), VRD_GRID);
    assert_int_equal(vrd_norm_parse("vr2001"), VRD_VR2001);
    assert_int_equal(vrd_norm_parse("bogus"), -1);
}

static int sort_cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void test_times_vs_direct(void **state)
{
    (void)state;
    snn_rng rng;
    snn_rng_seed(&rng, 7, 0);
    double a[40], b[40];
    for (int trial = 0; trial < 200; trial++) {
        int na = (int)snn_rng_below(&rng, 40), nb = (int)snn_rng_below(&rng, 40);
        double span = 1 + 100 * snn_rng_uniform(&rng);
        for (int i = 0; i < na; i++)
            a[i] = span * snn_rng_uniform(&rng);
        for (int i = 0; i < nb; i++) /* some shared times: ties between the trains */
            b[i] = i < na && snn_rng_below(&rng, 4) == 0 ? a[i] : span * snn_rng_uniform(&rng);
        qsort(a, na, sizeof *a, sort_cmp);
        qsort(b, nb, sizeof *b, sort_cmp);
        double tau = 0.2 + 10 * snn_rng_uniform(&rng);
        double k = direct_kernel_sum(a, na, b, nb, tau);
        for (int n = 0; n < 3; n++) {
            double want = sqrt(fmax(k, 0) * vrd_norm_factor(n, tau));
            CLOSE(vrd_times(a, na, b, nb, tau, n), want, 1e-9 * (1 + want));
        }
    }
}

/* The raster path (filter + tail) against the filter run 400 steps past
 * the end with no tail formula, and against the spike-time path. */
static void test_raster_vs_direct(void **state)
{
    (void)state;
    enum { T = 60, H = 7, PAD = 400 };
    snn_rng rng;
    snn_rng_seed(&rng, 11, 0);
    uint8_t spk[T * H];
    double trace[T * H];
    for (int trial = 0; trial < 50; trial++) {
        double p = 0.02 + 0.3 * snn_rng_uniform(&rng);
        for (int i = 0; i < T * H; i++)
            spk[i] = snn_rng_uniform(&rng) < p;
        double tau = trial % 2 ? 1.0 : 0.5 + 5 * snn_rng_uniform(&rng);
        vrd_traces(spk, T, H, tau, trace);
        for (int x = 0; x < H; x++)
            for (int y = 0; y < H; y++) {
                double fx = 0, fy = 0, sum = 0, decay = exp(-1 / tau);
                double tx[T], ty[T];
                int nx = 0, ny = 0;
                for (int t = 0; t < T + PAD; t++) {
                    fx = fx * decay + (t < T && spk[t * H + x]);
                    fy = fy * decay + (t < T && spk[t * H + y]);
                    sum += (fx - fy) * (fx - fy);
                    if (t < T && spk[t * H + x])
                        tx[nx++] = t;
                    if (t < T && spk[t * H + y])
                        ty[ny++] = t;
                }
                double want = sqrt(sum / tau);
                double got = vrd_trace_pair(trace, T, H, x, y, tau, VRD_GRID);
                CLOSE(got, want, 1e-9 * (1 + want));
                /* The kernel sum cancels to ~1e-15 for equal trains: compare squares. */
                double by_times = vrd_times(tx, nx, ty, ny, tau, VRD_GRID);
                CLOSE(by_times * by_times, want * want, 1e-9 * (1 + want * want));
                double e1 = vrd_trace_pair(trace, T, H, x, y, tau, VRD_ELEPHANT);
                double e2 = vrd_times(tx, nx, ty, ny, tau, VRD_ELEPHANT);
                CLOSE(e1 * e1, e2 * e2, 1e-9 * (1 + want * want));
            }
    }
}

static void test_groups(void **state)
{
    (void)state;
    enum { T = 20, H = 5, N_EXC = 3 };
    uint8_t spk[T * H] = {0};
    spk[2 * H + 0] = 1; /* E0 spikes at 2, E1 at 2: EE pair (0,1) identical */
    spk[2 * H + 1] = 1;
    spk[9 * H + 4] = 1; /* I4 spikes once; I3 never */
    int sizes[VRD_GROUPS];
    vrd_group_sizes(H, N_EXC, sizes);
    assert_int_equal(sizes[VRD_EE], 3);
    assert_int_equal(sizes[VRD_EI], 6);
    assert_int_equal(sizes[VRD_II], 1);
    double ee[3], ei[6], ii[1], trace[T * H];
    double *out[VRD_GROUPS] = {ee, ei, ii};
    int n[VRD_GROUPS] = {0, 0, 0};
    vrd_raster_groups(spk, T, H, N_EXC, 1.0, VRD_ELEPHANT, trace, out, n);
    assert_int_equal(n[VRD_EE], 3);
    assert_int_equal(n[VRD_EI], 6);
    assert_int_equal(n[VRD_II], 1);
    CLOSE(ee[0], 0.0, 1e-12);          /* (0,1) */
    CLOSE(ee[1], 1.0, 1e-12);          /* (0,2): one spike vs none */
    CLOSE(ii[0], 1.0, 1e-12);          /* (3,4) */
    CLOSE(ei[1], sqrt(2 - 2 * exp(-7.0)), 1e-9); /* (0,4): one spike each, 7 steps apart */
}

/* Parses len bytes of text as "t.csv"; returns vrd_csv_parse's result. */
static int parse_csv(const char *text, size_t len, int whole_steps, vrd_train_set *s,
                     snn_error *err)
{
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    memcpy(buf, text, len);
    int rc = vrd_csv_parse(buf, len, "t.csv", whole_steps, s, err);
    free(buf);
    return rc;
}

static void expect_csv_error(const char *text, size_t len, const char *want)
{
    vrd_train_set s;
    snn_error err = {0};
    assert_int_equal(parse_csv(text, len, 1, &s, &err), -1);
    assert_int_equal(s.n, 0);
    if (!strstr(err.msg, want))
        fail_msg("error '%s' should say '%s'", err.msg, want);
}

static void test_csv(void **state)
{
    (void)state;
    /* A header longer than any fixed line buffer, CRLF, a blank line, times out of order,
     * and a time after 600 spaces: all read whole. */
    char text[2048];
    int n = snprintf(text, sizeof text, "neuron,");
    memset(text + n, 'x', 600);
    n += 600;
    n += snprintf(text + n, sizeof text - n, "\r\nb,7\r\na,5\n\na,2\nb,%600s\n", "3");
    vrd_train_set s;
    snn_error err = {0};
    assert_int_equal(parse_csv(text, (size_t)n, 1, &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.tr[0].id, "b");
    assert_int_equal(s.tr[0].n, 2);
    assert_true(s.tr[0].t[0] == 3 && s.tr[0].t[1] == 7);
    assert_string_equal(s.tr[1].id, "a");
    assert_true(s.tr[1].n == 2 && s.tr[1].t[0] == 2 && s.tr[1].t[1] == 5);
    vrd_trains_free(&s);

    expect_csv_error("", 0, "t.csv: no spikes");
    expect_csv_error("id,time\n", 8, "t.csv: no spikes");
    expect_csv_error("a,1\nb\n", 6, "t.csv:2: expected 'train_id,time'");
    expect_csv_error("a,1\nb,inf\n", 10, "t.csv:2: expected 'train_id,time' with a finite time");
    expect_csv_error("a,1\nb,1.5\n", 10, "t.csv:2: time 1.5 is not a whole step");
    expect_csv_error("a,1\nb,\0 2\n", 10, "t.csv:2: column 3: NUL byte");
    char long_id[128];
    memset(long_id, 'i', 100);
    snprintf(long_id + 100, sizeof long_id - 100, ",1\n");
    expect_csv_error(long_id, strlen(long_id), "t.csv:1: train id longer than 63");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_times_vs_direct),
        cmocka_unit_test(test_raster_vs_direct),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests_name("exp_vrd", tests, NULL, NULL);
}
