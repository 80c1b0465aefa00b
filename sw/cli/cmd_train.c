/* cmd_train.c - `snn train`: train an E/I LIF network and write the model.
 *
 * The model file (--out) is rewritten atomically after every epoch with the
 * training state inside, so it doubles as the checkpoint for --resume. One
 * JSON line per epoch goes to <out>.metrics.jsonl.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../train/train.h"
#include "../util/json.h"
#include "../util/args.h"
#include "commands.h"

/* Terminal progress: a bar for the epoch and the ETA of the whole run. */
typedef struct {
    int epoch, first_epoch, total_epochs;
    double t0; /* when this run's first epoch started */
} progress_state;

static void progress_bar(int done, int total, void *ctx)
{
    progress_state *p = ctx;
    if (done % 4 && done != total)
        return;
    double elapsed = omp_get_wtime() - p->t0;
    double batches_done = (double)(p->epoch - p->first_epoch) * total + done;
    double batches_left = (double)(p->total_epochs - p->epoch + 1) * total - done;
    int eta = (int)(elapsed / batches_done * batches_left);
    int width = 30, filled = width * done / total;
    fprintf(stderr, "\repoch %d/%d [%.*s%*s] %3d%%  ETA %d:%02d", p->epoch, p->total_epochs,
            filled, "##############################", width - filled, "", 100 * done / total,
            eta / 60, eta % 60);
    if (done == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

static void write_metrics(FILE *f, const snn_epoch_stats *s)
{
    json_out j;
    json_begin(&j, f);
    json_int(&j, "epoch", s->epoch);
    json_num(&j, "loss", s->loss);
    json_num(&j, "train_acc", s->train_acc);
    json_num(&j, "test_acc", s->test_acc);
    json_num(&j, "hidden_hz", s->hidden_hz);
    json_num(&j, "exc_hz", s->exc_hz);
    json_num(&j, "inh_hz", s->inh_hz);
    json_num(&j, "seconds", s->seconds);
    json_num(&j, "samples_per_s", s->samples_per_s);
    json_end(&j);
}

int cmd_train(int argc, char **argv)
{
    snn_config cfg = snn_default_config();
    snn_train_options o = snn_default_train_options();
    double ratio = 0.8, s1 = SNN_DEFAULT_S1, seed = 1, lr = -1, lr_end = -1, surrogate = -1;
    int hidden = cfg.n_hidden, steps = cfg.steps, no_dale = 0, as_json = 0, quiet = 0;
    int epochs = -1, test_limit = 0;
    const char *data_dir = DEFAULT_DATA_DIR, *out_path = "model.snn", *resume = NULL;
    const char *optimizer = NULL, *preset = "paper";
    arg_spec specs[] = {
        {"--preset", ARG_STRING, &preset, 0, -1, "paper (the paper's setup, default) or best (Adam, cosine lr, surrogate 25, 80 epochs)"},
        {"--ratio", ARG_DOUBLE, &ratio, 0, 1, "fraction of excitatory hidden neurons (0.8)"},
        {"--hidden", ARG_INT, &hidden, 1, 65535, "hidden neurons (100)"},
        {"--steps", ARG_INT, &steps, 1, 100000, "time steps per sample (100)"},
        {"--epochs", ARG_INT, &epochs, 1, 100000, "epochs in all (paper 30, best 80)"},
        {"--batch", ARG_INT, &o.batch, 1, 1 << 20, "samples per batch (256)"},
        {"--lr", ARG_DOUBLE, &lr, 1e-12, 10, "learning rate (0.01 sgd, 0.002 best)"},
        {"--lr-end", ARG_DOUBLE, &lr_end, 1e-6, 1, "cosine schedule: final lr as a fraction of --lr (paper 1 = constant, best 0.01)"},
        {"--optimizer", ARG_STRING, &optimizer, 0, -1, "sgd or adam"},
        {"--s1", ARG_DOUBLE, &s1, 0, 10, "input weight init scale |N(0, s1)|; sets the initial rate"},
        {"--noise", ARG_DOUBLE, &o.noise, 0, 10, "weight-update noise sigma (0)"},
        {"--qat", ARG_INT, &o.qat_bits, 1, 16, "train through B-bit fake-quantized weights"},
        {"--surrogate", ARG_DOUBLE, &surrogate, 0.1, 10000, "surrogate slope: dS/dmem = 1/(s|mem-thr|+1)^2 (paper 100, best 25)"},
        {"--augment-shift", ARG_INT, &o.augment_shift, 0, 8, "shift training images by up to N pixels (0)"},
        {"--no-dale", ARG_FLAG, &no_dale, 0, -1, "unbounded baseline: no sign constraints"},
        {"--seed", ARG_DOUBLE, &seed, 0, 1e18, "random seed (1)"},
        {"--threads", ARG_INT, &o.threads, 0, 1024, "threads (0 = all cores); results do not depend on it"},
        {"--limit", ARG_INT, &o.limit, 0, 1 << 30, "train on the first N samples (0 = all)"},
        {"--test-limit", ARG_INT, &test_limit, 0, 1 << 30, "test on the first N samples (0 = all)"},
        {"--data", ARG_STRING, &data_dir, 0, -1, "directory of IDX files (" DEFAULT_DATA_DIR ")"},
        {"--out", ARG_STRING, &out_path, 0, -1, "model file to write (model.snn)"},
        {"--resume", ARG_STRING, &resume, 0, -1, "continue from this model/checkpoint file"},
        {"--quiet", ARG_FLAG, &quiet, 0, -1, "no per-epoch lines"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("train", "Train an E/I LIF network with surrogate gradients.", specs,
                        (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
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
    if (surrogate > 0)
        o.surrogate_scale = surrogate;
    o.seed = (unsigned long long)seed;
    cfg.n_hidden = hidden;
    cfg.n_exc = snn_exc_count(hidden, ratio);
    cfg.steps = steps;
    cfg.dale = !no_dale;

    snn_model m;
    void *state = NULL;
    size_t state_len = 0;
    if (resume) {
        if (snn_model_load(resume, &m, &state, &state_len, &err) != 0) {
            fprintf(stderr, "snn train: %s\n", err.msg);
            return 1;
        }
        if (!state) {
            fprintf(stderr, "snn train: %s: holds no training state to resume from\n", resume);
            snn_model_free(&m);
            return 1;
        }
    } else {
        if (snn_model_alloc(&m, &cfg, &err) != 0) {
            fprintf(stderr, "snn train: %s\n", err.msg);
            return 1;
        }
        snn_train_init_weights(&m, s1, o.seed);
    }
    progress_state prog = {0, 0, o.epochs, 0};
    if (isatty(fileno(stderr)) && !as_json) {
        o.progress = progress_bar;
        o.progress_ctx = &prog;
    }
    snn_trainer *t = snn_trainer_new(&m, &o, &err);
    if (!t || (state && snn_trainer_restore(t, state, state_len, resume, &err) != 0)) {
        fprintf(stderr, "snn train: %s\n", err.msg);
        free(state);
        snn_trainer_free(t);
        snn_model_free(&m);
        return 1;
    }
    free(state);
    o = *snn_trainer_options(t);
    encoded_set train, test;
    if (encoded_set_load(data_dir, "train", o.limit, m.cfg.steps, &train, &err) != 0 ||
        encoded_set_load(data_dir, "t10k", test_limit, m.cfg.steps, &test, &err) != 0) {
        fprintf(stderr, "snn train: %s\n", err.msg);
        snn_trainer_free(t);
        snn_model_free(&m);
        return 1;
    }
    char metrics_path[1100];
    snprintf(metrics_path, sizeof metrics_path, "%s.metrics.jsonl", out_path);
    FILE *metrics = fopen(metrics_path, resume ? "a" : "w");
    if (!metrics) {
        fprintf(stderr, "snn train: %s: cannot open for writing\n", metrics_path);
        rc = 1;
        goto done;
    }
    snn_eval_stats init;
    if (snn_evaluate(&m, &test.spikes, o.threads, &init, NULL, &err) != 0)
        goto fail;
    if (!quiet)
        printf("%s: %dx%dx%d, E:I %d:%d%s, %d train / %d test samples, %s lr %g, "
               "initial rate %.1f Hz (E %.1f, I %.1f)\n",
               resume ? "resuming" : "training", m.cfg.n_in, m.cfg.n_hidden, m.cfg.n_out,
               m.cfg.n_exc, m.cfg.n_hidden - m.cfg.n_exc, m.cfg.dale ? "" : " (no Dale)",
               train.spikes.n, test.spikes.n, o.optimizer == OPT_ADAM ? "adam" : "sgd", o.lr,
               init.hidden_hz, init.exc_hz, init.inh_hz);
    snn_epoch_stats s = {0};
    double peak = 0, sps_sum = 0;
    int ran = 0;
    prog.first_epoch = snn_trainer_epoch_done(t) + 1;
    prog.t0 = omp_get_wtime();
    while (snn_trainer_epoch_done(t) < o.epochs) {
        prog.epoch = snn_trainer_epoch_done(t) + 1;
        if (snn_trainer_epoch(t, &train.spikes, &test.spikes, &s, &err) != 0)
            goto fail;
        void *blob;
        size_t blob_len;
        if (snn_trainer_state(t, &blob, &blob_len, &err) != 0)
            goto fail;
        int saved = snn_model_save(out_path, &m, blob, blob_len, &err);
        free(blob);
        if (saved != 0)
            goto fail;
        write_metrics(metrics, &s);
        peak = s.test_acc > peak ? s.test_acc : peak;
        sps_sum += s.samples_per_s;
        ran++;
        if (!quiet)
            printf("epoch %3d  loss %.4f  train %.2f%%  test %.2f%%  rate %.1f Hz (E %.1f, I %.1f)"
                   "  %.1f s  %.0f samples/s\n", s.epoch, s.loss, 100 * s.train_acc,
                   100 * s.test_acc, s.hidden_hz, s.exc_hz, s.inh_hz, s.seconds, s.samples_per_s);
        fflush(stdout);
    }
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "model", out_path);
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
        json_end(&j);
    }
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "snn train: %s\n", err.msg);
    rc = 1;
done:
    if (metrics && fclose(metrics) != 0 && rc == 0) {
        fprintf(stderr, "snn train: %s: write failed\n", metrics_path);
        rc = 1;
    }
    encoded_set_free(&train);
    encoded_set_free(&test);
    snn_trainer_free(t);
    snn_model_free(&m);
    return rc;
}
