/* train.c - see train.h. */
#include "train.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "../data/augment.h"
#include "../fixed/quantize.h"
#include "../net/kernels.h"
#include "../util/bytes.h"

/* A batch is cut into this many chunks whatever the thread count; chunk
 * gradients are summed in chunk order, so results do not depend on threads. */
#define N_CHUNKS 16
/* Version 4 adds the validation split and its best epoch; a run without one
 * writes version 3, byte for byte what it wrote before validation existed. */
#define STATE_VERSION 3
#define STATE_VERSION_VAL 4

struct snn_trainer {
    snn_model *m;
    snn_train_options o;
    int epoch_done;
    uint64_t adam_step;
    size_t n_weights;        /* snn_model_weight_count: every matrix, flat */
    snn_model grad[N_CHUNKS]; /* per chunk: the gradient, shaped like the model */
    float *adam_m, *adam_v;  /* n_weights each (Adam only), in snn_model_weights order */
    snn_workspace ws[N_CHUNKS];
    uint16_t *aug_events[N_CHUNKS]; /* one shifted sample per chunk (augmentation) */
    uint32_t *aug_start[N_CHUNKS];
    snn_model shadow;        /* fake-quantized weights for QAT */
    int *order;
    int order_len;
    snn_best_epoch best;     /* with a validation split (o.val > 0) */
    snn_model best_model;    /* allocated with a validation split */
};

/* The training presets: the options each one sets (train.h). */
static const struct {
    const char *name;
    snn_optimizer optimizer;
    double lr, lr_decay_end, surrogate_scale;
    int epochs, val, batch;       /* batch 0: leave it (256 unless --batch) */
    const char *arch, *recurrent; /* the network (arch.h text), NULL: the paper's */
} presets[] = {
    {"paper", OPT_SGD, 0.01, 1.0, SNN_PAPER_SURROGATE_SCALE, 30, 0, 0, NULL, NULL},
    {"best", OPT_ADAM, 0.002, 0.01, 25, 80, SNN_VAL_AUTO, 0, NULL, NULL},
    /* deep: batch 64 and surrogate 10, as the deep network needs more updates and
     * gradients that reach the second layer from further below threshold (docs/training.md) */
    {"deep", OPT_ADAM, 0.0005, 0.01, 10, 40, SNN_VAL_AUTO, 64, "128-64", "all"},
};

int snn_train_preset_apply(const char *name, snn_train_options *o, snn_error *err)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(name, presets[i].name) == 0) {
            o->optimizer = presets[i].optimizer;
            o->lr = presets[i].lr;
            o->lr_decay_end = presets[i].lr_decay_end;
            o->surrogate_scale = presets[i].surrogate_scale;
            o->epochs = presets[i].epochs;
            o->val = presets[i].val;
            if (presets[i].batch)
                o->batch = presets[i].batch;
            return 0;
        }
    return snn_fail(err, "unknown training preset '%s' (paper, best or deep)", name);
}

void snn_train_preset_network(const char *name, const char **arch, const char **recurrent)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (strcmp(name, presets[i].name) == 0 && presets[i].arch) {
            *arch = presets[i].arch;
            *recurrent = presets[i].recurrent;
        }
}

snn_train_options snn_default_train_options(void)
{
    snn_train_options o = {.batch = 256, .seed = 1};
    snn_train_preset_apply(presets[0].name, &o, NULL);
    return o;
}

int snn_optimizer_parse(const char *name, snn_optimizer *out)
{
    if (strcmp(name, "sgd") == 0 || strcmp(name, "adam") == 0) {
        *out = strcmp(name, "adam") == 0 ? OPT_ADAM : OPT_SGD;
        return 0;
    }
    return -1;
}

const char *snn_optimizer_name(snn_optimizer o)
{
    return o == OPT_ADAM ? "adam" : "sgd";
}

void snn_train_init_weights(snn_model *m, double s1, unsigned long long seed)
{
    snn_rng rng;
    snn_rng_seed(&rng, seed, SNN_STREAM_INIT);
    snn_model_init(m, s1, &rng);
}

