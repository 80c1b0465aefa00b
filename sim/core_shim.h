/* core_shim.h - the Verilated snn_core as plain C: pins, one clock cycle, waveforms.
 *
 * The only C++ of the simulation is core_shim.cpp behind this header; the
 * protocol (loading weights, running images) is C, in core_sim.c. The caller
 * sets the input pins, calls core_shim_tick (one rising clock edge), then reads
 * the output pins as they are after that edge. Not thread-safe per instance;
 * separate instances may run on separate threads.
 */
#ifndef SNN_CORE_SHIM_H
#define SNN_CORE_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ports of snn_core (docs/core.md). */
typedef struct {
    uint8_t rst, wr_en, ev_valid, ev_end, rd_en;
    uint32_t wr_addr, wr_data;
    uint16_t ev_index, rd_addr;
} core_pins_in;

typedef struct {
    uint8_t ev_ready, spk_valid, busy, done, prediction, rd_valid;
    uint16_t spk_step, spk_base;
    uint32_t spk_mask;
    uint64_t rd_data;
} core_pins_out;

typedef struct core_shim core_shim;

/* NULL if out of memory. */
core_shim *core_shim_new(void);
void core_shim_free(core_shim *s);

/* Applies `in`, runs one clock cycle (falling then rising edge) and fills `out`
 * with the outputs after the rising edge. */
void core_shim_tick(core_shim *s, const core_pins_in *in, core_pins_out *out);

/* Waveforms (FST): opens path (0 on success, -1 if it cannot); cycles are
 * written only while dumping is on. Closing flushes the file. */
int core_shim_trace_open(core_shim *s, const char *path);
void core_shim_trace_dump(core_shim *s, int on);
void core_shim_trace_close(core_shim *s);

#ifdef __cplusplus
}
#endif

#endif
