/* cosim_random.h - random networks and input events for differential tests.
 *
 * Each case is a valid qnet (it passes qnet_check) of random depth (1..3
 * hidden layers), recurrence, E:I split, shapes, widths, thresholds, decays
 * (per layer, and the readout's), noise and weights, plus a few images of random events,
 * drawn from one seed so that a failing case reproduces. Kinds push at the
 * corners of the spec: every weight at its maximum, theta at its minimum,
 * every input firing at every step, long silences. Not for training data.
 */
#ifndef SNN_COSIM_RANDOM_H
#define SNN_COSIM_RANDOM_H

#include <stdint.h>

#include "../core_sim.h"
#include "../../sw/data/dataset.h"
#include "../../sw/fixed/qnet.h"
#include "../../sw/util/error.h"

typedef enum {
    CASE_RANDOM,      /* everything random */
    CASE_MAX_WEIGHTS, /* every weight 2^B - 1 */
    CASE_MIN_THETA,   /* theta = 1: spikes whenever mem > 1 */
    CASE_ALL_INPUTS,  /* every input fires at every step (small n_in): saturation */
    CASE_SILENCE,     /* a burst, then hundreds of silent steps: decay toward 0 */
    CASE_KINDS
} cosim_case_kind;

extern const char *const cosim_case_names[CASE_KINDS];

/* Draws case `kind` from seed, within what the core's build holds (layers,
 * recurrence, sizes, widths, weight words, noise): *q (arrays owned, free with
 * qnet_free) and *data (`images` images; free with spike_data_free). */
int cosim_random_case(uint64_t seed, cosim_case_kind kind, int images, const core_build *b,
                      qnet *q, spike_data *data, snn_error *err);

#endif
