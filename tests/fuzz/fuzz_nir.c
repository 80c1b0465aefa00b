/* fuzz_nir.c - libFuzzer harness of the NIR importer (sw/io/nir.c): the input
 * is written to a private temp file and read by its path, as `snn import`
 * reads one (libhdf5 opens files by name). Seeds: tests/fuzz/corpus/nir/
 * (corpus/make_nir_corpus.sh). Like fuzz_shd, libhdf5 allocates what a damaged
 * object header claims before the reader can look, so its sanitizer settings
 * are tests/fuzz/fuzz_nir.asan and .lsan. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../sw/io/nir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/dev/shm/fuzz_nir.XXXXXX"; /* in memory where there is one */
    int fd = mkstemp(path);
    if (fd < 0) {
        memcpy(path, "/tmp/fuzz_nir.XXXXXX", sizeof "/tmp/fuzz_nir.XXXXXX");
        fd = mkstemp(path);
    }
    if (fd < 0)
        return 0;
    int written = write(fd, data, size) == (ssize_t)size;
    close(fd);
    if (written) {
        snn_model m;
        snn_error err;
        if (nir_read_model(path, 0, &m, &err) == 0)
            snn_model_free(&m);
    }
    unlink(path);
    return 0;
}
