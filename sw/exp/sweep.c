/* sweep.c - see sweep.h. */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../data/dataset.h"
#include "../data/shd.h"
#include "../net/arch.h"
#include "../net/kernels.h"
#include "../net/model.h"
#include "../train/train.h"
#include "../util/bytes.h"
#include "../util/json.h"
#include "jsonl.h"
#include "robust.h"
#include "stats.h"
#include "vrd_layer.h"

const double sweep_paper_s1[19] = {0.0005, 0.00075, 0.001, 0.002,  0.003, 0.004, 0.005,
                                   0.0075, 0.01,    0.0125, 0.015, 0.0175, 0.02, 0.025,
                                   0.03,   0.04,    0.05,  0.06,   0.07};
const double sweep_paper_noise[12] = {1e-5, 1e-4, 1.5e-4, 2e-4, 3e-4, 4e-4,
                                      5e-4, 6e-4, 7e-4,   8e-4, 9e-4, 1e-3};

sweep_settings sweep_default_settings(void)
{
    snn_train_options t = snn_default_train_options();
    return (sweep_settings){
        .dataset = "fmnist", .data_dir = DEFAULT_DATA_DIR, .epochs = t.epochs, .batch = t.batch,
        .lr = t.lr, .optimizer = t.optimizer, .vrd_samples = 8, .vrd_tau = 1.0,
        .vrd_norm = VRD_GRID, .threads = 1,
    };
}

static int nets_equal(const sweep_net *a, const sweep_net *b)
{
    return a->recurrent == b->recurrent && strcmp(a->arch, b->arch) == 0;
}

static int jobs_equal(const sweep_job *a, const sweep_job *b)
{
    return a->ratio == b->ratio && a->dale == b->dale && a->s1 == b->s1 && a->noise == b->noise &&
           a->seed == b->seed && nets_equal(&a->net, &b->net);
}

int sweep_grid_add(sweep_grid *g, const sweep_axes *a, snn_error *err)
{
    static const sweep_net own = {0};
    int n_nets = a->nets ? a->n_nets : 1;
    for (int k = 0; k < n_nets; k++)
        for (int r = 0; r < a->n_ratios; r++)
            for (int i = 0; i < a->n_s1; i++)
                for (int b = 0; b < a->n_noise; b++)
                    for (int seed = 1; seed <= a->trials; seed++) {
                        sweep_job j = {a->ratios[r], a->dale, a->s1[i], a->noise[b], seed,
                                       a->nets ? a->nets[k] : own};
                        int dup = 0;
                        for (int q = 0; q < g->n && !dup; q++)
                            dup = jobs_equal(&g->jobs[q], &j);
                        if (dup)
                            continue;
                        if (g->n == g->cap) {
                            int cap = g->cap ? 2 * g->cap : 64;
                            sweep_job *grown = realloc(g->jobs, sizeof *grown * cap);
                            if (!grown)
                                return snn_fail(err, "out of memory for %d jobs", cap);
                            g->jobs = grown;
                            g->cap = cap;
                        }
                        g->jobs[g->n++] = j;
                    }
    return 0;
}

void sweep_grid_free(sweep_grid *g)
{
    free(g->jobs);
    memset(g, 0, sizeof *g);
}

void sweep_arch_name(const snn_config *c, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int l = 0; l < c->n_layers && used < len; l++)
        used += (size_t)snprintf(buf + used, len - used, "%s%d", l ? "-" : "", c->layer[l].size);
}

void sweep_job_label(const sweep_job *j, char *buf, size_t len)
{
    char noise[48] = "";
    if (j->noise != 0)
        snprintf(noise, sizeof noise, " noise %g", j->noise);
    snprintf(buf, len, "ratio %g%s s1 %g%s seed %d%s%s%s", j->ratio, j->dale ? "" : " no Dale",
             j->s1, noise, j->seed, j->net.arch[0] ? " arch " : "", j->net.arch,
             j->net.recurrent ? " recurrent" : "");
}

