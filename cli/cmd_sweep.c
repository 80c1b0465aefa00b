/* cmd_sweep.c - `snn sweep`: run a grid of training runs in parallel processes.
 *
 * Parses the options into a grid and its settings (sw/exp/sweep.h) and hands
 * them to the pool (sw/exp/sweep_pool.h), which reruns this command with
 * `--job N` once per job; in that child mode it runs the one job. Prints
 * each job's outcome by its grid point, why a job failed, and the ETA of the
 * whole sweep. The robustness experiment's RTL column (--robust-rtl) runs
 * here, where the Verilated core is linked: the library gets it as a callback.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sim/cosim/cosim.h"
#include "../sw/exp/report.h"
#include "../sw/exp/sweep.h"
#include "../sw/exp/sweep_pool.h"
#include "../sw/util/json.h"
#include "../sw/util/args.h"
#include "commands.h"

#define MAX_AXIS 64

typedef struct {
    const char *preset, *arch, *recurrent, *ratios, *s1, *noise, *dataset, *data, *optimizer;
    const char *norm, *shard;
    const char *results, *models, *estimate;
    int trials, baseline, epochs, batch, limit, test_limit, vrd_samples, robust, robust_rtl;
    int jobs, threads;
    int job, list, as_json;
    double lr, vrd_tau;
} sweep_args;

/* The robustness RTL column: the first `images` images of a perturbed set
 * through the Verilated core, compared with the integer model (sim/cosim/);
 * ctx points to the simulator instances to run in parallel. */
static int rtl_cosim(const qnet *q, const spike_data *data, int images, double *acc,
                     uint64_t *mismatches, void *ctx, snn_error *err)
{
    cosim_options o = {.images = images, .threads = *(const int *)ctx};
    cosim_report r;
    if (cosim_run(q, data, &o, &r, err) != 0)
        return -1;
    *acc = (double)r.rtl_correct / images;
    *mismatches = r.mismatches;
    return 0;
}

/* Builds the grid and settings the options describe (presets first, then
 * the settings the user overrode). */
