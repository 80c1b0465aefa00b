/* report.h - from sweep results to the paper's figures, tables and statistics.
 *
 * Reads results files (sweep.h's JSON lines; a key seen twice counts once),
 * and writes into a directory: report.html and report.md (the same content),
 * the figures as PNG and SVG with their gnuplot scripts and data files, and
 * the paper's published numbers (docs/reference-model.md) beside ours. Figures: Fig. 1c
 * (peak accuracy vs initial rate per ratio, with the unbounded baseline),
 * trainability bars, learning curves, Fig. 2 (accuracy vs weight-update noise, t-test
 * against 100:0), Fig. 5 (Van Rossum box plots, Kruskal-Wallis), inference
 * robustness (float vs integer, and the RTL core where measured), feed-forward
 * vs recurrent E/I networks (trainability vs initial rate, and accuracy under
 * weight-update noise, at 80:20 and 50:50), and, given a model, example E/I
 * rasters and membrane traces. Runs are pooled only within one setup (the key
 * without the grid axes: epochs, subset sizes, lr...) and one network (hidden
 * sizes, recurrence); runs of several are drawn and counted apart, and the
 * page says so.
 * Not here: running anything (sweep.h), gnuplot's mechanics (plot.h).
 */
#ifndef SNN_REPORT_H
#define SNN_REPORT_H

#include "../data/dataset.h"
#include "../net/model.h"
#include "../util/error.h"
#include "robust.h"

/* One run, as read back from its results line. */
typedef struct {
    char *key;
    char arch[64];        /* hidden sizes, "128-64"; lines without it: n_hidden, or "" */
    int depth, recurrent; /* hidden layers, recurrence; lines without them: 1, 0 */
    double ratio, s1, noise;
    int dale, seed, epochs, train_samples;
    double init_hz, peak_acc, last10_acc, final_hz, seconds;
    double cpu_seconds, epoch_cpu; /* CPU time of the run, and per epoch (mean); NaN if absent */
    double vrd[2][3];     /* [init, final][EE, EI, II]: mean pair distance of the run; NaN if absent */
    double vrd_kw_p[2];   /* within-run Kruskal-Wallis p over the pairs */
    double rob[ROBUST_POINTS][4]; /* [condition][float, int, rtl, int on the RTL's images]
                                     accuracy; NaN if absent */
    int rob_rtl_images;   /* images the RTL ran per condition (0: no RTL column) */
    double rob_rtl_mismatches; /* RTL vs integer model differences; NaN if absent */
    double *test_acc;     /* per epoch */
    int n_test_acc;
} report_run;

typedef struct {
    report_run *r;
    int n, cap;
    int duplicates;       /* lines whose key had been seen already */
} report_runs;

/* Appends the runs of a results file. A malformed line is an error naming
 * the file and line. */
int report_load(const char *path, report_runs *runs, snn_error *err);
void report_runs_free(report_runs *runs);

typedef struct {
    const char *dir;       /* output directory (created if missing) */
    const char *title;
    const snn_model *model;/* example rasters and membrane traces (NULL: none) */
    const spike_data *data;/* images for the model (NULL when model is NULL) */
    double trained_acc;    /* a run "trains" when its peak accuracy exceeds this (0.5) */
    double low_rate_hz;    /* the paper's low-activity bound (25.6 Hz) */
    double noise_s1;       /* the s1 of the noise experiment (0.001) */
} report_options;

report_options report_default_options(void);

/* Summary figures the caller may print. */
typedef struct {
    int runs, trained, figures, figure_failures;
    char first_figure_error[512];
} report_summary;

/* Writes the report; figures that gnuplot cannot draw are reported in the
 * page and in sum (the page itself is still written). */
int report_write(const report_runs *runs, const report_options *o, report_summary *sum,
                 snn_error *err);

#endif