int sweep_preset(const char *name, sweep_grid *g, sweep_settings *s, snn_error *err)
{
    static const double zero[] = {0}, split[] = {0.8}, noise_s1[] = {SWEEP_NOISE_S1};
    if (strcmp(name, "paper") == 0) {
        /* Fig. 1c: four ratios over the whole s1 sweep, and the unbounded
         * network; Fig. 2: seven ratios under weight-update noise. 8 trials. */
        static const double fig1c[] = {0.5, 0.8, 0.95, 1.0};
        static const double fig2[] = {0.5, 0.7, 0.75, 0.8, 0.9, 0.95, 1.0};
        *s = sweep_default_settings();
        return sweep_grid_add(g, &(sweep_axes){.ratios = fig1c, .n_ratios = 4, .dale = 1,
                                               .s1 = sweep_paper_s1, .n_s1 = 19, .noise = zero,
                                               .n_noise = 1, .trials = 8}, err) ||
               sweep_grid_add(g, &(sweep_axes){.ratios = split, .n_ratios = 1, .dale = 0,
                                               .s1 = sweep_paper_s1, .n_s1 = 19, .noise = zero,
                                               .n_noise = 1, .trials = 8}, err) ||
               sweep_grid_add(g, &(sweep_axes){.ratios = fig2, .n_ratios = 7, .dale = 1,
                                               .s1 = noise_s1, .n_s1 = 1,
                                               .noise = sweep_paper_noise, .n_noise = 12,
                                               .trials = 8}, err);
    }
    if (strcmp(name, "quick") == 0) {
        /* The same questions on a grid that fits in minutes: low, medium and
         * over-active starts; no noise vs two of the paper's noise levels. */
        static const double ratios[] = {0.5, 0.8, 1.0};
        static const double s1[] = {0.001, 0.003, 0.01, 0.03, 0.07};
        static const double noise[] = {0, 1e-4, 3e-4};
        *s = sweep_default_settings();
        s->epochs = 3;
        s->test_limit = 2000;
        s->robust = 1;
        return sweep_grid_add(g, &(sweep_axes){.ratios = ratios, .n_ratios = 3, .dale = 1,
                                               .s1 = s1, .n_s1 = 5, .noise = zero, .n_noise = 1,
                                               .trials = 2}, err) ||
               sweep_grid_add(g, &(sweep_axes){.ratios = split, .n_ratios = 1, .dale = 0,
                                               .s1 = s1, .n_s1 = 5, .noise = zero, .n_noise = 1,
                                               .trials = 2}, err) ||
               sweep_grid_add(g, &(sweep_axes){.ratios = ratios, .n_ratios = 3, .dale = 1,
                                               .s1 = noise_s1, .n_s1 = 1, .noise = noise,
                                               .n_noise = 3, .trials = 2}, err);
    }
    if (strcmp(name, "recurrent") == 0) {
        /* Fig. 1c's s1 sweep and Fig. 2's noise sweep, 8 trials, paper settings, for
         * one and two hidden layers (the paper's 100, and 128-64), each feed-forward
         * and recurrent, at 80:20 and 50:50. */
        static const sweep_net nets[] = {{"100", 0}, {"100", 1}, {"128-64", 0}, {"128-64", 1}};
        static const double ratios[] = {0.5, 0.8};
        *s = sweep_default_settings();
        return sweep_grid_add(g, &(sweep_axes){.nets = nets, .n_nets = 4, .ratios = ratios,
                                               .n_ratios = 2, .dale = 1, .s1 = sweep_paper_s1,
                                               .n_s1 = 19, .noise = zero, .n_noise = 1,
                                               .trials = 8}, err) ||
               sweep_grid_add(g, &(sweep_axes){.nets = nets, .n_nets = 4, .ratios = ratios,
                                               .n_ratios = 2, .dale = 1, .s1 = noise_s1,
                                               .n_s1 = 1, .noise = sweep_paper_noise,
                                               .n_noise = 12, .trials = 8}, err);
    }
    if (strcmp(name, "recurrent-quick") == 0) {
        /* The same questions in minutes: one small hidden layer, feed-forward vs
         * recurrent, on a training subset for 3 epochs. Batch 64 gives 94 updates
         * per epoch (256 would give 24, too few to learn). Over its 282 updates the
         * paper's sigma 1e-4 costs a few points and 3e-4 separates the ratios;
         * 1e-3 leaves every network at chance. */
        static const sweep_net nets[] = {{"64", 0}, {"64", 1}};
        static const double ratios[] = {0.5, 0.8};
        static const double s1[] = {0.001, 0.003, 0.01, 0.03};
        static const double noise[] = {0, 1e-4, 3e-4};
        *s = sweep_default_settings();
        s->epochs = 3;
        s->batch = 64;
        s->limit = 6000;
        s->test_limit = 1000;
        s->vrd_samples = 0;
        return sweep_grid_add(g, &(sweep_axes){.nets = nets, .n_nets = 2, .ratios = ratios,
                                               .n_ratios = 2, .dale = 1, .s1 = s1,
                                               .n_s1 = sizeof s1 / sizeof *s1, .noise = zero,
                                               .n_noise = 1, .trials = 2}, err) ||
               sweep_grid_add(g, &(sweep_axes){.nets = nets, .n_nets = 2, .ratios = ratios,
                                               .n_ratios = 2, .dale = 1, .s1 = noise_s1,
                                               .n_s1 = 1, .noise = noise,
                                               .n_noise = sizeof noise / sizeof *noise,
                                               .trials = 2}, err);
    }
    if (strcmp(name, "shd") == 0) {
        /* The paper's SHD network (docs/reference-model.md): 700-200-20, tau_mem 5 ms, lr 0.001, 200 epochs. */
        static const double ratios[] = {0.5, 0.8, 1.0};
        static const double s1[] = {0.001, 0.003, 0.01, 0.03};
        *s = sweep_default_settings();
        s->dataset = "shd";
        s->data_dir = ".";
        s->epochs = 200;
        s->lr = 0.001;
        return sweep_grid_add(g, &(sweep_axes){.ratios = ratios, .n_ratios = 3, .dale = 1,
                                               .s1 = s1, .n_s1 = 4, .noise = zero, .n_noise = 1,
                                               .trials = 8}, err);
    }
    return snn_fail(err, "unknown preset '%s' (paper, quick, shd, recurrent or recurrent-quick)",
                    name);
}

