/* robust.h - inference-time robustness of a trained network, float and integer.
 *
 * The hardware's questions, which the paper could not ask: how much accuracy
 * survives when input spikes are dropped or spurious ones added, when the
 * stored weights vary as devices do (each weight scaled by 1 + sigma N(0,1)),
 * and when the membrane receives the on-chip noise generator's uniform noise
 * (integer model only: docs/integer-spec.md §5; amplitude as a fraction of
 * the threshold). Each condition runs the float model and the 8-bit integer
 * reference model on the same perturbed inputs. The RTL is bit-exact with the
 * integer model (sw/cosim/), so its figures are the integer ones.
 * Not here: noise during training (train.h's weight-update noise).
 */
#ifndef SNN_ROBUST_H
#define SNN_ROBUST_H

#include <stddef.h>
#include <stdint.h>

#include "../data/dataset.h"
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
 * model "float" or "int". */
void robust_field_name(const robust_condition *c, const char *model, char *buf, size_t len);

typedef struct {
    robust_point p[ROBUST_POINTS];
    int n;
} robust_result;

/* Copies `in` with each event dropped with probability drop and, at every
 * (input, step), a spurious event added with probability add; deterministic
 * in seed. out owns its labels. */
int robust_perturb_spikes(const spike_data *in, double drop, double add, uint64_t seed,
                          spike_data *out, snn_error *err);

/* Measures every condition of robust_plan on test. */
int robust_measure(const snn_model *m, const spike_data *test, uint64_t seed, int threads,
                   robust_result *r, snn_error *err);

#endif
