/* board_model.h - the Verilated board (rtl/board/board_system.v) behind a C API.
 *
 * The only C++ of the board simulation is board_model.cpp, which implements
 * this; the line bridge (board_sim.c) is C. One model per process.
 */
#ifndef SNN_BOARD_MODEL_H
#define SNN_BOARD_MODEL_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct board_model board_model;

/* Builds the model and holds reset for a few clocks; NULL if out of memory. */
board_model *board_model_new(void);
void board_model_free(board_model *m);

/* Runs one clock with the host->board line at level rx (0/1); returns the
 * board->host line level after the clock edge. */
int board_model_clock(board_model *m, int rx);

/* Is the core classifying an image (so the simulation must keep running
 * even though the line is quiet)? */
int board_model_running(const board_model *m);

#ifdef __cplusplus
}
#endif

#endif
