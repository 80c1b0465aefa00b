/* proto.h - the framed UART protocol between a host and the SNN board (docs/protocol.md).
 *
 * Frame format, CRCs and a byte-at-a-time frame receiver: everything both ends
 * must agree on, bit for bit, with the RTL in rtl/board/. Portable C99: no
 * malloc, no stdio, no I/O at all. Not here: retries and operations (driver.h).
 */
#ifndef SNN_PROTO_H
#define SNN_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* The protocol version both ends speak (INFO's first byte). */
/* Version 5: image codes are a prefix code in bits (version 4's nibble codes took 24%
 * more bytes). Since version 4 images travel in batches (CLASSIFY), two frame banks
 * on the board so the next batch arrives while one runs; version 3 sent an image
 * in IMAGE_DATA frames of byte codes and ran it with RUN, two round trips each. */
#define PROTO_VERSION 5u

/* SYNC | type | seq | len lo | len hi | payload[len] | crc32 (4 bytes, LE).
 * Version 3 replaced version 2's CRC-16: at a few per cent of damaged bytes a
 * long frame with several damaged bytes passed the CRC-16 (1 in 65536 damaged
 * frames); the CRC-32 lets 1 in 4e9 through, and costs two bytes a frame. */
#define PROTO_SYNC 0xA5u
#define PROTO_HEADER_BYTES 5u /* sync, type, seq, len (2) */
#define PROTO_CRC_BYTES 4u
#define PROTO_OVERHEAD (PROTO_HEADER_BYTES + PROTO_CRC_BYTES)
/* Largest payload either end ever sends; the board accepts at most the
 * max_request it reports in its INFO reply (<= this). */
#define PROTO_MAX_PAYLOAD 2048u
#define PROTO_MAX_FRAME (PROTO_MAX_PAYLOAD + PROTO_OVERHEAD)

/* Payload sizes on the wire (docs/protocol.md, "Requests"): fixed payloads, and the
 * headers in front of the data of LOAD_DATA, CODES and CLASSIFY. */
enum {
    PROTO_CONFIG_BYTES = 40,      /* LOAD_BEGIN: ten u32 core registers (one-layer builds) */
    PROTO_CONFIG_MAX_BYTES = 320, /* general builds: 16 u32 registers per block, 5 blocks */
    PROTO_LOAD_DATA_HEAD = 4,     /* LOAD_DATA: u32 offset, then weight bytes */
    PROTO_LOAD_DATA_REPLY = 4,    /* u32 weight bytes received so far */
    PROTO_COMMIT_BYTES = 8,       /* LOAD_COMMIT: u32 total bytes, u32 CRC-32 */
    PROTO_CODES_HEAD = 2,         /* CODES: u16 offset, then code bytes */
    PROTO_CODES_REPLY = 2,        /* u16 code bytes of the batch so far */
    PROTO_CLASSIFY_HEAD = 8,      /* CLASSIFY: u16 offset, u8 images, u8 detail, u32 first index */
    PROTO_RECORD_HEAD = 9,        /* a full result: u8 prediction, u32 cycles, u32 spikes; max[k] */
    PROTO_INFO_BYTES = 31,        /* HELLO's reply */
    PROTO_STATUS_BYTES = 25,      /* STATUS's reply */
    PROTO_ERROR_BYTES = 2         /* an error reply: u8 code, u8 type of the request */
};

/* Request types (host -> board). A reply has the request's type | 0x80 and
 * the request's seq; an error reply has type PROTO_ERROR. */
enum {
    PROTO_HELLO = 0x01,       /* start a session: forget the last seq; reply INFO */
    PROTO_STATUS = 0x02,      /* reply: flags and counters */
    PROTO_LOAD_BEGIN = 0x10,  /* staged config; invalidates the model */
    PROTO_LOAD_DATA = 0x11,   /* u32 offset + weight bytes, strictly sequential */
    PROTO_LOAD_COMMIT = 0x12, /* u32 total bytes + u32 CRC-32: model valid iff both match */
    PROTO_CODES = 0x20,       /* u16 offset + code bytes appended to the batch */
    PROTO_CLASSIFY = 0x22,    /* the batch's last codes; run it: reply the results */
    PROTO_REPLY = 0x80,
    PROTO_ERROR = 0x7F        /* payload: u8 error code, u8 type of the offending frame */
};

