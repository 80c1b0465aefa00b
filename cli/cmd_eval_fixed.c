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
    if (float_path && (fm.cfg.n_layers != 1 || fm.cfg.n_in != q.n_in || fm.cfg.layer[0].size != q.n_hidden ||
                       fm.cfg.n_out != q.n_out || fm.cfg.steps != q.steps)) {
        snn_fail(&err, "%s (%dx%dx%d, %d steps) does not match %s (%dx%dx%d, %d steps)",
                 float_path, fm.cfg.n_in, fm.cfg.layer[0].size, fm.cfg.n_out, fm.cfg.steps, model_path,
                 q.n_in, q.n_hidden, q.n_out, q.steps);
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
    printf("%s: fixed-point test accuracy %.2f%% on %d images (B=%d H=%d R=%d N=%d, theta %d, "
           "alpha_q %d, beta_q %d)\n", model_path, 100 * s.acc, s.n, q.weight_bits, q.hidden_bits,
           q.readout_bits, q.noise_bits, q.theta, q.alpha_q, q.beta_q);
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
