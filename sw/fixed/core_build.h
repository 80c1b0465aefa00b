/* core_build.h - a build of the RTL core as software sees it, and a quantized
 * network placed in it.
 *
 * The core's Verilog parameters that decide what it holds (docs/core.md,
 * "Parameters"), the check that a qnet fits a build (naming the first limit it
 * exceeds), and where each matrix goes in the weight memory (docs/core.md,
 * "Weights"). One definition for every user: the simulated core (sim/core_sim),
 * the board host (sw/board) and `snn fit`.
 * Not here: writing anything to a core (sim/, firmware/).
 */
#ifndef SNN_CORE_BUILD_H
#define SNN_CORE_BUILD_H

#include <stdint.h>

#include "../util/error.h"
#include "qnet.h"

typedef struct {
    int lanes;          /* P: input integration lanes, magnitudes per weight word */
    int hidden_lanes;   /* PL: hidden update lanes */
    int readout_lanes;  /* RL: readout update lanes */
    int weight_bits, hidden_bits, readout_bits;
    int max_in, max_hidden, max_out; /* max_hidden: of one hidden layer */
    int max_layers;     /* hidden layers the core runs, 1..4 */
    int recurrent;      /* 1: recurrent layers run (spike memory, REC phase) */
    int out_decays;     /* 1: the readout has its own decays; 0: layer 0's (the paper's) */
    int noise;          /* 1: the noise generator is built in; 0: only N = 0 runs */
    uint32_t words;     /* weight memory words (P magnitudes each) */
} core_build;

/* The build of Verilog parameters "NAME=VALUE ..." as constraints/constraints.mk
 * gives them (P, PL, RL, B, H, R, MAX_IN, MAX_HID, MAX_OUT, MAX_LAYERS, RECURRENT,
 * OUT_DECAYS, NOISE, WORDS; others ignored), the rest snn_core.v's defaults,
 * WORDS = 0 its default size. Fails on text that is not NAME=number. */
int core_build_parse(const char *config, core_build *b, snn_error *err);

/* Does q run on build b? Fails naming `what` (the model) and the first limit q
 * exceeds: layers (MAX_LAYERS), a recurrent layer (RECURRENT), sizes (MAX_IN,
 * MAX_HID, MAX_OUT), widths (B at most, H and R equal), noise (NOISE), readout
 * decays of its own (OUT_DECAYS), steps, weight memory words (WORDS). */
int core_build_check(const qnet *q, const core_build *b, const char *what, snn_error *err);

/* Where q's matrices go: ff[0] at word 0, the readout's ff[n_layers] at
 * MAX_IN * S1 (S1 = ceil(MAX_HID / P) words a row, S2 = ceil(MAX_OUT / P) for
 * the readout), then ff[1], rec[0], ff[2], rec[1] ... each if present. First
 * words of ff[l] (l = 0 .. n_layers) and rec[l] (0 if none); returns the words
 * used. */
typedef struct {
    uint32_t ff[QNET_MAX_LAYERS + 1], rec[QNET_MAX_LAYERS];
} core_bases;
uint32_t core_build_layout(const core_build *b, const qnet *q, core_bases *bases);

/* Words of one row of n magnitudes on `lanes` lanes: ceil(n / lanes). */
static inline uint32_t core_row_words(int n, int lanes)
{
    return ((uint32_t)n + (uint32_t)lanes - 1) / (uint32_t)lanes;
}

#endif
