/* test_exp_jsonl.c - reading results lines back, and the sweep's bookkeeping:
 * the JSON subset parser, grids and presets, keys, lists and shards, the
 * results file's repair of a torn last line, and the report's reading of
 * results files (empty files, NUL bytes, integers out of range). */
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

#include "../sw/exp/jsonl.h"
#include "../sw/exp/report.h"
#include "../sw/exp/sweep.h"

static void test_parse(void **state)
{
    (void)state;
    char line[] = "{\"key\":\"a \\\"b\\\"\\n\",\"x\":-1.5e-3,\"ok\":true,\"no\":false,"
                  "\"nil\":null,\"v\":[1, 2.5,null ,3],\"e\":[]}\n";
    jv_object o;
    snn_error err = {0};
    assert_int_equal(jv_parse(line, &o, "t", &err), 0);
    assert_string_equal(jv_str(&o, "key", ""), "a \"b\"\n");
    assert_true(jv_num(&o, "x", 0) == -1.5e-3);
    assert_true(jv_num(&o, "ok", 0) == 1);
    assert_true(jv_num(&o, "no", 1) == 0);
    assert_true(isnan(jv_num(&o, "nil", 0)));
    assert_true(jv_num(&o, "missing", 7) == 7);
    const jv_field *v = jv_get(&o, "v");
    assert_non_null(v);
    assert_int_equal(v->n_arr, 4);
    assert_true(v->arr[1] == 2.5 && isnan(v->arr[2]) && v->arr[3] == 3);
    assert_int_equal(jv_get(&o, "e")->n_arr, 0);
    jv_free(&o);
}

static void expect_bad(const char *text, const char *want)
{
    char line[256];
    snprintf(line, sizeof line, "%s", text);
    jv_object o;
    snn_error err = {0};
    assert_int_equal(jv_parse(line, &o, "f.jsonl:3", &err), -1);
    if (!strstr(err.msg, "f.jsonl:3") || !strstr(err.msg, want))
        fail_msg("'%s': error '%s' should name f.jsonl:3 and say '%s'", text, err.msg, want);
}

static void test_rejects(void **state)
{
    (void)state;
    expect_bad("", "'{'");
    expect_bad("{\"a\":1", "',' or '}'");
    expect_bad("{\"a\":oops}", "a number");
    expect_bad("{\"a\":{\"b\":1}}", "nested");
    expect_bad("{\"a\":\"unterminated}", "closing");
    expect_bad("{\"a\":1} trailing", "end of line");
    expect_bad("{a:1}", "quoted key");
    expect_bad("{\"a\":[1,\"x\"]}", "a number");
    expect_bad("{\"a\":inf}", "a number"); /* strtod's words are not JSON */
    expect_bad("{\"a\":nan}", "a number");
}

static void test_grids(void **state)
{
    (void)state;
    sweep_grid g = {0};
    sweep_settings s;
    snn_error err = {0};
    assert_int_equal(sweep_preset("paper", &g, &s, &err), 0);
    /* 4 x 19 x 8 (Fig. 1c) + 19 x 8 (no Dale) + 7 x 12 x 8 (Fig. 2) */
    assert_int_equal(g.n, 608 + 152 + 672);
    assert_int_equal(s.epochs, 30);
    sweep_grid_free(&g);
    assert_int_equal(sweep_preset("quick", &g, &s, &err), 0);
    assert_int_equal(g.n, 52); /* the noise block's sigma = 0 runs are Fig. 1c's: counted once */
    /* Every key distinct. */
    for (int i = 0; i < g.n; i++)
        for (int j = i + 1; j < g.n; j++) {
            char a[512], b[512];
            sweep_job_key(&s, &g.jobs[i], a, sizeof a);
            sweep_job_key(&s, &g.jobs[j], b, sizeof b);
            if (strcmp(a, b) == 0)
                fail_msg("jobs %d and %d share the key %s", i, j, a);
        }
    sweep_grid_free(&g);
    assert_int_equal(sweep_preset("nope", &g, &s, &err), -1);
    assert_non_null(strstr(err.msg, "unknown preset 'nope'"));

    double v[4];
    int n;
    assert_int_equal(sweep_parse_list("0.5,0.8,1", v, 4, &n, "--ratios", &err), 0);
    assert_int_equal(n, 3);
    assert_true(v[1] == 0.8);
    assert_int_equal(sweep_parse_list("0.5,,1", v, 4, &n, "--ratios", &err), -1);
    assert_int_equal(sweep_parse_list("1,2,3,4,5", v, 4, &n, "--s1", &err), -1);
    assert_non_null(strstr(err.msg, "more than 4"));
    int i, k;
    assert_int_equal(sweep_parse_shard("1/4", &i, &k, &err), 0);
    assert_true(i == 1 && k == 4);
    assert_int_equal(sweep_parse_shard("4/4", &i, &k, &err), -1);
    assert_int_equal(sweep_parse_shard("1/4x", &i, &k, &err), -1);
}

