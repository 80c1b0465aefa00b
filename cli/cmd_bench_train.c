/* cmd_bench_train.c - `snn bench-train`: training and inference throughput of
 * the paper's network (784-100-10, 80:20, batch 256, 100 steps), or of the one
 * --arch, --ratio and --recurrent give, on Fashion-MNIST. Prints one line per
 * figure with its unit, and the machine it ran on. */
#include <omp.h>
#include <stdio.h>

#include "../sw/net/arch.h"
#include "../sw/train/train.h"
#include "../sw/util/json.h"
#include "../sw/util/machine.h"
#include "../sw/util/args.h"
#include "cli_net.h"
#include "commands.h"

int cmd_bench_train(int argc, char **argv)
{
    int batches = 20, threads = 0, as_json = 0;
    double s1 = SNN_DEFAULT_S1;
    const char *data_dir = DEFAULT_DATA_DIR;
    snn_config cfg = snn_default_config();
    cli_net net = CLI_NET_DEFAULTS;
    arg_spec specs[] = {
        CLI_NET_ROWS(net),
        {"--batches", ARG_INT, &batches, 1, 10000, "training batches of 256 samples to time"},
        {"--s1", ARG_DOUBLE, &s1, 0, 10, "input weight init scale |N(0, s1)| (as snn train)"},
        {"--threads", ARG_INT, &threads, 0, 1024, "threads (0 = all cores)"},
        {"--data", ARG_STRING, &data_dir, 0, -1,
         "the data (as snn train's --data), of --arch's input and readout sizes (784 and 10 "
         "unless --arch gives them)"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
    };
    char *args[argc + 1];
    cli_net_argv(argc, argv, args);
    int rc = args_parse("bench-train",
                        "Training and inference throughput of the paper's network (or another).",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, args);
    if (rc)
        return rc > 0 ? 0 : 2;
    snn_error err;
    if (cli_net_config(&net, cfg.n_in, cfg.n_out, &cfg, &err) != 0) {
        fprintf(stderr, "snn bench-train: %s\n", err.msg);
        return 2;
    }
    snn_train_options o = snn_default_train_options();
    o.threads = threads;
    o.epochs = 1;
    encoded_set train, test;
    if (cli_load_split(data_dir, "train", batches * o.batch, cfg.n_in, cfg.n_out, cfg.steps,
                       &train, &err) != 0) {
        fprintf(stderr, "snn bench-train: %s\n", err.msg);
        return 1;
    }
    if (cli_load_split(data_dir, "t10k", 0, cfg.n_in, cfg.n_out, cfg.steps, &test, &err) != 0) {
        fprintf(stderr, "snn bench-train: %s\n", err.msg);
        encoded_set_free(&train);
        return 1;
    }
    snn_model m;
    snn_rng rng;
    snn_rng_seed(&rng, 1, 0);
    if (snn_model_alloc(&m, &cfg, &err) != 0) {
        fprintf(stderr, "snn bench-train: %s\n", err.msg);
        return 1;
    }
    snn_model_init(&m, s1, &rng);
    snn_trainer *t = snn_trainer_new(&m, &o, &err);
    snn_epoch_stats s;
    snn_eval_stats ev;
    if (!t || snn_trainer_epoch(t, &train.spikes, &test.spikes, &s, &err) != 0 ||
        snn_evaluate(&m, &test.spikes, threads, &ev, NULL, &err) != 0) {
        fprintf(stderr, "snn bench-train: %s\n", err.msg);
        snn_trainer_free(t);
        snn_model_free(&m);
        return 1;
    }
    char machine[300];
    machine_describe(machine, sizeof machine);
    int nt = threads > 0 ? threads : omp_get_max_threads();
    double events = 0;
    for (int i = 0; i < train.spikes.n; i++)
        events += spike_data_count(&train.spikes, i);
    printf("machine: %s; %d threads\n", machine, nt);
    char arch[128], ei[128];
    snn_arch_format(&cfg, arch, sizeof arch);
    snn_ei_format(&cfg, ei, sizeof ei);
    printf("network: %s, %s, %d steps, batch %d, s1 %g, %.0f input spikes/sample\n", arch, ei,
           cfg.steps, o.batch, s1, events / train.spikes.n);
    /* Work per training sample: the backward's dense products dS = W d + rec dcur (a
     * multiply and an add per weight per step), and the event-driven row sums of the
     * forward pass and of the weight gradients (an add per weight of a spiking row). */
    double dense = 0, rows = events / train.spikes.n * cfg.layer[0].size;
    for (int l = 0; l < cfg.n_layers; l++) {
        double fan = snn_ff_cols(&cfg, l + 1) + (cfg.layer[l].recurrent ? cfg.layer[l].size : 0);
        dense += 2.0 * cfg.steps * cfg.layer[l].size * fan;
        rows += s.layer_hz[l] * 1e-3 * cfg.steps * cfg.layer[l].size * fan;
    }
    double flops = dense + 2 * rows;
    printf("train: %.0f samples/s (%d batches); %.2f MFLOP/sample (%.2f in the backward's dense "
           "products) -> %.2f GFLOP/s\n",
           s.samples_per_s, batches, flops * 1e-6, dense * 1e-6, flops * s.samples_per_s * 1e-9);
    printf("inference: %.0f samples/s (%d test images)\n", ev.n / ev.seconds, ev.n);
    if (as_json) {
        json_out j;
        json_begin(&j, stdout);
        json_num(&j, "train_samples_per_s", s.samples_per_s);
        json_num(&j, "inference_samples_per_s", ev.n / ev.seconds);
        json_num(&j, "train_mflop_per_sample", flops * 1e-6);
        json_num(&j, "train_gflop_per_s", flops * s.samples_per_s * 1e-9);
        json_int(&j, "threads", nt);
        json_end(&j);
    }
    snn_trainer_free(t);
    snn_model_free(&m);
    encoded_set_free(&train);
    encoded_set_free(&test);
    return 0;
}
