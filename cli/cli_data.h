/* cli_data.h - what the commands that pair a model with a data set share:
 * the --model, --data and --limit option rows, and loading a model with its
 * data set, refused (naming the file) unless the network can take it: the
 * same input count, and no label beyond its readout. The data is an IDX
 * directory (Fashion-MNIST by default) or events in .npz or SHD HDF5 files,
 * or one file of those (encoded_set_load).
 */
#ifndef SNN_CLI_DATA_H
#define SNN_CLI_DATA_H

#include "../sw/data/dataset.h"
#include "../sw/fixed/qnet.h"
#include "../sw/net/model.h"

typedef struct {
    const char *model; /* --model */
    const char *dir;   /* --data: the data set's directory, or one events file */
    int limit;         /* --limit (or --images): first N samples, 0 = all */
} cli_data;

#define CLI_DATA_DEFAULTS {NULL, DEFAULT_DATA_DIR, 0}

/* What --data takes (docs/data.md). */
#define CLI_DATA_HELP                                                                             \
    "the data: a directory of IDX files (<split>-images-idx3-ubyte[.gz] and labels, split train " \
    "or t10k; Fashion-MNIST by default) or of spike events (train.npz and test.npz, or SHD's "    \
    "shd_train.h5 and shd_test.h5); or one file: IDX images (labels beside), events .npz or "    \
    "SHD HDF5 (docs/data.md)"

/* Option rows for a table: the model, then the data and how much of it. */
#define CLI_MODEL_ROW(d, what) {"--model", ARG_STRING, &(d).model, 0, -1, what " (required)"}
#define CLI_DATA_ROWS(d, limit_name, limit_min, limit_max, limit_help)                          \
    {"--data", ARG_STRING, &(d).dir, 0, -1, CLI_DATA_HELP},                                     \
    {limit_name, ARG_INT, &(d).limit, limit_min, limit_max, limit_help}

/* Loads `split` ("train" or "t10k", its first `limit` samples, 0 = all) of the
 * data at `dir` encoded at `steps` steps, checked against a network with n_in
 * inputs and n_out classes. */
int cli_load_split(const char *dir, const char *split, int limit, int n_in, int n_out, int steps,
                   encoded_set *out, snn_error *err);
/* Both splits of dir (encoded_pair_load), checked against the network, unless
 * n_in is 0: a fresh network, sized from the data. */
int cli_load_pair(const char *dir, int limit, int test_limit, int n_in, int n_out, int steps,
                  encoded_set *train, encoded_set *test, snn_error *err);

/* d->model as a quantized model, and d's test set checked against it. On
 * failure nothing is left to free. */
int cli_load_qnet_test(const cli_data *d, qnet *q, encoded_set *test, snn_error *err);
/* The same for a float model. */
int cli_load_model_test(const cli_data *d, snn_model *m, encoded_set *test, snn_error *err);

#endif
