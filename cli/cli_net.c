/* cli_net.c - see cli_net.h. */
#include "cli_net.h"

#include <stdio.h>
#include <string.h>

#include "../sw/net/arch.h"

void cli_net_argv(int argc, char **argv, char **out)
{
    static char all[] = "--recurrent=all";
    int options = 1;
    for (int i = 0; i < argc; i++) {
        out[i] = argv[i];
        if (options && strcmp(argv[i], "--") == 0)
            options = 0;
        if (options && strcmp(argv[i], "--recurrent") == 0) {
            if (i + 1 < argc && argv[i + 1][0] != '-')
                out[i + 1] = argv[i + 1], i++;
            else
                out[i] = all;
        }
    }
    out[argc] = NULL;
}

int cli_net_config(const cli_net *n, int n_in, int n_out, snn_config *c, snn_error *err)
{
    char one[16];
    snprintf(one, sizeof one, "%d", n->hidden);
    return snn_config_from_text(c, n->arch ? n->arch : one, n->ratio, n->recurrent, n_in, n_out,
                                err);
}
