/* cosim.h - the co-simulation: the RTL core against the integer reference model.
 *
 * Runs the same images through qnet_run_image (sw/fixed/) and the Verilated
 * core (sim/core_sim.h) and compares every hidden spike (layer, neuron, step), every
 * max[k] and final out[k], and the prediction. Two simulator instances on two
 * threads, each taking every other image. On the first mismatch (lowest
 * image) it reruns that image on a fresh core to read the RTL's state and
 * write a waveform window around the mismatch. Not here: option parsing and
 * printing (cli/cmd_cosim.c), random test cases (cosim_random.h).
 */
#ifndef SNN_COSIM_H
#define SNN_COSIM_H

#include <stdint.h>

#include "../core_sim.h"
#include "../../sw/data/dataset.h"
#include "../../sw/fixed/qnet.h"
#include "../../sw/util/error.h"

typedef struct {
    int images;                 /* how many of data's samples, from the first (<= data->n) */
    int threads;                /* simulator instances in parallel, >= 1 */
    const char *trace_path;     /* if non-NULL: FST of image 0, whole */
    const char *mismatch_trace; /* FST written around the first mismatch (NULL: none) */
    const qnet *rtl_net;        /* loaded into the core instead of q (NULL: q); tests use a
                                   perturbed copy to check that differences are caught */
} cosim_options;

/* The first mismatch, in image order. */
typedef struct {
    int found;
    int image, step, layer, neuron; /* a spike: step, hidden layer, neuron j of that layer;
                                       a readout value: step and layer -1, neuron k */
    const char *what;         /* "spike", "max", "out" or "prediction" */
    int64_t rtl, model;       /* the two values (spike bits, max[k], out[k] or predictions) */
    int64_t rtl_mem, rtl_syn; /* the core's mem/syn of the neuron before that step (spike only) */
    int trace_written;        /* the waveform window went to options.mismatch_trace */
} cosim_mismatch;

typedef struct {
    core_build build;       /* the simulated core's lanes, widths and sizes */
    int images;
    uint64_t spikes_compared;   /* (neuron, step) pairs */
    uint64_t readouts_compared; /* max[k], out[k] and predictions */
    uint64_t mismatches;        /* pairs and values that differed */
    uint64_t cycles;            /* core cycles of all images (start to done) */
    uint64_t sops;              /* synaptic operations of all images (the model's count) */
    uint64_t sim_cycles;        /* all simulated cycles, loading and reads included */
    uint64_t hidden_spikes;
    uint64_t saturations;       /* clamps the model counted (spec §7), all register kinds */
    double seconds;             /* wall time of the run */
    int rtl_correct, model_correct; /* predictions equal to the label */
    cosim_mismatch first;
} cosim_report;

/* Co-simulates images 0 .. o->images-1 of data (image index = sample index,
 * spec §5.2). data->steps and n_inputs must match q. Errors: q does not fit
 * the core's build, the core misbehaves, out of memory; a mismatch is not an
 * error (it is in the report). */
int cosim_run(const qnet *q, const spike_data *data, const cosim_options *o, cosim_report *r,
              snn_error *err);

#endif
