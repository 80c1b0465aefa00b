/* board_cli.c - see board_cli.h. */
#include "board_cli.h"

#include <stdio.h>
#include <time.h>

/* The iCEBreaker's rate, from constraints/constraints.mk (icebreaker_BAUD: board.mk
 * passes it in), so that the host's default is the bitstream's. */
#ifndef BOARD_DEFAULT_BAUD
#error "BOARD_DEFAULT_BAUD comes from constraints/constraints.mk (sw/board/board.mk)"
#endif

/* Progress of a long exchange on stderr, at most once a second: a clean line
 * finishes before the first report, a damaged one shows it is still going. */
static void report_progress(void *ctx, const char *what, uint32_t done, uint32_t total,
                            const drv_stats *st)
{
    board_link *l = ctx;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double now = (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
    if (now - l->progress_at < 1.0)
        return;
    l->progress_at = now;
    fprintf(stderr, "  %s: %u of %u (%.0f%%); %u retries, %u restarts, frames of %u bytes\n",
            what, (unsigned)done, (unsigned)total, 100.0 * done / (total ? total : 1),
            (unsigned)st->retries, (unsigned)st->restarts, (unsigned)l->drv.chunk_now);
}

void board_link_specs(board_link_opts *o, arg_spec *specs)
{
    *o = (board_link_opts){.baud = BOARD_DEFAULT_BAUD, .seed = 1, .attempts = 50,
                           .progress = report_progress};
    const arg_spec s[BOARD_LINK_N_SPECS] = {
        {"--port", ARG_STRING, &o->port, 0, -1, "serial device of the board, e.g. /dev/ttyUSB1"},
        {"--baud", ARG_INT, &o->baud, 9600, 12000000, "baud rate (bit/s), as the bitstream was built"},
        {"--sim", ARG_FLAG, &o->sim, 0, -1, "talk to the Verilated board on a pseudo-terminal instead"},
        {"--sim-bin", ARG_STRING, &o->sim_path, 0, -1, "simulator binary (default: snn-board-sim beside snn)"},
        {"--corrupt", ARG_DOUBLE, &o->corrupt, 0, 0.5, "--sim: fraction of bytes damaged on the line"},
        {"--line-seed", ARG_INT, &o->seed, 0, 2147483647, "--sim: seed of that damage"},
        {"--timeout-ms", ARG_INT, &o->timeout_ms, 1, 600000,
         "wait for a reply before resending, in ms (default: 500; 5000 with --sim)"},
        {"--attempts", ARG_INT, &o->attempts, 1, 10000, "transmissions of one request before giving up"},
        {"--frame", ARG_INT, &o->chunk, 8, 1024,
         "largest payload bytes of a data frame; smaller on a damaged line (default: the board's maximum)"},
    };
    for (int i = 0; i < BOARD_LINK_N_SPECS; i++)
        specs[i] = s[i];
}

int board_link_finish_opts(board_link_opts *o, const char *command)
{
    if (!o->sim && !o->port) {
        fprintf(stderr, "snn %s: give --port DEVICE (or --sim)\n", command);
        return -1;
    }
    if (o->corrupt > 0 && !o->sim) {
        fprintf(stderr, "snn %s: --corrupt needs --sim\n", command);
        return -1;
    }
    if (o->timeout_ms == 0)
        o->timeout_ms = o->sim ? 5000 : 500;
    return 0;
}