int sweep_job_config(const sweep_settings *s, const sweep_job *j, snn_config *c, snn_error *err)
{
    *c = snn_default_config();
    if (strcmp(s->dataset, "shd") == 0) {
        c->n_in = SHD_INPUTS;
        c->layer[0].size = 200;
        c->n_out = SHD_CLASSES;
        c->steps = SHD_STEPS;
        c->layer[0].beta = c->out_beta = (float)exp(-1.0 / 5.0); /* tau_mem 5 ms */
    }
    int n_in = c->n_in, n_out = c->n_out;
    char own[16], ratio[32];
    snprintf(own, sizeof own, "%d", c->layer[0].size);
    snprintf(ratio, sizeof ratio, "%.17g", j->ratio);
    const char *arch = j->net.arch[0] ? j->net.arch : own;
    if (snn_config_from_text(c, arch, ratio, j->net.recurrent ? "all" : NULL, n_in, n_out,
                             err) != 0)
        return -1;
    if (c->n_in != n_in || c->n_out != n_out)
        return snn_fail(err, "--arch '%s': %d inputs and %d outputs, but the %s data have %d "
                        "and %d", arch, c->n_in, c->n_out, s->dataset, n_in, n_out);
    c->dale = j->dale;
    return snn_config_check(c, "sweep network", err);
}

