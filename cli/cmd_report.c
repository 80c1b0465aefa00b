/* cmd_report.c - `snn report RESULTS... -o DIR`: the paper's figures and
 * statistics from sweep results, as one HTML and one Markdown page. */
#include <stdio.h>
#include <stdlib.h>

#include "../sw/exp/report.h"
#include "../sw/net/model.h"
#include "../sw/util/json.h"
#include "../sw/util/args.h"
#include "cli_data.h"
#include "commands.h"

int cmd_report(int argc, char **argv)
{
    report_options o = report_default_options();
    const char *model_path = NULL, *data_dir = DEFAULT_DATA_DIR;
    int as_json = 0;
    arg_spec specs[] = {
        {"-o", ARG_STRING, &o.dir, 0, -1, "output directory"},
        {"--out", ARG_STRING, &o.dir, 0, -1, "same as -o"},
        {"--title", ARG_STRING, &o.title, 0, -1, "page title"},
        {"--model", ARG_STRING, &model_path, 0, -1, "a model for the example raster and membrane traces"},
        {"--data", ARG_STRING, &data_dir, 0, -1, "the data of --model's example sample: " CLI_DATA_HELP},
        {"--trained-acc", ARG_DOUBLE, &o.trained_acc, 0, 1, "a run trains when its peak accuracy (0..1) exceeds this"},
        {"--low-rate", ARG_DOUBLE, &o.low_rate_hz, 0, 1000, "low-activity bound, in Hz"},
        {"--noise-s1", ARG_DOUBLE, &o.noise_s1, 0, 10, "s1 of the noise experiment"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    int n_specs = (int)(sizeof specs / sizeof specs[0]);
    const char **files = malloc(sizeof *files * (size_t)(argc + 1));
    args_more more = {.operands = "RESULTS.jsonl...", .operand = files};
    int rc = !files ? -1
                    : args_parse_more("report",
                                      "Figures, tables and statistics of sweep results (snn report\n"
                                      "RESULTS.jsonl... -o DIR), beside the paper's numbers.",
                                      specs, n_specs, argc, argv, &more);
    int n_files = more.n_operands;
    if (rc > 0) { /* --help */
        free(files);
        return 0;
    }
    if (rc == 0 && n_files == 0) {
        fprintf(stderr, "snn report: no results file given (snn report RESULTS.jsonl -o DIR)\n");
        rc = -1;
    }
    snn_error err;
    report_runs runs = {0};
    snn_model m = {0};
    encoded_set test = {0};
    int have_model = 0, have_data = 0;
    if (rc != 0)
        goto done;
    for (int i = 0; i < n_files && rc == 0; i++)
        if (report_load(files[i], &runs, &err) != 0)
            rc = 1;
    if (rc == 0 && model_path) {
        /* one test sample: the example raster and membrane traces */
        cli_data d = {model_path, data_dir, 1};
        have_model = have_data = cli_load_model_test(&d, &m, &test, &err) == 0;
        if (!have_data)
            rc = 1;
        o.model = &m;
        o.data = &test.spikes;
    }
    if (rc != 0) {
        fprintf(stderr, "snn report: %s\n", err.msg);
        goto done;
    }
    report_summary sum;
    if (report_write(&runs, &o, &sum, &err) != 0) {
        fprintf(stderr, "snn report: %s\n", err.msg);
        rc = 1;
        goto done;
    }
    if (sum.figure_failures)
        fprintf(stderr, "snn report: %d figure(s) not drawn: %s\n", sum.figure_failures,
                sum.first_figure_error);
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "dir", o.dir);
        json_int(&j, "runs", sum.runs);
        json_int(&j, "duplicates", runs.duplicates);
        json_int(&j, "trained", sum.trained);
        json_int(&j, "figures", sum.figures);
        json_int(&j, "figure_failures", sum.figure_failures);
        json_end(&j);
    } else {
        printf("report: %d runs (%d trained), %d figures -> %s/report.html, %s/report.md\n",
               sum.runs, sum.trained, sum.figures, o.dir, o.dir);
    }
done:
    if (have_data)
        encoded_set_free(&test);
    if (have_model)
        snn_model_free(&m);
    report_runs_free(&runs);
    free(files);
    return rc < 0 ? 2 : rc > 0 ? 1 : 0;
}
