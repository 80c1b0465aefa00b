/* fuzz_nir.c - libFuzzer harness of the NIR importer (sw/io/nir.c): the input
 * is written to a private temp file and read by its path, as `snn import`
 * reads one (libhdf5 opens files by name). Seeds: tests/fuzz/corpus/nir/
 * (corpus/make_nir_corpus.sh). Like fuzz_shd, libhdf5 allocates what a damaged
 * object header claims before the reader can look, so its sanitizer settings
 * are tests/fuzz/fuzz_nir.asan and .lsan. */
#include <stdint.h>
#include <unistd.h>

#include "temp_file.h"
#include "../../sw/io/nir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[32];
    if (fuzz_temp_file(data, size, path) != 0)
        return 0;
    snn_model m;
    snn_error err;
    if (nir_read_model(path, 0, &m, &err) == 0)
        snn_model_free(&m);
    unlink(path);
    return 0;
}
