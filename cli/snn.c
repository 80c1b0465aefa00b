/* snn.c - the `snn` command line: dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

/* cli.mk defines it from `git describe`; a build outside git says so. */
#ifndef SNN_VERSION
#define SNN_VERSION "unknown (built outside git)"
#endif

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"train", cmd_train, "train an E/I LIF network (float, surrogate gradients)"},
    {"eval", cmd_eval, "test accuracy and firing rates of a model (--fixed: of a quantized one)"},
    {"export", cmd_export, "write a model to a NumPy .npz or a NIR graph (.nir)"},
    {"import", cmd_import, "read a NumPy .npz (ours or PyTorch layout) or a NIR graph"},
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
    {"fit", cmd_fit, "the board's core build that holds a quantized model: bitstream, fit, fmax, images/s"},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *f)
{
    fprintf(f, "Usage: snn <command> [options]\n\n"
               "Train E/I spiking networks, quantize them, run them on iCE40 FPGAs.\n\n"
               "commands (snn help <command> or snn <command> --help for their options):\n");
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\noptions:\n"
               "  -h, --help   this text\n"
               "  --version    the version of snn (git describe of the build)\n");
}

static int find(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return i;
    fprintf(stderr, "snn: unknown command '%s' (snn --help lists them)\n", name);
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *first = argv[1];
    if (strcmp(first, "--version") == 0) {
        printf("snn (snn-codesign) %s\n", SNN_VERSION);
        return 0;
    }
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 ||
        (strcmp(first, "help") == 0 && argc == 2)) {
        usage(stdout);
        return 0;
    }
    if (strcmp(first, "help") == 0) { /* snn help CMD = snn CMD --help */
        if (argc > 3) {
            fprintf(stderr, "snn help: give one command\n");
            return 2;
        }
        int i = find(argv[2]);
        char help[] = "--help", *args[] = {help, NULL};
        return i < 0 ? 2 : commands[i].run(1, args);
    }
    int i = find(first);
    if (i < 0)
        return 2;
    return commands[i].run(argc - 2, argv + 2);
}
