/* qeval.c - see qeval.h. */
#include "qeval.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

const char *const qnet_register_names[SAT_KINDS] = {"acc1", "syn", "mem", "acc2", "flt", "out"};

int qnet_evaluate(const qnet *q, const spike_data *data, int threads, qnet_eval_stats *out,
                  int *predictions, snn_error *err)
{
    memset(out, 0, sizeof *out);
    if (data->n_inputs != q->n_in || data->steps != q->steps)
        return snn_fail(err, "data have %d inputs x %d steps; the quantized model takes %d x %d",
                        data->n_inputs, data->steps, q->n_in, q->steps);
    if (data->n_classes > q->n_out)
        return snn_fail(err, "data have %d classes; the quantized model has %d readouts",
                        data->n_classes, q->n_out);
    if (threads < 1)
        threads = omp_get_max_threads();
    size_t scratch_size = qnet_scratch_size(q);
    const int n_total = qnet_hidden_total(q);
    int n_exc = 0;
    for (int l = 0; l < q->n_layers; l++)
        n_exc += q->layer[l].n_exc;
    uint64_t sat[SAT_KINDS] = {0}, exc = 0, inh = 0, sops = 0;
    int correct = 0, oom = 0;
    double t0 = omp_get_wtime();
#pragma omp parallel num_threads(threads) reduction(+ : sat[:SAT_KINDS], exc, inh, sops, correct) \
    reduction(| : oom)
    {
        void *scratch = aligned_alloc(64, scratch_size);
        uint32_t *counts = malloc((size_t)n_total * sizeof *counts);
        oom = !scratch || !counts;
#pragma omp for schedule(dynamic, 64)
        for (int i = 0; i < data->n; i++) {
            if (oom)
                continue;
            qnet_result res;
            qnet_run_image(q, data->events, data->step_start + (size_t)i * (data->steps + 1),
                           (uint32_t)i, scratch, &res, NULL, counts);
            correct += res.prediction == data->labels[i];
            if (predictions)
                predictions[i] = res.prediction;
            for (int l = 0, at = 0; l < q->n_layers; at += q->layer[l++].size)
                for (int j = 0; j < q->layer[l].size; j++)
                    *(j < q->layer[l].n_exc ? &exc : &inh) += counts[at + j];
            for (int k = 0; k < SAT_KINDS; k++)
                sat[k] += res.sat[k];
            sops += res.sops;
        }
        free(scratch);
        free(counts);
    }
    out->seconds = omp_get_wtime() - t0;
    if (oom)
        return snn_fail(err, "out of memory for the integer model's scratch");
    out->n = data->n;
    out->threads = threads;
    out->correct = correct;
    out->acc = data->n ? (double)correct / data->n : 0;
    out->exc_spikes = exc;
    out->inh_spikes = inh;
    double per_s = data->n ? 1.0 / (data->n * q->steps * 1e-3) : 0;
    int n_inh = n_total - n_exc;
    out->hidden_hz = (double)(exc + inh) * per_s / n_total;
    out->exc_hz = n_exc ? (double)exc * per_s / n_exc : 0;
    out->inh_hz = n_inh ? (double)inh * per_s / n_inh : 0;
    memcpy(out->sat, sat, sizeof sat);
    out->sops = sops;
    return 0;
}
