/* augment.h - data augmentation on spike events: translation of image samples.
 *
 * Latency-coded IDX data (spike_data with rows and cols set) keeps each
 * event's input as a row-major pixel index, so moving the image moves every
 * event to another input. Spike events of other data (.npz, SHD) have no
 * image shape: no translation applies to them (rows = cols = 0).
 */
#ifndef SNN_AUGMENT_H
#define SNN_AUGMENT_H

#include "dataset.h"

/* Sample s of d translated by dx columns and dy rows (d->rows x d->cols
 * images, n_inputs = rows * cols): events[] gets its events with inputs
 * moved, in ascending input order within each step, those pushed off the
 * image dropped, and start[0..steps] the offsets of each step's events
 * (start[t] .. start[t+1]). events must hold spike_data_count(d, s) values. */
void spike_data_shift_sample(const spike_data *d, int s, int dx, int dy, uint16_t *events,
                             uint32_t *start);

/* 0 when d is images (rows * cols = n_inputs), so that a shift applies; else an
 * error naming `what` (the data) that says they are events without an image shape. */
int spike_data_check_images(const spike_data *d, const char *what, snn_error *err);

#endif
