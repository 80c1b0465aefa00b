/* train.h - training and evaluating the float network.
 *
 * Mini-batch surrogate-gradient training (SGD or Adam), Dale's law by
 * projection after every update, optional weight-update noise (docs/reference-model.md).
 * Deterministic for a seed whatever the thread count: a batch is split into a
 * fixed number of chunks whose gradients are summed in a fixed order.
 */
#ifndef SNN_TRAIN_H
#define SNN_TRAIN_H

#include <stdio.h>

#include "../data/dataset.h"
#include "../net/kernels.h"
#include "../net/model.h"

/* The default input-weight scale s1: starts the paper's 80:20 network at about
 * 15 Hz on Fashion-MNIST, inside the paper's low-activity range (docs/training.md). */
#define SNN_DEFAULT_S1 0.003

/* Random streams of a run's seed (snn_rng_seed's stream argument): each draw
 * site has its own, so that adding one moves no other. Their values are part
 * of every trained model: changing one changes all results. */
#define SNN_STREAM_INIT 0x494e4954ull      /* "INIT": the initial weights */
#define SNN_STREAM_AUGMENT 0x4155474dull   /* "AUGM" + epoch * 1000003 + batch * 64 + chunk */
#define SNN_STREAM_NOISE 0x4e4f495345ull   /* "NOISE" + epoch * 1000003 + batch */
#define SNN_STREAM_SHUFFLE 0x5348554646ull /* "SHUFF" + epoch */

/* snn_train_options.val: hold out 1/12 of the training samples (5,000 of
 * Fashion-MNIST's 60,000), the choice of the presets that validate. */
#define SNN_VAL_AUTO (-1)

typedef enum { OPT_SGD, OPT_ADAM } snn_optimizer;

/* "sgd" / "adam" to the enum (0), else -1; and back. */
int snn_optimizer_parse(const char *name, snn_optimizer *out);
const char *snn_optimizer_name(snn_optimizer o);

typedef struct {
    int epochs;          /* total epochs (a resumed run continues up to this) */
    int batch;
    double lr;
    snn_optimizer optimizer;
    double noise;        /* sigma of N(0, sigma^2) added to every weight after each update */
    double lr_decay_end; /* cosine schedule to lr*this at the last epoch; 1 = constant lr */
    int qat_bits;        /* 0 = float; else train through B-bit fake-quantized weights */
    int augment_shift;   /* 0 = off; else shift each training image by up to this many pixels
                          * in x and y (IDX images of any rows x cols; not spike events) */
    double surrogate_scale; /* slope of the fast-sigmoid surrogate (paper: 100) */
    unsigned long long seed;
    int limit;           /* training samples used (0 = all); recorded for --resume */
    int val;             /* of those, the last `val` are held out for validation (0 = none;
                          * SNN_VAL_AUTO until the data are loaded); recorded for --resume */
    int threads;         /* 0 = OpenMP default; does not change results */
    /* Called after every update (may be NULL): batches done, batches in the epoch. */
    void (*progress)(int done, int total, void *ctx);
    void *progress_ctx;
} snn_train_options;

/* The "paper" preset (below) with batch 256, seed 1, no noise, all samples. */
snn_train_options snn_default_train_options(void);

/* Sets the options a training preset names and leaves the others:
 *   paper: SGD, lr 0.01 constant, surrogate slope 100, 30 epochs (the paper's setup),
 *          no validation split;
 *   best:  Adam, lr 0.002 with a cosine decay to 1%, surrogate slope 25, 80 epochs,
 *          validation split SNN_VAL_AUTO;
 *   deep:  as best but lr 0.0005, batch 64, surrogate slope 10, 40 epochs, for its own
 *          network (snn_train_preset_network); the other presets leave the batch.
 * Unknown name: an error listing the presets. */
int snn_train_preset_apply(const char *name, snn_train_options *o, snn_error *err);
/* The network a preset trains, as sw/net/arch.h text: deep sets *arch = "128-64" and
 * *recurrent = "all" (784-128-64-10, both layers recurrent); the others leave them. */
