/* events.h - spike-event data sets in .npz files (the format: docs/data.md).
 *
 * One file per split, written by np.savez from flat arrays:
 *   times   (E)    spike times, float or integer, >= 0, in the unit of dt
 *   units   (E)    the input that spiked, integer in [0, n_units)
 *   offsets (n+1)  sample i's spikes are [offsets[i], offsets[i+1]); offsets[0] = 0,
 *                  non-decreasing, offsets[n] = E
 *   labels  (n)    integer class of each sample, 0..255
 * and optional integer scalars n_units (inputs per sample; default max unit + 1),
 * n_classes (readout size; default max label + 1) and a scalar dt (the length of
 * one 1 ms step in the unit of times; default 1: times in milliseconds).
 * Sample i's spike at time t lands on step floor(t / dt); spikes at step >= steps
 * are dropped, and several spikes of one unit in one step count once (as in
 * the SHD loader). The whole file is checked, whatever the limit.
 */
#ifndef SNN_EVENTS_H
#define SNN_EVENTS_H

#include "../format/npz.h"
#include "dataset.h"

/* Loads the first `limit` samples (all when limit <= 0) of an events file,
 * binned into `steps` steps. Errors name the file and the array (a missing
 * array, a dtype or shape it cannot have, offsets that are not monotone, a
 * negative, infinite or NaN time, a unit >= n_units, a label out of range). */
int events_load_npz(const char *path, int limit, int steps, spike_data *out, snn_error *err);
/* The same from a decoded archive; `name` is used in messages. */
int events_from_npz(const npz_file *f, const char *name, int limit, int steps, spike_data *out,
                    snn_error *err);

#endif
