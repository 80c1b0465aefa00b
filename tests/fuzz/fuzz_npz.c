/* fuzz_npz.c - libFuzzer harness of `snn import`'s reading: the .npz reader
 * (sw/format/npz.c) and, for an archive that decodes, the model built from its
 * arrays (sw/io/npz_model.c). The input is decoded as an archive; an input that is a
 * bare .npy array is also wrapped here into a one-member stored archive with a
 * valid CRC, so that the .npy header parser (behind each member's CRC) is
 * fuzzed too. Seeds: tests/fuzz/corpus/npz/ (make_parsers_corpus.c). */
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "../../sw/io/npz_model.h"
#include "../../sw/util/bytes.h"

static void decode(const uint8_t *data, size_t size)
{
    npz_file f;
    if (npz_decode(data, size, "fuzz.npz", &f, NULL) != 0)
        return;
    snn_model m;
    if (npz_to_model(&f, "fuzz.npz", &m, NULL) == 0)
        snn_model_free(&m);
    npz_free(&f);
}

/* The zip records of APPNOTE 4.3.7 (local header), 4.3.12 (directory entry)
 * and 4.3.16 (end record) around one stored member "a.npy". */
static void wrap_npy(const uint8_t *npy, size_t n)
{
    uint32_t crc = (uint32_t)crc32_z(0L, npy, n);
    byte_writer w = {0};
    bw_bytes(&w, "PK\3\4", 4);
    bw_u16(&w, 20), bw_u16(&w, 0), bw_u16(&w, 0), bw_u32(&w, 0);
    bw_u32(&w, crc), bw_u32(&w, (uint32_t)n), bw_u32(&w, (uint32_t)n);
    bw_u16(&w, 5), bw_u16(&w, 0), bw_bytes(&w, "a.npy", 5);
    bw_bytes(&w, npy, n);
    size_t dir = w.len;
    bw_bytes(&w, "PK\1\2", 4);
    bw_u16(&w, 20), bw_u16(&w, 20), bw_u16(&w, 0), bw_u16(&w, 0), bw_u32(&w, 0);
    bw_u32(&w, crc), bw_u32(&w, (uint32_t)n), bw_u32(&w, (uint32_t)n);
    bw_u16(&w, 5), bw_u16(&w, 0), bw_u16(&w, 0), bw_u16(&w, 0), bw_u16(&w, 0), bw_u32(&w, 0);
    bw_u32(&w, 0), bw_bytes(&w, "a.npy", 5);
    size_t dir_len = w.len - dir;
    bw_bytes(&w, "PK\5\6", 4);
    bw_u16(&w, 0), bw_u16(&w, 0), bw_u16(&w, 1), bw_u16(&w, 1);
    bw_u32(&w, (uint32_t)dir_len), bw_u32(&w, (uint32_t)dir), bw_u16(&w, 0);
    if (!w.oom)
        decode(w.p, w.len);
    bw_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode(data, size);
    if (size >= 6 && memcmp(data, "\x93NUMPY", 6) == 0 && size < 0xffffffffu)
        wrap_npy(data, size);
    return 0;
}
