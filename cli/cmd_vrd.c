/* cmd_vrd.c - `snn vrd`: Van Rossum distances of spike trains from a CSV file
 * (sw/exp/vrd_csv.h), or of the neurons of one of a model's hidden layers
 * (--layer, the first by default) on test samples (grouped E-E, E-I, I-I).
 * Every pair's distance goes as CSV to --out (atomically; vrd-pairs.csv by
 * default, "-" for stdout: 100 hidden neurons give 4950 pairs per image); the
 * summary goes to stdout.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sw/exp/vrd.h"
#include "../sw/exp/vrd_csv.h"
#include "../sw/exp/vrd_layer.h"
#include "../sw/util/atomic_file.h"
#include "../sw/util/json.h"
#include "../sw/util/args.h"
#include "cli_data.h"
#include "commands.h"

/* Pairs of the CSV's trains -> out; returns the mean distance via *mean. */
static int csv_pairs(const vrd_train_set *s, double tau, vrd_norm norm, FILE *out, double *mean)
{
    double sum = 0;
    long pairs = 0;
    fprintf(out, "a,b,distance\n");
    for (int a = 0; a < s->n; a++)
        for (int b = a + 1; b < s->n; b++) {
            double d = vrd_times(s->tr[a].t, s->tr[a].n, s->tr[b].t, s->tr[b].n, tau, norm);
            fprintf(out, "%s,%s,%.10g\n", s->tr[a].id, s->tr[b].id, d);
            sum += d;
            pairs++;
        }
    *mean = pairs ? sum / pairs : NAN;
    return (int)pairs;
}


int cmd_vrd(int argc, char **argv)
{
    const char *csv = NULL;
    cli_data d = CLI_DATA_DEFAULTS;
    const char *out_path = "vrd-pairs.csv", *norm_name = "grid";
    double tau = 1.0;
    int as_json = 0, layer = 1;
    d.limit = 8;
    arg_spec specs[] = {
        {"--csv", ARG_STRING, &csv, 0, -1, "spike trains as CSV lines 'train_id,time'"},
        {"--model", ARG_STRING, &d.model, 0, -1, "or: a model, whose hidden rasters are compared"},
        CLI_DATA_ROWS(d, "--images", 1, 10000, "test samples for --model"),
        {"--layer", ARG_INT, &layer, 1, SNN_MAX_LAYERS, "the hidden layer of --model whose "
         "neurons are compared (1 = the first)"},
        {"--tau", ARG_DOUBLE, &tau, 1e-9, 1e9, "time constant, in the unit of the times (steps for --model)"},
        {"--norm", ARG_STRING, &norm_name, 0, -1, "grid (the paper's), vr2001 or elephant"},
        {"--out", ARG_STRING, &out_path, 0, -1, "every pair's distance as CSV (- for stdout)"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int rc = args_parse("vrd",
                        "Van Rossum distances between spike trains (docs/experiments.md for the\n"
                        "normalisations): from a CSV of spikes, or a model's hidden neurons (4950 pairs\n"
                        "per image with 100 of them). The pairs go to --out, the summary to stdout.",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    int norm = vrd_norm_parse(norm_name);
    int to_stdout = strcmp(out_path, "-") == 0;
    if (norm < 0 || (!csv) == (!d.model) || (to_stdout && as_json)) {
        fprintf(stderr, "snn vrd: %s\n",
                norm < 0               ? "--norm must be grid, vr2001 or elephant"
                : (!csv) == (!d.model) ? "give exactly one of --csv and --model"
                                       : "--json needs --out FILE (the pairs would bury the summary)");
        return 2;
    }
    /* Everything is read and checked before the output is opened. */
    snn_error err;
    vrd_train_set trains = {0};
    snn_model m;
    encoded_set test;
    rc = csv ? vrd_csv_load(csv, norm == VRD_GRID, &trains, &err)
             : cli_load_model_test(&d, &m, &test, &err);
    if (rc != 0) {
        fprintf(stderr, "snn vrd: %s\n", err.msg);
        return 1;
    }
    if (!csv && layer > m.cfg.n_layers) {
        fprintf(stderr, "snn vrd: --layer %d: %s has %d hidden layer(s)\n", layer, d.model,
                m.cfg.n_layers);
        snn_model_free(&m);
        encoded_set_free(&test);
        return 2;
    }
    atomic_file af = {0};
    FILE *out = stdout;
    if (!to_stdout) {
        rc = atomic_open(&af, out_path, &err);
        out = af.fp;
    }
    int pairs = 0, n = 0;
    double csv_mean = NAN;
    vrd_layer_summary v = {0};
    if (rc == 0 && csv) {
        pairs = csv_pairs(&trains, tau, (vrd_norm)norm, out, &csv_mean);
    } else if (rc == 0) {
        n = test.spikes.n;
        rc = vrd_layer_measure(&m, layer - 1, &test.spikes, n, tau, (vrd_norm)norm, out, &v, &err);
        pairs = (int)v.pairs;
    }
    if (!to_stdout && af.fp) {
        if (rc == 0)
            rc = atomic_commit(&af, &err);
        else
            atomic_abort(&af);
    }
    if (rc == 0) {
        FILE *info = to_stdout ? stderr : stdout; /* the summary never mixes into the pairs */
        json_out j;
        if (as_json) {
            json_begin(&j, stdout);
            if (csv) {
                json_int(&j, "trains", trains.n);
                json_num(&j, "mean_distance", csv_mean);
            } else {
                json_int(&j, "images", n);
                json_int(&j, "layer", layer);
                for (int g = 0; g < VRD_GROUPS; g++) {
                    char k[32];
                    snprintf(k, sizeof k, "median_%s", vrd_group_names[g]);
                    json_num(&j, k, v.median[g]);
                    snprintf(k, sizeof k, "mean_%s", vrd_group_names[g]);
                    json_num(&j, k, v.mean[g]);
                }
                json_num(&j, "kw_h", v.kw.h);
                json_num(&j, "kw_p", v.kw.p);
            }
            json_int(&j, "pairs", pairs);
            json_str(&j, "norm", norm_name);
            json_num(&j, "tau", tau);
            json_str(&j, "out", out_path);
            json_end(&j);
        } else if (csv) {
            fprintf(info, "%d trains: mean distance %.4f\n", trains.n, csv_mean);
        } else {
            for (int g = 0; g < VRD_GROUPS; g++)
                fprintf(info, "%s: median %.4f mean %.4f\n", vrd_group_names[g], v.median[g], v.mean[g]);
            fprintf(info, "Kruskal-Wallis over the groups: H = %.3f, p = %.3g\n", v.kw.h, v.kw.p);
        }
        if (!as_json && !to_stdout)
            fprintf(info, "%d pair distances (%s, tau %g) -> %s\n", pairs, norm_name, tau, out_path);
    } else {
        fprintf(stderr, "snn vrd: %s\n", err.msg);
    }
    if (csv) {
        vrd_trains_free(&trains);
    } else {
        encoded_set_free(&test);
        snn_model_free(&m);
    }
    return rc == 0 ? 0 : 1;
}