static void test_results_file(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/test_exp_jsonl.%ld", (long)getpid());
    remove(path);
    snn_error err = {0};
    sweep_done d;
    int repaired;
    assert_int_equal(sweep_done_load(path, &d, &repaired, &err), 0); /* missing = empty */
    assert_int_equal(d.n, 0);
    const char *l1 = "{\"key\":\"b\",\"x\":1}\n", *l2 = "{\"key\":\"a\"}\n";
    assert_int_equal(sweep_append_line(path, l1, strlen(l1), &err), 0);
    assert_int_equal(sweep_append_line(path, l2, strlen(l2), &err), 0);
    FILE *f = fopen(path, "a");
    fputs("{\"key\":\"c\",\"x\"", f); /* torn */
    fclose(f);
    assert_int_equal(sweep_done_load(path, &d, &repaired, &err), 0);
    assert_int_equal(repaired, 1);
    assert_int_equal(d.n, 2);
    assert_true(sweep_done_has(&d, "a") && sweep_done_has(&d, "b") && !sweep_done_has(&d, "c"));
    sweep_done_free(&d);
    f = fopen(path, "r");
    char all[256] = "";
    size_t got = fread(all, 1, sizeof all - 1, f);
    fclose(f);
    all[got] = '\0';
    char want[256];
    snprintf(want, sizeof want, "%s%s", l1, l2);
    assert_string_equal(all, want);
    /* A bad complete line is an error naming the file and line. */
    f = fopen(path, "a");
    fputs("{\"nokey\":1}\n", f);
    fclose(f);
    assert_int_equal(sweep_done_load(path, &d, &repaired, &err), -1);
    char where[96];
    snprintf(where, sizeof where, "%s:3", path);
    if (!strstr(err.msg, where))
        fail_msg("error '%s' should name %s", err.msg, where);
    remove(path);
}

/* Writes len bytes of text to a fresh temp file; path receives its name. */
static void write_temp(char *path, size_t path_len, const char *text, size_t len)
{
    snprintf(path, path_len, "/tmp/test_exp_jsonl_r.%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* The sweep's reader takes an empty or all-torn file as "nothing done yet". */
static void test_results_file_empty(void **state)
{
    (void)state;
    static const char *const texts[] = {"", "{\"key\":\"a\""};
    for (int i = 0; i < 2; i++) {
        char path[64];
        write_temp(path, sizeof path, texts[i], strlen(texts[i]));
        sweep_done d;
        int repaired;
        snn_error err = {0};
        assert_int_equal(sweep_done_load(path, &d, &repaired, &err), 0);
        assert_int_equal(d.n, 0);
        assert_false(sweep_done_has(&d, "a"));
        sweep_done_free(&d);
        remove(path);
    }
}

/* report_load refuses text (len bytes, NULs allowed) with an error naming
 * path:line and saying `want`. */
static void expect_report_error(const char *text, size_t len, int line, const char *want)
{
    char path[64], where[96];
    write_temp(path, sizeof path, text, len);
    report_runs runs = {0};
    snn_error err = {0};
    assert_int_equal(report_load(path, &runs, &err), -1);
    report_runs_free(&runs);
    remove(path);
    snprintf(where, sizeof where, "%s:%d", path, line);
    if (!strstr(err.msg, where) || !strstr(err.msg, want))
        fail_msg("error '%s' should name %s and say '%s'", err.msg, where, want);
}

#define RUN_FIELDS "\"key\":\"k\",\"ratio\":0.8,\"s1\":0.01,\"noise\":0,\"init_hz\":5,\"peak_acc\":0.7"

static void test_report_load(void **state)
{
    (void)state;
    const char good[] = "{" RUN_FIELDS ",\"seed\":3,\"epochs\":2,\"test_acc\":[0.5,0.7]}\n";
    char path[64];
    write_temp(path, sizeof path, good, strlen(good));
    report_runs runs = {0};
    snn_error err = {0};
    assert_int_equal(report_load(path, &runs, &err), 0);
    assert_int_equal(runs.n, 1);
    assert_int_equal(runs.r[0].seed, 3);
    assert_int_equal(runs.r[0].epochs, 2);
    assert_int_equal(runs.r[0].n_test_acc, 2);
    report_runs_free(&runs);
    remove(path);

    expect_report_error("", 0, 1, "no results");
    expect_report_error("\n  \n", 2, 2, "no results");
    const char nul[] = "{" RUN_FIELDS ",\"seed\":3}\n{\"key\"\0:1}\n";
    expect_report_error(nul, sizeof nul - 1, 2, "NUL byte");
    const char huge_seed[] = "{" RUN_FIELDS ",\"seed\":1e300}\n";
    expect_report_error(huge_seed, strlen(huge_seed), 1, "\"seed\" is not an integer");
    const char *const bad_ints[] = {
        "{" RUN_FIELDS ",\"seed\":1,\"epochs\":null}\n",
        "{" RUN_FIELDS ",\"seed\":1,\"epochs\":2.5}\n",
        "{" RUN_FIELDS ",\"seed\":1,\"epochs\":\"2\"}\n",
        "{" RUN_FIELDS ",\"seed\":1,\"epochs\":-1}\n",
    };
    for (size_t i = 0; i < sizeof bad_ints / sizeof bad_ints[0]; i++)
        expect_report_error(bad_ints[i], strlen(bad_ints[i]), 1, "\"epochs\" is not an integer");
    const char huge_images[] = "{" RUN_FIELDS ",\"seed\":1,\"rob_rtl_images\":3e10}\n";
    expect_report_error(huge_images, strlen(huge_images), 1, "\"rob_rtl_images\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_grids),
        cmocka_unit_test(test_results_file),
        cmocka_unit_test(test_results_file_empty),
        cmocka_unit_test(test_report_load),
    };
    return cmocka_run_group_tests_name("exp_jsonl", tests, NULL, NULL);
}
