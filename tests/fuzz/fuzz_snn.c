/* fuzz_snn.c - libFuzzer harness of the float model loader (sw/net/model.c):
 * each input is decoded as it is, and again with its CRC-32 trailer made
 * valid, so that the structure checks behind the checksum are fuzzed too.
 * Seeds: tests/fuzz/corpus/snn/ (make_parsers_corpus.c). */
#include <stdint.h>
#include <stdlib.h>

#include "../../sw/net/model.h"
#include "crc_trailer.h"

static void decode(const uint8_t *data, size_t size)
{
    snn_model m;
    void *state;
    size_t state_len;
    if (snn_model_decode(data, size, "fuzz.snn", &m, &state, &state_len, NULL) == 0) {
        free(state);
        snn_model_free(&m);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode_with_valid_crc(data, size, decode);
    return 0;
}
