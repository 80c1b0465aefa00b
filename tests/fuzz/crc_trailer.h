/* crc_trailer.h - for the harnesses of files that end in a CRC-32 of what comes
 * before (.snn, .snnq, docs/model-format.md): a random input almost never has a
 * valid trailer, so each input is decoded as it is and once more with its
 * trailer made valid, which lets the fuzzer reach the checks behind the CRC. */
#ifndef FUZZ_CRC_TRAILER_H
#define FUZZ_CRC_TRAILER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static inline void decode_with_valid_crc(const uint8_t *data, size_t size,
                                         void (*decode)(const uint8_t *, size_t))
{
    decode(data, size);
    if (size < 8)
        return;
    uint8_t *fixed = malloc(size);
    if (!fixed)
        return;
    memcpy(fixed, data, size);
    uint32_t crc = (uint32_t)crc32_z(0L, fixed, size - 4);
    for (int i = 0; i < 4; i++) /* little-endian, as the files store it */
        fixed[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    decode(fixed, size);
    free(fixed);
}

#endif
