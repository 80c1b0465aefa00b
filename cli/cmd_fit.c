/* cmd_fit.c - `snn fit`: which of a board's core builds holds a quantized model and runs
 * it fastest, its bitstream, fit, fmax and images/s.
 *
 * The builds are those that ship (constraints/constraints.mk: CORE_CONFIG_<build>, the
 * clock, the simulated board), compiled in as SNN_BOARD_BUILDS. Each is checked against
 * the model with the board's own check (board_build_check, the limit named when it
 * refuses); the cycles per image of each that holds it come from its simulated board
 * (every result checked against the reference model on the way), the images/s from
 * those cycles at the build's clock. The chosen build's bitstream is made with
 * `make bitstream` in the source tree (or its report reused with --no-bitstream).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sw/board/board_cli.h"
#include "../sw/board/board_image.h"
#include "../sw/board/board_run.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/util/json.h"
#include "commands.h"

#ifndef SNN_BOARD_BUILDS
#error "SNN_BOARD_BUILDS: the board builds of constraints/constraints.mk (cli/cli.mk)"
#endif
#ifndef SNN_SOURCE_DIR
#error "SNN_SOURCE_DIR: the source tree, where make bitstream runs (cli/cli.mk)"
#endif

enum { MAX_BUILDS = 8 };

typedef struct {
    char name[32], sim[64], config[160];
    int mhz;
    core_build build;
    int fits;
    char why[sizeof(snn_error)]; /* why not, if it does not fit */
    double cycles;         /* per image on its simulated board, 0: not measured */
} fit_build;

/* SNN_BOARD_BUILDS: "name|MHz|simulator|config;..." (simulator empty: none). */
static int read_builds(const char *board, fit_build *b, int *n, snn_error *err)
{
    *n = 0;
    for (const char *p = SNN_BOARD_BUILDS; *p && *n < MAX_BUILDS;) {
        size_t len = strcspn(p, ";");
        char row[256];
        snprintf(row, sizeof row, "%.*s", (int)len, p);
        p += len + (p[len] == ';');
        char *name = strtok(row, "|"), *mhz = strtok(NULL, "|"), *sim = strtok(NULL, "|"),
             *config = strtok(NULL, "|");
        if (!name || !mhz || !sim || !config)
            return snn_fail(err, "SNN_BOARD_BUILDS: a row is not name|MHz|simulator|config");
        size_t fam = strcspn(name, "-"); /* icebreaker-deep is an icebreaker build */
        if (strlen(board) != fam || strncmp(name, board, fam) != 0)
            continue;
        fit_build *f = &b[*n];
        memset(f, 0, sizeof *f);
        snprintf(f->name, sizeof f->name, "%s", name);
        snprintf(f->sim, sizeof f->sim, "%s", strcmp(sim, "-") ? sim : "");
        snprintf(f->config, sizeof f->config, "%s", config);
        for (char *c = f->config; *c; c++) /* the makefile joins parameters with + */
            if (*c == '+')
                *c = ' ';
        f->mhz = atoi(mhz);
        if (core_build_parse(f->config, &f->build, err) != 0)
            return -1;
        ++*n;
    }
    if (*n == 0)
        return snn_fail(err, "--board %s: no such board (icebreaker, hx8k)", board);
    return 0;
}

/* The directory of the running snn (the build directory: simulators, bitstreams). */
static int exe_dir(char *out, size_t size, snn_error *err)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    if (n <= 0)
        return snn_fail(err, "cannot find the snn executable (/proc/self/exe)");
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
    return 0;
}

/* Cycles per image of q on the build's simulated board, n images; every result must
 * equal the reference model's. */
static int measure(fit_build *f, const char *dir, const qnet *q, const spike_data *data, int n,
                   const char *what, snn_error *err)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, f->sim);
    board_link_opts o;
    arg_spec specs[BOARD_LINK_N_SPECS];
    board_link_specs(&o, specs);
    o.sim = 1;
    o.sim_path = path;
    if (board_link_finish_opts(&o, "fit") != 0)
        return snn_fail(err, "%s: the simulated board's options", f->name);
    board_link l;
    if (board_link_open(&l, &o, err) != 0)
        return -1;
    uint32_t crc;
    board_classify_report r = {0};
    int rc = board_deploy(&l, q, what, &crc, err);
    if (rc == 0)
        rc = board_classify(&l, q, data, n, &r, err);
    board_link_close(&l);
    if (rc != 0)
        return -1;
    if (r.mismatches)
        return snn_fail(err, "%s: %d of %d images differ from the reference model on the "
                        "simulated board; first: %s", f->name, r.mismatches, r.images,
                        r.first_detail);
    f->cycles = (double)r.cycles / r.images;
    return 0;
}

