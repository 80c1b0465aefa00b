/* fuzz_shd.c - libFuzzer harness of the SHD HDF5 loader (sw/data/shd.c): the
 * input is written to a private temp file and loaded by its path as `--data`
 * loads a file (encoded_set_load, which finds it is HDF5 by its content and
 * calls shd_load), as a release file would be (libhdf5 resolves the path, so
 * a memfd's /proc/self/fd/N does not open). Seeds: tests/fuzz/corpus/shd/
 * (corpus/make_shd_corpus.c).
 * libhdf5 itself allocates what a damaged object header claims (up to 2^37
 * bytes) inside H5Fopen and H5Dopen2, before the loader can look, and loses a
 * block on some of those errors. So run it with
 *   ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=1024
 *   LSAN_OPTIONS=suppressions=tests/fuzz/fuzz_shd.lsan
 * (such a malloc then fails, as it does outside ASan, and libhdf5 reports an
 * error that the loader returns). */
#include <stdint.h>
#include <unistd.h>

#include "temp_file.h"
#include "../../sw/data/shd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[32];
    if (fuzz_temp_file(data, size, path) != 0)
        return 0;
    /* all samples; then the first only, whose class count reads the other rows' labels */
    for (int limit = 0; limit < 2; limit++) {
        encoded_set e;
        snn_error err;
        if (encoded_set_load(path, "t10k", limit, SHD_STEPS, &e, &err) == 0)
            encoded_set_free(&e);
    }
    unlink(path);
    return 0;
}
