/* cmd_quantize.c - `snn quantize`: a float model -> a quantized model file (spec §8).
 *
 * Besides writing the file it reports, per hidden layer and for the readout,
 * the scale, theta and decays and the weights that quantization zeroed or
 * clamped; and the evidence for the widths: the largest magnitude every
 * register kind reaches on the training set (hidden kinds per layer too) when
 * run at the widest widths (H = 32, R = 40), next to the saturations at the
 * chosen widths.
 */
#include <stdio.h>

#include "../sw/fixed/qeval.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/fixed/quantize.h"
#include "../sw/util/json.h"
#include "../sw/util/args.h"
#include "commands.h"

#define WIDE_HIDDEN 32
#define WIDE_READOUT 40

static int register_bits(const qnet *q, int kind)
{
    return kind <= SAT_MEM ? q->hidden_bits : q->readout_bits;
}

int cmd_quantize(int argc, char **argv)
{
    quant_options o = quant_default_options();
    cli_data d = CLI_DATA_DEFAULTS;
    const char *out_path = NULL;
    uint64_t seed = o.seed;
    int threads = 0, as_json = 0;
    arg_spec specs[] = {
        CLI_MODEL_ROW(d, "float model file"),
        {"--out", ARG_STRING, &out_path, 0, -1, "quantized model file to write (required)"},
        {"--weight-bits", ARG_INT, &o.weight_bits, 1, 16, "B: weight magnitude bits"},
        {"--hidden-bits", ARG_INT, &o.hidden_bits, 8, 32, "H: acc1/syn/mem register bits"},
        {"--readout-bits", ARG_INT, &o.readout_bits, 8, 40, "R: acc2/flt/out register bits"},
        {"--noise-bits", ARG_INT, &o.noise_bits, 0, 16, "N: membrane noise bits (0 = off)"},
        {"--seed", ARG_U64, &seed, 0, 4294967295.0, "noise seed, 32 bits"},
        CLI_DATA_ROWS(d, "--limit", 0, 1 << 30,
                      "measure register ranges on the first N training images (0 = all)"),
        {"--threads", ARG_INT, &threads, 0, 1024, "threads (0 = all cores)"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("quantize",
                        "Quantize a float model to the integer network of docs/integer-spec.md and "
                        "report clipped weights and register ranges on the training set.",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    const char *model_path = d.model;
    if (!model_path || !out_path) {
        fprintf(stderr, "snn quantize: --model and --out are required\n");
        return 2;
    }
    o.seed = (uint32_t)seed;
    snn_error err;
    snn_model m;
    qnet q = {0}, wide = {0};
    encoded_set train = {0};
    quant_report rep;
    rc = 1;
    if (snn_model_load(model_path, &m, NULL, NULL, &err) != 0) {
        fprintf(stderr, "snn quantize: %s\n", err.msg);
        return 1;
    }
    quant_options ow = o;
    ow.hidden_bits = WIDE_HIDDEN;
    ow.readout_bits = WIDE_READOUT;
    if (quantize_model(&m, &o, model_path, &q, &rep, &err) != 0 ||
        quantize_model(&m, &ow, model_path, &wide, NULL, &err) != 0 ||
        cli_load_split(d.dir, "train", d.limit, q.n_in, q.n_out, q.steps, &train, &err) != 0)
        goto done;
    qnet_ranges range, unused;
    uint64_t wide_sat[SAT_KINDS], sat[SAT_KINDS];
    if (quantize_measure_ranges(&wide, &train.spikes, threads, &range, wide_sat, &err) != 0 ||
        quantize_measure_ranges(&q, &train.spikes, threads, &unused, sat, &err) != 0)
        goto done;
    if (qnet_save(out_path, &q, &err) != 0)
        goto done;
    char arch[128];
    qnet_arch_format(&q, arch, sizeof arch);
    printf("%s -> %s: %s, B=%d H=%d R=%d N=%d seed %u\n", model_path, out_path, arch,
           q.weight_bits, q.hidden_bits, q.readout_bits, q.noise_bits, q.seed);
    for (int l = 0; l <= q.n_layers; l++) {
        const quant_stage_report *st = &rep.stage[l];
        int hidden = l < q.n_layers;
        int32_t a_q = hidden ? q.layer[l].alpha_q : q.out_alpha_q;
        int32_t b_q = hidden ? q.layer[l].beta_q : q.out_beta_q;
        if (hidden)
            printf("  hidden layer %d: scale %.6g (max |w%d| %.6g%s", l, st->scale, l + 1,
                   st->ff_max, q.layer[l].recurrent ? "" : ")");
        else
            printf("  readout: scale %.6g (max |w%d| %.6g)", st->scale, l + 1, st->ff_max);
        if (hidden && q.layer[l].recurrent)
            printf(", max |rec%d| %.6g)", l + 1, st->rec_max);
        if (hidden)
            printf(", theta %d", q.layer[l].theta);
        printf("\n    alpha_q %d (%.6f, error %+.2e), beta_q %d (%.6f, error %+.2e)\n", a_q,
               a_q / 4096.0, st->alpha_err, b_q, b_q / 4096.0, st->beta_err);
        printf("    clipped weights: %zu of %zu non-zero rounded to 0, %zu saturated (of %zu)\n",
               st->zeroed, st->nonzero, st->saturated, st->weights);
    }
    printf("  register ranges on %d training images (wide run at H=%d R=%d):\n",
           train.spikes.n, WIDE_HIDDEN, WIDE_READOUT);
    printf("    %-12s %14s %12s %7s %16s\n", "reg", "max |value|", "bits needed", "width",
           "saturations");
    for (int k = 0; k < SAT_KINDS; k++) {
        printf("    %-12s %14lld %12d %7d %16llu\n", qnet_register_names[k],
               (long long)range.kind[k], quantize_signed_bits(range.kind[k]), register_bits(&q, k),
               (unsigned long long)sat[k]);
        for (int l = 0; k <= SAT_MEM && q.n_layers > 1 && l < q.n_layers; l++) {
            char name[24];
            snprintf(name, sizeof name, "  layer %d", l);
            printf("    %-12s %14lld %12d\n", name, (long long)range.layer[l][k],
                   quantize_signed_bits(range.layer[l][k]));
        }
    }
    for (int k = 0; k < SAT_KINDS; k++)
        if (wide_sat[k])
            printf("  warning: %s saturated %llu times even at the widest width; its range is "
                   "a lower bound\n", qnet_register_names[k], (unsigned long long)wide_sat[k]);
    if (as_json) {
        char buf[1024], layers[2048];
        int len = 0;
        for (int k = 0; k < SAT_KINDS; k++) {
            len += snprintf(buf + len, sizeof buf - (size_t)len,
                            "%s\"%s\":{\"max_abs\":%lld,\"bits_needed\":%d,\"width\":%d,"
                            "\"saturations\":%llu", k ? "," : "{", qnet_register_names[k],
                            (long long)range.kind[k], quantize_signed_bits(range.kind[k]),
                            register_bits(&q, k), (unsigned long long)sat[k]);
            for (int l = 0; k <= SAT_MEM && l < q.n_layers; l++)
                len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%lld",
                                l ? "," : ",\"max_abs_by_layer\":[", (long long)range.layer[l][k]);
            len += snprintf(buf + len, sizeof buf - (size_t)len, "%s}", k <= SAT_MEM ? "]" : "");
        }
        snprintf(buf + len, sizeof buf - (size_t)len, "}");
        len = 0;
        for (int l = 0; l <= q.n_layers; l++) {
            const quant_stage_report *st = &rep.stage[l];
            const qnet_layer *h = &q.layer[l];
            len += snprintf(layers + len, sizeof layers - (size_t)len,
                            "%s{\"scale\":%.9g,\"ff_max\":%.9g,\"rec_max\":%.9g,\"weights\":%zu,"
                            "\"zeroed\":%zu,\"saturated\":%zu,\"alpha_q\":%d,\"beta_q\":%d",
                            l ? "," : "[", st->scale, st->ff_max, st->rec_max, st->weights,
                            st->zeroed, st->saturated, l < q.n_layers ? h->alpha_q : q.out_alpha_q,
                            l < q.n_layers ? h->beta_q : q.out_beta_q);
            if (l < q.n_layers)
                len += snprintf(layers + len, sizeof layers - (size_t)len,
                                ",\"size\":%d,\"recurrent\":%s,\"theta\":%d", h->size,
                                h->recurrent ? "true" : "false", h->theta);
            len += snprintf(layers + len, sizeof layers - (size_t)len, "}");
        }
        snprintf(layers + len, sizeof layers - (size_t)len, "]");
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "model", model_path);
        json_str(&j, "out", out_path);
        json_str(&j, "arch", arch);
        json_int(&j, "weight_bits", q.weight_bits);
        json_int(&j, "hidden_bits", q.hidden_bits);
        json_int(&j, "readout_bits", q.readout_bits);
        json_int(&j, "noise_bits", q.noise_bits);
        /* layer 0's constants at the top level: the paper's network in one glance */
        json_int(&j, "theta", q.layer[0].theta);
        json_int(&j, "alpha_q", q.layer[0].alpha_q);
        json_int(&j, "beta_q", q.layer[0].beta_q);
        json_raw(&j, "stages", layers);
        json_int(&j, "range_images", train.spikes.n);
        json_raw(&j, "registers", buf);
        json_end(&j);
    }
    rc = 0;
done:
    if (rc)
        fprintf(stderr, "snn quantize: %s\n", err.msg);
    encoded_set_free(&train);
    qnet_free(&wide);
    qnet_free(&q);
    snn_model_free(&m);
    return rc;
}
