/* dataset.h - labelled data sets and their spike events.
 *
 * A dataset is images as bytes plus labels (IDX files of any image size and
 * class count). The network never sees pixels: encode_latency() turns them
 * into spike events (input index, time step), stored per sample and per step,
 * which is what every kernel, the integer model and the hardware consume.
 * Event data sets (events.h, and the SHD loader shd.h) arrive as events directly.
 * A data set reports its number of classes (spike_data.n_classes: the largest
 * label + 1, or the count the file declares): the readout size that fits it.
 */
#ifndef SNN_DATASET_H
#define SNN_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

#define DEFAULT_DATA_DIR "/usr/share/datasets/fashion-mnist"

typedef struct {
    int n;          /* samples */
    int rows, cols; /* image shape */
    int n_pixels;   /* values per sample: rows * cols */
    int n_classes;  /* largest label in the whole label file + 1 */
    uint8_t *pixels; /* [n, n_pixels] */
    uint8_t *labels; /* [n] */
} dataset;

/* Loads "<dir>/<split>-images-idx3-ubyte[.gz]" and the matching labels,
 * split being "train" or "t10k". limit > 0 keeps only the first `limit`. */
int dataset_load_idx(const char *dir, const char *split, int limit, dataset *out, snn_error *err);
/* The same from the two files' paths. */
int dataset_read_idx(const char *images_path, const char *labels_path, int limit, dataset *out,
                     snn_error *err);
void dataset_free(dataset *d);

/* Spike events of many samples. Events of sample s at step t are
 * events[step_start[s*(steps+1)+t] .. step_start[s*(steps+1)+t+1]),
 * input indices in ascending order. */
typedef struct {
    int n, n_inputs, steps;
    int rows, cols;       /* image shape of latency-coded images (n_inputs = rows * cols);
                           * 0 for spike events, which have none */
    uint32_t *step_start; /* [n*(steps+1)] absolute offsets into events */
    uint16_t *events;     /* input index of each event */
    uint8_t *labels;      /* [n], borrowed from the dataset or owned (see owns_labels) */
    int n_classes;        /* the data set's classes: every label is below it */
    int owns_labels;
} spike_data;

/* The paper's latency code: pixel x = p/255 fires once, at step
 * floor(20 ln(x / (x - 0.2))) when x > 0.2; dimmer pixels never fire.
 * Returns the step, or -1 for a pixel that never fires. */
int latency_step(uint8_t pixel);

/* Encodes a dataset; events at steps >= steps are dropped. out borrows d's labels. */
int encode_latency(const dataset *d, int steps, spike_data *out, snn_error *err);

/* Builds spike_data from an explicit event list (SHD-style data): events
 * (sample, step, input) in any order; they are sorted here. Takes ownership
 * of labels. */
int spike_data_from_events(int n, int n_inputs, int steps, int n_classes, uint8_t *labels,
                           size_t n_events, const uint32_t *ev_sample, const uint16_t *ev_step,
                           const uint16_t *ev_input, spike_data *out, snn_error *err);

void spike_data_free(spike_data *s);

/* A growing list of spike events, the input of spike_data_from_events. Start from
 * (event_list){0}; push returns -1 when out of memory (the list stays valid). */
typedef struct {
    uint32_t *sample;
    uint16_t *step, *input;
    size_t n, cap;
} event_list;
int event_list_push(event_list *l, uint32_t sample, uint16_t step, uint16_t input);
void event_list_free(event_list *l);

/* Refuses data that a network with n_inputs inputs and n_classes readouts cannot
 * take: another input count, or any label >= n_classes (it would index past the
 * readout). `what` names the data (file or directory) in the message. */
int spike_data_check_shape(const spike_data *s, int n_inputs, int n_classes, const char *what,
                           snn_error *err);

/* One split of a data set as a network takes it: its spike events and, for IDX
 * data, the images they encode (the spikes borrow their labels). */
typedef struct {
    dataset images;         /* IDX data; empty (n = 0) for events */
    spike_data spikes;
    char inputs_file[1024]; /* where the inputs came from: the images or the events file */
    char labels_file[1024]; /* and the labels */
} encoded_set;

/* Loads `split` ("train" or "t10k": the test split) of the data at `path`, encoded
 * at `steps` steps: IDX files "<path>/<split>-images-idx3-ubyte[.gz]" (and
 * labels), latency-coded; else an events file "<path>/train.npz" or
 * "<path>/test.npz" (events.h); else an SHD file "<path>/shd_train.h5" or
 * "<path>/shd_test.h5" (shd.h, its times binned over SHD_MAX_TIME); or,
 * when path is a file, that file itself, whichever the split
 * (encoded_set_load_file). limit > 0 keeps the first `limit` samples. */
int encoded_set_load(const char *path, const char *split, int limit, int steps, encoded_set *out,
                     snn_error *err);
/* One file of one split: IDX images when its name holds "images-idx3-ubyte"
 * (with the labels file named alike, "labels-idx1-ubyte"); else an events file:
 * SHD HDF5 (named .h5 or .hdf5, or starting with HDF5's signature; its times
 * binned over SHD_MAX_TIME), else a .npz. */
int encoded_set_load_file(const char *path, int limit, int steps, encoded_set *out,
                          snn_error *err);
/* Both splits of the data at `path` (a directory) as one data set: refused,
 * naming both files, unless their image shapes (or input counts) agree; both
 * then report the larger of their class counts. */
int encoded_pair_load(const char *path, int train_limit, int test_limit, int steps,
                      encoded_set *train, encoded_set *test, snn_error *err);
/* spike_data_check_shape naming the file at fault: the inputs' or the labels'. */
int encoded_set_check(const encoded_set *e, int n_inputs, int n_classes, snn_error *err);
void encoded_set_free(encoded_set *e);

/* Number of events of sample s. */
static inline uint32_t spike_data_count(const spike_data *s, int sample)
{
    const uint32_t *st = s->step_start + (size_t)sample * (s->steps + 1);
    return st[s->steps] - st[0];
}

#endif