static double report_field(const char *json, const char *key);

/* Cycles per image of q on the build's core alone: `snn-core-<build> cosim` (snn linked
 * with that core, sim/sim.mk), for a build without a simulated board. 0: that binary
 * is not built. */
static int measure_core(fit_build *f, const char *dir, const cli_data *d, int n, snn_error *err)
{
    char path[PATH_MAX + 64], cmd[3 * PATH_MAX + 256], line[4096] = "";
    snprintf(path, sizeof path, "%s/snn-core-%s", dir, f->name);
    if (access(path, X_OK) != 0)
        return 0;
    snprintf(cmd, sizeof cmd, "'%s' cosim --model '%s' --data '%s' --images %d --json 2>&1",
             path, d->model, d->dir, n);
    FILE *p = popen(cmd, "r");
    if (!p)
        return snn_fail(err, "%s: cannot run %s", f->name, path);
    char last[4096] = "";
    while (fgets(line, sizeof line, p))
        snprintf(last, sizeof last, "%s", line);
    int status = pclose(p);
    if (status != 0)
        return snn_fail(err, "%s: %s cosim failed: %s", f->name, path, last);
    f->cycles = report_field(last, "cycles_per_image");
    if (!(f->cycles > 0))
        return snn_fail(err, "%s: no cycles in %s cosim's summary", f->name, path);
    return 0;
}

/* A number field of the bitstream report's JSON (NAN if absent or null). */
static double report_field(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p)
        return 0.0 / 0.0;
    p += strlen(pat);
    char *end;
    double v = strtod(p, &end);
    return end == p ? 0.0 / 0.0 : v;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 8192);
    if (buf)
        buf[fread(buf, 1, 8191, f)] = '\0';
    fclose(f);
    return buf;
}

