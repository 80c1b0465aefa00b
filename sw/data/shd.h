/* shd.h - the Spiking Heidelberg Digits (SHD) data set, from its HDF5 release files.
 *
 * A release file (shd_train.h5, shd_test.h5) holds, per sample, the spike
 * times in seconds (/spikes/times, variable-length float arrays), the cochlear
 * channel of each spike (/spikes/units, variable-length integer arrays, 0..699)
 * and the digit (/labels, 0..19). Files of the same layout with more classes
 * (the Spiking Speech Commands' 35) read too: the data set's class count
 * (spike_data.n_classes) is the largest label of the whole file + 1, as for
 * IDX files, whatever the limit. The loader bins times onto `steps` steps
 * spanning [0, max_time) seconds (spikes at or after max_time are dropped;
 * several spikes of one channel in one bin count once) and returns the
 * spike_data every kernel consumes. The paper's SHD network is 700-200-20.
 * Not here: the data set itself (not installable here; point --data at it).
 */
#ifndef SNN_SHD_H
#define SNN_SHD_H

#include "dataset.h"
#include "../util/error.h"

#define SHD_INPUTS 700
#define SHD_CLASSES 20    /* the digits: the readout of the sweep's SHD network */
#define SHD_MAX_LABEL 255 /* labels are stored as bytes (spike_data.labels) */
#define SHD_STEPS 100
#define SHD_MAX_TIME 1.4 /* seconds: covers nearly every SHD utterance */

/* Loads the first `limit` samples (all when limit <= 0) of an SHD HDF5 file.
 * The file is checked before libhdf5 reads it (a damaged one can crash
 * libhdf5 1.10): superblock at the start with base address 0, the group
 * metadata a name lookup follows (local heaps, group B-tree nodes, symbol
 * table messages: every address they name inside the file),
 * each dataset's type, rank, extent and layout (contiguous, as the release
 * files are; chunked data is refused), and every variable-length row against
 * its heap object. Errors name the file and the problem (missing dataset,
 * wrong type or layout, lengths that do not match, damaged heap, a unit out
 * of range, a label outside 0..255, a negative or non-finite time). */
int shd_load(const char *path, int limit, int steps, double max_time, spike_data *out,
             snn_error *err);

#endif
