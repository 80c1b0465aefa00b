/* core_sim.h - the RTL core (Verilated snn_core) as a C library.
 *
 * Loads a quantized network into the simulated core's memories and registers,
 * runs images through the core's event protocol (docs/core.md) and returns
 * what the hardware produced: every hidden spike, max[k], out[k], the
 * prediction and the clock cycles it took. Also reads state between steps and
 * writes FST waveforms of chosen steps. Not here: the comparison with the
 * reference model (sim/cosim/).
 */
#ifndef SNN_CORE_SIM_H
#define SNN_CORE_SIM_H

#include <stdint.h>

#include "../sw/fixed/core_build.h"
#include "../sw/fixed/qnet.h"
#include "../sw/util/error.h"

typedef struct core_sim core_sim;

/* What one image produced on the core. */
typedef struct {
    int prediction;         /* spec §6.1 */
    int64_t max_out[64];    /* max[k] */
    int64_t final_out[64];  /* out[k] after the last step */
    uint32_t n_spikes;      /* hidden spikes of all layers, as the core counted them */
    uint64_t cycles;        /* clock cycles from the start command to done */
} core_sim_result;

/* A new simulated core, reset. Returns NULL with err set if out of memory. */
core_sim *core_sim_new(snn_error *err);
void core_sim_free(core_sim *s);
/* What the Verilated build was made with (read from the core, registers 0x8003/4). */
core_build core_sim_params(const core_sim *s);

/* Writes q's registers and all weights (spec §2), every matrix at the base
 * words of core_build_layout. Fails, naming `what` and the limit, if q does not
 * fit the build (core_build_check). */
int core_sim_load(core_sim *s, const qnet *q, const char *what, snn_error *err);

/* Runs one image whose events of step t are events[step_start[t] ..
 * step_start[t+1]) (as qnet_run_image). If spikes is non-NULL it receives s[j]
 * of every layer at every step, (steps, qnet_hidden_total) bytes in
 * qnet_run_image's order, from the core's spike port.
 * Fails if the core misbehaves (a spike outside the network, no `done`). */
int core_sim_run_image(core_sim *s, const uint16_t *events, const uint32_t *step_start,
                       uint32_t image_index, uint8_t *spikes, core_sim_result *res,
                       snn_error *err);

/* Waveforms: opens an FST file; the next core_sim_run_image calls dump the
 * cycles of steps first_step .. last_step (inclusive; the whole image if
 * first_step <= 0 and last_step >= steps-1, with its clearing). */
int core_sim_trace_open(core_sim *s, const char *path, snn_error *err);
void core_sim_trace_steps(core_sim *s, int first_step, int last_step);
void core_sim_trace_close(core_sim *s);

/* Asks the next core_sim_run_image to read, once all events of steps before
 * `step` are processed (the state spec §4.2 uses at step `step`), mem[j] and
 * syn[j] of neuron j of hidden layer `layer` into *mem and *syn. step >= 1;
 * pass step -1 to stop. */
void core_sim_probe(core_sim *s, int step, int layer, int neuron, int64_t *mem, int64_t *syn);

/* Total clock cycles simulated by this instance. */
uint64_t core_sim_cycles(const core_sim *s);

#endif
