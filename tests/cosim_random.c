/* cosim_random.c - random differential test of the RTL core against the integer model.
 *
 * usage: cosim_random [SEED|now] [NEURON_STEPS] [MISMATCH_FST]
 * Draws random networks and events (sim/cosim/cosim_random.h: random depth
 * (as many hidden layers as the build runs, at most 3), recurrence (if the
 * build has it), E:I splits, shapes, widths, thresholds, decays, noise; every
 * weight at its maximum; theta = 1; all inputs firing; long silences) until
 * NEURON_STEPS (default 1e6) hidden (layer, neuron, step) triples were
 * compared, and fails on any mismatch, printing the seed and case that
 * reproduce it. First it checks that the comparison can fail at all: a core
 * loaded with other thresholds must mismatch.
 * Linked with the Verilated core; built per core variant (see sim/sim.mk).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../sim/core_sim.h"
#include "../sim/cosim/cosim.h"
#include "../sim/cosim/cosim_random.h"
#include "../sw/fixed/qnet_io.h"

enum { IMAGES_PER_CASE = 4, THREADS = 2 };

/* A perturbed core must be caught: with theta = 1 in the model and the
 * largest theta in every layer of the core, the core never spikes, so every
 * model spike is a mismatch. Cases without model spikes are skipped. Returns 0
 * if the mismatches were found and reported (with a waveform). */
static int check_detection(uint64_t seed, const core_build *b, const char *fst)
{
    for (uint64_t s = seed;; s++) {
        qnet q, bad;
        spike_data d;
        snn_error err;
        if (cosim_random_case(s, CASE_MIN_THETA, 2, b, &q, &d, &err) != 0) {
            fprintf(stderr, "detection check: %s\n", err.msg);
            return -1;
        }
        bad = q;
        for (int l = 0; l < q.n_layers; l++)
            bad.layer[l].theta = (int32_t)((1u << (q.hidden_bits - 1)) - 1);
        remove(fst);
        cosim_options o = {.images = d.n, .threads = THREADS, .mismatch_trace = fst,
                           .rtl_net = &bad};
        cosim_report r;
        int rc = cosim_run(&q, &d, &o, &r, &err);
        qnet_free(&q);
        spike_data_free(&d);
        if (rc != 0) {
            fprintf(stderr, "detection check: %s\n", err.msg);
            return -1;
        }
        if (r.hidden_spikes == 0)
            continue; /* nothing to miss: draw another case */
        struct stat st;
        int trace_ok = stat(fst, &st) == 0 && st.st_size > 0;
        printf("detection check (case seed %" PRIu64 ", %d layers, core with the largest theta): %"
               PRIu64 " mismatches for %" PRIu64 " model spikes, first at image %d step %d layer %d "
               "neuron %d (%s rtl=%" PRId64 " model=%" PRId64 "), waveform %s\n", s, bad.n_layers,
               r.mismatches, r.hidden_spikes, r.first.image, r.first.step, r.first.layer,
               r.first.neuron, r.first.what,
               r.first.rtl, r.first.model, trace_ok ? "written" : "MISSING");
        if (r.mismatches < r.hidden_spikes || !r.first.found || !trace_ok) {
            fprintf(stderr, "FAIL: a core that never spikes was not caught\n");
            return -1;
        }
        return 0;
    }
}

/* On a build with layers: a core whose last hidden layer alone has the largest
 * theta must mismatch in that layer first (the earlier layers do not depend on
 * it), so mismatches are placed in the right layer. Draws cases until one of
 * 2+ layers whose last layer spikes in the model. */