static int set_threads(int threads)
{
    if (threads > 0)
        omp_set_num_threads(threads);
    return omp_get_max_threads();
}

/* Library callers get the commands' guard too: a label at or past n_out would
 * index past the logits. */
static int data_fits_model(const snn_config *c, const spike_data *d, const char *what,
                           snn_error *err)
{
    if (d->n_inputs != c->n_in)
        return snn_fail(err, "%s have %d inputs, the model %d", what, d->n_inputs, c->n_in);
    if (d->n_classes > c->n_out)
        return snn_fail(err, "%s have %d classes, the model %d readouts", what, d->n_classes,
                        c->n_out);
    return 0;
}

int snn_evaluate(const snn_model *m, const spike_data *data, int threads, snn_eval_stats *out,
                 int *predictions, snn_error *err)
{
    const snn_config *c = &m->cfg;
    if (data_fits_model(c, data, "data", err) != 0)
        return -1;
    int nt = set_threads(threads);
    double t0 = omp_get_wtime();
    float *loss = malloc(sizeof *loss * (data->n ? data->n : 1));
    long long *exc_spikes = calloc((size_t)nt, sizeof *exc_spikes);
    long long *inh_spikes = calloc((size_t)nt, sizeof *inh_spikes);
    long long(*layer_spikes)[SNN_MAX_LAYERS] = calloc((size_t)nt, sizeof *layer_spikes);
    int *correct = calloc((size_t)nt, sizeof *correct);
    int failed = !loss || !exc_spikes || !inh_spikes || !layer_spikes || !correct;
#pragma omp parallel num_threads(nt)
    {
        int id = omp_get_thread_num();
        snn_workspace ws;
        int ok = !failed && snn_workspace_alloc(&ws, c, NULL) == 0;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 64)
        for (int s = 0; s < data->n; s++) {
            if (!ok)
                continue;
            int pred = snn_forward(m, data, s, &ws);
            loss[s] = snn_loss(ws.logits, c->n_out, data->labels[s], NULL);
            correct[id] += pred == data->labels[s];
            if (predictions)
                predictions[s] = pred;
            for (int l = 0; l < c->n_layers; l++) {
                layer_spikes[id][l] += ws.layer[l].n_spikes;
                for (int e = 0; e < ws.layer[l].n_spikes; e++) {
                    if (ws.layer[l].spk_idx[e] < c->layer[l].n_exc)
                        exc_spikes[id]++;
                    else
                        inh_spikes[id]++;
                }
            }
        }
        if (ok)
            snn_workspace_free(&ws);
    }
    if (failed) {
        free(loss), free(exc_spikes), free(inh_spikes), free(layer_spikes), free(correct);
        return snn_fail(err, "out of memory evaluating %d samples", data->n);
    }
    long long ne = 0, ni = 0, nc = 0;
    double loss_sum = 0;
    for (int i = 0; i < nt; i++)
        ne += exc_spikes[i], ni += inh_spikes[i], nc += correct[i];
    for (int s = 0; s < data->n; s++)
        loss_sum += loss[s];
    double window = c->steps * 1e-3; /* seconds per sample: dt = 1 ms */
    double n = data->n ? data->n : 1;
    int n_hidden = 0, n_exc = 0;
    for (int l = 0; l < c->n_layers; l++)
        n_hidden += c->layer[l].size, n_exc += c->layer[l].n_exc;
    int n_inh = n_hidden - n_exc;
    out->n = data->n;
    out->acc = nc / n;
    out->loss = loss_sum / n;
    out->hidden_hz = (ne + ni) / n / n_hidden / window;
    out->exc_hz = n_exc ? ne / n / n_exc / window : 0;
    out->inh_hz = n_inh ? ni / n / n_inh / window : 0;
    for (int l = 0; l < SNN_MAX_LAYERS; l++) {
        long long s = 0;
        for (int i = 0; i < nt && l < c->n_layers; i++)
            s += layer_spikes[i][l];
        out->layer_hz[l] = l < c->n_layers ? s / n / c->layer[l].size / window : 0;
    }
    out->seconds = omp_get_wtime() - t0;
    free(loss), free(exc_spikes), free(inh_spikes), free(layer_spikes), free(correct);
    return 0;
}