static int build(const sweep_args *a, sweep_grid *g, sweep_settings *s, snn_error *err)
{
    memset(g, 0, sizeof *g);
    int custom = a->arch || a->recurrent || a->ratios || a->s1 || a->noise || a->trials > 0 ||
                 a->baseline;
    if (a->preset && custom)
        return snn_fail(err, "--preset cannot be combined with --arch/--recurrent/--ratios/--s1/"
                             "--noise/--trials/--baseline (give a preset or a grid)");
    if (a->preset) {
        if (sweep_preset(a->preset, g, s, err) != 0)
            return -1;
    } else {
        double ratios[MAX_AXIS] = {0.8}, s1[MAX_AXIS] = {0.003}, noise[MAX_AXIS] = {0};
        double rec[2] = {0};
        sweep_net archs[MAX_AXIS] = {{"", 0}}, nets[2 * MAX_AXIS];
        int nr = 1, ns = 1, nn = 1, na = 1, nrec = 1;
        *s = sweep_default_settings();
        if ((a->arch && sweep_parse_nets(a->arch, archs, MAX_AXIS, &na, err)) ||
            (a->recurrent && sweep_parse_list(a->recurrent, rec, 2, &nrec, "--recurrent", err)) ||
            (a->ratios && sweep_parse_list(a->ratios, ratios, MAX_AXIS, &nr, "--ratios", err)) ||
            (a->s1 && sweep_parse_list(a->s1, s1, MAX_AXIS, &ns, "--s1", err)) ||
            (a->noise && sweep_parse_list(a->noise, noise, MAX_AXIS, &nn, "--noise", err)))
            return -1;
        for (int i = 0; i < nrec; i++)
            if (rec[i] != 0 && rec[i] != 1)
                return snn_fail(err, "--recurrent: %g is not 0 (feed-forward) or 1 (recurrent)",
                                rec[i]);
        for (int i = 0; i < nr; i++)
            if (ratios[i] < 0 || ratios[i] > 1)
                return snn_fail(err, "--ratios: %g is not in [0, 1]", ratios[i]);
        for (int i = 0; i < ns; i++)
            if (s1[i] < 0)
                return snn_fail(err, "--s1: %g is negative", s1[i]);
        for (int i = 0; i < nn; i++)
            if (noise[i] < 0)
                return snn_fail(err, "--noise: %g is negative", noise[i]);
        for (int i = 0; i < na; i++)
            for (int k = 0; k < nrec; k++) {
                nets[i * nrec + k] = archs[i];
                nets[i * nrec + k].recurrent = (int)rec[k];
            }
        int trials = a->trials > 0 ? a->trials : 1;
        static const double split[] = {0.8};
        sweep_axes ax = {.nets = nets, .n_nets = na * nrec, .ratios = ratios, .n_ratios = nr,
                         .dale = 1, .s1 = s1, .n_s1 = ns, .noise = noise, .n_noise = nn,
                         .trials = trials};
        if (sweep_grid_add(g, &ax, err) != 0)
            return -1;
        ax.ratios = split;
        ax.n_ratios = 1;
        ax.dale = 0;
        if (a->baseline && sweep_grid_add(g, &ax, err) != 0)
            return -1;
    }
    if (a->dataset)
        s->dataset = a->dataset;
    if (a->data)
        s->data_dir = a->data;
    if (a->epochs > 0)
        s->epochs = a->epochs;
    if (a->batch > 0)
        s->batch = a->batch;
    if (a->lr > 0)
        s->lr = a->lr;
    if (a->limit >= 0)
        s->limit = a->limit;
    if (a->test_limit >= 0)
        s->test_limit = a->test_limit;
    if (a->vrd_samples >= 0)
        s->vrd_samples = a->vrd_samples;
    if (a->vrd_tau > 0)
        s->vrd_tau = a->vrd_tau;
    if (a->robust >= 0)
        s->robust = a->robust;
    if (a->threads > 0)
        s->threads = a->threads;
    if (a->robust_rtl > 0 && !s->robust)
        return snn_fail(err, "--robust-rtl needs the robustness measurement (--robust 1)");
    s->rtl = (robust_rtl){.run = rtl_cosim, .images = a->robust_rtl, .ctx = &s->threads};
    s->models_dir = a->models;
    if (a->optimizer && snn_optimizer_parse(a->optimizer, &s->optimizer) != 0)
        return snn_fail(err, "--optimizer must be sgd or adam, not '%s'", a->optimizer);
    if (a->norm) {
        int n = vrd_norm_parse(a->norm);
        if (n < 0)
            return snn_fail(err, "--vrd-norm must be grid, vr2001 or elephant, not '%s'", a->norm);
        s->vrd_norm = (vrd_norm)n;
    }
    if (strcmp(s->dataset, "fmnist") != 0 && strcmp(s->dataset, "shd") != 0)
        return snn_fail(err, "--dataset must be fmnist or shd, not '%s'", s->dataset);
    for (int i = 0; i < g->n; i++) { /* every network buildable before any job starts */
        snn_config c;
        if (sweep_job_config(s, &g->jobs[i], &c, err) != 0)
            return -1;
    }
    return 0;
}

/* A job's progress: every step to its status channel (a crash then names the
 * step), the epoch lines also to the terminal. */
typedef struct {
    const char *label;
    int status, quiet;
} job_progress;

static void print_progress(sweep_event kind, const char *msg, void *ctx)
{
    const job_progress *p = ctx;
    sweep_status_set(p->status, msg);
    if (kind == SWEEP_EPOCH && !p->quiet)
        fprintf(stderr, "  %s: %s\n", p->label, msg);
}

/* Child mode: run job `index` and append its line. A failure goes to the
 * status channel, where the pool reads it; run by hand, to stderr. */
