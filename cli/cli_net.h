/* cli_net.h - the network options of `snn train` and `snn bench-train`: --arch,
 * --ratio, --recurrent (sw/net/arch.h), and --hidden for the one-layer network.
 * `--recurrent` takes an optional value: bare, it makes every hidden layer
 * recurrent; `--recurrent 0,1` (or `--recurrent=0,1`) gives one 0/1 per layer
 * (a single 0/1 is for every layer).
 */
#ifndef SNN_CLI_NET_H
#define SNN_CLI_NET_H

#include "../sw/net/model.h"

typedef struct {
    const char *arch;      /* --arch, or NULL: one hidden layer of `hidden` */
    const char *ratio;     /* --ratio list */
    const char *recurrent; /* --recurrent: NULL, "all", or a 0/1 list */
    int hidden;            /* --hidden */
} cli_net;

#define CLI_NET_DEFAULTS {NULL, "0.8", NULL, 100}

#define CLI_NET_ROWS(n)                                                                          \
    {"--arch", ARG_STRING, &(n).arch, 0, -1,                                                     \
     "network: hidden sizes (128-64) or input to readout (784-128-64-10, must match the data); " \
     "up to 4 hidden layers (default: one of --hidden)"},                                       \
    {"--ratio", ARG_STRING, &(n).ratio, 0, -1,                                                   \
     "fraction of excitatory neurons: one for every hidden layer, or one per layer, e.g. "       \
     "0.8,0.5"},                                                                                \
    {"--recurrent", ARG_STRING, &(n).recurrent, 0, -1,                                           \
     "recurrent E/I hidden layers: alone for every layer, or one 0/1 per layer (0,1) "          \
     "(default: none)"},                                                                        \
    {"--hidden", ARG_INT, &(n).hidden, 1, 65535, "hidden neurons of the one-layer network"}

/* Copies argv into out (argc + 1 entries) with a bare `--recurrent` (one followed
 * by nothing or by another option) written as `--recurrent=all`, for args_parse. */
void cli_net_argv(int argc, char **argv, char **out);

/* The network of the options for data with n_in inputs and n_out classes, over
 * c (which keeps its steps, dale and neuron constants). */
int cli_net_config(const cli_net *n, int n_in, int n_out, snn_config *c, snn_error *err);

#endif
