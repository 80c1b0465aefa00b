/* cmd_eval.c - `snn eval`: test accuracy and firing rates of a float model
 * (with --fixed, of a quantized model: see cmd_eval_fixed.c). */
#include <stdio.h>
#include <string.h>

#include "../sw/net/arch.h"
#include "../sw/train/train.h"
#include "../sw/util/json.h"
#include "../sw/util/args.h"
#include "commands.h"

int cmd_eval(int argc, char **argv)
{
    eval_options o = {.d = CLI_DATA_DEFAULTS};
    int fixed = 0;
    arg_spec specs[] = {
        CLI_MODEL_ROW(o.d, "model file: float (.snn), or quantized (.snnq) with --fixed"),
        {"--fixed", ARG_FLAG, &fixed, 0, -1,
         "evaluate a quantized model with the integer reference model (docs/integer-spec.md)"},
        {"--float-model", ARG_STRING, &o.float_model, 0, -1,
         "with --fixed: the float model it came from; also report its accuracy and the agreement"},
        CLI_DATA_ROWS(o.d, "--limit", 0, 1 << 30, "first N test samples (0 = all)"),
        {"--threads", ARG_INT, &o.threads, 0, 1024, "threads (0 = all cores)"},
        {"--json", ARG_FLAG, &o.as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("eval",
                        "Test accuracy and firing rates of a model; with --fixed, of a quantized "
                        "model, with its saturation counters.",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (!o.d.model) {
        fprintf(stderr, "snn eval: --model is required\n");
        return 2;
    }
    if (fixed)
        return eval_fixed(&o);
    if (o.float_model) {
        fprintf(stderr, "snn eval: --float-model needs --fixed\n");
        return 2;
    }
    snn_error err;
    snn_model m;
    encoded_set test;
    if (cli_load_model_test(&o.d, &m, &test, &err) != 0) {
        fprintf(stderr, "snn eval: %s\n", err.msg);
        return 1;
    }
    snn_eval_stats s;
    rc = snn_evaluate(&m, &test.spikes, o.threads, &s, NULL, &err);
    char arch[128], layers[128] = "[";
    snn_arch_format(&m.cfg, arch, sizeof arch);
    for (int l = 0; rc == 0 && l < m.cfg.n_layers; l++) /* 4 layers of 14 characters at most */
        snprintf(layers + strlen(layers), sizeof layers - strlen(layers), "%s%.6g", l ? "," : "",
                 s.layer_hz[l]);
    strcat(layers, "]");
    if (rc != 0) {
        fprintf(stderr, "snn eval: %s\n", err.msg);
    } else if (o.as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "model", o.d.model);
        json_str(&j, "arch", arch);
        json_int(&j, "images", s.n);
        json_num(&j, "test_acc", s.acc);
        json_num(&j, "loss", s.loss);
        json_num(&j, "hidden_hz", s.hidden_hz);
        json_num(&j, "exc_hz", s.exc_hz);
        json_num(&j, "inh_hz", s.inh_hz);
        json_raw(&j, "layer_hz", layers);
        json_num(&j, "samples_per_s", s.n / s.seconds);
        json_end(&j);
    } else {
        printf("%s: test accuracy %.2f%% on %d images, loss %.4f, rate %.1f Hz (E %.1f, I %.1f), "
               "%.0f samples/s\n", o.d.model, 100 * s.acc, s.n, s.loss, s.hidden_hz, s.exc_hz,
               s.inh_hz, s.n / s.seconds);
        if (m.cfg.n_layers > 1 || m.cfg.layer[0].recurrent)
            printf("network %s, rate per hidden layer (Hz): %s\n", arch, layers);
    }
    encoded_set_free(&test);
    snn_model_free(&m);
    return rc ? 1 : 0;
}