void snn_train_preset_network(const char *name, const char **arch, const char **recurrent);

/* Initial weights of a run: snn_model_init with input scale s1 on the init
 * stream of seed (the same network for `snn train` and every sweep job). */
void snn_train_init_weights(snn_model *m, double s1, unsigned long long seed);

/* Refuses training data the options cannot use: a shift (augment_shift) on
 * data without an image shape (spike events). `what` names the data. */
int snn_train_check_data(const snn_train_options *o, const spike_data *train, const char *what,
                         snn_error *err);

/* Per-epoch figures. Rates in Hz: spikes per sample / neurons / (steps * 1 ms). */
typedef struct {
    int epoch;           /* 1-based */
    double loss, train_acc, test_acc;
    double val_acc, val_loss; /* set by snn_trainer_validate */
    double hidden_hz, exc_hz, inh_hz;
    double layer_hz[SNN_MAX_LAYERS]; /* per hidden layer (0 past n_layers) */
    double seconds, samples_per_s;
} snn_epoch_stats;

/* Evaluation of a model on a data set. hidden/exc/inh: over every hidden layer. */
typedef struct {
    double acc;
    double hidden_hz, exc_hz, inh_hz;
    double layer_hz[SNN_MAX_LAYERS]; /* per hidden layer */
    double loss;
    int n;
    double seconds;
} snn_eval_stats;

/* Runs the model over all samples of data (threads in parallel). If
 * predictions is non-NULL it receives one class per sample. */
int snn_evaluate(const snn_model *m, const spike_data *data, int threads, snn_eval_stats *out,
                 int *predictions, snn_error *err);

/* Called after every epoch; return non-zero to stop with an error. */
typedef int (*snn_epoch_hook)(const snn_model *m, const snn_epoch_stats *s, void *ctx);

/* Training state that makes --resume bit-identical (stored in checkpoints). */
typedef struct snn_trainer snn_trainer;

snn_trainer *snn_trainer_new(snn_model *m, const snn_train_options *o, snn_error *err);
void snn_trainer_free(snn_trainer *t);
/* Serialises / restores the epoch counter, the optimiser state and the options
 * that shape the run (everything but epochs, threads and progress), so that a
 * resumed run continues bit for bit. restore overwrites those options. */
int snn_trainer_state(const snn_trainer *t, void **blob, size_t *len, snn_error *err);
int snn_trainer_restore(snn_trainer *t, const void *blob, size_t len, const char *what,
                        snn_error *err);
/* The options a training state records, read over *o (for a trainer that
 * restores it: snn_trainer_new with them, then snn_trainer_restore). */
int snn_train_state_options(const void *blob, size_t len, const char *what,
                            snn_train_options *o, snn_error *err);
int snn_trainer_epoch_done(const snn_trainer *t);
const snn_train_options *snn_trainer_options(const snn_trainer *t);
/* Runs one epoch over train (shuffled by seed and epoch), then evaluates on test. */
int snn_trainer_epoch(snn_trainer *t, const spike_data *train, const spike_data *test,
                      snn_epoch_stats *out, snn_error *err);

/* The epoch whose model did best on the validation split so far (epoch 0: none yet). */
typedef struct {
    int epoch;
    double val_acc, val_loss, test_acc;
} snn_best_epoch;

/* Evaluates the model on the validation split right after snn_trainer_epoch
 * (s: that epoch's stats, which get val_acc and val_loss). Returns 1 when the
 * epoch is the best so far (higher validation accuracy; on a tie, lower
 * validation loss; then the earlier epoch) and keeps a copy of its model, 0 if
 * not, -1 on error. The best epoch and its model are part of the training
 * state (snn_trainer_state), so they survive --resume. */
int snn_trainer_validate(snn_trainer *t, const spike_data *val, snn_epoch_stats *s,
                         snn_error *err);
const snn_best_epoch *snn_trainer_best(const snn_trainer *t);
/* The best epoch's model (the model's config), valid once best->epoch > 0. */
const snn_model *snn_trainer_best_model(const snn_trainer *t);

#endif
