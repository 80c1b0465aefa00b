/* cmd_cosim.c - `snn cosim`: the RTL core against the integer reference model, spike for spike.
 *
 * Loads a quantized model and the test set, runs both (sim/cosim/) and prints
 * what was compared, the mismatches (the first one in detail, with a waveform
 * window), the core's cycle figures and both accuracies. Exit status 1 on any
 * mismatch, so scripts and tests can rely on it. `--core BOARD` runs the same
 * command in snn-core-BOARD (next to this binary: `snn` linked with the core
 * configuration that board ships, sim/sim.mk), so a board's model is checked on
 * the board's core.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../sim/cosim/cosim.h"
#include "../sw/fixed/qnet_io.h"
#include "../sw/util/json.h"
#include "../sw/util/machine.h"
#include "../sw/util/args.h"
#include "commands.h"

static void print_mismatch(const cosim_mismatch *m, const char *trace)
{
    if (m->step >= 0) {
        printf("first mismatch: image %d, step %d, hidden layer %d, neuron %d: spike rtl=%lld "
               "model=%lld\n", m->image, m->step, m->layer, m->neuron, (long long)m->rtl,
               (long long)m->model);
        if (m->step >= 1)
            printf("  rtl state before step %d: mem=%lld syn=%lld\n", m->step,
                   (long long)m->rtl_mem, (long long)m->rtl_syn);
    } else {
        printf("first mismatch: image %d, readout %s[%d]: rtl=%lld model=%lld\n", m->image,
               m->what, m->neuron, (long long)m->rtl, (long long)m->model);
    }
    if (m->trace_written)
        printf("  waveform (FST, steps %d..%d): %s\n", m->step >= 0 ? m->step - 2 : -1,
               m->step >= 0 ? m->step + 1 : -1, trace);
}

/* Runs `snn-core-<core> cosim ARGS` (ARGS without --core) from this binary's
 * directory; returns only if that fails. */
static int run_on_core(const char *core, int argc, char **argv)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "snn cosim: cannot find this binary's directory for --core\n");
        return 1;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    *slash = '\0';
    snprintf(path, sizeof path, "%s/snn-core-%s", exe, core);
    char *args[argc + 2];
    int k = 0;
    char name[] = "cosim";
    args[k++] = path;
    args[k++] = name;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--core") == 0) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--core=", 7) != 0)
            args[k++] = argv[i];
    }
    args[k] = NULL;
    execv(path, args);
    fprintf(stderr, "snn cosim: --core %s needs %s (make %s; the cores: the boards of "
            "constraints/constraints.mk)\n", core, path, path);
    return 1;
}

