/* fuzz_jsonl.c - libFuzzer harness of the results JSONL readers: the report's
 * (report_load: lines, the JSON subset, the fields of a run) and the sweep's
 * (sweep_done_load: keys, repair of a torn last line), on the input written
 * to a memfd and read through its /proc/self/fd path. Seeds:
 * tests/fuzz/corpus/jsonl/. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../sw/exp/report.h"
#include "../../sw/exp/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz_jsonl", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        snn_error err;
        report_runs runs = {0};
        report_load(path, &runs, &err);
        report_runs_free(&runs);
        sweep_done done; /* last: it cuts a torn last line off the file */
        int repaired;
        if (sweep_done_load(path, &done, &repaired, &err) == 0)
            sweep_done_free(&done);
    }
    close(fd);
    return 0;
}
