/* cosim.c - see cosim.h. */
#include "cosim.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What one thread accumulates; merged at the end. */
typedef struct {
    cosim_report r;
    snn_error err;
    int failed;
} worker;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Whether (image, step, layer, neuron) comes before the mismatch m: spikes of a
 * step before the readout values (step -1), which are checked after the last
 * step; within a step, the layers in order (spec §4.6). */
static int comes_before(int image, int step, int layer, int neuron, const cosim_mismatch *m)
{
    if (!m->found)
        return 1;
    if (image != m->image)
        return image < m->image;
    int a = step < 0 ? INT_MAX : step, b = m->step < 0 ? INT_MAX : m->step;
    if (a != b)
        return a < b;
    if (layer != m->layer)
        return layer < m->layer;
    return neuron < m->neuron;
}

/* Counts a mismatch and keeps the first one. */
static void note(cosim_report *r, int image, int step, int layer, int neuron, const char *what,
                 int64_t rtl, int64_t model)
{
    r->mismatches++;
    if (comes_before(image, step, layer, neuron, &r->first))
        r->first = (cosim_mismatch){.found = 1, .image = image, .step = step, .layer = layer,
                                    .neuron = neuron,
                                    .what = what, .rtl = rtl, .model = model};
}

/* Compares one image's spikes (steps x n_hidden) and readout values. */
static void compare(const qnet *q, int image, const uint8_t *rtl_spk, const uint8_t *model_spk,
                    const core_sim_result *rr, const qnet_result *mr, cosim_report *r)
{
    const int total = qnet_hidden_total(q);
    const size_t n = (size_t)q->steps * total;
    if (memcmp(rtl_spk, model_spk, n) != 0)
        for (size_t i = 0; i < n; i++)
            if (rtl_spk[i] != model_spk[i]) {
                int j = (int)(i % total), l = 0;
                while (l + 1 < q->n_layers && j >= qnet_layer_offset(q, l + 1))
                    l++;
                note(r, image, (int)(i / total), l, j - qnet_layer_offset(q, l), "spike",
                     rtl_spk[i], model_spk[i]);
            }
    r->spikes_compared += n;
    for (int k = 0; k < q->n_out; k++) {
        if (rr->max_out[k] != mr->max_out[k])
            note(r, image, -1, -1, k, "max", rr->max_out[k], mr->max_out[k]);
        if (rr->final_out[k] != mr->final_out[k])
            note(r, image, -1, -1, k, "out", rr->final_out[k], mr->final_out[k]);
    }
    if (rr->prediction != mr->prediction)
        note(r, image, -1, -1, q->n_out, "prediction", rr->prediction, mr->prediction);
    r->readouts_compared += 2 * (uint64_t)q->n_out + 1;
}

/* Images tid, tid + n_threads, ... on one simulator instance. */
static int run_share(const qnet *q, const spike_data *data, const cosim_options *o, int tid,
                     int n_threads, worker *w)
{
    snn_error *err = &w->err;
    cosim_report *r = &w->r;
    const size_t n_spk = (size_t)q->steps * qnet_hidden_total(q);
    core_sim *sim = core_sim_new(err);
    uint8_t *rtl_spk = malloc(n_spk), *model_spk = malloc(n_spk);
    void *scratch = malloc(qnet_scratch_size(q));
    int rc = -1;
    if (!sim || !rtl_spk || !model_spk || !scratch) {
        if (sim)
            snn_fail(err, "cosim: out of memory");
        goto out;
    }
    r->build = core_sim_params(sim);
    if (core_sim_load(sim, o->rtl_net ? o->rtl_net : q, "cosim", err) != 0)
        goto out;
    if (tid == 0 && o->trace_path && core_sim_trace_open(sim, o->trace_path, err) != 0)
        goto out;
    for (int s = tid; s < o->images; s += n_threads) {
        const uint32_t *st = data->step_start + (size_t)s * (data->steps + 1);
        qnet_result mr;
        core_sim_result rr;
        qnet_run_image(q, data->events, st, (uint32_t)s, scratch, &mr, model_spk, NULL);
        if (core_sim_run_image(sim, data->events, st, (uint32_t)s, rtl_spk, &rr, err) != 0)
            goto out;
        if (tid == 0 && s == 0 && o->trace_path)
            core_sim_trace_close(sim);
        compare(q, s, rtl_spk, model_spk, &rr, &mr, r);
        r->images++;
        r->cycles += rr.cycles;
        r->sops += mr.sops;
        r->hidden_spikes += mr.n_spikes;
        for (int k = 0; k < SAT_KINDS; k++)
            r->saturations += mr.sat[k];
        r->rtl_correct += rr.prediction == data->labels[s];
        r->model_correct += mr.prediction == data->labels[s];
    }
    rc = 0;
out:
    if (sim)
        r->sim_cycles += core_sim_cycles(sim);
    core_sim_free(sim);
    free(rtl_spk);
    free(model_spk);
    free(scratch);
    return rc;
}

