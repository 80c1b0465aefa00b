/* robust.c - see robust.h. */
#include "robust.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fixed/qeval.h"
#include "../fixed/qnet_io.h"
#include "../fixed/quantize.h"
#include "../train/train.h"
#include "../util/rng.h"

/* Random streams of the robustness draws, apart from the training streams
 * (train.h's SNN_STREAM_*). */
#define STREAM_SPIKES 0x44524f50ull    /* "DROP": spikes dropped and added */
#define STREAM_CONDITION 0x524f4253ull /* "ROBS" + condition index */

const char *const robust_kind_names[ROB_KINDS] = {"clean", "drop", "add", "weight", "membrane"};

const robust_condition robust_plan[ROBUST_POINTS] = {
    {ROB_CLEAN, 0},   {ROB_DROP, 0.1},   {ROB_DROP, 0.3},   {ROB_ADD, 0.0005},   {ROB_ADD, 0.002},
    {ROB_WEIGHT, 0.1}, {ROB_WEIGHT, 0.3}, {ROB_MEMBRANE, 0.1}, {ROB_MEMBRANE, 0.3},
};

void robust_field_name(const robust_condition *c, const char *model, char *buf, size_t len)
{
    snprintf(buf, len, "rob_%s_%g_%s", robust_kind_names[c->kind], c->level, model);
}

