/* fuzz_snnq.c - libFuzzer harness of the quantized model loader
 * (sw/fixed/qnet_io.c): each input is decoded as it is, and again with its
 * CRC-32 trailer made valid, so that the structure and range checks behind the
 * checksum are fuzzed too. Seeds: tests/fuzz/corpus/snnq/ (make_parsers_corpus.c). */
#include <stdint.h>

#include "../../sw/fixed/qnet_io.h"
#include "crc_trailer.h"

static void decode(const uint8_t *data, size_t size)
{
    qnet q;
    if (qnet_decode(data, size, "fuzz.snnq", &q, NULL) == 0)
        qnet_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode_with_valid_crc(data, size, decode);
    return 0;
}