static void trainer_release(snn_trainer *t)
{
    for (int c = 0; c < N_CHUNKS; c++) {
        snn_model_free(&t->grad[c]);
        free(t->aug_events[c]);
        free(t->aug_start[c]);
        snn_workspace_free(&t->ws[c]);
    }
    free(t->adam_m);
    free(t->adam_v);
    free(t->order);
    snn_model_free(&t->shadow);
    snn_model_free(&t->best_model);
}

snn_trainer *snn_trainer_new(snn_model *m, const snn_train_options *o, snn_error *err)
{
    snn_trainer *t = calloc(1, sizeof *t);
    if (!t) {
        snn_fail(err, "out of memory");
        return NULL;
    }
    t->m = m;
    t->o = *o;
    t->n_weights = snn_model_weight_count(&m->cfg);
    if (o->val < 0) {
        free(t);
        snn_fail(err, "the validation split's size is not resolved (%d)", o->val);
        return NULL;
    }
    int bad = 0;
    for (int c = 0; c < N_CHUNKS && !bad; c++) {
        bad = snn_model_alloc(&t->grad[c], &m->cfg, err) != 0 ||
              snn_workspace_alloc(&t->ws[c], &m->cfg, err) != 0;
        if (!bad && o->augment_shift) {
            /* A latency-coded pixel fires at most once: n_in events per sample at most. */
            t->aug_events[c] = malloc(sizeof(uint16_t) * (size_t)m->cfg.n_in * m->cfg.steps);
            t->aug_start[c] = malloc(sizeof(uint32_t) * ((size_t)m->cfg.steps + 1));
            bad = !t->aug_events[c] || !t->aug_start[c];
        }
    }
    if (!bad && o->optimizer == OPT_ADAM) {
        t->adam_m = calloc(t->n_weights, sizeof(float));
        t->adam_v = calloc(t->n_weights, sizeof(float));
        bad = !t->adam_m || !t->adam_v;
    }
    if (!bad && o->qat_bits)
        bad = snn_model_alloc(&t->shadow, &m->cfg, err) != 0;
    if (!bad && o->val)
        bad = snn_model_alloc(&t->best_model, &m->cfg, err) != 0;
    if (bad) {
        trainer_release(t);
        free(t);
        snn_fail(err, "out of memory for the trainer");
        return NULL;
    }
    return t;
}

void snn_trainer_free(snn_trainer *t)
{
    if (!t)
        return;
    trainer_release(t);
    free(t);
}

int snn_trainer_epoch_done(const snn_trainer *t) { return t->epoch_done; }

const snn_train_options *snn_trainer_options(const snn_trainer *t) { return &t->o; }

