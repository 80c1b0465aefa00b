/* cmd_train.c - `snn train`: train an E/I LIF network and write the model.
 *
 * The model file (--out) is rewritten atomically after every epoch with the
 * training state inside, so it doubles as the checkpoint for --resume (which
 * rewrites the file it resumes unless --out says otherwise). One JSON line per
 * epoch goes to <out>.metrics.jsonl, also rewritten atomically with each epoch.
 * With a validation split (--val, the best and deep presets), the best epoch's
 * model goes to <out stem>.best.snn, and a last metrics line names that epoch.
 * The last line printed names what was written.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sw/data/split.h"
#include "../sw/net/arch.h"
#include "../sw/train/train.h"
#include "../sw/util/args.h"
#include "../sw/util/atomic_file.h"
#include "../sw/util/json.h"
#include "cli_net.h"
#include "commands.h"

/* Terminal progress: a bar for the epoch, the ETA of this epoch and that of the run. */
typedef struct {
    int epoch, first_epoch, total_epochs;
    double t0;       /* when this run's first epoch started */
    double epoch_t0; /* when this epoch started */
} progress_state;

/* "m:ss", or "h:mm:ss" from an hour on. */
static void format_eta(double seconds, char *buf, size_t cap)
{
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, cap, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, cap, "%ld:%02ld", s / 60, s % 60);
}

