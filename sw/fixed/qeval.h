/* qeval.h - running the integer reference model over a whole data set.
 *
 * Accuracy, firing rates and saturation counters (spec §7) of a qnet on
 * latency-coded samples, in parallel. Image i of the set runs with noise
 * image index i (spec §5.2), so results do not depend on the thread count.
 * Not here: the model itself (qnet.h).
 */
#ifndef SNN_QEVAL_H
#define SNN_QEVAL_H

#include "../data/dataset.h"
#include "qnet.h"

typedef struct {
    int n, correct;
    double acc;
    uint64_t exc_spikes, inh_spikes;
    double hidden_hz, exc_hz, inh_hz; /* spikes / image / neurons / (steps * 1 ms) */
    uint64_t sat[SAT_KINDS];          /* saturation events over the set, spec §7 */
    uint64_t sops;                    /* synaptic operations over the set */
    double seconds;                   /* wall time of the runs (encoding excluded) */
    int threads;                      /* threads used */
} qnet_eval_stats;

/* Runs q on every sample of data with `threads` threads (0 = OpenMP default).
 * If predictions is non-NULL it receives one class per sample. Fails if the
 * data's inputs, steps or classes do not fit q. */
int qnet_evaluate(const qnet *q, const spike_data *data, int threads, qnet_eval_stats *out,
                  int *predictions, snn_error *err);

/* The register kinds' names ("acc1", "syn", ...), indexed by SAT_*. */
extern const char *const qnet_register_names[SAT_KINDS];

#endif