void sweep_job_key(const sweep_settings *s, const sweep_job *j, char *buf, size_t len)
{
    /* The data set's own network as it was before the network axes: no token. */
    char net[128] = "";
    snn_config c, own;
    sweep_job plain = *j;
    plain.net = (sweep_net){0};
    snn_error ignored;
    if (sweep_job_config(s, j, &c, &ignored) == 0 &&
        sweep_job_config(s, &plain, &own, &ignored) == 0) {
        char arch[96];
        sweep_arch_name(&c, arch, sizeof arch);
        int same_arch = c.n_layers == own.n_layers && c.layer[0].size == own.layer[0].size;
        snprintf(net, sizeof net, "%s%s%s", same_arch ? "" : " arch=", same_arch ? "" : arch,
                 j->net.recurrent ? " rec=1" : "");
    }
    int n = snprintf(buf, len,
                     "%s ratio=%.10g dale=%d s1=%.10g noise=%.10g seed=%d%s epochs=%d batch=%d "
                     "lr=%.10g opt=%s limit=%d test=%d vrd=%d/%.10g/%s robust=%d",
                     s->dataset, j->ratio, j->dale, j->s1, j->noise, j->seed, net, s->epochs,
                     s->batch, s->lr, snn_optimizer_name(s->optimizer), s->limit, s->test_limit,
                     s->vrd_samples, s->vrd_tau, vrd_norm_name(s->vrd_norm), s->robust);
    /* Only when on, so that the keys of runs without the RTL column stay as they were. */
    if (s->robust && s->rtl.images > 0 && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " rtl=%d", s->rtl.images);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sweep_done_load(const char *path, sweep_done *d, int *repaired, snn_error *err)
{
    memset(d, 0, sizeof *d);
    *repaired = 0;
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return errno == ENOENT ? 0 : snn_fail(err, "%s: cannot open: %s", path, strerror(errno));
    /* Under the appenders' lock: no line is half-written while we look. */
    if (flock(fd, LOCK_EX) != 0) {
        close(fd);
        return snn_fail(err, "%s: cannot lock: %s", path, strerror(errno));
    }
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = read_file(path, &data, &len, err);
    if (rc == 0 && len && data[len - 1] != '\n') {
        /* A kill mid-line (or a torn copy): drop the fragment, the run reruns. */
        size_t keep = len;
        while (keep && data[keep - 1] != '\n')
            keep--;
        if (ftruncate(fd, (off_t)keep) != 0)
            rc = snn_fail(err, "%s: cannot cut the partial last line: %s", path, strerror(errno));
        len = keep;
        *repaired = 1;
    }
    flock(fd, LOCK_UN);
    close(fd);
    char *text = rc == 0 ? realloc(data, len + 1) : NULL; /* jv_lines' spare byte */
    if (rc == 0 && !text)
        rc = snn_fail(err, "%s: out of memory", path);
    if (text)
        data = (uint8_t *)text;
    jv_lines lines;
    jv_lines_init(&lines, text, len, path);
    int cap = 0;
    char *line;
    while (rc == 0 && (rc = jv_lines_next(&lines, &line, err)) == 1) {
        rc = 0;
        jv_object o;
        if (jv_parse(line, &o, lines.what, err) != 0) {
            rc = -1;
            break;
        }
        const char *key = jv_str(&o, "key", NULL);
        if (!key) {
            jv_free(&o);
            rc = snn_fail(err, "%s: no \"key\" (not a sweep results line)", lines.what);
            break;
        }
        if (d->n == cap) {
            cap = cap ? 2 * cap : 256;
            char **grown = realloc(d->keys, sizeof *grown * cap);
            if (!grown) {
                jv_free(&o);
                rc = snn_fail(err, "%s: out of memory", path);
                break;
            }
            d->keys = grown;
        }
        d->keys[d->n] = strdup(key);
        jv_free(&o);
        if (!d->keys[d->n]) {
            rc = snn_fail(err, "%s: out of memory", path);
            break;
        }
        d->n++;
    }
    free(data);
    if (rc != 0) {
        sweep_done_free(d);
        return -1;
    }
    if (d->n) /* qsort's base may not be NULL, even for no elements */
        qsort(d->keys, d->n, sizeof *d->keys, cmp_str);
    return 0;
}

int sweep_done_has(const sweep_done *d, const char *key)
{
    return d->n && bsearch(&key, d->keys, d->n, sizeof *d->keys, cmp_str) != NULL;
}

void sweep_done_free(sweep_done *d)
{
    for (int i = 0; i < d->n; i++)
        free(d->keys[i]);
    free(d->keys);
    memset(d, 0, sizeof *d);
}

int sweep_append_line(const char *path, const char *line, size_t len, snn_error *err)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0)
        return snn_fail(err, "%s: cannot open for appending: %s", path, strerror(errno));
    int rc = 0;
    if (flock(fd, LOCK_EX) != 0) {
        rc = snn_fail(err, "%s: cannot lock: %s", path, strerror(errno));
    } else {
        size_t done = 0;
        while (done < len) {
            ssize_t w = write(fd, line + done, len - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                rc = snn_fail(err, "%s: write failed: %s", path, strerror(errno));
                break;
            }
            done += (size_t)w;
        }
        if (rc == 0 && fdatasync(fd) != 0 && errno != EINVAL)
            rc = snn_fail(err, "%s: sync failed: %s", path, strerror(errno));
        flock(fd, LOCK_UN);
    }
    if (close(fd) != 0 && rc == 0)
        rc = snn_fail(err, "%s: close failed: %s", path, strerror(errno));
    return rc;
}