int snn_trainer_state(const snn_trainer *t, void **blob, size_t *len, snn_error *err)
{
    byte_writer w = {0};
    bw_u32(&w, t->o.val ? STATE_VERSION_VAL : STATE_VERSION);
    bw_u32(&w, (uint32_t)t->epoch_done);
    bw_u32(&w, (uint32_t)t->o.optimizer);
    bw_u64(&w, t->o.seed);
    bw_u32(&w, (uint32_t)t->o.batch);
    bw_u32(&w, (uint32_t)t->o.limit);
    bw_u32(&w, (uint32_t)t->o.qat_bits);
    bw_u32(&w, (uint32_t)t->o.augment_shift);
    bw_bytes(&w, &t->o.lr, sizeof(double));
    bw_bytes(&w, &t->o.noise, sizeof(double));
    bw_bytes(&w, &t->o.lr_decay_end, sizeof(double));
    bw_bytes(&w, &t->o.surrogate_scale, sizeof(double));
    bw_u64(&w, t->adam_step);
    if (t->o.val) {
        bw_u32(&w, (uint32_t)t->o.val);
        bw_u32(&w, (uint32_t)t->best.epoch);
        bw_bytes(&w, &t->best.val_acc, sizeof(double));
        bw_bytes(&w, &t->best.val_loss, sizeof(double));
        bw_bytes(&w, &t->best.test_acc, sizeof(double));
    }
    if (t->o.optimizer == OPT_ADAM) {
        bw_bytes(&w, t->adam_m, sizeof(float) * t->n_weights);
        bw_bytes(&w, t->adam_v, sizeof(float) * t->n_weights);
    }
    if (t->o.val)
        bw_bytes(&w, snn_model_weights(&t->best_model), sizeof(float) * t->n_weights);
    if (w.oom) {
        bw_free(&w);
        return snn_fail(err, "out of memory saving the training state");
    }
    *blob = w.p;
    *len = w.len;
    return 0;
}

/* The header of a training state: options over *o (epochs, threads and progress
 * kept), the epoch counter, the Adam step, the best epoch (version 4), and where
 * the arrays start: the optimizer moments (Adam), then the best model (version 4). */
static int decode_state(const void *blob, size_t len, const char *what, snn_train_options *o,
                        uint32_t *epoch, uint64_t *step, snn_best_epoch *best,
                        size_t *moments_at, snn_error *err)
{
    byte_reader r;
    br_init(&r, blob, len, what, err);
    uint32_t version = br_u32(&r, "training-state version");
    *epoch = br_u32(&r, "epoch");
    uint32_t optimizer = br_u32(&r, "optimizer");
    o->seed = br_u64(&r, "seed");
    o->batch = (int)br_u32(&r, "batch");
    o->limit = (int)br_u32(&r, "limit");
    o->qat_bits = (int)br_u32(&r, "qat bits");
    o->augment_shift = (int)br_u32(&r, "augment shift");
    const uint8_t *doubles = br_bytes(&r, 4 * sizeof(double), "lr, noise, schedule, surrogate");
    *step = br_u64(&r, "adam step");
    if (r.failed)
        return -1;
    if (version != STATE_VERSION && version != STATE_VERSION_VAL)
        return snn_fail(err, "%s: training-state version %u unsupported", what, version);
    o->val = 0;
    *best = (snn_best_epoch){0};
    if (version == STATE_VERSION_VAL) {
        o->val = (int)br_u32(&r, "validation samples");
        best->epoch = (int)br_u32(&r, "best epoch");
        const uint8_t *b = br_bytes(&r, 3 * sizeof(double), "best epoch's accuracies");
        if (r.failed)
            return -1;
        memcpy(&best->val_acc, b, sizeof(double));
        memcpy(&best->val_loss, b + 8, sizeof(double));
        memcpy(&best->test_acc, b + 16, sizeof(double));
        if (o->val < 1 || best->epoch < 0 || (uint32_t)best->epoch > *epoch)
            return snn_fail(err, "%s: training state has invalid validation fields (%d samples, "
                            "best epoch %d of %u)", what, o->val, best->epoch, *epoch);
    }
    memcpy(&o->lr, doubles, sizeof(double));
    memcpy(&o->noise, doubles + 8, sizeof(double));
    memcpy(&o->lr_decay_end, doubles + 16, sizeof(double));
    memcpy(&o->surrogate_scale, doubles + 24, sizeof(double));
    if (optimizer > OPT_ADAM || o->batch < 1 || !(o->lr > 0) || !(o->noise >= 0) ||
        !(o->lr_decay_end > 0) || !(o->surrogate_scale > 0) || o->augment_shift < 0 ||
        o->augment_shift > 8 || o->qat_bits < 0 || o->qat_bits > 16 || o->limit < 0)
        return snn_fail(err, "%s: training state has invalid options (batch %d, lr %g, noise %g)",
                        what, o->batch, o->lr, o->noise);
    o->optimizer = (snn_optimizer)optimizer;
    *moments_at = r.pos;
    return 0;
}

