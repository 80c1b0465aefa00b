/* split.h - a validation split held out of a training set, without copying.
 *
 * The held-out samples are the last n_val of the set (deterministic, no draw:
 * the IDX files are already shuffled), the training part the samples before
 * them. Both are views into the same arrays: they borrow everything and are
 * never passed to spike_data_free.
 */
#ifndef SNN_SPLIT_H
#define SNN_SPLIT_H

#include "dataset.h"

/* train = samples [0, n - n_val) of all, val = [n - n_val, n). n_val = 0 gives
 * train = all and an empty val. An n_val that leaves no training sample, or a
 * negative one, is an error naming `what` (the data) and both counts. */
int spike_data_split_tail(const spike_data *all, int n_val, const char *what, spike_data *train,
                          spike_data *val, snn_error *err);

#endif
