/* cmd_sweep.c - `snn sweep`: run a grid of training runs in parallel processes.
 *
 * The parent builds the grid (a preset or the axis options), drops the jobs
 * already in the results file and those of other shards, and keeps -j child
 * processes busy. Each child is this executable again with `--job N`: it
 * rebuilds the same grid, runs job N alone (one fresh process per run, so no
 * state leaks between runs and a crash costs one run) and appends its line.
 * Children die with their parent (PR_SET_PDEATHSIG), so a killed sweep
 * leaves no orphan that could finish a run twice. Shards: --shard i/n, or
 * the rank and size of an MPI launch (mpirun -np N snn sweep ...).
 * The robustness experiment's RTL column (--robust-rtl) runs here, where the
 * Verilated core is linked: the library gets it as a callback.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../sim/cosim/cosim.h"
#include "../exp/report.h"
#include "../exp/sweep.h"
#include "../util/json.h"
#include "../util/args.h"
#include "commands.h"

#define MAX_AXIS 64

typedef struct {
    const char *preset, *ratios, *s1, *noise, *dataset, *data, *optimizer, *norm, *shard;
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
    int custom = a->ratios || a->s1 || a->noise || a->trials > 0 || a->baseline;
    if (a->preset && custom)
        return snn_fail(err, "--preset cannot be combined with --ratios/--s1/--noise/--trials/"
                             "--baseline (give a preset or a grid)");
    if (a->preset) {
        if (sweep_preset(a->preset, g, s, err) != 0)
            return -1;
    } else {
        double ratios[MAX_AXIS] = {0.8}, s1[MAX_AXIS] = {0.003}, noise[MAX_AXIS] = {0};
        int nr = 1, ns = 1, nn = 1;
        *s = sweep_default_settings();
        if ((a->ratios && sweep_parse_list(a->ratios, ratios, MAX_AXIS, &nr, "--ratios", err)) ||
            (a->s1 && sweep_parse_list(a->s1, s1, MAX_AXIS, &ns, "--s1", err)) ||
            (a->noise && sweep_parse_list(a->noise, noise, MAX_AXIS, &nn, "--noise", err)))
            return -1;
        for (int i = 0; i < nr; i++)
            if (ratios[i] < 0 || ratios[i] > 1)
                return snn_fail(err, "--ratios: %g is not in [0, 1]", ratios[i]);
        for (int i = 0; i < ns; i++)
            if (s1[i] < 0)
                return snn_fail(err, "--s1: %g is negative", s1[i]);
        for (int i = 0; i < nn; i++)
            if (noise[i] < 0)
                return snn_fail(err, "--noise: %g is negative", noise[i]);
        int trials = a->trials > 0 ? a->trials : 1;
        static const double split[] = {0.8};
        if (sweep_grid_add(g, ratios, nr, 1, s1, ns, noise, nn, trials, err) != 0 ||
            (a->baseline && sweep_grid_add(g, split, 1, 0, s1, ns, noise, nn, trials, err) != 0))
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
    if (a->optimizer) {
        if (strcmp(a->optimizer, "sgd") != 0 && strcmp(a->optimizer, "adam") != 0)
            return snn_fail(err, "--optimizer must be sgd or adam, not '%s'", a->optimizer);
        s->adam = strcmp(a->optimizer, "adam") == 0;
    }
    if (a->norm) {
        int n = vrd_norm_parse(a->norm);
        if (n < 0)
            return snn_fail(err, "--vrd-norm must be grid, vr2001 or elephant, not '%s'", a->norm);
        s->vrd_norm = (vrd_norm)n;
    }
    if (strcmp(s->dataset, "fmnist") != 0 && strcmp(s->dataset, "shd") != 0)
        return snn_fail(err, "--dataset must be fmnist or shd, not '%s'", s->dataset);
    return 0;
}

static void print_progress(const char *msg, void *ctx)
{
    fprintf(stderr, "  job %d: %s\n", *(int *)ctx, msg);
}

/* Child mode: run job `index` and append its line. */
static int run_one(const sweep_args *a, const sweep_grid *g, const sweep_settings *s)
{
    if (a->job >= g->n) {
        fprintf(stderr, "snn sweep: --job %d: the grid has %d jobs\n", a->job, g->n);
        return 2;
    }
    const sweep_job *j = &g->jobs[a->job];
    snn_error err;
    char *line;
    size_t len;
    int index = a->job;
    if (sweep_run_job(s, j, &line, &len, a->as_json ? NULL : print_progress, &index, &err) != 0 ||
        sweep_append_line(a->results, line, len, &err) != 0) {
        fprintf(stderr, "snn sweep: job %d (ratio %g%s, s1 %g, noise %g, seed %d): %s\n", a->job,
                j->ratio, j->dale ? "" : " no Dale", j->s1, j->noise, j->seed, err.msg);
        return 1;
    }
    free(line);
    return 0;
}