int snn_train_state_options(const void *blob, size_t len, const char *what,
                            snn_train_options *o, snn_error *err)
{
    uint32_t epoch;
    uint64_t step;
    snn_best_epoch best;
    size_t at;
    return decode_state(blob, len, what, o, &epoch, &step, &best, &at, err);
}

int snn_trainer_restore(snn_trainer *t, const void *blob, size_t len, const char *what,
                        snn_error *err)
{
    snn_train_options o = t->o;
    uint32_t epoch;
    uint64_t step;
    snn_best_epoch best;
    size_t at;
    if (decode_state(blob, len, what, &o, &epoch, &step, &best, &at, err) != 0)
        return -1;
    if (o.optimizer != t->o.optimizer || o.qat_bits != t->o.qat_bits ||
        (o.augment_shift != 0) != (t->o.augment_shift != 0) || (o.val != 0) != (t->o.val != 0))
        return snn_fail(err, "%s: checkpoint was trained with optimizer %s, qat %d, augment %d, "
                        "validation %d; resume with the same", what,
                        o.optimizer == OPT_ADAM ? "adam" : "sgd", o.qat_bits, o.augment_shift,
                        o.val);
    size_t moments = t->o.optimizer == OPT_ADAM ? 2 * sizeof(float) * t->n_weights : 0;
    size_t best_bytes = o.val ? sizeof(float) * t->n_weights : 0;
    if (len - at != moments + best_bytes)
        return snn_fail(err, "%s: training state holds %zu bytes of arrays, expected %zu", what,
                        len - at, moments + best_bytes);
    const uint8_t *p = blob;
    if (moments) {
        memcpy(t->adam_m, p + at, moments / 2);
        memcpy(t->adam_v, p + at + moments / 2, moments / 2);
    }
    if (best_bytes) {
        float *w = snn_model_weights(&t->best_model);
        memcpy(w, p + at + moments, best_bytes);
        for (size_t i = 0; i < t->n_weights; i++)
            if (!isfinite(w[i]))
                return snn_fail(err, "%s: the best epoch's model has a weight that is not finite",
                                what);
    }
    t->epoch_done = (int)epoch;
    t->adam_step = step;
    t->best = best;
    t->o = o;
    return 0;
}

int snn_trainer_validate(snn_trainer *t, const spike_data *val, snn_epoch_stats *s,
                         snn_error *err)
{
    snn_eval_stats ev;
    if (snn_evaluate(t->m, val, t->o.threads, &ev, NULL, err) != 0)
        return -1;
    s->val_acc = ev.acc;
    s->val_loss = ev.loss;
    s->seconds += ev.seconds;
    snn_best_epoch *b = &t->best;
    if (b->epoch && (ev.acc < b->val_acc || (ev.acc == b->val_acc && !(ev.loss < b->val_loss))))
        return 0;
    *b = (snn_best_epoch){s->epoch, ev.acc, ev.loss, s->test_acc};
    memcpy(snn_model_weights(&t->best_model), snn_model_weights(t->m),
           sizeof(float) * t->n_weights);
    return 1;
}

const snn_best_epoch *snn_trainer_best(const snn_trainer *t) { return &t->best; }

const snn_model *snn_trainer_best_model(const snn_trainer *t) { return &t->best_model; }

/* Learning rate of an epoch (0-based): constant, or cosine from lr to lr*end. */
static double epoch_lr(const snn_train_options *o, int epoch)
{
    if (o->lr_decay_end == 1.0 || o->epochs <= 1)
        return o->lr;
    double f = 0.5 * (1 + cos(M_PI * epoch / (o->epochs - 1)));
    return o->lr * (o->lr_decay_end + (1 - o->lr_decay_end) * f);
}

