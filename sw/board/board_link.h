/* board_link.h - a session with a board: a real one on a serial port, or the
 * Verilated one (snn-board-sim) started on a pseudo-terminal.
 *
 * Either way the host talks through serial.h and firmware/driver.h, so the
 * simulated session crosses the same termios, byte and bit path as the real
 * one. Opening ends with HELLO, so link->drv.info describes the board.
 * Not here: what is sent (board_deploy.h).
 */
#ifndef SNN_BOARD_LINK_H
#define SNN_BOARD_LINK_H

#include <sys/types.h>

#include "../../firmware/driver.h"
#include "../util/error.h"
#include "serial.h"

typedef struct {
    const char *port;     /* serial device; ignored with sim */
    int baud;
    int sim;              /* start the simulated board instead */
    const char *sim_path; /* its binary; NULL: snn-board-sim next to the running snn */
    double corrupt;       /* sim: fraction of bytes damaged on the line, each direction */
    int seed;             /* sim: seed of that damage */
    int timeout_ms;       /* per attempt */
    int attempts;         /* transmissions per request */
    int chunk;            /* largest payload of a data frame (0 = the board's maximum) */
    drv_progress progress; /* called during long exchanges (NULL: silent); ctx: the link */
} board_link_opts;

/* What the simulated board has done, in clocks: run in all, and those in which the line
 * to the board carried a byte, the line from it carried one, a batch of images ran.
 * snn-board-sim keeps them in the memory --clock-fd names, in this order. */
typedef struct {
    uint64_t clocks, line_in, line_out, running;
} board_clocks;

typedef struct {
    serial_port port;
    pid_t sim_pid; /* > 0 while the simulated board runs */
    volatile board_clocks *sim_clocks; /* the simulator's counts (shared memory), or NULL */
    double progress_at; /* CLOCK_MONOTONIC seconds of the last progress report (or the start) */
    drv drv;
} board_link;

int board_link_open(board_link *l, const board_link_opts *o, snn_error *err);
/* Closes the port and, for a simulation, waits for the simulator to exit. */
void board_link_close(board_link *l);

/* The simulated board's counts so far (all 0 for a real board). */
board_clocks board_link_clocks(const board_link *l);

/* A driver result as a message: the board's error code when it refused, what
 * went wrong in the attempts when no good reply came. */
int board_link_fail(const board_link *l, int result, const char *doing, snn_error *err);

#endif