/* The shard from --shard, else from an MPI launcher's environment (OpenMPI,
 * MPICH/Intel MPI), else 0/1. */
static int find_shard(const char *text, int *i, int *n, const char **source, snn_error *err)
{
    static const char *const env[][2] = {
        {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"}, {"PMI_RANK", "PMI_SIZE"}};
    *i = 0;
    *n = 1;
    *source = "none";
    if (text) {
        *source = "--shard";
        return sweep_parse_shard(text, i, n, err);
    }
    for (size_t k = 0; k < sizeof env / sizeof env[0]; k++) {
        const char *r = getenv(env[k][0]), *sz = getenv(env[k][1]);
        if (r && sz) {
            char buf[64];
            snprintf(buf, sizeof buf, "%s/%s", r, sz);
            *source = env[k][0];
            return sweep_parse_shard(buf, i, n, err);
        }
    }
    return 0;
}

/* Projects the grid's cost from a measured slice: each job costs the
 * per-epoch CPU time of the slice runs nearest in s1 (log scale) times its
 * epochs, plus their fixed cost (data, evaluations, VRD). */
static int estimate(const char *slice_path, const sweep_grid *g, const sweep_settings *s,
                    int parallel, int as_json)
{
    report_runs slice = {0};
    snn_error err;
    if (report_load(slice_path, &slice, &err) != 0) {
        fprintf(stderr, "snn sweep: %s\n", err.msg);
        report_runs_free(&slice);
        return 1;
    }
    double total = 0;
    int usable = 0;
    for (int i = 0; i < slice.n; i++)
        usable += isfinite(slice.r[i].epoch_cpu) && isfinite(slice.r[i].cpu_seconds);
    if (!usable) {
        fprintf(stderr, "snn sweep: %s: no run with cpu_seconds and epoch_cpu_seconds\n",
                slice_path);
        report_runs_free(&slice);
        return 1;
    }
    for (int k = 0; k < g->n; k++) {
        double best = INFINITY, per_epoch = 0, fixed = 0;
        int n = 0;
        for (int i = 0; i < slice.n; i++) {
            const report_run *r = &slice.r[i];
            if (!isfinite(r->epoch_cpu) || !isfinite(r->cpu_seconds))
                continue;
            double dist = fabs(log(fmax(r->s1, 1e-12)) - log(fmax(g->jobs[k].s1, 1e-12)));
            if (dist < best - 1e-9) {
                best = dist;
                per_epoch = fixed = 0;
                n = 0;
            }
            if (dist <= best + 1e-9) {
                per_epoch += r->epoch_cpu;
                fixed += r->cpu_seconds - r->epochs * r->epoch_cpu;
                n++;
            }
        }
        total += fixed / n + s->epochs * per_epoch / n;
    }
    double hours = total / 3600, wall_hours = hours / parallel;
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_int(&j, "runs", g->n);
        json_int(&j, "epochs", s->epochs);
        json_num(&j, "cpu_hours", hours);
        json_int(&j, "parallel", parallel);
        json_num(&j, "wall_hours", wall_hours);
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
               usable, slice_path);
        printf("estimate: %.1f CPU-hours in all\n", hours);
        printf("estimate: %.1f hours wall time at %d runs in parallel\n", wall_hours, parallel);
    }
    report_runs_free(&slice);
    return 0;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Starts `snn sweep <argv> --job index` in a child that dies with us. Its
 * OpenMP regions get `threads` threads: -j runs share the cores, and an
 * oversubscribed OpenMP barrier sleeps instead of working. */
static pid_t spawn(const char *self, int argc, char **argv, int index, int threads)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* the parent died before prctl took effect */
        _exit(1);
    char omp_threads[32], job[32];
    snprintf(omp_threads, sizeof omp_threads, "%d", threads);
    setenv("OMP_NUM_THREADS", omp_threads, 1);
    snprintf(job, sizeof job, "%d", index);
    char **args = malloc(sizeof *args * (size_t)(argc + 5));
    if (!args)
        _exit(1);
    int n = 0;
    args[n++] = "snn";
    args[n++] = "sweep";
    for (int k = 0; k < argc; k++)
        args[n++] = argv[k];
    args[n++] = "--job";
    args[n++] = job;
    args[n] = NULL;
    execv(self, args);
    fprintf(stderr, "snn sweep: cannot run %s: %s\n", self, strerror(errno));
    _exit(1);
}