int snn_train_check_data(const snn_train_options *o, const spike_data *train, const char *what,
                         snn_error *err)
{
    return o->augment_shift ? spike_data_check_images(train, what, err) : 0;
}

/* Random translation of an image by up to `shift` pixels in x and y, applied
 * to its events (spike_data_shift_sample). Returns a one-sample view over the
 * chunk's buffers. */
static spike_data shifted_sample(const snn_trainer *t, const spike_data *data, int s, int c,
                                 snn_rng *rng)
{
    int k = t->o.augment_shift;
    int dx = (int)snn_rng_below(rng, 2u * k + 1) - k, dy = (int)snn_rng_below(rng, 2u * k + 1) - k;
    spike_data_shift_sample(data, s, dx, dy, t->aug_events[c], t->aug_start[c]);
    spike_data view = *data;
    view.n = 1;
    view.step_start = t->aug_start[c];
    view.events = t->aug_events[c];
    view.labels = data->labels + s;
    view.owns_labels = 0;
    return view;
}

/* Forward and backward over samples [lo, hi) of the batch into chunk c's
 * gradient. Augmentation draws come from a stream of (seed, epoch, batch
 * position), so they do not depend on which thread runs the chunk. */
static void chunk_gradient(snn_trainer *t, const snn_model *fw, const spike_data *data,
                           const int *batch, int batch_index, int lo, int hi, int c, double *loss,
                           int *correct)
{
    snn_model *g = &t->grad[c];
    memset(snn_model_weights(g), 0, sizeof(float) * t->n_weights);
    snn_backward_prepare(fw, &t->ws[c]);
    snn_rng rng;
    snn_rng_seed(&rng, t->o.seed,
                 SNN_STREAM_AUGMENT + (uint64_t)t->epoch_done * 1000003u +
                     (uint64_t)batch_index * 64 + c);
    for (int i = lo; i < hi; i++) {
        int s = batch[i], label = data->labels[s];
        spike_data view;
        const spike_data *in = data;
        int sample = s;
        if (t->o.augment_shift) {
            view = shifted_sample(t, data, s, c, &rng);
            in = &view;
            sample = 0;
        }
        int pred = snn_forward(fw, in, sample, &t->ws[c]);
        *correct += pred == label;
        *loss += snn_backward(fw, in, sample, label, (float)t->o.surrogate_scale, &t->ws[c], g);
    }
}

/* Applies the summed gradient (in grad[0]) of a batch of n samples, on nt threads. */
static void apply_update(snn_trainer *t, double lr, int n, int nt)
{
    size_t total = t->n_weights;
    const float *g = snn_model_weights(&t->grad[0]);
    float *w = snn_model_weights(t->m);
    float scale = 1.0f / (float)n;
    if (t->o.optimizer == OPT_SGD) {
#pragma omp parallel for schedule(static) num_threads(nt)
        for (size_t i = 0; i < total; i++)
            w[i] -= (float)lr * g[i] * scale;
        return;
    }
    t->adam_step++;
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    float c1 = (float)(1 - pow(b1, (double)t->adam_step));
    float c2 = (float)(1 - pow(b2, (double)t->adam_step));
#pragma omp parallel for schedule(static) num_threads(nt)
    for (size_t i = 0; i < total; i++) {
        float gi = g[i] * scale;
        t->adam_m[i] = (float)b1 * t->adam_m[i] + (float)(1 - b1) * gi;
        t->adam_v[i] = (float)b2 * t->adam_v[i] + (float)(1 - b2) * gi * gi;
        w[i] -= (float)lr * (t->adam_m[i] / c1) / (sqrtf(t->adam_v[i] / c2) + (float)eps);
    }
}

/* The paper's weight-update noise: W += N(0, sigma^2) on every matrix. */
static void add_noise(snn_trainer *t, int epoch, int batch_index)
{
    snn_rng rng;
    snn_rng_seed(&rng, t->o.seed,
                 SNN_STREAM_NOISE + (uint64_t)epoch * 1000003u + (uint64_t)batch_index);
    float *w = snn_model_weights(t->m);
    for (size_t i = 0; i < t->n_weights; i++)
        w[i] += (float)(t->o.noise * snn_rng_normal(&rng));
}

