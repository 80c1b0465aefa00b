/* cmd_eval_fixed.c - `snn eval --fixed`: the integer reference model on the test set.
 *
 * Accuracy, firing rates, saturation counters per register (spec §7) and,
 * given the float model it came from, the prediction agreement with it.
 * cmd_eval.c parses the options and hands over here when it sees --fixed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../sw/fixed/qeval.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/net/arch.h"
#include "../sw/train/train.h"
#include "../sw/util/json.h"
#include "commands.h"

/* Fraction of samples on which a and b agree. */
static double agreement(const int *a, const int *b, int n)
{
    int same = 0;
    for (int i = 0; i < n; i++)
        same += a[i] == b[i];
    return n ? (double)same / n : 0;
}

static void print_sat_json(json_out *j, const uint64_t sat[SAT_KINDS])
{
    char buf[256];
    int len = 0;
    for (int k = 0; k < SAT_KINDS; k++)
        len += snprintf(buf + len, sizeof buf - (size_t)len, "%s\"%s\":%llu", k ? "," : "{",
                        qnet_register_names[k], (unsigned long long)sat[k]);
    snprintf(buf + len, sizeof buf - (size_t)len, "}");
    json_raw(j, "saturations", buf);
}

/* 1 if the float model has q's shape: inputs, layers (sizes, recurrence), readouts, steps. */
static int same_shape(const snn_config *c, const qnet *q)
{
    int same = c->n_in == q->n_in && c->n_out == q->n_out && c->steps == q->steps &&
               c->n_layers == q->n_layers;
    for (int l = 0; same && l < c->n_layers; l++)
        same = c->layer[l].size == q->layer[l].size &&
               c->layer[l].recurrent == q->layer[l].recurrent;
    return same;
}

/* The integer constants of every layer: "theta 510, alpha_q 3354, beta_q 3706"
 * for one layer (and the readout's when they differ), "layer 1: ..." for more. */
static void format_constants(const qnet *q, char *buf, size_t cap)
{
    int len = 0;
    for (int l = 0; l < q->n_layers && len >= 0 && (size_t)len < cap; l++) {
        const qnet_layer *h = &q->layer[l];
        char name[24] = ""; /* "layer %d: " for any int */
        if (q->n_layers > 1)
            snprintf(name, sizeof name, "layer %d: ", l);
        len += snprintf(buf + len, cap - len, "%s%stheta %d, alpha_q %d, beta_q %d",
                        l ? "; " : "", name, h->theta, h->alpha_q, h->beta_q);
    }
    if (!qnet_is_single_layer(q) && len >= 0 && (size_t)len < cap)
        snprintf(buf + len, cap - len, "; readout alpha_q %d, beta_q %d", q->out_alpha_q,
                 q->out_beta_q);
}

int eval_fixed(const eval_options *o)
{
    const char *model_path = o->d.model, *float_path = o->float_model;
    int threads = o->threads, as_json = o->as_json, rc = 1;
    snn_error err;
    qnet q;
    snn_model fm = {0};
    encoded_set test = {0};
    int *pred = NULL, *fpred = NULL;
    if (cli_load_qnet_test(&o->d, &q, &test, &err) != 0) {
        fprintf(stderr, "snn eval --fixed: %s\n", err.msg);
        return 1;
    }
    if (float_path && snn_model_load(float_path, &fm, NULL, NULL, &err) != 0)
        goto fail;
    if (float_path && !same_shape(&fm.cfg, &q)) {
        char fa[128], qa[128];
        snn_arch_format(&fm.cfg, fa, sizeof fa);
        qnet_arch_format(&q, qa, sizeof qa);
        snn_fail(&err, "%s (%s, %d steps) does not match %s (%s, %d steps)", float_path, fa,
                 fm.cfg.steps, model_path, qa, q.steps);
        goto fail;
    }
    int n = test.spikes.n;
    pred = malloc(sizeof *pred * (size_t)(n ? n : 1));
    fpred = malloc(sizeof *fpred * (size_t)(n ? n : 1));
    if (!pred || !fpred) {
        snn_fail(&err, "out of memory for %d predictions", n);
        goto fail;
    }
    qnet_eval_stats s;
    if (qnet_evaluate(&q, &test.spikes, threads, &s, pred, &err) != 0)
        goto fail;
    snn_eval_stats fs = {0};
    if (float_path && snn_evaluate(&fm, &test.spikes, threads, &fs, fpred, &err) != 0)
        goto fail;
    double agree = float_path ? agreement(pred, fpred, n) : 0;
    char constants[512];
    format_constants(&q, constants, sizeof constants);
    printf("%s: fixed-point test accuracy %.2f%% on %d images (B=%d H=%d R=%d N=%d, %s)\n",
           model_path, 100 * s.acc, s.n, q.weight_bits, q.hidden_bits, q.readout_bits,
           q.noise_bits, constants);
    printf("  firing rate %.2f Hz (E %.2f, I %.2f)\n", s.hidden_hz, s.exc_hz, s.inh_hz);
    if (float_path)
        printf("  float model %s: accuracy %.2f%% (fixed - float %+.2f points); predictions agree "
               "on %.2f%%\n", float_path, 100 * fs.acc, 100 * (s.acc - fs.acc), 100 * agree);
    printf("  saturations:");
    for (int k = 0; k < SAT_KINDS; k++)
        printf(" %s %llu", qnet_register_names[k], (unsigned long long)s.sat[k]);
    printf("\n  %.0f images/s (%d threads)\n", s.n / s.seconds, s.threads);
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "model", model_path);
        json_int(&j, "images", s.n);
        json_num(&j, "test_acc", s.acc);
        json_num(&j, "hidden_hz", s.hidden_hz);
        json_num(&j, "exc_hz", s.exc_hz);
        json_num(&j, "inh_hz", s.inh_hz);
        json_int(&j, "weight_bits", q.weight_bits);
        json_int(&j, "hidden_bits", q.hidden_bits);
        json_int(&j, "readout_bits", q.readout_bits);
        json_int(&j, "noise_bits", q.noise_bits);
        print_sat_json(&j, s.sat);
        if (float_path) {
            json_num(&j, "float_acc", fs.acc);
            json_num(&j, "agreement", agree);
        }
        json_num(&j, "images_per_s", s.n / s.seconds);
        json_end(&j);
    }
    rc = 0;
fail:
    if (rc)
        fprintf(stderr, "snn eval --fixed: %s\n", err.msg);
    free(pred);
    free(fpred);
    encoded_set_free(&test);
    snn_model_free(&fm);
    qnet_free(&q);
    return rc;
}