static int check_layer_detection(uint64_t seed, const core_build *b, const char *fst)
{
    for (uint64_t s = seed; s < seed + 200; s++) {
        qnet q, bad;
        spike_data d;
        snn_error err;
        if (cosim_random_case(s, CASE_MIN_THETA, 2, b, &q, &d, &err) != 0) {
            fprintf(stderr, "layer detection check: %s\n", err.msg);
            return -1;
        }
        bad = q;
        int last = q.n_layers - 1;
        bad.layer[last].theta = (int32_t)((1u << (q.hidden_bits - 1)) - 1);
        cosim_options o = {.images = d.n, .threads = THREADS, .mismatch_trace = fst,
                           .rtl_net = &bad};
        cosim_report r;
        int rc = last > 0 ? cosim_run(&q, &d, &o, &r, &err) : 0;
        qnet_free(&q);
        spike_data_free(&d);
        if (rc != 0) {
            fprintf(stderr, "layer detection check: %s\n", err.msg);
            return -1;
        }
        if (last == 0 || r.mismatches == 0)
            continue; /* one layer, or its last layer never spiked: draw another case */
        printf("layer detection check (case seed %" PRIu64 ", theta of layer %d changed in the "
               "core): %" PRIu64 " mismatches, first at image %d step %d layer %d neuron %d\n",
               s, last, r.mismatches, r.first.image, r.first.step, r.first.layer, r.first.neuron);
        if (r.first.layer != last) {
            fprintf(stderr, "FAIL: the first mismatch is not in layer %d\n", last);
            return -1;
        }
        return 0;
    }
    fprintf(stderr, "FAIL: no case of several layers with spikes in the last one\n");
    return -1;
}

/* What the build lacks is refused by core_sim_load before anything is written,
 * naming the limit: a second layer, a recurrent layer, readout decays of its own. */
