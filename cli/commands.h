/* commands.h - the `snn` subcommands; each lives in cmd_<name>.c and returns
 * the process exit status (0 ok, 1 error, 2 usage). */
#ifndef SNN_COMMANDS_H
#define SNN_COMMANDS_H

#include "cli_data.h"

int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
/* `snn eval --fixed` (cmd_eval_fixed.c): cmd_eval parses the options and hands over. */
typedef struct {
    cli_data d;              /* --model (quantized), --data, --limit */
    const char *float_model; /* --float-model, or NULL */
    int threads, as_json;
} eval_options;
int eval_fixed(const eval_options *o);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_bench_train(int argc, char **argv);
int cmd_quantize(int argc, char **argv);
int cmd_sweep_bits(int argc, char **argv);
int cmd_bench_fixed(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_vrd(int argc, char **argv);
int cmd_cosim(int argc, char **argv);
int cmd_deploy(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_fit(int argc, char **argv);

#endif