/* The two splits of a data set, whatever its file format. */
typedef struct {
    encoded_set train_set, test_set;
    const spike_data *train, *test; /* their spikes */
} job_data;

static void job_data_free(job_data *d)
{
    encoded_set_free(&d->train_set);
    encoded_set_free(&d->test_set);
    d->train = d->test = NULL;
}

/* Reports the step a job begins (a crash names it). */
static void step(sweep_progress progress, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void step(sweep_progress progress, void *ctx, const char *fmt, ...)
{
    if (!progress)
        return;
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    progress(SWEEP_STEP, msg, ctx);
}

static int job_data_load(const sweep_settings *s, int steps, job_data *d, sweep_progress progress,
                         void *ctx, snn_error *err)
{
    memset(d, 0, sizeof *d);
    int rc;
    if (strcmp(s->dataset, "shd") == 0) {
        char tr[1100], te[1100];
        snprintf(tr, sizeof tr, "%s/shd_train.h5", s->data_dir);
        snprintf(te, sizeof te, "%s/shd_test.h5", s->data_dir);
        step(progress, ctx, "reading %s", tr);
        rc = encoded_set_load_file(tr, s->limit, steps, &d->train_set, err);
        if (rc == 0) {
            step(progress, ctx, "reading %s", te);
            rc = encoded_set_load_file(te, s->test_limit, steps, &d->test_set, err);
        }
    } else if (strcmp(s->dataset, "fmnist") == 0) {
        step(progress, ctx, "reading the training images in %s", s->data_dir);
        rc = encoded_set_load(s->data_dir, "train", s->limit, steps, &d->train_set, err);
        if (rc == 0) {
            step(progress, ctx, "reading the test images in %s", s->data_dir);
            rc = encoded_set_load(s->data_dir, "t10k", s->test_limit, steps, &d->test_set, err);
        }
    } else {
        return snn_fail(err, "unknown dataset '%s' (fmnist or shd)", s->dataset);
    }
    if (rc != 0) {
        job_data_free(d);
        return -1;
    }
    d->train = &d->train_set.spikes;
    d->test = &d->test_set.spikes;
    return 0;
}

/* The first hidden layer's pair distances on the first samples of data (vrd_layer.h). */
static int measure_vrd(const snn_model *m, const spike_data *data, const sweep_settings *s,
                       vrd_layer_summary *out, snn_error *err)
{
    return vrd_layer_measure(m, 0, data, s->vrd_samples, s->vrd_tau, s->vrd_norm, NULL, out, err);
}

static void json_vrd(json_out *j, const char *when, const vrd_layer_summary *v)
{
    char key[64];
    for (int g = 0; g < VRD_GROUPS; g++) {
        snprintf(key, sizeof key, "vrd_%s_%s", when, vrd_group_names[g]);
        json_num(j, key, v->median[g]);
        snprintf(key, sizeof key, "vrd_%s_mean_%s", when, vrd_group_names[g]);
        json_num(j, key, v->mean[g]);
    }
    snprintf(key, sizeof key, "vrd_%s_kw_p", when);
    json_num(j, key, v->kw.p);
}

static void json_array(json_out *j, const char *key, const double *v, int n)
{
    char buf[32 * 256] = "[";
    size_t len = 1;
    for (int i = 0; i < n && len + 32 < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%.6g", i ? "," : "",
                                isfinite(v[i]) ? v[i] : -1);
    snprintf(buf + len, sizeof buf - len, "]");
    json_raw(j, key, buf);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of this process (a job runs in its own process): unlike wall
 * time, it does not grow when other work shares the cores. */
static double cpu_seconds(void)
{
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0)
        return NAN;
    return (double)u.ru_utime.tv_sec + 1e-6 * (double)u.ru_utime.tv_usec +
           (double)u.ru_stime.tv_sec + 1e-6 * (double)u.ru_stime.tv_usec;
}

int sweep_run_job(const sweep_settings *s, const sweep_job *j, char **line, size_t *len,
                  sweep_progress progress, void *ctx, snn_error *err)
{
    double t0 = now_seconds();
    snn_config cfg;
    if (sweep_job_config(s, j, &cfg, err) != 0)
        return -1;
    snn_train_options o = snn_default_train_options();
    o.epochs = s->epochs;
    o.batch = s->batch;
    o.lr = s->lr;
    o.optimizer = s->optimizer;
    o.noise = j->noise;
    o.seed = (unsigned long long)j->seed;
    o.limit = s->limit;
    o.threads = s->threads;

    job_data data;
    if (job_data_load(s, cfg.steps, &data, progress, ctx, err) != 0)
        return -1;
    /* The sweep's network is fixed: refuse data it cannot take (a label past its readout). */
    if (encoded_set_check(&data.train_set, cfg.n_in, cfg.n_out, err) != 0 ||
        encoded_set_check(&data.test_set, cfg.n_in, cfg.n_out, err) != 0) {
        job_data_free(&data);
        return -1;
    }
    snn_model m;
    if (snn_model_alloc(&m, &cfg, err) != 0) {
        job_data_free(&data);
        return -1;
    }
    snn_train_init_weights(&m, j->s1, o.seed);

    int E = s->epochs;
    double *acc = calloc((size_t)E + 1, sizeof *acc), *hz = calloc((size_t)E + 1, sizeof *hz);
    double *secs = calloc((size_t)E + 1, sizeof *secs);
    snn_trainer *t = NULL;
    char *buf = NULL;
    size_t buf_len = 0;
    FILE *mem = NULL;
    int rc = -1;
    snn_eval_stats init, final;
    vrd_layer_summary vrd0 = {0}, vrd1 = {0};
    robust_result rob = {0};
    snn_epoch_stats st = {0};
    if (!acc || !hz || !secs) {
        snn_fail(err, "out of memory");
        goto done;
    }
    step(progress, ctx, "measuring the untrained network");
    if (snn_evaluate(&m, data.test, s->threads, &init, NULL, err) != 0)
        goto done;
    if (s->vrd_samples > 0 && measure_vrd(&m, data.test, s, &vrd0, err) != 0)
        goto done;
    if (!(t = snn_trainer_new(&m, &o, err)))
        goto done;
    double peak = 0;
    for (int e = 0; e < E; e++) {
        step(progress, ctx, "training, epoch %d/%d", e + 1, E);
        double cpu0 = cpu_seconds();
        if (snn_trainer_epoch(t, data.train, data.test, &st, err) != 0)
            goto done;
        secs[e] = cpu_seconds() - cpu0;
        acc[e] = st.test_acc;
        hz[e] = st.hidden_hz;
        peak = st.test_acc > peak ? st.test_acc : peak;
        if (progress) {
            char msg[160];
            snprintf(msg, sizeof msg, "epoch %d/%d test %.2f%% rate %.1f Hz %.1f s", e + 1, E,
                     100 * st.test_acc, st.hidden_hz, st.seconds);
            progress(SWEEP_EPOCH, msg, ctx);
        }
    }
    final = (snn_eval_stats){.acc = st.test_acc, .hidden_hz = st.hidden_hz,
                             .exc_hz = st.exc_hz, .inh_hz = st.inh_hz};
    step(progress, ctx, "measuring the trained network");
    if (s->vrd_samples > 0 && measure_vrd(&m, data.test, s, &vrd1, err) != 0)
        goto done;
    if (s->robust && robust_measure(&m, data.test, o.seed, s->threads, &s->rtl, &rob, err) != 0)
        goto done;
    char key[512];
    sweep_job_key(s, j, key, sizeof key);
    if (s->models_dir) {
        char path[1200];
        char net[120] = "";
        if (j->net.arch[0] || j->net.recurrent) {
            char arch[96];
            sweep_arch_name(&cfg, arch, sizeof arch);
            snprintf(net, sizeof net, "-h%s%s", arch, j->net.recurrent ? "-rec" : "");
        }
        snprintf(path, sizeof path, "%s/%s%s-r%g-%s-s1%g-n%g-seed%d.snn", s->models_dir,
                 s->dataset, net, j->ratio, j->dale ? "dale" : "nodale", j->s1, j->noise,
                 j->seed);
        step(progress, ctx, "saving %s", path);
        if (snn_model_save(path, &m, NULL, 0, err) != 0)
            goto done;
    }
    int last = E < 10 ? E : 10;
    double last_sum = 0;
    for (int e = E - last; e < E; e++)
        last_sum += acc[e];
    char host[128] = "";
    gethostname(host, sizeof host - 1);

    mem = open_memstream(&buf, &buf_len);
    if (!mem) {
        snn_fail(err, "out of memory");
        goto done;
    }
    json_out jo;
    json_begin(&jo, mem);
    json_str(&jo, "key", key);
    json_str(&jo, "dataset", s->dataset);
    json_num(&jo, "ratio", j->ratio);
    json_bool(&jo, "dale", j->dale);
    json_num(&jo, "s1", j->s1);
    json_num(&jo, "noise", j->noise);
    json_int(&jo, "seed", j->seed);
    json_int(&jo, "epochs", E);
    char arch[96];
    int n_hidden = 0, n_exc = 0;
    for (int l = 0; l < cfg.n_layers; l++)
        n_hidden += cfg.layer[l].size, n_exc += cfg.layer[l].n_exc;
    sweep_arch_name(&cfg, arch, sizeof arch);
    json_str(&jo, "arch", arch);
    json_int(&jo, "depth", cfg.n_layers);
    json_bool(&jo, "recurrent", j->net.recurrent);
    json_int(&jo, "n_hidden", n_hidden);
    json_int(&jo, "n_exc", n_exc);
    json_int(&jo, "train_samples", data.train->n);
    json_int(&jo, "test_samples", data.test->n);
    json_num(&jo, "init_hz", init.hidden_hz);
    json_num(&jo, "init_exc_hz", init.exc_hz);
    json_num(&jo, "init_inh_hz", init.inh_hz);
    json_num(&jo, "init_acc", init.acc);
    json_num(&jo, "peak_acc", peak);
    json_num(&jo, "last10_acc", E ? last_sum / last : NAN);
    json_num(&jo, "final_acc", final.acc);
    json_num(&jo, "final_hz", final.hidden_hz);
    json_num(&jo, "final_exc_hz", final.exc_hz);
    json_num(&jo, "final_inh_hz", final.inh_hz);
    json_array(&jo, "test_acc", acc, E);
    json_array(&jo, "hidden_hz", hz, E);
    json_array(&jo, "epoch_cpu_seconds", secs, E);
    if (s->vrd_samples > 0) {
        json_str(&jo, "vrd_norm", vrd_norm_name(s->vrd_norm));
        json_num(&jo, "vrd_tau", s->vrd_tau);
        json_int(&jo, "vrd_samples", s->vrd_samples);
        json_vrd(&jo, "init", &vrd0);
        json_vrd(&jo, "final", &vrd1);
    }
    for (int i = 0; i < rob.n; i++) {
        char k[96];
        robust_condition c = {rob.p[i].kind, rob.p[i].level};
        robust_field_name(&c, "float", k, sizeof k);
        json_num(&jo, k, rob.p[i].float_acc);
        robust_field_name(&c, "int", k, sizeof k);
        json_num(&jo, k, rob.p[i].int_acc);
        if (s->rtl.images > 0) {
            robust_field_name(&c, "rtl", k, sizeof k);
            json_num(&jo, k, rob.p[i].rtl_acc);
            robust_field_name(&c, "int_rtlset", k, sizeof k);
            json_num(&jo, k, rob.p[i].int_rtlset_acc);
        }
    }
    if (s->robust && s->rtl.images > 0) {
        json_int(&jo, "rob_rtl_images", rob.rtl_images);
        json_int(&jo, "rob_rtl_mismatches", (long long)rob.rtl_mismatches);
    }
    json_num(&jo, "cpu_seconds", cpu_seconds());
    json_num(&jo, "seconds", now_seconds() - t0);
    json_str(&jo, "host", host);
    json_end(&jo);
    if (fclose(mem) != 0) {
        mem = NULL;
        snn_fail(err, "out of memory");
        goto done;
    }
    mem = NULL;
    *line = buf;
    *len = buf_len;
    buf = NULL;
    rc = 0;
done:
    if (mem)
        fclose(mem);
    free(buf);
    snn_trainer_free(t);
    free(acc);
    free(hz);
    free(secs);
    snn_model_free(&m);
    job_data_free(&data);
    return rc;
}

int sweep_parse_shard(const char *text, int *i, int *n, snn_error *err)
{
    char tail;
    if (sscanf(text, "%d/%d%c", i, n, &tail) != 2 || *n < 1 || *i < 0 || *i >= *n)
        return snn_fail(err, "shard '%s': expected i/n with 0 <= i < n", text);
    return 0;
}

int sweep_parse_list(const char *text, double *out, int cap, int *n, const char *what,
                     snn_error *err)
{
    *n = 0;
    const char *p = text;
    while (*p) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno || !isfinite(v))
            return snn_fail(err, "%s: '%s' is not a comma-separated list of numbers", what, text);
        if (*n == cap)
            return snn_fail(err, "%s: more than %d values", what, cap);
        out[(*n)++] = v;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return snn_fail(err, "%s: unexpected '%c' in '%s'", what, *p, text);
    }
    if (*n == 0)
        return snn_fail(err, "%s: empty list", what);
    return 0;
}

int sweep_parse_nets(const char *text, sweep_net *nets, int cap, int *n, snn_error *err)
{
    *n = 0;
    for (const char *p = text;; p++) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof nets->arch || strspn(p, "0123456789-") != len)
            return snn_fail(err, "--arch: '%s' is not a comma-separated list of networks, each "
                                 "sizes joined by '-' (e.g. 100,128-64)", text);
        if (*n == cap)
            return snn_fail(err, "--arch: more than %d networks", cap);
        nets[*n] = (sweep_net){{0}, 0};
        memcpy(nets[*n].arch, p, len);
        (*n)++;
        p += len;
        if (!*p)
            return 0;
    }
}
