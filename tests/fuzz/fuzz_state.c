/* fuzz_state.c - libFuzzer harness of the training-state decoder (sw/train/train.c):
 * the blob a checkpoint carries (docs/model-format.md, versions 3 and 4). Its
 * options are read, and a trainer of a 4-3-2 network made with them restores it.
 * Seeds: tests/fuzz/corpus/state/ (make_state_corpus.py). */
#include <stdint.h>
#include <stdlib.h>

#include "../../sw/train/train.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    snn_train_options o = snn_default_train_options();
    if (snn_train_state_options(data, size, "fuzz", &o, NULL) != 0)
        return 0;
    snn_config c = snn_default_config();
    c.n_in = 4, c.layer[0].size = 3, c.layer[0].n_exc = 2, c.n_out = 2, c.steps = 20;
    snn_model m;
    if (snn_model_alloc(&m, &c, NULL) != 0)
        return 0;
    snn_trainer *t = snn_trainer_new(&m, &o, NULL);
    if (t)
        snn_trainer_restore(t, data, size, "fuzz", NULL);
    snn_trainer_free(t);
    snn_model_free(&m);
    return 0;
}
