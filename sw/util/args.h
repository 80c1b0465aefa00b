/* args.h - option parsing shared by every `snn` command.
 *
 * A command declares its options in a table; args_parse fills the targets,
 * rejects unknown options, missing values, non-numbers and out-of-range values
 * with a message naming the option, and prints the table for --help.
 */
#ifndef SNN_ARGS_H
#define SNN_ARGS_H

typedef enum { ARG_FLAG, ARG_INT, ARG_DOUBLE, ARG_STRING } arg_kind;

typedef struct {
    const char *name;  /* "--epochs" */
    arg_kind kind;
    void *target;      /* int* (FLAG, INT), double*, const char** */
    double min, max;   /* inclusive range for INT/DOUBLE (ignored when min > max) */
    const char *help;
} arg_spec;

/* Returns 0 on success, 1 if --help was printed, -1 on error (message printed
 * to stderr, prefixed with the command name). */
int args_parse(const char *command, const char *summary, const arg_spec *specs, int n_specs,
               int argc, char **argv);

#endif
