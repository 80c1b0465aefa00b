/* fuzz_idx.c - libFuzzer harness of the IDX reader (sw/data/idx.c), plain and
 * gzip: the input is decoded from memory by idx_decode, the function the path
 * loader calls after reading the file. Seeds: tests/fuzz/corpus/idx/
 * (make_parsers_corpus.c). The 16 MiB limit stands for dataset.c's larger
 * ones: the reader must never allocate far beyond what the input holds. */
#include <stdint.h>
#include <stdlib.h>

#include "../../sw/data/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idx_array a;
    if (idx_decode(data, size, "fuzz.idx", (size_t)1 << 24, &a, NULL) == 0)
        free(a.data);
    return 0;
}