static int run_one(const sweep_args *a, const sweep_grid *g, const sweep_settings *s)
{
    if (a->job >= g->n) {
        fprintf(stderr, "snn sweep: --job %d: the grid has %d jobs\n", a->job, g->n);
        return 2;
    }
    const sweep_job *j = &g->jobs[a->job];
    char label[240];
    sweep_job_label(j, label, sizeof label);
    job_progress p = {label, sweep_status_fd(), a->as_json};
    snn_error err;
    char *line;
    size_t len;
    if (sweep_run_job(s, j, &line, &len, print_progress, &p, &err) != 0) {
        if (sweep_status_set(p.status, err.msg) != 0 || p.status < 0)
            fprintf(stderr, "snn sweep: %s (job %d): %s\n", label, a->job, err.msg);
        return 1;
    }
    sweep_status_set(p.status, "appending its line to the results file");
    int rc = sweep_append_line(a->results, line, len, &err);
    free(line);
    if (rc != 0) {
        if (sweep_status_set(p.status, err.msg) != 0 || p.status < 0)
            fprintf(stderr, "snn sweep: %s (job %d): %s\n", label, a->job, err.msg);
        return 1;
    }
    return 0;
}

/* --estimate: the grid's projected cost from a measured slice. */
static int estimate(const char *slice_path, const sweep_grid *g, const sweep_settings *s,
                    int parallel, int as_json)
{
    report_runs slice = {0};
    sweep_estimate e;
    snn_error err;
    if (report_load(slice_path, &slice, &err) != 0 ||
        sweep_estimate_grid(&slice, slice_path, g, s, parallel, &e, &err) != 0) {
        fprintf(stderr, "snn sweep: %s\n", err.msg);
        report_runs_free(&slice);
        return 1;
    }
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_int(&j, "runs", g->n);
        json_int(&j, "epochs", s->epochs);
        json_num(&j, "cpu_hours", e.cpu_hours);
        json_int(&j, "parallel", parallel);
        json_num(&j, "wall_hours", e.wall_hours);
        json_end(&j);
    } else {
        for (int i = 0; i < slice.n; i++) {
            const report_run *r = &slice.r[i];
            if (isfinite(r->epoch_cpu) && isfinite(r->cpu_seconds))
                printf("measured: ratio %g s1 %g: initial rate %.1f Hz, %.2f CPU-s per epoch of %d "
                       "samples, %.2f CPU-s fixed per run\n", r->ratio, r->s1, r->init_hz,
                       r->epoch_cpu, r->train_samples, r->cpu_seconds - r->epochs * r->epoch_cpu);
        }
        printf("estimate: %d runs x %d epochs from %d measured runs in %s\n", g->n, s->epochs,
               e.usable, slice_path);
        printf("estimate: %.1f CPU-hours in all\n", e.cpu_hours);
        printf("estimate: %.1f hours wall time at %d runs in parallel\n", e.wall_hours, parallel);
    }
    report_runs_free(&slice);
    return 0;
}