/* Reruns the first mismatching image on a fresh core: the core's mem/syn of
 * the neuron before the step, and a waveform of steps step-2 .. step+1. */
static int explain_first(const qnet *q, const spike_data *data, const cosim_options *o,
                         cosim_mismatch *m, snn_error *err)
{
    core_sim *sim = core_sim_new(err);
    if (!sim)
        return -1;
    uint8_t *spk = malloc((size_t)q->steps * qnet_hidden_total(q));
    int rc = -1;
    core_sim_result rr;
    if (!spk) {
        snn_fail(err, "cosim: out of memory");
        goto out;
    }
    if (core_sim_load(sim, o->rtl_net ? o->rtl_net : q, "cosim", err) != 0)
        goto out;
    int step = m->step >= 0 ? m->step : q->steps - 1;
    if (m->step >= 1)
        core_sim_probe(sim, m->step, m->layer, m->neuron, &m->rtl_mem, &m->rtl_syn);
    if (o->mismatch_trace) {
        if (core_sim_trace_open(sim, o->mismatch_trace, err) != 0)
            goto out;
        core_sim_trace_steps(sim, step - 2, step + 1);
    }
    const uint32_t *st = data->step_start + (size_t)m->image * (data->steps + 1);
    if (core_sim_run_image(sim, data->events, st, (uint32_t)m->image, spk, &rr, err) != 0)
        goto out;
    core_sim_trace_close(sim);
    m->trace_written = o->mismatch_trace != NULL;
    rc = 0;
out:
    core_sim_free(sim);
    free(spk);
    return rc;
}

int cosim_run(const qnet *q, const spike_data *data, const cosim_options *o, cosim_report *r,
              snn_error *err)
{
    memset(r, 0, sizeof *r);
    if (data->steps != q->steps || data->n_inputs != q->n_in)
        return snn_fail(err, "cosim: the data have %d inputs x %d steps, the network %d x %d",
                        data->n_inputs, data->steps, q->n_in, q->steps);
    if (o->images < 0 || o->images > data->n)
        return snn_fail(err, "cosim: %d images asked, the data have %d", o->images, data->n);
    int n_threads = o->threads < 1 ? 1 : o->threads;
    worker *w = calloc((size_t)n_threads, sizeof *w);
    if (!w)
        return snn_fail(err, "cosim: out of memory");
    double t0 = now_s();
#pragma omp parallel for num_threads(n_threads) schedule(static, 1)
    for (int tid = 0; tid < n_threads; tid++)
        w[tid].failed = run_share(q, data, o, tid, n_threads, &w[tid]) != 0;
    r->seconds = now_s() - t0;

    int rc = 0;
    for (int tid = 0; tid < n_threads; tid++) {
        const cosim_report *x = &w[tid].r;
        if (w[tid].failed && rc == 0) {
            *err = w[tid].err;
            rc = -1;
        }
        r->build = x->build;
        r->images += x->images;
        r->spikes_compared += x->spikes_compared;
        r->readouts_compared += x->readouts_compared;
        r->cycles += x->cycles;
        r->sops += x->sops;
        r->sim_cycles += x->sim_cycles;
        r->hidden_spikes += x->hidden_spikes;
        r->saturations += x->saturations;
        r->rtl_correct += x->rtl_correct;
        r->model_correct += x->model_correct;
        const cosim_mismatch *m = &x->first;
        if (m->found && comes_before(m->image, m->step, m->layer, m->neuron, &r->first))
            r->first = *m;
        r->mismatches += x->mismatches;
    }
    free(w);
    if (rc == 0 && r->first.found)
        rc = explain_first(q, data, o, &r->first, err);
    return rc;
}
