/* cmd_quantize.c - `snn quantize`: a float model -> a quantized model file (spec §8).
 *
 * Besides writing the file it reports the evidence for the widths: weights
 * that quantization zeroed or clamped, and the largest magnitude every
 * register kind reaches on the training set when run at the widest widths
 * (H = 32, R = 40), next to the saturations at the chosen widths.
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
    int64_t range[SAT_KINDS], unused[SAT_KINDS];
    uint64_t wide_sat[SAT_KINDS], sat[SAT_KINDS];
    if (quantize_measure_ranges(&wide, &train.spikes, threads, range, wide_sat, &err) != 0 ||
        quantize_measure_ranges(&q, &train.spikes, threads, unused, sat, &err) != 0)
        goto done;
    if (qnet_save(out_path, &q, &err) != 0)
        goto done;
    size_t n1 = (size_t)q.n_in * q.layer[0].size, n2 = (size_t)q.layer[0].size * q.n_out;
    const qnet_layer *h = &q.layer[0];
    printf("%s -> %s: B=%d H=%d R=%d N=%d seed %u\n", model_path, out_path, q.weight_bits,
           q.hidden_bits, q.readout_bits, q.noise_bits, q.seed);
    printf("  hidden scale s_h %.6g (max |w1| %.6g), theta %d; readout scale s_o %.6g "
           "(max |w2| %.6g)\n", rep.s_h, rep.w1_max, h->theta, rep.s_o, rep.w2_max);
    printf("  alpha_q %d (%.6f, error %+.2e), beta_q %d (%.6f, error %+.2e)\n", h->alpha_q,
           h->alpha_q / 4096.0, rep.alpha_err, h->beta_q, h->beta_q / 4096.0, rep.beta_err);
    printf("  clipped weights: w1 %zu of %zu non-zero rounded to 0, %zu saturated (of %zu); "
           "w2 %zu of %zu rounded to 0, %zu saturated (of %zu)\n", rep.w1_zeroed, rep.w1_nonzero,
           rep.w1_saturated, n1, rep.w2_zeroed, rep.w2_nonzero, rep.w2_saturated, n2);
    printf("  register ranges on %d training images (wide run at H=%d R=%d):\n",
           train.spikes.n, WIDE_HIDDEN, WIDE_READOUT);
    printf("    %-5s %14s %12s %7s %16s\n", "reg", "max |value|", "bits needed", "width",
           "saturations");
    for (int k = 0; k < SAT_KINDS; k++)
        printf("    %-5s %14lld %12d %7d %16llu\n", qnet_register_names[k], (long long)range[k],
               quantize_signed_bits(range[k]), register_bits(&q, k), (unsigned long long)sat[k]);
    for (int k = 0; k < SAT_KINDS; k++)
        if (wide_sat[k])
            printf("  warning: %s saturated %llu times even at the widest width; its range is "
                   "a lower bound\n", qnet_register_names[k], (unsigned long long)wide_sat[k]);
    if (as_json) {
        char buf[512];
        int len = 0;
        for (int k = 0; k < SAT_KINDS; k++)
            len += snprintf(buf + len, sizeof buf - (size_t)len,
                            "%s\"%s\":{\"max_abs\":%lld,\"bits_needed\":%d,\"width\":%d,"
                            "\"saturations\":%llu}", k ? "," : "{", qnet_register_names[k],
                            (long long)range[k], quantize_signed_bits(range[k]),
                            register_bits(&q, k), (unsigned long long)sat[k]);
        snprintf(buf + len, sizeof buf - (size_t)len, "}");
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "model", model_path);
        json_str(&j, "out", out_path);
        json_int(&j, "weight_bits", q.weight_bits);
        json_int(&j, "hidden_bits", q.hidden_bits);
        json_int(&j, "readout_bits", q.readout_bits);
        json_int(&j, "noise_bits", q.noise_bits);
        json_int(&j, "theta", h->theta);
        json_int(&j, "alpha_q", h->alpha_q);
        json_int(&j, "beta_q", h->beta_q);
        json_num(&j, "s_h", rep.s_h);
        json_num(&j, "s_o", rep.s_o);
        json_int(&j, "w1_zeroed", (long long)rep.w1_zeroed);
        json_int(&j, "w2_zeroed", (long long)rep.w2_zeroed);
        json_int(&j, "w1_saturated", (long long)rep.w1_saturated);
        json_int(&j, "w2_saturated", (long long)rep.w2_saturated);
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