/* "1:02:03" or "2:03" (minutes:seconds); "not known yet" for NaN. */
static void duration(double seconds, char *buf, size_t len)
{
    long t = seconds > 0 ? lround(seconds) : 0;
    if (isnan(seconds))
        snprintf(buf, len, "not known yet");
    else if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Runs the plan's jobs in the pool, printing each outcome; returns the failures. */
static int run_pool(const sweep_args *a, const sweep_grid *g, const sweep_plan *plan, int parallel,
                    int threads, int argc, char **argv, int *ran)
{
    char **child = malloc(sizeof *child * ((size_t)argc + 3));
    snn_error err;
    sweep_pool *pool = NULL;
    if (child) {
        child[0] = "snn";
        child[1] = "sweep";
        memcpy(child + 2, argv, sizeof *argv * (size_t)argc);
        child[argc + 2] = NULL;
        pool = sweep_pool_new(child, plan->todo, plan->n_todo, parallel, threads, &err);
    } else {
        snn_fail(&err, "out of memory");
    }
    free(child); /* the pool keeps its own copy */
    if (!pool) {
        fprintf(stderr, "snn sweep: %s\n", err.msg);
        return plan->n_todo;
    }
    int failed = 0, rc;
    sweep_outcome out;
    char (*failures)[1000] = calloc((size_t)plan->n_todo + 1, sizeof *failures);
    while ((rc = sweep_pool_next(pool, &out, &err)) == 1) {
        char label[240], took[32], eta[32];
        sweep_job_label(&g->jobs[out.index], label, sizeof label);
        duration(out.seconds, took, sizeof took);
        duration(sweep_pool_eta(pool), eta, sizeof eta);
        if (out.ok) {
            (*ran)++;
        } else {
            fprintf(stderr, "snn sweep: %s (job %d) failed: %s\n", label, out.index, out.why);
            if (failures)
                snprintf(failures[failed], sizeof failures[failed], "%s (job %d): %s", label,
                         out.index, out.why);
            failed++;
        }
        if (!a->as_json)
            printf("sweep: %s %s in %s; %d/%d done, %d failed; sweep ETA %s (elapsed %.0f s)\n",
                   out.ok ? "finished" : "FAILED", label, took, *ran + failed, plan->n_todo,
                   failed, eta, sweep_pool_elapsed(pool));
        fflush(stdout);
    }
    if (rc < 0) {
        fprintf(stderr, "snn sweep: %s\n", err.msg);
        failed += plan->n_todo - *ran - failed;
    }
    if (failed && failures) {
        fprintf(stderr, "snn sweep: %d of %d jobs failed:\n", failed, plan->n_todo);
        for (int i = 0; i < failed && failures[i][0]; i++)
            fprintf(stderr, "  %s\n", failures[i]);
    }
    free(failures);
    sweep_pool_free(pool);
    return failed;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_args a = {.results = "results.jsonl", .epochs = -1, .batch = -1, .limit = -1,
                    .test_limit = -1, .vrd_samples = -1, .robust = -1, .jobs = 0, .job = -1,
                    .lr = -1, .vrd_tau = -1};
    arg_spec specs[] = {
        {"--preset", ARG_STRING, &a.preset, 0, -1, "paper (Fig. 1c + baseline + Fig. 2), quick (minutes), shd, recurrent (ff vs recurrent E/I, 1-2 layers), recurrent-quick (minutes)"},
        {"--arch", ARG_STRING, &a.arch, 0, -1, "hidden layer sizes per network, e.g. 100,128-64 (default: the data set's)"},
        {"--recurrent", ARG_STRING, &a.recurrent, 0, -1, "0 (feed-forward), 1 (recurrent E/I layers) or 0,1 (both)"},
        {"--ratios", ARG_STRING, &a.ratios, 0, -1, "E fractions, e.g. 0.5,0.8 (custom grid; default 0.8)"},
        {"--s1", ARG_STRING, &a.s1, 0, -1, "input weight scales, e.g. 0.001,0.01 (default 0.003)"},
        {"--noise", ARG_STRING, &a.noise, 0, -1, "weight-update noise sigmas (default 0)"},
        {"--trials", ARG_INT, &a.trials, 1, 10000, "seeds 1..N per grid point (default 1)"},
        {"--baseline", ARG_FLAG, &a.baseline, 0, -1, "also run the unbounded (no Dale) network"},
        {"--dataset", ARG_STRING, &a.dataset, 0, -1, "fmnist or shd"},
        {"--data", ARG_STRING, &a.data, 0, -1, "data directory (IDX files, or shd_train.h5/shd_test.h5)"},
        {"--epochs", ARG_INT, &a.epochs, 1, 100000, "epochs per run (30)"},
        {"--batch", ARG_INT, &a.batch, 1, 1 << 20, "batch size (256)"},
        {"--lr", ARG_DOUBLE, &a.lr, 1e-12, 10, "learning rate (0.01)"},
        {"--optimizer", ARG_STRING, &a.optimizer, 0, -1, "sgd (the paper) or adam"},
        {"--limit", ARG_INT, &a.limit, 0, 1 << 30, "train on the first N samples (0 = all)"},
        {"--test-limit", ARG_INT, &a.test_limit, 0, 1 << 30, "test on the first N samples (0 = all)"},
        {"--vrd-samples", ARG_INT, &a.vrd_samples, 0, 100000, "test images for the Van Rossum distances (8; 0 = none)"},
        {"--vrd-tau", ARG_DOUBLE, &a.vrd_tau, 1e-6, 1e6, "VRD time constant in steps (1)"},
        {"--vrd-norm", ARG_STRING, &a.norm, 0, -1, "grid (paper), vr2001 or elephant"},
        {"--robust", ARG_INT, &a.robust, 0, 1, "1: measure inference-time robustness after training"},
        {"--robust-rtl", ARG_INT, &a.robust_rtl, 0, 1 << 30, "with --robust 1: also run the first N test images of each condition on the RTL core (co-simulation; 0 = off)"},
        {"--out", ARG_STRING, &a.results, 0, -1, "results file, one JSON line per run; appended to"},
        {"-o", ARG_STRING, &a.results, 0, -1, "same as --out"},
        {"-j", ARG_INT, &a.jobs, 0, 4096, "runs in parallel (0 = one per core)"},
        {"--threads", ARG_INT, &a.threads, 1, 1024, "threads per run (1)"},
        {"--shard", ARG_STRING, &a.shard, 0, -1, "i/n: run only jobs with index mod n == i (SLURM arrays)"},
        {"--save-models", ARG_STRING, &a.models, 0, -1, "directory to save each trained model in"},
        {"--list", ARG_FLAG, &a.list, 0, -1, "print the pending jobs and exit"},
        {"--estimate", ARG_STRING, &a.estimate, 0, -1, "project the grid's run time from a measured slice (results file) and exit"},
        {"--job", ARG_INT, &a.job, 0, 1 << 30, "(internal) run job N of the grid in this process"},
        {"--json", ARG_FLAG, &a.as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("sweep",
                        "Run a grid of training runs in parallel; each finished run is one JSON\n"
                        "line in the results file; a restarted sweep skips the runs already there.",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    snn_error err;
    sweep_grid g;
    sweep_settings s;
    if (build(&a, &g, &s, &err) != 0) {
        fprintf(stderr, "snn sweep: %s\n", err.msg);
        sweep_grid_free(&g);
        return 2;
    }
    if (a.job >= 0) {
        rc = run_one(&a, &g, &s);
        sweep_grid_free(&g);
        return rc;
    }
    int parallel = sweep_pool_width(a.jobs, s.threads);
    if (a.estimate) {
        rc = estimate(a.estimate, &g, &s, parallel, a.as_json);
        sweep_grid_free(&g);
        return rc;
    }
    int shard, shards;
    const char *shard_source;
    sweep_plan plan;
    if (sweep_shard_find(a.shard, &shard, &shards, &shard_source, &err) != 0 ||
        sweep_plan_make(&g, &s, shard, shards, a.results, &plan, &err) != 0) {
        fprintf(stderr, "snn sweep: %s\n", err.msg);
        sweep_grid_free(&g);
        return 1;
    }
    if (plan.repaired)
        fprintf(stderr, "snn sweep: %s: removed a partial last line (its run will be redone)\n",
                a.results);
    if (a.list) {
        for (int k = 0; k < plan.n_todo; k++) {
            char key[512];
            sweep_job_key(&s, &g.jobs[plan.todo[k]], key, sizeof key);
            printf("%d %s\n", plan.todo[k], key);
        }
    }
    if (!a.as_json && !a.list)
        printf("sweep: %d jobs in the grid, %d in shard %d/%d (%s), %d already in %s, %d to run, "
               "%d at a time\n", g.n, plan.in_shard, shard, shards, shard_source, plan.skipped,
               a.results, plan.n_todo, parallel);
    fflush(stdout);
    int ran = 0, failed = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!a.list)
        failed = run_pool(&a, &g, &plan, parallel, s.threads, argc, argv, &ran);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (a.as_json) {
        char shard_text[32];
        snprintf(shard_text, sizeof shard_text, "%d/%d", shard, shards);
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "results", a.results);
        json_int(&j, "jobs", g.n);
        json_str(&j, "shard", shard_text);
        json_int(&j, "in_shard", plan.in_shard);
        json_int(&j, "skipped", plan.skipped);
        json_int(&j, "pending", a.list ? plan.n_todo : 0);
        json_int(&j, "ran", ran);
        json_int(&j, "failed", failed);
        json_num(&j, "seconds",
                 (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
        json_end(&j);
    }
    sweep_plan_free(&plan);
    sweep_grid_free(&g);
    return failed ? 1 : 0;
}