int snn_trainer_epoch(snn_trainer *t, const spike_data *train, const spike_data *test,
                      snn_epoch_stats *out, snn_error *err)
{
    const snn_config *cfg = &t->m->cfg;
    if (data_fits_model(cfg, train, "training data", err) != 0)
        return -1;
    if (snn_train_check_data(&t->o, train, "the training data", err) != 0)
        return -1;
    int B = t->o.batch, n_batches = train->n / B;
    if (n_batches < 1)
        return snn_fail(err, "%d training samples make no full batch of %d", train->n, B);
    if (t->order_len != train->n) {
        free(t->order);
        t->order = malloc(sizeof *t->order * train->n);
        if (!t->order)
            return snn_fail(err, "out of memory");
        t->order_len = train->n;
    }
    int epoch = t->epoch_done;
    snn_rng rng;
    snn_rng_seed(&rng, t->o.seed, SNN_STREAM_SHUFFLE + (uint64_t)epoch);
    for (int i = 0; i < train->n; i++)
        t->order[i] = i;
    for (int i = train->n - 1; i > 0; i--) {
        int j = (int)snn_rng_below(&rng, (uint32_t)i + 1);
        int tmp = t->order[i];
        t->order[i] = t->order[j];
        t->order[j] = tmp;
    }
    int nt = set_threads(t->o.threads);
    double lr = epoch_lr(&t->o, epoch);
    double t0 = omp_get_wtime(), loss_sum = 0;
    long long correct = 0;
    size_t total = t->n_weights;
    float *g0 = snn_model_weights(&t->grad[0]);
    const snn_model *fw = t->o.qat_bits ? &t->shadow : t->m;
    for (int b = 0; b < n_batches; b++) {
        const int *batch = t->order + (size_t)b * B;
        if (t->o.qat_bits)
            quantize_fake_weights(t->m, t->o.qat_bits, &t->shadow);
        double chunk_loss[N_CHUNKS] = {0};
        int chunk_correct[N_CHUNKS] = {0};
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
        for (int c = 0; c < N_CHUNKS; c++)
            chunk_gradient(t, fw, train, batch, b, B * c / N_CHUNKS, B * (c + 1) / N_CHUNKS, c,
                           &chunk_loss[c], &chunk_correct[c]);
#pragma omp parallel for schedule(static) num_threads(nt)
        for (size_t i = 0; i < total; i++) {
            float s = g0[i];
            for (int c = 1; c < N_CHUNKS; c++)
                s += snn_model_weights(&t->grad[c])[i];
            g0[i] = s;
        }
        for (int c = 0; c < N_CHUNKS; c++) {
            loss_sum += chunk_loss[c];
            correct += chunk_correct[c];
        }
        apply_update(t, lr, B, nt);
        if (t->o.noise > 0)
            add_noise(t, epoch, b);
        snn_dale_clip(t->m);
        if (t->o.progress)
            t->o.progress(b + 1, n_batches, t->o.progress_ctx);
    }
    double seconds = omp_get_wtime() - t0;
    t->epoch_done++;
    int n_seen = n_batches * B;
    snn_eval_stats ev;
    if (snn_evaluate(t->m, test, t->o.threads, &ev, NULL, err) != 0)
        return -1;
    out->epoch = t->epoch_done;
    out->loss = loss_sum / n_seen;
    out->train_acc = (double)correct / n_seen;
    out->test_acc = ev.acc;
    out->hidden_hz = ev.hidden_hz;
    out->exc_hz = ev.exc_hz;
    out->inh_hz = ev.inh_hz;
    memcpy(out->layer_hz, ev.layer_hz, sizeof out->layer_hz);
    out->seconds = seconds + ev.seconds;
    out->samples_per_s = n_seen / seconds;
    return 0;
}
