/* snn.c - the `snn` command line: dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"train", cmd_train, "train an E/I LIF network (float, surrogate gradients)"},
    {"eval", cmd_eval, "test accuracy and firing rates of a model"},
    {"export", cmd_export, "write a model's weights and config to a NumPy .npz"},
    {"import", cmd_import, "read weights and config from a NumPy .npz into a model"},
    {"bench-train", cmd_bench_train, "training throughput of the paper's network (samples/s)"},
    {"quantize", cmd_quantize, "float model -> quantized integer model (docs/integer-spec.md)"},
    {"sweep-bits", cmd_sweep_bits, "float vs fixed accuracy over weight/state widths (table, CSV, PNG)"},
    {"bench-fixed", cmd_bench_fixed, "speed of the integer reference model (images/s, one core)"},
    {"sweep", cmd_sweep, "grids of training runs in parallel/MPI/shards, resumable (JSONL)"},
    {"report", cmd_report, "HTML/Markdown report of sweep results: figures, statistics, paper numbers"},
    {"vrd", cmd_vrd, "Van Rossum distances: spike trains from CSV, or a model's hidden E/I neurons"},
    {"cosim", cmd_cosim, "RTL core (Verilator) vs integer model: every spike compared"},
    {"deploy", cmd_deploy, "load a quantized model onto the FPGA board over UART (or --sim)"},
    {"classify", cmd_classify, "classify test images on the board, checked against the reference"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: snn <command> [options]   (snn <command> --help for its options)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "snn: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
