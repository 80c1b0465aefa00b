/* cmd_bench_fixed.c - `snn bench-fixed`: speed of the integer reference model.
 *
 * Images per second on ONE core over the Fashion-MNIST test set (latency
 * encoding done beforehand, not timed), for a quantized model, a float model
 * quantized here, or, with neither, the paper's network at its training init.
 * Prints one line per figure with its unit.
 */
#include <stdio.h>

#include "../sw/fixed/qeval.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/fixed/quantize.h"
#include "../sw/train/train.h"
#include "../sw/util/json.h"
#include "../sw/util/machine.h"
#include "../sw/util/args.h"
#include "commands.h"

/* The network to time: from --qmodel, from --model quantized at `bits`, or random. */
static int bench_network(const char *qmodel, const char *model, int bits, qnet *q,
                         char *what, size_t cap, snn_error *err)
{
    if (qmodel) {
        snprintf(what, cap, "%s", qmodel);
        return qnet_load(qmodel, q, err);
    }
    snn_model m;
    if (model) {
        snprintf(what, cap, "%s at %d bits", model, bits);
        if (snn_model_load(model, &m, NULL, NULL, err) != 0)
            return -1;
    } else {
        snn_config cfg = snn_default_config();
        snprintf(what, cap, "paper network at init (s1 %g) at %d bits", SNN_DEFAULT_S1, bits);
        snn_rng rng;
        snn_rng_seed(&rng, 1, 0);
        if (snn_model_alloc(&m, &cfg, err) != 0)
            return -1;
        snn_model_init(&m, SNN_DEFAULT_S1, &rng);
    }
    quant_options o = quant_default_options();
    o.weight_bits = bits;
    int rc = quantize_model(&m, &o, model ? model : "random model", q, NULL, err);
    snn_model_free(&m);
    return rc;
}

int cmd_bench_fixed(int argc, char **argv)
{
    const char *qmodel = NULL, *model = NULL;
    cli_data d = CLI_DATA_DEFAULTS;
    int bits = 8, as_json = 0;
    arg_spec specs[] = {
        {"--qmodel", ARG_STRING, &qmodel, 0, -1, "quantized model to time"},
        {"--model", ARG_STRING, &model, 0, -1, "float model to quantize and time"},
        {"--weight-bits", ARG_INT, &bits, 1, 16, "weight bits B when quantizing here"},
        CLI_DATA_ROWS(d, "--limit", 0, 1 << 30, "first N test images (0 = all)"),
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("bench-fixed", "Images/s of the integer reference model on one core.",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    snn_error err;
    qnet q = {0};
    encoded_set test = {0};
    char what[1200];
    qnet_eval_stats s;
    if (bench_network(qmodel, model, bits, &q, what, sizeof what, &err) != 0 ||
        cli_load_split(d.dir, "t10k", d.limit, q.n_in, q.n_out, q.steps, &test, &err) != 0 ||
        qnet_evaluate(&q, &test.spikes, 1, &s, NULL, &err) != 0) {
        fprintf(stderr, "snn bench-fixed: %s\n", err.msg);
        qnet_free(&q);
        encoded_set_free(&test);
        return 1;
    }
    double events = 0;
    for (int i = 0; i < test.spikes.n; i++)
        events += spike_data_count(&test.spikes, i);
    double ips = s.n / s.seconds;
    char machine[300];
    machine_describe(machine, sizeof machine);
    printf("machine: %s\n", machine);
    char arch[128];
    qnet_arch_format(&q, arch, sizeof arch);
    printf("network: %s, %s, %d steps, %.0f input events/image, %.2f Hz hidden\n", what, arch,
           q.steps, events / s.n, s.hidden_hz);
    printf("integer model: %.0f images/s on 1 core (%d test images, accuracy %.2f%%)\n", ips, s.n,
           100 * s.acc);
    printf("integer model: %.1f M synaptic ops/s on 1 core\n", s.sops / s.seconds / 1e6);
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_num(&j, "images_per_s", ips);
        json_num(&j, "sops_per_s", s.sops / s.seconds);
        json_num(&j, "hidden_hz", s.hidden_hz);
        json_int(&j, "images", s.n);
        json_end(&j);
    }
    qnet_free(&q);
    encoded_set_free(&test);
    return 0;
}
