/* test_events.c - spike-event data sets in .npz (sw/data/events.c): binning at
 * 1 ms steps (or dt), one event per unit and step, the declared or inferred
 * input and class counts, a directory of train.npz / test.npz as one data set,
 * and every damaged file refused with an error naming the file and the array. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "scratch_dir.h"
#include "../sw/data/events.h"

/* Three samples: 0 spikes at 0.5, 12.0, 12.7 (unit 0 twice in step 12), 99.9
 * and 250 (past 100 steps); 1 none; 2 one. */
static const double times[6] = {0.5, 12.0, 12.7, 99.9, 250, 3};
static const double units[6] = {3, 0, 0, 4, 1, 2};
static const double offsets[4] = {0, 5, 5, 6};
static const double labels[3] = {2, 0, 1};

typedef struct {
    npz_entry e[8];
    int n;
} arrays;

/* The good file's arrays: float32 times, int32 the rest. */
static arrays good(void)
{
    arrays a = {.n = 4};
    a.e[0] = (npz_entry){"times", 1, {6}, 1, times};
    a.e[1] = (npz_entry){"units", 1, {6}, 0, units};
    a.e[2] = (npz_entry){"offsets", 1, {4}, 0, offsets};
    a.e[3] = (npz_entry){"labels", 1, {3}, 0, labels};
    return a;
}

static void add(arrays *a, npz_entry e) { a->e[a->n++] = e; }

/* Writes the arrays to "<scratch>/<name>" and returns its path. */
static const char *write_npz(const char *name, const arrays *a)
{
    static char path[300];
    snprintf(path, sizeof path, "%s/%s", scratch_dir, name);
    assert_int_equal(npz_write(path, a->e, a->n, NULL), 0);
    return path;
}

/* Events of sample s at step t, as a string of unit numbers ("0 3"). */
static void step_units(const spike_data *d, int s, int t, char *out, size_t cap)
{
    const uint32_t *st = d->step_start + (size_t)s * (d->steps + 1);
    out[0] = 0;
    for (uint32_t e = st[t]; e < st[t + 1]; e++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%u", e > st[t] ? " " : "", d->events[e]);
}

static void test_bins_at_one_ms(void **state)
{
    (void)state;
    arrays a = good();
    spike_data d;
    snn_error err = {{0}};
    assert_int_equal(events_load_npz(write_npz("good.npz", &a), 0, 100, &d, &err), 0);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.steps, 100);
    assert_int_equal(d.n_inputs, 5);  /* largest unit + 1 */
    assert_int_equal(d.n_classes, 3); /* largest label + 1 */
    assert_int_equal(d.labels[0], 2);
    char u[32];
    step_units(&d, 0, 0, u, sizeof u);
    assert_string_equal(u, "3");
    step_units(&d, 0, 12, u, sizeof u); /* 12.0 and 12.7: one event */
    assert_string_equal(u, "0");
    step_units(&d, 0, 99, u, sizeof u);
    assert_string_equal(u, "4");
    assert_int_equal(spike_data_count(&d, 0), 3); /* 250 ms: past the window */
    assert_int_equal(spike_data_count(&d, 1), 0);
    step_units(&d, 2, 3, u, sizeof u);
    assert_string_equal(u, "2");
    spike_data_free(&d);
    /* The first sample only. */
    assert_int_equal(events_load_npz(write_npz("good.npz", &a), 1, 100, &d, &err), 0);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.n_classes, 3); /* still counted over the whole file */
    spike_data_free(&d);
}

/* Declared counts, and dt: times in seconds with dt = 0.001 land where the
 * same times in milliseconds do. */
static void test_declared_counts_and_dt(void **state)
{
    (void)state;
    arrays a = good();
    double secs[6], n_units = 700, n_classes = 20, dt = 0.001;
    for (int i = 0; i < 6; i++)
        secs[i] = times[i] / 1000;
    a.e[0].data = secs;
    a.e[0].is_float = 1;
    add(&a, (npz_entry){"n_units", 0, {0}, 0, &n_units});
    add(&a, (npz_entry){"n_classes", 0, {0}, 0, &n_classes});
    add(&a, (npz_entry){"dt", 0, {0}, 1, &dt});
    spike_data d;
    snn_error err = {{0}};
    assert_int_equal(events_load_npz(write_npz("seconds.npz", &a), 0, 100, &d, &err), 0);
    assert_int_equal(d.n_inputs, 700);
    assert_int_equal(d.n_classes, 20);
    char u[32];
    step_units(&d, 0, 12, u, sizeof u);
    assert_string_equal(u, "0");
    step_units(&d, 0, 99, u, sizeof u);
    assert_string_equal(u, "4");
    spike_data_free(&d);
}

/* A directory of train.npz and test.npz is one data set: the larger class
 * count for both, and one input count (else both files are named). */
