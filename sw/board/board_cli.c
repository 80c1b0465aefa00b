/* board_cli.c - see board_cli.h. */
#include "board_cli.h"

#include <stdio.h>

void board_link_specs(board_link_opts *o, arg_spec *specs)
{
    *o = (board_link_opts){.baud = BOARD_DEFAULT_BAUD, .seed = 1, .attempts = 50};
    const arg_spec s[BOARD_LINK_N_SPECS] = {
        {"--port", ARG_STRING, &o->port, 0, -1, "serial device of the board, e.g. /dev/ttyUSB1"},
        {"--baud", ARG_INT, &o->baud, 9600, 4000000, "baud rate (bit/s), as the bitstream was built"},
        {"--sim", ARG_FLAG, &o->sim, 0, -1, "talk to the Verilated board on a pseudo-terminal instead"},
        {"--sim-bin", ARG_STRING, &o->sim_path, 0, -1, "simulator binary (default: snn-board-sim beside snn)"},
        {"--corrupt", ARG_DOUBLE, &o->corrupt, 0, 0.5, "--sim: fraction of bytes damaged on the line"},
        {"--line-seed", ARG_INT, &o->seed, 0, 2147483647, "--sim: seed of that damage"},
        {"--timeout-ms", ARG_INT, &o->timeout_ms, 1, 600000,
         "wait for a reply before resending, in ms (default: 500; 5000 with --sim)"},
        {"--attempts", ARG_INT, &o->attempts, 1, 10000, "transmissions of one request before giving up"},
        {"--frame", ARG_INT, &o->chunk, 8, 1024, "payload bytes per data frame (default: the board's maximum)"},
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
