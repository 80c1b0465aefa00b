/* fuzz_csv.c - libFuzzer harness of the spike-train CSV reader of `snn vrd
 * --csv` (sw/exp/vrd_csv.c), in memory, and of the distances of the trains it
 * returns (the first few pairs, every normalisation). Seeds:
 * tests/fuzz/corpus/csv/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sw/exp/vrd.h"
#include "../../sw/exp/vrd_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1); /* vrd_csv_parse's spare byte */
    if (!text)
        return 0;
    memcpy(text, data, size);
    vrd_train_set s;
    snn_error err;
    int whole_steps = size && data[0] & 1;
    if (vrd_csv_parse(text, size, "fuzz.csv", whole_steps, &s, &err) == 0) {
        for (int a = 0; a < s.n && a < 4; a++)
            for (int b = a + 1; b < s.n && b < 4; b++)
                for (int norm = VRD_GRID; norm <= VRD_ELEPHANT; norm++)
                    vrd_times(s.tr[a].t, s.tr[a].n, s.tr[b].t, s.tr[b].n, 1.0, (vrd_norm)norm);
        vrd_trains_free(&s);
    }
    free(text);
    return 0;
}
