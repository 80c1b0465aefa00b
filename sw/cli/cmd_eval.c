/* cmd_eval.c - `snn eval`: test accuracy and firing rates of a float model
 * (with --fixed, of a quantized model: see cmd_eval_fixed.c). */
#include <stdio.h>
#include <string.h>

#include "../train/train.h"
#include "../util/json.h"
#include "../util/args.h"
#include "commands.h"

int cmd_eval(int argc, char **argv)
{
    for (int a = 0; a < argc; a++)
        if (strcmp(argv[a], "--fixed") == 0) {
            memmove(argv + a, argv + a + 1, sizeof *argv * (size_t)(argc - a - 1));
            return eval_fixed_main(argc - 1, argv);
        }
    const char *model_path = NULL, *data_dir = DEFAULT_DATA_DIR;
    int limit = 0, threads = 0, as_json = 0;
    arg_spec specs[] = {
        {"--model", ARG_STRING, &model_path, 0, -1, "model file (required)"},
        {"--fixed", ARG_FLAG, NULL, 0, -1, "evaluate a quantized model with the integer reference model"},
        {"--data", ARG_STRING, &data_dir, 0, -1, "directory of IDX files (" DEFAULT_DATA_DIR ")"},
        {"--limit", ARG_INT, &limit, 0, 1 << 30, "first N test samples (0 = all)"},
        {"--threads", ARG_INT, &threads, 0, 1024, "threads (0 = all cores)"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("eval", "Test accuracy and firing rates of a model.", specs,
                        (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (!model_path) {
        fprintf(stderr, "snn eval: --model is required\n");
        return 2;
    }
    snn_error err;
    snn_model m;
    encoded_set test;
    if (snn_model_load(model_path, &m, NULL, NULL, &err) != 0) {
        fprintf(stderr, "snn eval: %s\n", err.msg);
        return 1;
    }
    if (encoded_set_load(data_dir, "t10k", limit, m.cfg.steps, &test, &err) != 0) {
        fprintf(stderr, "snn eval: %s\n", err.msg);
        snn_model_free(&m);
        return 1;
    }
    snn_eval_stats s;
    rc = snn_evaluate(&m, &test.spikes, threads, &s, NULL, &err);
    if (rc != 0) {
        fprintf(stderr, "snn eval: %s\n", err.msg);
    } else if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "model", model_path);
        json_int(&j, "images", s.n);
        json_num(&j, "test_acc", s.acc);
        json_num(&j, "loss", s.loss);
        json_num(&j, "hidden_hz", s.hidden_hz);
        json_num(&j, "exc_hz", s.exc_hz);
        json_num(&j, "inh_hz", s.inh_hz);
        json_num(&j, "samples_per_s", s.n / s.seconds);
        json_end(&j);
    } else {
        printf("%s: test accuracy %.2f%% on %d images, loss %.4f, rate %.1f Hz (E %.1f, I %.1f), "
               "%.0f samples/s\n", model_path, 100 * s.acc, s.n, s.loss, s.hidden_hz, s.exc_hz,
               s.inh_hz, s.n / s.seconds);
    }
    encoded_set_free(&test);
    snn_model_free(&m);
    return rc ? 1 : 0;
}
