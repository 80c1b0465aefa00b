/* fuzz_snn.c - libFuzzer harness of the float model loader (sw/net/model.c):
 * each input is decoded as it is, and again with its CRC-32 trailer made
 * valid, so that the structure checks behind the checksum are fuzzed too.
 * Seeds: tests/fuzz/corpus/snn/ (make_parsers_corpus.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../../sw/net/model.h"

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
    decode(data, size);
    if (size < 8)
        return 0;
    uint8_t *fixed = malloc(size);
    if (!fixed)
        return 0;
    memcpy(fixed, data, size);
    uint32_t crc = (uint32_t)crc32_z(0L, fixed, size - 4);
    for (int i = 0; i < 4; i++)
        fixed[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    decode(fixed, size);
    free(fixed);
    return 0;
}