int cmd_fit(int argc, char **argv)
{
    cli_data d = {NULL, DEFAULT_DATA_DIR, 20};
    const char *board = NULL;
    int no_bitstream = 0, as_json = 0;
    const arg_spec specs[] = {
        CLI_MODEL_ROW(d, "quantized model to fit"),
        {"--board", ARG_STRING, &board, 0, -1, "icebreaker or hx8k (required)"},
        CLI_DATA_ROWS(d, "--images", 1, 10000, "test images the cycles are measured on"),
        {"--no-bitstream", ARG_FLAG, &no_bitstream, 0, -1,
         "do not run make bitstream: report the last bitstream of the build, if any"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("fit",
                        "Pick the board's core build that holds a quantized model and gives the "
                        "most images/s; build its bitstream; report fit, fmax and images/s.",
                        specs, sizeof specs / sizeof specs[0], argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (!d.model || !board) {
        fprintf(stderr, "snn fit: --model and --board are required\n");
        return 2;
    }
    snn_error err;
    fit_build b[MAX_BUILDS];
    int n = 0;
    char dir[PATH_MAX];
    if (read_builds(board, b, &n, &err) != 0 || exe_dir(dir, sizeof dir, &err) != 0) {
        fprintf(stderr, "snn fit: %s\n", err.msg);
        return 2;
    }
    qnet q;
    encoded_set test = {0};
    if (cli_load_qnet_test(&d, &q, &test, &err) != 0) {
        fprintf(stderr, "snn fit: %s\n", err.msg);
        return 1;
    }
    char arch[128];
    qnet_arch_format(&q, arch, sizeof arch);
    printf("%s (%s, B=%d H=%d R=%d N=%d) on the %s:\n", d.model, arch, q.weight_bits,
           q.hidden_bits, q.readout_bits, q.noise_bits, board);
    rc = 1;
    int best = -1, any = 0;
    for (int i = 0; i < n; i++) {
        snn_error why;
        b[i].fits = board_build_check(&q, &b[i].build, d.model, &why) == 0;
        if (!b[i].fits) {
            /* the message without the model's name in front */
            const char *m = strncmp(why.msg, d.model, strlen(d.model)) == 0 ?
                            why.msg + strlen(d.model) + 2 : why.msg;
            snprintf(b[i].why, sizeof b[i].why, "%s", m);
            printf("  %-16s does not fit: %s\n", b[i].name, b[i].why);
            continue;
        }
        any = 1;
        if (b[i].sim[0] ? measure(&b[i], dir, &q, &test.spikes, test.spikes.n, d.model, &err)
                        : measure_core(&b[i], dir, &d, test.spikes.n, &err))
            goto done;
        if (b[i].cycles > 0)
            printf("  %-16s fits: %.0f cycles/image (its simulated %s, %d images) -> %.0f "
                   "images/s at %d MHz\n", b[i].name, b[i].cycles, b[i].sim[0] ? "board" : "core",
                   test.spikes.n, b[i].mhz * 1e6 / b[i].cycles, b[i].mhz);
        else
            printf("  %-16s fits (cycles not measured: make %s/snn-core-%s)\n", b[i].name, dir,
                   b[i].name);
        double rate = b[i].cycles > 0 ? b[i].mhz * 1e6 / b[i].cycles : 0;
        double best_rate = best >= 0 && b[best].cycles > 0 ? b[best].mhz * 1e6 / b[best].cycles : 0;
        if (best < 0 || rate > best_rate)
            best = i;
    }
    if (!any) {
        fprintf(stderr, "snn fit: %s fits none of the %s's builds:", d.model, board);
        for (int i = 0; i < n; i++)
            fprintf(stderr, "%s %s: %s", i ? ";" : "", b[i].name, b[i].why);
        fprintf(stderr, "\n");
        if (as_json) {
            json_out j;
            json_begin(&j, stdout);
            json_str(&j, "model", d.model);
            json_str(&j, "board", board);
            json_bool(&j, "fits", 0);
            json_str(&j, "limit", b[0].why);
            json_end(&j);
        }
        goto done;
    }
    fit_build *f = &b[best];
    printf("chosen: %s (%s)\n", f->name, f->config);
    char report[PATH_MAX + 64];
    snprintf(report, sizeof report, "%s/board/%s/report.json", dir, f->name);
    if (!no_bitstream) {
        char cmd[3 * PATH_MAX];
        snprintf(cmd, sizeof cmd, "make -C '%s' --no-print-directory BUILD='%s' BOARD=%s "
                 "bitstream 1>&2", SNN_SOURCE_DIR, dir, f->name);
        printf("  bitstream: make bitstream BOARD=%s (synthesis and place and route take "
               "minutes) ...\n", f->name);
        fflush(stdout);
        if (system(cmd) != 0) {
            snn_fail(&err, "make bitstream BOARD=%s failed (its report: %s)", f->name, report);
            goto done;
        }
    }
    char *json = read_text(report);
    double fmax = json ? report_field(json, "fmax_mhz") : 0.0 / 0.0;
    double rate = f->cycles > 0 ? f->mhz * 1e6 / f->cycles : 0.0 / 0.0;
    /* make bitstream writes the report also when the design does not fit or misses timing */
    int built = json && strstr(json, "\"fits\":true") && strstr(json, "\"timing_met\":true");
    if (json && !built) /* only with --no-bitstream: make bitstream fails on it */
        printf("  bitstream: the last one of %s does not fit the device or misses timing "
               "(%s)\n", f->name, report);
    else if (json) {
        printf("  fit: %.0f/%.0f logic cells, %.0f/%.0f EBR, %.0f/%.0f SPRAM, %.0f/%.0f DSP; "
               "fmax %.2f MHz (clock %d MHz)\n", report_field(json, "lc_used"),
               report_field(json, "lc_available"), report_field(json, "ebr_used"),
               report_field(json, "ebr_available"), report_field(json, "spram_used"),
               report_field(json, "spram_available"), report_field(json, "dsp_used"),
               report_field(json, "dsp_available"), fmax, f->mhz);
        printf("  bitstream: %s/board/%s/%s.bin\n", dir, f->name, f->name);
    } else
        printf("  fit, fmax: no bitstream report yet (%s): run without --no-bitstream\n", report);
    if (f->cycles > 0)
        printf("  images/s: %.0f at %d MHz (%.0f cycles/image)\n", rate, f->mhz, f->cycles);
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "model", d.model);
        json_str(&j, "board", board);
        json_bool(&j, "fits", 1);
        json_str(&j, "build", f->name);
        json_str(&j, "config", f->config);
        json_num(&j, "cycles_per_image", f->cycles);
        json_int(&j, "clk_mhz", f->mhz);
        json_num(&j, "images_per_s", rate);
        json_bool(&j, "bitstream_ok", built);
        if (built) {
            static const char *keys[] = {"lc_used", "ebr_used", "spram_used", "dsp_used", "fmax_mhz"};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
                json_num(&j, keys[k], report_field(json, keys[k]));
        }
        json_end(&j);
    }
    free(json);
    rc = 0;
done:
    if (rc && any)
        fprintf(stderr, "snn fit: %s\n", err.msg);
    encoded_set_free(&test);
    qnet_free(&q);
    return rc;
}
