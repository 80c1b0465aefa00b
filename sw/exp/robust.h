/* robust.h - inference-time robustness of a trained network, float and integer.
 *
 * The hardware's questions, which the paper could not ask: how much accuracy
 * survives when input spikes are dropped or spurious ones added, when the
 * stored weights vary as devices do (each weight scaled by 1 + sigma N(0,1)),
 * and when the membrane receives the on-chip noise generator's uniform noise
 * (integer model only: docs/integer-spec.md §5; amplitude as a fraction of
 * the threshold). Each condition runs the float model and the 8-bit integer
 * reference model on the same perturbed inputs and, if the caller supplies an
 * RTL runner (the co-simulation, which this library does not link), the RTL
 * core on the first images of the same inputs with the same perturbed
 * quantized network; any difference between RTL and integer model is an error.
 * Not here: noise during training (train.h's weight-update noise).
 */
#ifndef SNN_ROBUST_H
#define SNN_ROBUST_H

#include <stddef.h>
#include <stdint.h>

#include "../data/dataset.h"
#include "../fixed/qnet.h"
#include "../net/model.h"
#include "../util/error.h"

typedef enum { ROB_CLEAN, ROB_DROP, ROB_ADD, ROB_WEIGHT, ROB_MEMBRANE, ROB_KINDS } robust_kind;
extern const char *const robust_kind_names[ROB_KINDS]; /* "clean", "drop", ... */

typedef struct {
    robust_kind kind;
    double level;     /* drop: fraction of input spikes removed; add: probability per
                       * input and step of a spurious spike; weight: sigma;
                       * membrane: noise half-range / threshold */
    double float_acc; /* NaN where the float model has no such noise (membrane) */
    double int_acc;   /* NaN where the network cannot be quantized (no Dale's law) */
    double rtl_acc;   /* the RTL core on the first robust_result.rtl_images images (NaN: not run) */
    double int_rtlset_acc; /* the integer model on those same images (NaN: not run) */
} robust_point;

/* The conditions measured: clean; drop 0.1, 0.3; add 0.0005, 0.002;
 * weight 0.1, 0.3; membrane 0.1, 0.3. */
#define ROBUST_POINTS 9
typedef struct {
    robust_kind kind;
    double level;
} robust_condition;
extern const robust_condition robust_plan[ROBUST_POINTS];

/* The results-line field of a condition: "rob_<kind>_<level>_<model>",
 * model "float", "int", "rtl" or "int_rtlset". */
void robust_field_name(const robust_condition *c, const char *model, char *buf, size_t len);

typedef struct {
    robust_point p[ROBUST_POINTS];
    int n;
    int rtl_images;          /* images the RTL ran per condition (0: none) */
    uint64_t rtl_mismatches; /* values where RTL and integer model differed (0, or an error) */
} robust_result;

/* Runs images 0 .. images-1 of data (image index = sample index, as
 * qnet_evaluate) through the RTL core loaded with q; returns the core's
 * accuracy and the count of spikes and readout values that differed from the
 * integer model. Errors: q does not fit the core, the simulation failed. */
typedef int (*robust_rtl_fn)(const qnet *q, const spike_data *data, int images, double *acc,
                             uint64_t *mismatches, void *ctx, snn_error *err);

/* The RTL column: off when images is 0. */
typedef struct {
    robust_rtl_fn run;
    int images; /* the first N test images of each condition (fewer if the set is smaller) */
    void *ctx;  /* passed to run */
} robust_rtl;

/* Copies `in` with each event dropped with probability drop and, at every
 * (input, step), a spurious event added with probability add; deterministic
 * in seed. out owns its labels. */
int robust_perturb_spikes(const spike_data *in, double drop, double add, uint64_t seed,
                          spike_data *out, snn_error *err);

/* Measures every condition of robust_plan on test; with rtl (may be NULL)
 * images > 0, also on the RTL core (an error if rtl->run is NULL, and if the
 * RTL differs from the integer model in any value). */
int robust_measure(const snn_model *m, const spike_data *test, uint64_t seed, int threads,
                   const robust_rtl *rtl, robust_result *r, snn_error *err);

#endif
