/* args.h - option parsing shared by every `snn` command.
 *
 * A command declares its options in a table; args_parse fills the targets,
 * rejects unknown options, missing values, non-numbers and out-of-range values
 * with a message naming the option, and prints the table for --help. Syntax as
 * in git: `--opt value` or `--opt=value`, `-h`/`--help`, and `--` ends the
 * options (what follows is an operand even if it starts with '-').
 *
 * --help prints each option's default from its target's value at parse time,
 * so the text cannot drift from the code. A target holding a value outside
 * [min, max] (a sentinel such as -1 for "from the preset") or a NULL string
 * has no printed default: its help text says what happens then.
 */
#ifndef SNN_ARGS_H
#define SNN_ARGS_H

typedef enum { ARG_FLAG, ARG_INT, ARG_DOUBLE, ARG_STRING, ARG_U64 } arg_kind;

typedef struct {
    const char *name;  /* "--epochs" */
    arg_kind kind;
    void *target;      /* int* (FLAG, INT), double*, const char**, uint64_t* (U64) */
    double min, max;   /* inclusive range for INT/DOUBLE/U64 (ignored when min > max) */
    const char *help;  /* what it sets, with its unit */
} arg_spec;

/* What a command takes besides its options; every field is optional. */
typedef struct {
    const char *operands;  /* usage text of the non-option arguments, e.g. "RESULTS.jsonl...";
                            * NULL: the command takes none and an operand is an error */
    const char **operand;  /* receives the operands (room for argc entries) */
    int n_operands;        /* set by the parser */
    unsigned char *given;  /* [n_specs]: set to 1 for each option on the command line */
} args_more;

/* Returns 0 on success, 1 if --help was printed, -1 on error (message printed
 * to stderr, prefixed with the command name). */
int args_parse(const char *command, const char *summary, const arg_spec *specs, int n_specs,
               int argc, char **argv);
/* The same, with operands and the record of which options were given. */
int args_parse_more(const char *command, const char *summary, const arg_spec *specs,
                    int n_specs, int argc, char **argv, args_more *more);

#endif
