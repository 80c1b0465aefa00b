/* sweep.h - grids of training runs, the results file, and one run measured.
 *
 * A sweep is a list of jobs (network: hidden sizes and recurrence; ratio,
 * Dale on/off, s1, noise sigma, seed) sharing settings (data, epochs, subset sizes...). Each finished job is one
 * JSON line in a results file, appended with a single write under an
 * exclusive lock, and carries a key naming everything that shapes its
 * outcome; a restarted sweep skips the keys already present, so a killed
 * sweep resumes without redoing or duplicating runs. Jobs are split among
 * shards (job i belongs to shard i mod n) for MPI ranks and job arrays.
 * The result line's fields are listed in docs/experiments.md.
 * Not here: processes and scheduling (sweep_pool.h), the analysis (report.h).
 */
#ifndef SNN_SWEEP_H
#define SNN_SWEEP_H

#include <stddef.h>

#include "../net/model.h"
#include "../train/train.h"
#include "../util/error.h"
#include "robust.h"
#include "vrd.h"

/* Settings every job of a sweep shares. */
typedef struct {
    const char *dataset;  /* "fmnist" (IDX files) or "shd" (shd_train.h5 / shd_test.h5) */
    const char *data_dir;
    int epochs, batch;
    int limit, test_limit; /* first N training / test samples, 0 = all */
    double lr;
    snn_optimizer optimizer; /* OPT_SGD: the paper */
    int vrd_samples;       /* test images whose hidden rasters give the VRD (0 = none) */
    double vrd_tau;        /* steps */
    vrd_norm vrd_norm;
    int robust;            /* measure inference-time robustness after training */
    robust_rtl rtl;        /* with robust: the RTL column (images 0 = off; the runner is
                              the caller's, it needs the Verilated core) */
    int threads;           /* per job; results do not depend on it */
    const char *models_dir;/* save each trained model here (NULL = don't) */
} sweep_settings;

/* The network of a job: its layers as `snn train --arch` takes them
 * (sw/net/arch.h: hidden sizes "128-64", or input to readout "784-128-64-10",
 * which must fit the data), and whether every hidden layer carries a recurrent
 * E/I matrix. An empty arch is the data set's own network (fmnist 784-100-10,
 * shd 700-200-20). Every layer has the job's E:I split and the first layer's
 * constants. */
typedef struct {
    char arch[64];              /* "": the data set's network */
    int recurrent;              /* 1: a recurrent matrix on every hidden layer */
} sweep_net;

typedef struct {
    double ratio;  /* fraction of excitatory hidden neurons (every layer) */
    int dale;      /* 0: the unbounded baseline (ratio then only names the layer split) */
    double s1, noise;
    int seed;
    sweep_net net;
} sweep_job;

typedef struct {
    sweep_job *jobs;
    int n, cap;
} sweep_grid;

/* The paper's Fashion-MNIST settings: the "paper" training preset (30 epochs,
 * batch 256, SGD lr 0.01; train.h), all data, 8 VRD images, tau 1 step, the
 * grid normalisation. */
sweep_settings sweep_default_settings(void);

/* A block of a grid: every combination of its axes. */
typedef struct {
    const sweep_net *nets; /* NULL (n_nets 0): the data set's network, feed-forward */
    int n_nets;
    const double *ratios;
    int n_ratios;
    int dale;
    const double *s1;
    int n_s1;
    const double *noise;
    int n_noise;
    int trials; /* seeds 1..trials */
} sweep_axes;

/* Appends nets x ratios x s1 x noise x seeds to g, leaving out jobs already in g. */
int sweep_grid_add(sweep_grid *g, const sweep_axes *a, snn_error *err);
void sweep_grid_free(sweep_grid *g);

/* Fills the grid and settings of a named preset: "paper" (Fig. 1c with the
 * unbounded baseline, and Fig. 2), "quick" (a reduced grid for minutes on 2
 * cores), "shd" (the Spiking Heidelberg Digits network), "recurrent" (the
 * paper's two questions put to feed-forward vs recurrent E/I networks, one
 * and two hidden layers, 80:20 and 50:50, at the paper's scale) and
 * "recurrent-quick" (the same on small networks and data, minutes on 2
 * cores). Unknown name: error. */
int sweep_preset(const char *name, sweep_grid *g, sweep_settings *s, snn_error *err);

/* The grids of the paper's experiments (docs/reference-model.md), for presets and reports. */
extern const double sweep_paper_s1[19];
extern const double sweep_paper_noise[12];
#define SWEEP_NOISE_S1 0.001 /* the s1 of the noise experiment */

/* The network a job trains (the data set's sizes and constants, the job's
 * layers, E:I split, recurrence and Dale); an error if it is out of range. */
int sweep_job_config(const sweep_settings *s, const sweep_job *j, snn_config *c, snn_error *err);

/* "128-64": the hidden sizes of c. */
void sweep_arch_name(const snn_config *c, char *buf, size_t len);

/* Writes the job's key: every setting and axis value that shapes its result.
 * The network appears (" arch=128-64", " rec=1") only where it is not the
 * data set's own feed-forward one, so keys written before these axes stay valid. */
void sweep_job_key(const sweep_settings *s, const sweep_job *j, char *buf, size_t len);

/* Keys found in a results file. */
typedef struct {
    char **keys; /* sorted */
    int n;
} sweep_done;

/* Reads the keys of path's lines (a missing file is empty). A last line cut
 * short by a kill is removed from the file (*repaired = 1); any other
 * unreadable line is an error naming the file and line. */
int sweep_done_load(const char *path, sweep_done *d, int *repaired, snn_error *err);
int sweep_done_has(const sweep_done *d, const char *key);
void sweep_done_free(sweep_done *d);

/* Appends line (ending in '\n') to path: O_APPEND, one write(), under flock. */
int sweep_append_line(const char *path, const char *line, size_t len, snn_error *err);

/* What a running job reports: each step as it begins ("reading ...",
 * "training, epoch 3/30"), and each epoch's figures when it ends. */
typedef enum { SWEEP_STEP, SWEEP_EPOCH } sweep_event;
typedef void (*sweep_progress)(sweep_event kind, const char *msg, void *ctx);

/* Runs one job from scratch: loads the data, initialises the network
 * (the seed stream of `snn train`), measures the initial rate and VRD,
 * trains, measures again; returns the result line (malloc'd, ending in
 * '\n') in *line. progress may be NULL. */
int sweep_run_job(const sweep_settings *s, const sweep_job *j, char **line, size_t *len,
                  sweep_progress progress, void *ctx, snn_error *err);

/* Writes the job's grid point for people: "ratio 0.8 s1 0.004 seed 2" (with
 * "noise S" when there is noise, "no Dale" for the baseline, "arch 128-64"
 * and "recurrent" for a network other than the data set's feed-forward one). */
void sweep_job_label(const sweep_job *j, char *buf, size_t len);

/* Parses "i/n" (0 <= i < n) into *i, *n. */
int sweep_parse_shard(const char *text, int *i, int *n, snn_error *err);

/* Parses a comma-separated list of numbers (at most cap) into out. */
int sweep_parse_list(const char *text, double *out, int cap, int *n, const char *what,
                     snn_error *err);

/* Splits a comma-separated list of networks ("100,128-64"; each sizes joined
 * by '-') into nets, feed-forward (at most cap). The sizes are checked when the
 * jobs' networks are built (sweep_job_config). */
int sweep_parse_nets(const char *text, sweep_net *nets, int cap, int *n, snn_error *err);

#endif
