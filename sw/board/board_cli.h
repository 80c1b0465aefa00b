/* board_cli.h - the options every board command (`snn deploy`, `snn classify`) shares.
 *
 * One table fragment, so the commands spell --port, --baud, --sim, timeouts
 * and retries the same way. Not here: the commands themselves (cli/cmd_*.c).
 */
#ifndef SNN_BOARD_CLI_H
#define SNN_BOARD_CLI_H

#include "../util/args.h"
#include "board_link.h"

#define BOARD_LINK_N_SPECS 9

/* Sets o to the defaults and fills specs[0 .. BOARD_LINK_N_SPECS) to parse into it. */
void board_link_specs(board_link_opts *o, arg_spec *specs);

/* Call after parsing: picks the timeout when none was given (the simulated
 * board is slower than a real one). Returns 0, or -1 with a message. */
int board_link_finish_opts(board_link_opts *o, const char *command);

#endif