/* Error codes of a PROTO_ERROR reply. The first group is damage on the line:
 * the host retries. The rest are refusals that a retry cannot fix. */
enum {
    PROTO_E_CRC = 1,       /* frame CRC mismatch */
    PROTO_E_LENGTH = 2,    /* length larger than the board accepts */
    PROTO_E_TRUNCATED = 3, /* the line went quiet in the middle of a frame */
    PROTO_E_UNKNOWN = 16,  /* unknown request type */
    PROTO_E_PAYLOAD = 17,  /* payload size wrong for the type */
    PROTO_E_OFFSET = 18,   /* LOAD_DATA / CODES / CLASSIFY not at the next expected offset */
    PROTO_E_VERIFY = 19,   /* LOAD_COMMIT: byte count or CRC-32 differ; model stays invalid */
    PROTO_E_NO_MODEL = 20, /* CLASSIFY without a committed model */
    PROTO_E_CONFIG = 21,   /* LOAD_BEGIN: configuration outside what the core supports */
    PROTO_E_IMAGE = 22     /* CLASSIFY: the codes break the rules (docs/protocol.md) */
};

/* Is this error code damage on the line (worth a retry)? */
static inline int proto_error_is_transient(uint8_t code) { return code < 16; }

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32; check value of "123456789"
 * is 0xCBF43926): start from 0, chain calls. A frame's CRC covers type, seq,
 * len and payload; the model's covers configuration and weights (LOAD_COMMIT). */
uint32_t proto_crc32_update(uint32_t crc, const uint8_t *data, size_t n);

/* Writes a whole frame into out (room for len + PROTO_OVERHEAD bytes);
 * returns its size, or 0 if len > PROTO_MAX_PAYLOAD. */
size_t proto_encode(uint8_t *out, uint8_t type, uint8_t seq, const uint8_t *payload, uint16_t len);

/* Little-endian helpers for payload fields. */
static inline void proto_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void proto_put_u32(uint8_t *p, uint32_t v)
{
    proto_put_u16(p, (uint16_t)v);
    proto_put_u16(p + 2, (uint16_t)(v >> 16));
}
static inline uint16_t proto_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t proto_get_u32(const uint8_t *p)
{
    return (uint32_t)proto_get_u16(p) | ((uint32_t)proto_get_u16(p + 2) << 16);
}

/* The receiver: feed bytes one at a time. It hunts for SYNC, reads the
 * header, the payload and the CRC; anything wrong returns it to hunting at
 * the next byte, so it resynchronises on its own after garbage. */
typedef enum {
    PROTO_RX_MORE = 0,   /* frame not complete yet */
    PROTO_RX_FRAME = 1,  /* a frame with a good CRC is in type/seq/len/payload */
    PROTO_RX_BAD_CRC = 2,/* a frame arrived but its CRC was wrong (discarded) */
    PROTO_RX_BAD_LEN = 3 /* header announced more than max_len (discarded) */
} proto_rx_event;

typedef struct {
    uint16_t max_len; /* longest payload accepted, <= PROTO_MAX_PAYLOAD */
    uint8_t state;    /* internal */
    uint16_t pos;     /* internal: bytes of the current field so far */
    uint32_t crc;     /* internal: running CRC */
    uint32_t crc_rx;  /* internal: received CRC */
    uint8_t type, seq;
    uint16_t len;
    uint8_t payload[PROTO_MAX_PAYLOAD];
} proto_rx;

void proto_rx_init(proto_rx *rx, uint16_t max_len);
proto_rx_event proto_rx_byte(proto_rx *rx, uint8_t byte);
/* Is a frame's header in (type, seq and len valid, its payload or CRC still to come)? */
int proto_rx_has_header(const proto_rx *rx);

#endif