static void progress_bar(int done, int total, void *ctx)
{
    progress_state *p = ctx;
    if (done % 4 && done != total)
        return;
    double now = omp_get_wtime();
    double batches_done = (double)(p->epoch - p->first_epoch) * total + done;
    double batches_left = (double)(p->total_epochs - p->epoch + 1) * total - done;
    char epoch_eta[32], run_eta[32];
    format_eta(done ? (now - p->epoch_t0) / done * (total - done) : 0, epoch_eta,
               sizeof epoch_eta);
    format_eta(batches_done ? (now - p->t0) / batches_done * batches_left : 0, run_eta,
               sizeof run_eta);
    int width = 30, filled = width * done / total;
    fprintf(stderr, "\repoch %d/%d [%.*s%*s] %3d%%  ETA this epoch %s, whole run %s",
            p->epoch, p->total_epochs, filled, "##############################", width - filled,
            "", 100 * done / total, epoch_eta, run_eta);
    if (done == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* The metrics file (one JSON line per epoch) as it will be written: held in
 * memory and written atomically after each epoch, so it always matches the
 * model file and a run that fails leaves no partial file. */
typedef struct {
    char path[1100];
    char *text;
    size_t len;
    FILE *mem; /* open_memstream over text/len */
} metrics_file;

/* Starts the metrics; a resumed run keeps the first `keep_epochs` lines of `from`. */
static int metrics_start(metrics_file *mf, const char *out_path, const char *from,
                         int keep_epochs, snn_error *err)
{
    snprintf(mf->path, sizeof mf->path, "%s.metrics.jsonl", out_path);
    mf->mem = open_memstream(&mf->text, &mf->len);
    if (!mf->mem)
        return snn_fail(err, "out of memory for the metrics");
    if (!from || keep_epochs == 0)
        return 0;
    char old_path[1100];
    snprintf(old_path, sizeof old_path, "%s.metrics.jsonl", from);
    FILE *f = fopen(old_path, "r");
    if (!f) /* a checkpoint whose metrics were not kept: start afresh */
        return 0;
    int c, lines = 0;
    while (lines < keep_epochs && (c = getc(f)) != EOF) {
        fputc(c, mf->mem);
        lines += c == '\n';
    }
    fclose(f);
    return 0;
}

/* One epoch's line; val_acc and val_loss only with a validation split. */
static int metrics_add(metrics_file *mf, const snn_epoch_stats *s, int n_layers, int validated,
                       snn_error *err)
{
    char layers[128] = "["; /* 4 layers of 14 characters at most */
    for (int l = 0; l < n_layers; l++)
        snprintf(layers + strlen(layers), sizeof layers - strlen(layers), "%s%.10g", l ? "," : "",
                 s->layer_hz[l]);
    strcat(layers, "]");
    json_out j;
    json_begin(&j, mf->mem);
    json_int(&j, "epoch", s->epoch);
    json_num(&j, "loss", s->loss);
    json_num(&j, "train_acc", s->train_acc);
    json_num(&j, "test_acc", s->test_acc);
    if (validated) {
        json_num(&j, "val_acc", s->val_acc);
        json_num(&j, "val_loss", s->val_loss);
    }
    json_num(&j, "hidden_hz", s->hidden_hz);
    json_num(&j, "exc_hz", s->exc_hz);
    json_num(&j, "inh_hz", s->inh_hz);
    json_raw(&j, "layer_hz", layers);
    json_num(&j, "seconds", s->seconds);
    json_num(&j, "samples_per_s", s->samples_per_s);
    json_end(&j);
    if (fflush(mf->mem) != 0)
        return snn_fail(err, "out of memory for the metrics");
    return atomic_write(mf->path, mf->text, mf->len, err);
}

/* The last line of a run with a validation split: which epoch the best model is. */
static int metrics_add_best(metrics_file *mf, const snn_best_epoch *b, const char *best_path,
                            snn_error *err)
{
    json_out j;
    json_begin(&j, mf->mem);
    json_int(&j, "best_epoch", b->epoch);
    json_str(&j, "model", best_path);
    json_num(&j, "val_acc", b->val_acc);
    json_num(&j, "val_loss", b->val_loss);
    json_num(&j, "test_acc", b->test_acc);
    json_end(&j);
    if (fflush(mf->mem) != 0)
        return snn_fail(err, "out of memory for the metrics");
    return atomic_write(mf->path, mf->text, mf->len, err);
}

static void metrics_free(metrics_file *mf)
{
    if (mf->mem)
        fclose(mf->mem);
    free(mf->text);
}

/* Options the checkpoint fixes: with --resume they come from it, and giving one is an error. */
static const char *const fixed_by_checkpoint[] = {
    "--preset", "--arch", "--ratio", "--recurrent", "--hidden", "--steps", "--batch", "--lr", "--lr-end", "--optimizer",
    "--s1", "--noise", "--qat", "--surrogate", "--augment-shift", "--no-dale", "--seed",
    "--limit", "--val",
};

static int given_option(const arg_spec *specs, int n, const unsigned char *given,
                        const char *name)
{
    for (int i = 0; i < n; i++)
        if (given[i] && strcmp(specs[i].name, name) == 0)
            return 1;
    return 0;
}

static int check_resume_options(const char *resume, const arg_spec *specs, int n,
                                const unsigned char *given)
{
    for (int i = 0; i < n; i++)
        for (size_t k = 0; given[i] && k < sizeof fixed_by_checkpoint / sizeof *fixed_by_checkpoint;
             k++)
            if (strcmp(specs[i].name, fixed_by_checkpoint[k]) == 0) {
                fprintf(stderr, "snn train: %s conflicts with --resume: %s fixes it (the "
                        "architecture and training options come from the checkpoint)\n",
                        specs[i].name, resume);
                return -1;
            }
    return 0;
}

/* A fresh model of cfg with the initial weights of s1 and the run's seed. */
static int fresh_model(const snn_config *cfg, double s1, unsigned long long seed, snn_model *m,
                       snn_error *err)
{
    if (snn_model_alloc(m, cfg, err) != 0)
        return -1;
    snn_train_init_weights(m, s1, seed);
    return 0;
}

/* The checkpoint to resume, with its options (o keeps epochs, threads and progress). */
static int resume_model(const char *resume, snn_model *m, snn_train_options *o, void **state,
                        size_t *state_len, snn_error *err)
{
    *state = NULL;
    if (snn_model_load(resume, m, state, state_len, err) != 0)
        return -1;
    if (!*state) {
        snn_model_free(m);
        return snn_fail(err, "%s: holds no training state to resume from", resume);
    }
    if (snn_train_state_options(*state, *state_len, resume, o, err) != 0) {
        snn_model_free(m);
        free(*state);
        *state = NULL;
        return -1;
    }
    return 0;
}

/* "<out without .snn>.best.snn": where the best epoch's model goes. */
static void best_path_of(const char *out_path, char *buf, size_t cap)
{
    size_t n = strlen(out_path);
    if (n > 4 && strcmp(out_path + n - 4, ".snn") == 0)
        n -= 4;
    snprintf(buf, cap, "%.*s.best.snn", (int)n, out_path);
}

/* The validation split of the loaded training set: the resolved size of
 * o->val (SNN_VAL_AUTO: 1/12 of it) held out of all into fit and val. */
static int hold_out(const spike_data *all, const char *data_dir, snn_train_options *o,
                    spike_data *fit, spike_data *val, snn_error *err)
{
    if (o->val == SNN_VAL_AUTO)
        o->val = all->n / 12;
    char what[1100];
    snprintf(what, sizeof what, "%s/train (--val)", data_dir);
    return spike_data_split_tail(all, o->val, what, fit, val, err);
}

/* With a validation split: validates the epoch's model and, when it is the best
 * so far, writes it to best_path (before the checkpoint, which holds it too). */
static int validate_epoch(snn_trainer *t, const spike_data *val, const char *best_path,
                          snn_epoch_stats *s, snn_error *err)
{
    int best = snn_trainer_validate(t, val, s, err);
    if (best <= 0)
        return best;
    return snn_model_save(best_path, snn_trainer_best_model(t), NULL, 0, err);
}

int cmd_train(int argc, char **argv)
{
    snn_config cfg = snn_default_config();
    snn_train_options o = snn_default_train_options();
    double s1 = SNN_DEFAULT_S1, lr = -1, lr_end = -1, surrogate = -1;
    uint64_t seed = o.seed;
    cli_net net = CLI_NET_DEFAULTS;
    int steps = cfg.steps, no_dale = 0, as_json = 0, quiet = 0;
    int epochs = -1, batch = -1, test_limit = 0, val_n = -2;
    const char *data_dir = DEFAULT_DATA_DIR, *out_path = NULL, *resume = NULL;
    const char *optimizer = NULL, *preset = "paper";
    arg_spec specs[] = {
        {"--preset", ARG_STRING, &preset, 0, -1,
         "paper (the paper's setup), best (Adam, cosine lr, surrogate 25, 80 epochs, 1/12 held "
         "out for validation) or deep (as best but lr 0.0005, batch 64, surrogate 10, 40 epochs, "
         "network 128-64 both recurrent, unless --arch/--recurrent/--hidden say otherwise)"},
        CLI_NET_ROWS(net),
        {"--steps", ARG_INT, &steps, 1, 100000, "time steps per sample (1 ms each)"},
        {"--epochs", ARG_INT, &epochs, 1, 100000,
         "epochs in all, a resumed run included (default: paper 30, best 80)"},
        {"--batch", ARG_INT, &batch, 1, 1 << 20, "samples per batch (default: 256, deep 64)"},
        {"--lr", ARG_DOUBLE, &lr, 1e-12, 10, "learning rate (default: paper 0.01, best 0.002, deep 0.0005)"},
        {"--lr-end", ARG_DOUBLE, &lr_end, 1e-6, 1,
         "cosine schedule: final lr as a fraction of --lr (default: paper 1 = constant, best 0.01)"},
        {"--optimizer", ARG_STRING, &optimizer, 0, -1,
         "sgd or adam (default: paper sgd, best adam)"},
        {"--s1", ARG_DOUBLE, &s1, 0, 10,
         "input weight init scale |N(0, s1)| (dimensionless); sets the initial rate"},
        {"--noise", ARG_DOUBLE, &o.noise, 0, 10,
         "weight-update noise: sigma of N(0, sigma^2) added to every weight after each update"},
        {"--qat", ARG_INT, &o.qat_bits, 0, 16,
         "train through B-bit fake-quantized weights (0 = float)"},
        {"--surrogate", ARG_DOUBLE, &surrogate, 0.1, 10000,
         "surrogate slope s, per unit of membrane potential: dS/dmem = 1/(s|mem-thr|+1)^2 "
         "(default: paper 100, best 25, deep 10)"},
        {"--augment-shift", ARG_INT, &o.augment_shift, 0, 8,
         "shift training images by up to N pixels in x and y (0 = off; IDX images of any "
         "shape, not spike events)"},
        {"--no-dale", ARG_FLAG, &no_dale, 0, -1, "unbounded baseline: no sign constraints"},
        {"--seed", ARG_U64, &seed, 0, 0x1p64,
         "random seed, 0..2^64-1 (initial weights, shuffling)"},
        {"--threads", ARG_INT, &o.threads, 0, 1024,
         "threads (0 = all cores); results do not depend on it"},
        {"--limit", ARG_INT, &o.limit, 0, 1 << 30, "train on the first N samples (0 = all)"},
        {"--val", ARG_INT, &val_n, 0, 1 << 30,
         "hold out the last N training samples for validation; the best epoch's model goes to "
         "<out stem>.best.snn (0 = off; default: paper 0, best and deep 1/12 of the samples)"},
        {"--test-limit", ARG_INT, &test_limit, 0, 1 << 30, "test on the first N samples (0 = all)"},
        {"--data", ARG_STRING, &data_dir, 0, -1,
         "the data: a directory of IDX files (train-/t10k-images-idx3-ubyte[.gz] and labels; "
         "Fashion-MNIST by default) or of spike events (train.npz and test.npz, or SHD's "
         "shd_train.h5 and shd_test.h5: docs/data.md); a fresh network takes its input count and "
         "classes from it"},
        {"--out", ARG_STRING, &out_path, 0, -1,
         "model file to write after every epoch, and <out>.metrics.jsonl (default: model.snn; with "
         "--resume: the resumed file, rewritten in place)"},
        {"--resume", ARG_STRING, &resume, 0, -1,
         "continue from this model/checkpoint file up to --epochs; its architecture and options "
         "are kept (giving one of them is an error)"},
        {"--quiet", ARG_FLAG, &quiet, 0, -1, "no per-epoch lines"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    enum { N_SPECS = sizeof specs / sizeof specs[0] };
    unsigned char given[N_SPECS] = {0};
    args_more more = {.given = given};
    char *args[argc + 1];
    cli_net_argv(argc, argv, args);
    int rc = args_parse_more("train", "Train an E/I LIF network with surrogate gradients.", specs,
                             N_SPECS, argc, args, &more);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (net.arch && given_option(specs, N_SPECS, given, "--hidden")) {
        fprintf(stderr, "snn train: --hidden and --arch both give the network; use one\n");
        return 2;
    }
    if (resume && check_resume_options(resume, specs, N_SPECS, given) != 0)
        return 2;
    if (!out_path)
        out_path = resume ? resume : "model.snn";
    snn_error err;
    if (snn_train_preset_apply(preset, &o, &err) != 0) {
        fprintf(stderr, "snn train: --preset: %s\n", err.msg);
        return 2;
    }
    if (optimizer && snn_optimizer_parse(optimizer, &o.optimizer) != 0) {
        fprintf(stderr, "snn train: --optimizer must be sgd or adam, not '%s'\n", optimizer);
        return 2;
    }
    if (lr > 0)
        o.lr = lr;
    if (lr_end > 0)
        o.lr_decay_end = lr_end;
    if (epochs > 0)
        o.epochs = epochs;
    if (batch > 0)
        o.batch = batch;
    if (surrogate > 0)
        o.surrogate_scale = surrogate;
    if (val_n >= 0)
        o.val = val_n;
    o.seed = (unsigned long long)seed;
    const char *preset_arch = NULL, *preset_recurrent = NULL;
    snn_train_preset_network(preset, &preset_arch, &preset_recurrent);
    if (!net.arch && !given_option(specs, N_SPECS, given, "--hidden"))
        net.arch = preset_arch;
    if (!net.recurrent)
        net.recurrent = preset_recurrent;
    cfg.steps = steps;
    cfg.dale = !no_dale;

    /* A resumed run takes its network from the checkpoint, a fresh one its input and
     * readout sizes from the data (or from a full --arch, which the data must fit). */
    snn_model m = {0};
    void *state = NULL;
    size_t state_len = 0;
    encoded_set train = {0}, test = {0};
    int n_in = 0, n_out = 0; /* what the data must fit; 0: a fresh network takes the data's */
    if (resume) {
        if (resume_model(resume, &m, &o, &state, &state_len, &err) != 0) {
            fprintf(stderr, "snn train: %s\n", err.msg);
            return 1;
        }
        cfg = m.cfg;
        n_in = cfg.n_in;
        n_out = cfg.n_out;
    }
    if (cli_load_pair(data_dir, o.limit, test_limit, n_in, n_out, cfg.steps, &train, &test,
                      &err) != 0) {
        fprintf(stderr, "snn train: %s\n", err.msg);
        free(state);
        snn_model_free(&m);
        return 1;
    }
    if (!resume && cli_net_config(&net, train.spikes.n_inputs, train.spikes.n_classes, &cfg,
                                  &err) != 0) {
        fprintf(stderr, "snn train: %s\n", err.msg);
        encoded_set_free(&train);
        encoded_set_free(&test);
        return 2;
    }
    if (encoded_set_check(&train, cfg.n_in, cfg.n_out, &err) != 0 ||
        encoded_set_check(&test, cfg.n_in, cfg.n_out, &err) != 0 ||
        snn_train_check_data(&o, &train.spikes, train.inputs_file, &err) != 0 ||
        (!resume && fresh_model(&cfg, s1, o.seed, &m, &err) != 0)) {
        fprintf(stderr, "snn train: %s\n", err.msg);
        free(state);
        snn_model_free(&m);
        encoded_set_free(&train);
        encoded_set_free(&test);
        return 1;
    }
    progress_state prog = {.total_epochs = o.epochs};
    if (isatty(fileno(stderr)) && !as_json) {
        o.progress = progress_bar;
        o.progress_ctx = &prog;
    }
    metrics_file metrics = {0};
    spike_data fit, val;
    snn_trainer *t = NULL;
    char best_path[1100];
    best_path_of(out_path, best_path, sizeof best_path);
    if (hold_out(&train.spikes, data_dir, &o, &fit, &val, &err) != 0) {
        free(state);
        goto fail;
    }
    t = snn_trainer_new(&m, &o, &err);
    rc = !t || (state && snn_trainer_restore(t, state, state_len, resume, &err) != 0);
    free(state);
    if (rc)
        goto fail;
    if (metrics_start(&metrics, out_path, resume, snn_trainer_epoch_done(t), &err) != 0)
        goto fail;
    /* A resumed run's best model so far comes from its checkpoint (--out may be new). */
    if (snn_trainer_best(t)->epoch && snn_trainer_epoch_done(t) < o.epochs &&
        snn_model_save(best_path, snn_trainer_best_model(t), NULL, 0, &err) != 0)
        goto fail;
    snn_eval_stats init;
    if (snn_evaluate(&m, &test.spikes, o.threads, &init, NULL, &err) != 0)
        goto fail;
    if (!quiet) {
        char arch[128], ei[128], held_out[48] = "";
        snn_arch_format(&m.cfg, arch, sizeof arch);
        snn_ei_format(&m.cfg, ei, sizeof ei);
        if (val.n)
            snprintf(held_out, sizeof held_out, " / %d validation", val.n);
        printf("%s: %s, E:I %s%s, %d train%s / %d test samples, %s lr %g, "
               "initial rate %.1f Hz (E %.1f, I %.1f)\n",
               resume ? "resuming" : "training", arch, ei, m.cfg.dale ? "" : " (no Dale)",
               fit.n, held_out, test.spikes.n, snn_optimizer_name(o.optimizer), o.lr,
               init.hidden_hz, init.exc_hz, init.inh_hz);
    }
    snn_epoch_stats s = {0};
    double peak = 0, sps_sum = 0;
    int ran = 0;
    prog.first_epoch = snn_trainer_epoch_done(t) + 1;
    prog.t0 = omp_get_wtime();
    while (snn_trainer_epoch_done(t) < o.epochs) {
        prog.epoch = snn_trainer_epoch_done(t) + 1;
        prog.epoch_t0 = omp_get_wtime();
        if (snn_trainer_epoch(t, &fit, &test.spikes, &s, &err) != 0 ||
            (o.val && validate_epoch(t, &val, best_path, &s, &err) != 0))
            goto fail;
        void *blob;
        size_t blob_len;
        if (snn_trainer_state(t, &blob, &blob_len, &err) != 0)
            goto fail;
        int saved = snn_model_save(out_path, &m, blob, blob_len, &err);
        free(blob);
        if (saved != 0 || metrics_add(&metrics, &s, m.cfg.n_layers, o.val != 0, &err) != 0)
            goto fail;
        peak = s.test_acc > peak ? s.test_acc : peak;
        sps_sum += s.samples_per_s;
        ran++;
        if (!quiet)
            printf("epoch %3d  loss %.4f  train %.2f%%  test %.2f%%  rate %.1f Hz (E %.1f, I %.1f)"
                   "  %.1f s  %.0f samples/s\n", s.epoch, s.loss, 100 * s.train_acc,
                   100 * s.test_acc, s.hidden_hz, s.exc_hz, s.inh_hz, s.seconds, s.samples_per_s);
        if (!quiet && o.val)
            printf("           validation %.2f%% (loss %.4f)%s\n", 100 * s.val_acc, s.val_loss,
                   snn_trainer_best(t)->epoch == s.epoch ? ", the best so far" : "");
        fflush(stdout);
    }
    const snn_best_epoch *best = snn_trainer_best(t);
    if (ran && o.val && metrics_add_best(&metrics, best, best_path, &err) != 0)
        goto fail;
    if (ran && o.val)
        printf("wrote %s (epoch %d of %d, the last: test %.2f%%), %s (epoch %d, the best on "
               "validation %.2f%%: test %.2f%%) and %s\n", out_path, snn_trainer_epoch_done(t),
               o.epochs, 100 * s.test_acc, best_path, best->epoch, 100 * best->val_acc,
               100 * best->test_acc, metrics.path);
    else if (ran)
        printf("wrote %s (epoch %d of %d) and %s\n", out_path, snn_trainer_epoch_done(t),
               o.epochs, metrics.path);
    else
        printf("wrote nothing: %s has trained %d epochs already (--epochs %d)\n", resume,
               snn_trainer_epoch_done(t), o.epochs);
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        char arch[128];
        snn_arch_format(&m.cfg, arch, sizeof arch);
        json_str(&j, "model", out_path);
        json_str(&j, "metrics", metrics.path);
        json_str(&j, "arch", arch);
        json_int(&j, "epochs", snn_trainer_epoch_done(t));
        json_num(&j, "test_acc", s.test_acc);
        json_num(&j, "peak_test_acc", peak);
        json_num(&j, "train_acc", s.train_acc);
        json_num(&j, "loss", s.loss);
        json_num(&j, "hidden_hz", s.hidden_hz);
        json_num(&j, "exc_hz", s.exc_hz);
        json_num(&j, "inh_hz", s.inh_hz);
        json_num(&j, "initial_hz", init.hidden_hz);
        json_num(&j, "samples_per_s", ran ? sps_sum / ran : 0);
        if (o.val) {
            json_str(&j, "best_model", best_path);
            json_int(&j, "best_epoch", best->epoch);
            json_num(&j, "best_val_acc", best->val_acc);
            json_num(&j, "best_test_acc", best->test_acc);
        }
        json_end(&j);
    }
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "snn train: %s\n", err.msg);
    rc = 1;
done:
    metrics_free(&metrics);
    encoded_set_free(&train);
    encoded_set_free(&test);
    snn_trainer_free(t);
    snn_model_free(&m);
    return rc;
}