static int has_event(const uint16_t *ev, uint32_t lo, uint32_t hi, uint16_t input)
{
    while (lo < hi) { /* events of one step are ascending */
        uint32_t mid = lo + (hi - lo) / 2;
        if (ev[mid] == input)
            return 1;
        if (ev[mid] < input)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int robust_perturb_spikes(const spike_data *in, double drop, double add, uint64_t seed,
                          spike_data *out, snn_error *err)
{
    snn_rng rng;
    snn_rng_seed(&rng, seed, STREAM_SPIKES);
    event_list l = {0};
    uint8_t *labels = malloc((size_t)in->n ? (size_t)in->n : 1);
    int oom = !labels;
    size_t cells = (size_t)in->n_inputs * in->steps;
    /* Additions: jump over a geometric number of (step, input) cells at a time. */
    double log_keep = add > 0 ? log1p(-add) : 0;
    for (int s = 0; s < in->n && !oom; s++) {
        const uint32_t *st = in->step_start + (size_t)s * (in->steps + 1);
        for (int t = 0; t < in->steps && !oom; t++)
            for (uint32_t e = st[t]; e < st[t + 1] && !oom; e++)
                if (drop <= 0 || snn_rng_uniform(&rng) >= drop)
                    oom = event_list_push(&l, (uint32_t)s, (uint16_t)t, in->events[e]) != 0;
        for (size_t cell = 0; add > 0 && !oom;) {
            cell += (size_t)floor(log1p(-snn_rng_uniform(&rng)) / log_keep);
            if (cell >= cells)
                break;
            int t = (int)(cell / in->n_inputs);
            uint16_t input = (uint16_t)(cell % in->n_inputs);
            if (!has_event(in->events, st[t], st[t + 1], input))
                oom = event_list_push(&l, (uint32_t)s, (uint16_t)t, input) != 0;
            cell++;
        }
    }
    int rc;
    if (oom) {
        free(labels);
        rc = snn_fail(err, "out of memory perturbing %d samples", in->n);
    } else {
        memcpy(labels, in->labels, (size_t)in->n);
        rc = spike_data_from_events(in->n, in->n_inputs, in->steps, in->n_classes, labels, l.n,
                                    l.sample, l.step, l.input, out, err);
    }
    event_list_free(&l);
    return rc;
}

/* Device variation: every weight scaled by 1 + sigma N(0, 1). */
static void vary_float(snn_model *m, double sigma, snn_rng *rng)
{
    float *w = snn_model_weights(m);
    for (size_t i = 0; i < snn_model_weight_count(&m->cfg); i++)
        w[i] *= (float)(1 + sigma * snn_rng_normal(rng));
    snn_dale_clip(m); /* a weight flipped past zero is stuck at zero, not of the wrong sign */
}

static uint16_t vary_magnitude(uint16_t w, double sigma, int bits, snn_rng *rng)
{
    double v = nearbyint(w * (1 + sigma * snn_rng_normal(rng)));
    double top = (double)((1 << bits) - 1);
    return (uint16_t)(v < 0 ? 0 : v > top ? top : v);
}

static void vary_int(qnet *q, double sigma, snn_rng *rng)
{
    uint16_t *w = q->ff[0]; /* one block (qnet_alloc), in file order */
    for (size_t i = 0, n = qnet_weight_count(q); i < n; i++)
        w[i] = vary_magnitude(w[i], sigma, q->weight_bits, rng);
}

/* The RTL column of one condition: the core on the first r->rtl_images images
 * of data with the perturbed network q, and the integer model's accuracy on
 * the same images from its predictions over the whole set. */
static int measure_rtl(const robust_rtl *rtl, const qnet *q, const spike_data *data,
                       const int *predictions, robust_result *r, robust_point *p, snn_error *err)
{
    int correct = 0;
    for (int i = 0; i < r->rtl_images; i++)
        correct += predictions[i] == data->labels[i];
    p->int_rtlset_acc = (double)correct / r->rtl_images;
    uint64_t mismatches = 0;
    if (rtl->run(q, data, r->rtl_images, &p->rtl_acc, &mismatches, rtl->ctx, err) != 0)
        return -1;
    r->rtl_mismatches += mismatches;
    if (mismatches)
        return snn_fail(err, "robustness %s %g: the RTL core differs from the integer model in "
                             "%llu spikes/readout values on %d images (they must be bit-exact)",
                        robust_kind_names[p->kind], p->level, (unsigned long long)mismatches,
                        r->rtl_images);
    return 0;
}

int robust_measure(const snn_model *m, const spike_data *test, uint64_t seed, int threads,
                   const robust_rtl *rtl, robust_result *r, snn_error *err)
{
    memset(r, 0, sizeof *r);
    int with_rtl = rtl && rtl->images > 0;
    if (with_rtl && !rtl->run)
        return snn_fail(err, "robustness: RTL images requested but no RTL runner given");
    qnet q0;
    quant_options qo = quant_default_options();
    snn_error qerr;
    int has_int = quantize_model(m, &qo, "trained model", &q0, NULL, &qerr) == 0;
    /* The RTL column only for what the core runs today (one feed-forward layer). */
    if (has_int && with_rtl && qnet_is_single_layer(&q0))
        r->rtl_images = rtl->images < test->n ? rtl->images : test->n;
    int *predictions = r->rtl_images ? malloc(sizeof *predictions * (size_t)test->n) : NULL;
    if (r->rtl_images && !predictions) {
        qnet_free(&q0);
        return snn_fail(err, "out of memory");
    }
    snn_model mv;
    if (snn_model_alloc(&mv, &m->cfg, err) != 0) {
        free(predictions);
        if (has_int)
            qnet_free(&q0);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < ROBUST_POINTS && rc == 0; i++) {
        robust_point *p = &r->p[r->n++];
        p->kind = robust_plan[i].kind;
        p->level = robust_plan[i].level;
        p->float_acc = p->int_acc = p->rtl_acc = p->int_rtlset_acc = NAN;
        snn_rng rng;
        snn_rng_seed(&rng, seed, STREAM_CONDITION + (uint64_t)i);
        spike_data perturbed;
        const spike_data *data = test;
        if (p->kind == ROB_DROP || p->kind == ROB_ADD) {
            rc = robust_perturb_spikes(test, p->kind == ROB_DROP ? p->level : 0,
                                       p->kind == ROB_ADD ? p->level : 0, seed + (uint64_t)i,
                                       &perturbed, err);
            if (rc != 0)
                break;
            data = &perturbed;
        }
        /* The same weight draws for both models: the float model first. */
        snn_rng int_rng = rng;
        memcpy(snn_model_weights(&mv), snn_model_weights(m),
               sizeof(float) * snn_model_weight_count(&m->cfg));
        if (p->kind == ROB_WEIGHT)
            vary_float(&mv, p->level, &rng);
        snn_eval_stats fe;
        if (p->kind != ROB_MEMBRANE) {
            rc = snn_evaluate(&mv, data, threads, &fe, NULL, err);
            p->float_acc = fe.acc;
        }
        if (rc == 0 && has_int) {
            qnet q;
            rc = qnet_copy(&q0, &q, err);
            if (rc == 0) {
                if (p->kind == ROB_WEIGHT)
                    vary_int(&q, p->level, &int_rng);
                if (p->kind == ROB_MEMBRANE) {
                    /* Uniform on [-2^(N-1), 2^(N-1)): half-range level * theta. */
                    int bits = 1 + (int)lround(log2(p->level * q.layer[0].theta));
                    q.noise_bits = bits < 1 ? 1 : bits > 16 ? 16 : bits;
                    q.seed = (uint32_t)seed;
                }
                qnet_eval_stats qe;
                rc = qnet_evaluate(&q, data, threads, &qe, predictions, err);
                p->int_acc = qe.acc;
                if (rc == 0 && r->rtl_images)
                    rc = measure_rtl(rtl, &q, data, predictions, r, p, err);
            }
            qnet_free(&q);
        }
        if (data == &perturbed)
            spike_data_free(&perturbed);
    }
    snn_model_free(&mv);
    free(predictions);
    if (has_int)
        qnet_free(&q0);
    return rc;
}