int cmd_sweep(int argc, char **argv)
{
    sweep_args a = {.results = "results.jsonl", .epochs = -1, .batch = -1, .limit = -1,
                    .test_limit = -1, .vrd_samples = -1, .robust = -1, .jobs = 0, .job = -1,
                    .lr = -1, .vrd_tau = -1};
    arg_spec specs[] = {
        {"--preset", ARG_STRING, &a.preset, 0, -1, "paper (Fig. 1c + baseline + Fig. 2), quick (minutes), shd"},
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
        {"--results", ARG_STRING, &a.results, 0, -1, "results file, one JSON line per run (results.jsonl)"},
        {"-o", ARG_STRING, &a.results, 0, -1, "same as --results"},
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
    int parallel = a.jobs > 0 ? a.jobs : (int)sysconf(_SC_NPROCESSORS_ONLN) / s.threads;
    parallel = parallel < 1 ? 1 : parallel;
    if (a.estimate) {
        rc = estimate(a.estimate, &g, &s, parallel, a.as_json);
        sweep_grid_free(&g);
        return rc;
    }
    int shard, shards;
    const char *shard_source;
    sweep_done done;
    int repaired;
    if (find_shard(a.shard, &shard, &shards, &shard_source, &err) != 0 ||
        sweep_done_load(a.results, &done, &repaired, &err) != 0) {
        fprintf(stderr, "snn sweep: %s\n", err.msg);
        sweep_grid_free(&g);
        return 1;
    }
    if (repaired)
        fprintf(stderr, "snn sweep: %s: removed a partial last line (its run will be redone)\n",
                a.results);
    int *todo = malloc(sizeof *todo * (size_t)(g.n ? g.n : 1));
    int n_todo = 0, mine = 0, skipped = 0;
    for (int i = 0; todo && i < g.n; i++) {
        if (i % shards != shard)
            continue;
        mine++;
        char key[512];
        sweep_job_key(&s, &g.jobs[i], key, sizeof key);
        if (sweep_done_has(&done, key))
            skipped++;
        else
            todo[n_todo++] = i;
    }
    sweep_done_free(&done);
    if (!todo) {
        fprintf(stderr, "snn sweep: out of memory\n");
        sweep_grid_free(&g);
        return 1;
    }
    if (a.list) {
        for (int k = 0; k < n_todo; k++) {
            char key[512];
            sweep_job_key(&s, &g.jobs[todo[k]], key, sizeof key);
            printf("%d %s\n", todo[k], key);
        }
    }
    if (!a.as_json && !a.list)
        printf("sweep: %d jobs in the grid, %d in shard %d/%d (%s), %d already in %s, %d to run, "
               "%d at a time\n", g.n, mine, shard, shards, shard_source, skipped, a.results, n_todo,
               parallel);
    fflush(stdout);
    char self[4096];
    ssize_t self_len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (self_len <= 0) {
        fprintf(stderr, "snn sweep: cannot find my own executable: %s\n", strerror(errno));
        free(todo);
        sweep_grid_free(&g);
        return 1;
    }
    self[self_len] = '\0';
    double t0 = wall();
    int next = 0, running = 0, ran = 0, failed = 0;
    while (!a.list && (next < n_todo || running > 0)) {
        if (next < n_todo && running < parallel) {
            if (spawn(self, argc, argv, todo[next], s.threads) < 0) {
                fprintf(stderr, "snn sweep: fork failed: %s\n", strerror(errno));
                failed += n_todo - next;
                next = n_todo;
                continue;
            }
            next++;
            running++;
            continue;
        }
        int status;
        pid_t pid = wait(&status);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        running--;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            ran++;
        else
            failed++;
        if (!a.as_json)
            printf("sweep: %d/%d done, %d failed, %.0f s\n", ran, n_todo, failed, wall() - t0);
        fflush(stdout);
    }
    if (a.as_json) {
        char shard_text[32];
        snprintf(shard_text, sizeof shard_text, "%d/%d", shard, shards);
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "results", a.results);
        json_int(&j, "jobs", g.n);
        json_str(&j, "shard", shard_text);
        json_int(&j, "in_shard", mine);
        json_int(&j, "skipped", skipped);
        json_int(&j, "pending", a.list ? n_todo : 0);
        json_int(&j, "ran", ran);
        json_int(&j, "failed", failed);
        json_num(&j, "seconds", wall() - t0);
        json_end(&j);
    }
    free(todo);
    sweep_grid_free(&g);
    return failed ? 1 : 0;
}