int cmd_cosim(int argc, char **argv)
{
    cli_data d = CLI_DATA_DEFAULTS;
    const char *trace = NULL, *mismatch_trace = "cosim-mismatch.fst", *core = NULL;
    int noise_bits = -1, threads = 2, as_json = 0;
    uint64_t seed = UINT64_MAX; /* out of range: the model's */
    arg_spec specs[] = {
        CLI_MODEL_ROW(d, "quantized model file"),
        CLI_DATA_ROWS(d, "--images", 0, 1 << 30, "first N test images (0 = all)"),
        {"--noise-bits", ARG_INT, &noise_bits, -1, 16, "noise bits N, spec §5 (-1 = the model's)"},
        {"--seed", ARG_U64, &seed, 0, 4294967295.0, "noise seed, 32 bits (default: the model's)"},
        {"--threads", ARG_INT, &threads, 1, 64, "simulator instances in parallel"},
        {"--trace", ARG_STRING, &trace, 0, -1, "write the waveform (FST) of image 0 to this file"},
        {"--mismatch-trace", ARG_STRING, &mismatch_trace, 0, -1,
         "waveform (FST) around the first mismatch"},
        {"--json", ARG_FLAG, &as_json, 0, -1, "print a JSON summary as the last line"},
        {"--core", ARG_STRING, &core, 0, -1,
         "run on the core a board ships (icebreaker, hx8k) instead of the general one"},
    };
    int rc = args_parse("cosim",
                        "Run test images through the RTL core (Verilator) and the integer reference "
                        "model; compare every hidden spike and readout value.",
                        specs, (int)(sizeof specs / sizeof specs[0]), argc, argv);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (core)
        return run_on_core(core, argc, argv);
    if (!d.model) {
        fprintf(stderr, "snn cosim: --model is required\n");
        return 2;
    }
    const char *model_path = d.model;
    snn_error err;
    qnet q;
    encoded_set test;
    if (cli_load_qnet_test(&d, &q, &test, &err) != 0) {
        fprintf(stderr, "snn cosim: %s\n", err.msg);
        return 1;
    }
    if (noise_bits >= 0)
        q.noise_bits = noise_bits;
    if (seed != UINT64_MAX)
        q.seed = (uint32_t)seed;
    if (qnet_check(&q, model_path, &err) != 0) {
        fprintf(stderr, "snn cosim: %s\n", err.msg);
        encoded_set_free(&test);
        qnet_free(&q);
        return 1;
    }
    cosim_options o = {.images = test.spikes.n, .threads = threads, .trace_path = trace,
                       .mismatch_trace = mismatch_trace};
    cosim_report r;
    rc = cosim_run(&q, &test.spikes, &o, &r, &err);
    if (rc != 0) {
        fprintf(stderr, "snn cosim: %s\n", err.msg);
    } else {
        const core_build b = r.build;
        char machine[256];
        machine_describe(machine, sizeof machine);
        double n = r.images ? r.images : 1;
        double cycles_per_sop = r.sops ? (double)r.cycles / r.sops : 0;
        printf("cosim %s: %d images, %llu spikes (neuron x step) and %llu readout values "
               "compared: %llu mismatches\n", model_path, r.images,
               (unsigned long long)r.spikes_compared, (unsigned long long)r.readouts_compared,
               (unsigned long long)r.mismatches);
        if (r.first.found)
            print_mismatch(&r.first, mismatch_trace);
        printf("  core (P=%d PL=%d RL=%d lanes, B=%d H=%d R=%d, %d layers%s): %.0f cycles/image, "
               "%.3f cycles/SOP, %.0f SOPs/image, %.1f hidden spikes/image\n", b.lanes,
               b.hidden_lanes, b.readout_lanes, b.weight_bits, b.hidden_bits, b.readout_bits,
               b.max_layers, b.recurrent ? ", recurrent" : "", r.cycles / n, cycles_per_sop, r.sops / n,
               r.hidden_spikes / n);
        printf("  accuracy: rtl %.2f%%, model %.2f%%\n", 100.0 * r.rtl_correct / n,
               100.0 * r.model_correct / n);
        printf("  %.1f s on %d threads: %.1f images/s, %.2f M simulated cycles/s (%s)\n",
               r.seconds, threads, r.images / r.seconds, r.sim_cycles / r.seconds / 1e6, machine);
        if (trace)
            printf("  waveform of image 0: %s\n", trace);
        if (as_json) {
            json_out j;
            json_begin(&j, stdout);
            json_str(&j, "model", model_path);
            json_int(&j, "images", r.images);
            json_int(&j, "spikes_compared", (long long)r.spikes_compared);
            json_int(&j, "readouts_compared", (long long)r.readouts_compared);
            json_int(&j, "mismatches", (long long)r.mismatches);
            json_num(&j, "cycles_per_image", r.cycles / n);
            json_int(&j, "sops", (long long)r.sops);
            json_num(&j, "cycles_per_sop", cycles_per_sop);
            json_num(&j, "sim_cycles_per_s", r.sim_cycles / r.seconds);
            json_num(&j, "images_per_s", r.images / r.seconds);
            json_num(&j, "seconds", r.seconds);
            json_int(&j, "threads", threads);
            json_str(&j, "machine", machine);
            json_num(&j, "rtl_acc", r.rtl_correct / n);
            json_num(&j, "model_acc", r.model_correct / n);
            json_int(&j, "lanes", b.lanes);
            json_int(&j, "hidden_lanes", b.hidden_lanes);
            json_int(&j, "readout_lanes", b.readout_lanes);
            json_int(&j, "noise_bits", q.noise_bits);
            if (r.first.found) {
                json_int(&j, "first_image", r.first.image);
                json_int(&j, "first_step", r.first.step);
                json_int(&j, "first_layer", r.first.layer);
                json_int(&j, "first_neuron", r.first.neuron);
                json_str(&j, "first_what", r.first.what);
            }
            json_end(&j);
        }
    }
    encoded_set_free(&test);
    qnet_free(&q);
    return rc != 0 || r.mismatches ? 1 : 0;
}