static void test_directory_pair(void **state)
{
    (void)state;
    char dir[300];
    snprintf(dir, sizeof dir, "%s/pair", scratch_dir);
    mkdir(dir, 0777);
    arrays a = good();
    write_npz("pair/train.npz", &a);
    double test_labels[3] = {5, 0, 1};
    a.e[3].data = test_labels;
    write_npz("pair/test.npz", &a);
    encoded_set tr, te;
    snn_error err = {{0}};
    assert_int_equal(encoded_pair_load(dir, 0, 0, 100, &tr, &te, &err), 0);
    assert_int_equal(tr.spikes.n_classes, 6);
    assert_int_equal(te.spikes.n_classes, 6);
    assert_non_null(strstr(te.labels_file, "pair/test.npz"));
    encoded_set_free(&tr);
    encoded_set_free(&te);
    double n_units = 40;
    add(&a, (npz_entry){"n_units", 0, {0}, 0, &n_units});
    write_npz("pair/test.npz", &a);
    assert_int_equal(encoded_pair_load(dir, 0, 0, 100, &tr, &te, &err), -1);
    if (!strstr(err.msg, "pair/train.npz has 5 inputs per sample") ||
        !strstr(err.msg, "pair/test.npz 40"))
        fail_msg("'%s' should name both files and their input counts", err.msg);
}

/* Loading fails with a message that names the file and contains `want`. */
static void expect_refused(const arrays *a, const char *want)
{
    const char *path = write_npz("bad.npz", a);
    spike_data d;
    snn_error err = {{0}};
    assert_int_equal(events_load_npz(path, 0, 100, &d, &err), -1);
    if (!strstr(err.msg, path) || !strstr(err.msg, want))
        fail_msg("error '%s' should name %s and say '%s'", err.msg, path, want);
}

static void test_damaged_files_refused(void **state)
{
    (void)state;
    arrays a = good();
    a.n = 3; /* no labels */
    expect_refused(&a, "no array 'labels'");

    a = good();
    a.e[1].is_float = 1;
    expect_refused(&a, "units has dtype <f4, need integers");

    a = good();
    a.e[1].shape[0] = 5;
    expect_refused(&a, "units has 5 values, times 6");

    a = good();
    a.e[2] = (npz_entry){"offsets", 2, {2, 2}, 0, offsets};
    expect_refused(&a, "offsets has 2 dimensions, need 1");

    a = good();
    const double not_monotone[4] = {0, 5, 4, 6};
    a.e[2].data = not_monotone;
    expect_refused(&a, "offsets are not monotone: offsets[2] = 4 < offsets[1] = 5");

    a = good();
    const double short_end[4] = {0, 5, 5, 5};
    a.e[2].data = short_end;
    expect_refused(&a, "offsets[3] = 5, but times has 6 values");

    a = good();
    a.e[2].shape[0] = 3;
    expect_refused(&a, "offsets has 3 values, need 4 (one more than the 3 labels)");

    double t[6];
    memcpy(t, times, sizeof t);
    a = good();
    a.e[0].data = t;
    t[3] = -1;
    expect_refused(&a, "times[3] (sample 0) = -1, need a finite time >= 0");
    t[3] = NAN;
    expect_refused(&a, "times[3] (sample 0) = nan");
    t[3] = 99.9;
    t[5] = INFINITY;
    expect_refused(&a, "times[5] (sample 2) = inf");

    double n_units = 4;
    a = good();
    add(&a, (npz_entry){"n_units", 0, {0}, 0, &n_units});
    expect_refused(&a, "units[3] = 4, outside [0, 4) (n_units)");

    double u[6];
    memcpy(u, units, sizeof u);
    u[2] = -2;
    a = good();
    a.e[1].data = u;
    expect_refused(&a, "units[2] (sample 0) = -2 is negative");

    double n_classes = 2;
    a = good();
    add(&a, (npz_entry){"n_classes", 0, {0}, 0, &n_classes});
    expect_refused(&a, "labels[0] = 2, outside the 2 classes of n_classes");

    double l[3] = {2, 256, 0};
    a = good();
    a.e[3].data = l;
    expect_refused(&a, "labels[1] = 256, need a class in [0, 255]");

    double dt = 0;
    a = good();
    add(&a, (npz_entry){"dt", 0, {0}, 1, &dt});
    expect_refused(&a, "dt = 0, need a finite step length > 0");

    double two_units[2] = {3, 4};
    a = good();
    add(&a, (npz_entry){"n_units", 1, {2}, 0, two_units});
    expect_refused(&a, "n_units has 1 dimensions, need 0 (a scalar)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bins_at_one_ms),
        cmocka_unit_test(test_declared_counts_and_dt),
        cmocka_unit_test(test_directory_pair),
        cmocka_unit_test(test_damaged_files_refused),
    };
    return cmocka_run_group_tests_name("events", tests, scratch_dir_setup, scratch_dir_teardown);
}