static int check_refusals(const core_build *b)
{
    static const char *const limit[] = {"MAX_LAYERS", "RECURRENT", "OUT_DECAYS"};
    const int lacks[] = {b->max_layers == 1, !b->recurrent, !b->out_decays};
    snn_error err;
    core_sim *sim = core_sim_new(&err);
    if (!sim) {
        fprintf(stderr, "refusal check: %s\n", err.msg);
        return -1;
    }
    int rc = 0;
    for (int what = 0; what < 3 && rc == 0; what++) {
        if (!lacks[what])
            continue;
        qnet q;
        spike_data d;
        if (cosim_random_case(99, CASE_RANDOM, 1, b, &q, &d, &err) != 0) {
            fprintf(stderr, "refusal check: %s\n", err.msg);
            rc = -1;
            break;
        }
        spike_data_free(&d);
        /* the one thing beyond the build (the arrays are not touched: refused first) */
        if (what == 0)
            q.n_layers = 2, q.layer[1] = q.layer[0];
        if (what == 1)
            q.layer[0].recurrent = 1;
        if (what == 2)
            q.out_alpha_q = q.layer[0].alpha_q == 4095 ? 4094 : q.layer[0].alpha_q + 1;
        int loaded = core_sim_load(sim, &q, "refusal", &err) == 0;
        qnet_free(&q);
        if (loaded || !strstr(err.msg, limit[what])) {
            fprintf(stderr, "FAIL: a network beyond %s was %s\n", limit[what],
                    loaded ? "loaded" : "refused without naming the limit");
            rc = -1;
        } else {
            printf("refusal check: %s\n", err.msg);
        }
    }
    core_sim_free(sim);
    return rc;
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 && strcmp(argv[1], "now") != 0 ? strtoull(argv[1], NULL, 0)
                                                             : (uint64_t)time(NULL);
    uint64_t target = argc > 2 ? strtoull(argv[2], NULL, 0) : 1000000;
    const char *fst = argc > 3 ? argv[3] : "cosim-random-mismatch.fst";
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress lines in order with the errors */
    snn_error err;
    core_sim *probe = core_sim_new(&err);
    if (!probe) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    core_build b = core_sim_params(probe);
    core_sim_free(probe);
    printf("cosim_random: seed %" PRIu64 " (rerun: %s %" PRIu64 "), core P=%d PL=%d RL=%d "
           "B=%d H=%d R=%d NOISE=%d MAX_LAYERS=%d RECURRENT=%d\n", seed, argv[0], seed, b.lanes,
           b.hidden_lanes, b.readout_lanes, b.weight_bits, b.hidden_bits, b.readout_bits, b.noise,
           b.max_layers, b.recurrent);
    if (check_refusals(&b) != 0 || check_detection(seed, &b, fst) != 0 ||
        (b.max_layers > 1 && check_layer_detection(seed, &b, fst) != 0))
        return 1;

    uint64_t compared = 0, readouts = 0, spikes = 0, cycles = 0, sops = 0, sats = 0;
    uint64_t per_kind[CASE_KINDS] = {0}, per_depth[QNET_MAX_LAYERS + 1] = {0}, recurrent = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int cases = 0;
    for (; compared < target || cases < 2 * CASE_KINDS; cases++) {
        cosim_case_kind kind = (cosim_case_kind)(cases % CASE_KINDS);
        uint64_t case_seed = seed + (uint64_t)cases;
        qnet q;
        spike_data d;
        if (cosim_random_case(case_seed, kind, IMAGES_PER_CASE, &b, &q, &d, &err) != 0) {
            fprintf(stderr, "case %d: %s\n", cases, err.msg);
            return 1;
        }
        cosim_options o = {.images = d.n, .threads = THREADS, .mismatch_trace = fst};
        cosim_report r;
        int rc = cosim_run(&q, &d, &o, &r, &err);
        if (rc != 0 || r.mismatches) {
            if (rc != 0)
                fprintf(stderr, "case %d (%s, seed %" PRIu64 "): %s\n", cases,
                        cosim_case_names[kind], case_seed, err.msg);
            else {
                char arch[96];
                qnet_arch_format(&q, arch, sizeof arch);
                fprintf(stderr, "FAIL case %d (%s, seed %" PRIu64 ", %s, %d steps, B=%d N=%d): %"
                        PRIu64 " mismatches; first at image %d step %d layer %d neuron %d: %s "
                        "rtl=%" PRId64 " model=%" PRId64 " (rtl mem=%" PRId64 " syn=%" PRId64
                        " before the step); waveform %s\n", cases, cosim_case_names[kind],
                        case_seed, arch, q.steps, q.weight_bits, q.noise_bits, r.mismatches,
                        r.first.image, r.first.step, r.first.layer, r.first.neuron, r.first.what,
                        r.first.rtl, r.first.model, r.first.rtl_mem, r.first.rtl_syn, fst);
            }
            qnet_free(&q);
            spike_data_free(&d);
            return 1;
        }
        compared += r.spikes_compared;
        readouts += r.readouts_compared;
        spikes += r.hidden_spikes;
        sats += r.saturations;
        cycles += r.cycles;
        sops += r.sops;
        per_kind[kind] += r.spikes_compared;
        per_depth[q.n_layers] += r.spikes_compared;
        for (int l = 0; l < q.n_layers; l++)
            recurrent += q.layer[l].recurrent ? (uint64_t)q.layer[l].size * q.steps * d.n : 0;
        qnet_free(&q);
        spike_data_free(&d);
    }
    printf("cosim_random: %d cases x %d images, %" PRIu64 " neuron-steps (", cases,
           IMAGES_PER_CASE, compared);
    for (int k = 0; k < CASE_KINDS; k++)
        printf("%s%s %" PRIu64, k ? ", " : "", cosim_case_names[k], per_kind[k]);
    printf("; depth");
    for (int l = 1; l <= QNET_MAX_LAYERS; l++)
        if (per_depth[l])
            printf(" %d: %" PRIu64, l, per_depth[l]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("; in recurrent layers %" PRIu64 ") and %" PRIu64 " readout values compared, %" PRIu64
           " hidden spikes, %" PRIu64 " saturations, %.3f cycles/SOP, %.1f s (%.2f M "
           "neuron-steps/s): 0 mismatches\n", recurrent, readouts, spikes, sats,
           sops ? (double)cycles / sops : 0, secs, compared / secs / 1e6);
    return 0;
}
