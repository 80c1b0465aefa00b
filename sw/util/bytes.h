/* bytes.h - bounds-checked little-endian reading and growable writing.
 *
 * Every binary format of the project (model files, .npz, frames) is parsed
 * through a byte_reader so that a truncated or oversized field becomes an
 * error naming the file and the field, never an out-of-bounds read.
 */
#ifndef SNN_BYTES_H
#define SNN_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct {
    const uint8_t *p;
    size_t len, pos;
    const char *name; /* file name, for messages */
    int failed;       /* sticky: set by the first short read */
    snn_error *err;
} byte_reader;

void br_init(byte_reader *r, const void *data, size_t len, const char *name, snn_error *err);
/* Each getter returns 0 and sets r->failed (with a message naming `what`)
 * when fewer bytes remain than it needs. */
uint8_t br_u8(byte_reader *r, const char *what);
uint16_t br_u16(byte_reader *r, const char *what);
uint32_t br_u32(byte_reader *r, const char *what);
uint64_t br_u64(byte_reader *r, const char *what);
float br_f32(byte_reader *r, const char *what);
/* Pointer to the next n bytes (and skips them), or NULL if short. */
const uint8_t *br_bytes(byte_reader *r, size_t n, const char *what);
/* Moves to absolute offset pos (any 64-bit value, as read from a file); fails
 * like a short read when pos lies beyond the end. Returns 0 or -1. */
int br_seek(byte_reader *r, uint64_t pos, const char *what);

typedef struct {
    uint8_t *p;
    size_t len, cap;
    int oom;
} byte_writer;

void bw_u8(byte_writer *w, uint8_t v);
void bw_u16(byte_writer *w, uint16_t v);
void bw_u32(byte_writer *w, uint32_t v);
void bw_u64(byte_writer *w, uint64_t v);
void bw_f32(byte_writer *w, float v);
void bw_bytes(byte_writer *w, const void *data, size_t n);
/* Appends the CRC-32 (zlib) of everything written so far: the framed formats' trailer. */
void bw_crc32(byte_writer *w);
void bw_free(byte_writer *w);

/* Reads a whole file into a malloc'd buffer (caller frees). */
int read_file(const char *path, uint8_t **data, size_t *len, snn_error *err);

/* Checks a buffer of the project's framed formats: a 4-byte magic first and
 * the CRC-32 (zlib) of everything before it last. Fails, naming `name`, when
 * it is too short, has another magic ("not a <kind> file") or its checksum
 * does not match. */
int check_framed(const uint8_t *d, size_t n, const char *name, const char magic[4],
                 const char *kind, snn_error *err);

#endif
