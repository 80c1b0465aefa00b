/* driver.h - the protocol driver: requests to the SNN board, with retries.
 *
 * Portable C99 for a microcontroller that drives the FPGA, and the same code
 * the host tool (`snn deploy`, `snn classify`) runs. No malloc, no stdio, no
 * clock: the byte transport is two callbacks the caller supplies, and its
 * recv timeout is the only notion of time. Every request is retried, with the
 * same sequence number, until a reply with a good CRC arrives or the attempts
 * run out; the board never applies a repeated request twice (docs/protocol.md).
 * On a damaged line the data frames shrink (a long frame rarely arrives whole)
 * and grow again when the line is clean; a load or an image that the board
 * refused as out of sequence or unverified starts over.
 * Not here: serial ports (sw/board/serial.h), building weight images (board_image.h).
 */
#ifndef SNN_DRIVER_H
#define SNN_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define DRV_MAX_OUT 64
/* Data frames shrink down to this payload size (or --frame, if smaller). */
#define DRV_MIN_CHUNK 16u
/* Attempts at one data frame before it is split in two; clean first attempts in a
 * row before the frames double again. The sizes settle where about 40% of the
 * attempts go through: near the best data rate when each exchange costs a turn
 * of the line (at 1% damaged bytes, about 64-byte frames; at 5%, the smallest). */
#define DRV_SHRINK_AFTER 4u
#define DRV_GROW_AFTER 2u
/* Times a load or a batch starts over after a refusal that damage can cause
 * (out of sequence, verification failed, image invalid). A batch whose CLASSIFY
 * reply is damaged starts over (the board has run it and dropped its codes): at
 * 1% damaged bytes about one in three, so the budget is generous. */
#define DRV_RESTARTS 32u

typedef struct {
    /* Sends all n bytes; returns 0, or -1 if the transport failed. */
    int (*send)(void *ctx, const uint8_t *data, size_t n);
    /* Receives up to max bytes, waiting at most timeout_ms for the first;
     * returns the count (0 on timeout), or -1 if the transport failed. */
    int (*recv)(void *ctx, uint8_t *buf, size_t max, uint32_t timeout_ms);
    void *ctx;
} drv_transport;

/* Results of driver calls. */
enum {
    DRV_OK = 0,
    DRV_E_IO = -1,       /* the transport failed */
    DRV_E_NO_REPLY = -2, /* no good reply after every attempt; why: drv_request_stats */
    DRV_E_REFUSED = -3,  /* the board answered with an error; code in drv.last_error */
    DRV_E_REPLY = -4,    /* a reply with a good CRC but the wrong size or content */
    DRV_E_ARG = -5       /* the request cannot be expressed (too large for the board) */
};

/* What the board is (HELLO's reply). */
typedef struct {
    uint8_t version, board_id;
    uint16_t max_request, event_bytes;
    uint8_t lanes, weight_bits, hidden_bits, readout_bits; /* P, B, H, R of docs/core.md */
    uint16_t max_in, max_hidden, max_out;
    uint32_t clk_hz, baud, weight_bytes;
    uint8_t noise; /* 1: the core has its noise generator; 0: models must have N = 0 */
    /* The general core (docs/core.md): hidden layers it runs, 1: recurrent layers, 1: the
     * readout has decays of its own (else layer 0's). INFO's features byte. */
    uint8_t max_layers, recurrent, out_decays;
    uint16_t result_bytes; /* a batch's result records must fit in this */
} drv_info;

/* STATUS reply. */
typedef struct {
    uint8_t model_valid, loading;
    uint32_t model_crc, load_offset, frames_ok;
    uint16_t crc_errors, length_errors, truncated, line_errors;
    uint32_t images;
} drv_status;

/* The core's registers 0x0..0x9 (docs/core.md), sent by LOAD_BEGIN, and on a general
 * build (drv_info.max_layers > 1, recurrent or out_decays) the registers from 0xA on:
 * n_more of them (0, or 6 + 16 per layer: 0xA..0xF, then each layer's block of 16). */
#define DRV_MORE_REGS (16u * 5u - 10u)
typedef struct {
    uint32_t n_in, n_hidden, n_out, n_exc, steps, theta, alpha_q, beta_q, noise_bits, seed;
    uint32_t n_more;
    uint32_t more[DRV_MORE_REGS];
} drv_config;

/* One image's result record (CLASSIFY's reply); with detail 0 only the prediction. */
typedef struct {
    uint8_t prediction;
    uint32_t cycles, spikes;
    int n_out;
    int64_t max_out[DRV_MAX_OUT];
} drv_result;

typedef struct {
    uint32_t requests;      /* distinct requests completed */
    uint32_t retries;       /* extra transmissions */
    uint32_t timeouts;      /* attempts that ended with nothing at all received */
    uint32_t damaged;       /* replies with a bad CRC, a bad length, or cut short */
    uint32_t line_errors;   /* error replies for damage on the way to the board */
    uint32_t restarts;      /* loads and images started over after a refusal */
    uint32_t tx_bytes, rx_bytes; /* on the line, retries included */
    uint32_t batches;       /* CLASSIFY requests answered with results */
    uint32_t waits;         /* times the host waited for a reply with nothing left to send
                             * that it could (round trips) */
} drv_stats;

/* Called after each data frame of a load (bytes) and by hosts per image. */
typedef void (*drv_progress)(void *ctx, const char *what, uint32_t done, uint32_t total,
                             const drv_stats *stats);

#define DRV_IN_BYTES 64u /* bytes read from the transport at a time */
/* Batches in flight on a clean line: the board has two frame banks, one running,
 * one arriving. */
#define DRV_WINDOW 2u

typedef struct {
    drv_transport io;
    uint32_t timeout_ms;     /* wait for a reply, per attempt */
    uint32_t gap_ms;         /* once a reply has begun: silence that ends it (damaged) */
    unsigned attempts;       /* transmissions per request, >= 1 */
    uint16_t chunk;          /* largest payload of a LOAD_DATA / CODES / CLASSIFY frame */
    uint16_t chunk_now;      /* the payload size in use (shrinks on a damaged line) */
    unsigned clean_run;      /* requests in a row that succeeded at their first attempt */
    drv_info info;           /* valid after drv_hello */
    drv_stats stats;
    drv_stats at_request;    /* stats when the last request began (what went wrong in it) */
    drv_progress progress;   /* NULL: none */
    void *progress_ctx;
    uint8_t last_error;      /* board error code of the last DRV_E_REFUSED */
    uint8_t seq;
    proto_rx rx;
    uint8_t frame[PROTO_MAX_FRAME];
    uint8_t in[DRV_IN_BYTES]; /* received bytes not yet parsed */
    uint8_t in_pos, in_len;
    /* The batches in flight (drv_classify_stream): codes packed as the board takes them. */
    struct drv_batch {
        uint32_t first, count; /* images */
        uint16_t bytes;        /* code bytes */
        uint8_t seq;
        uint8_t codes[PROTO_MAX_PAYLOAD];
    } batch[DRV_WINDOW + 1]; /* + 1: the next one goes out as the oldest one's reply begins */
} drv;

/* What happened during the last request (its attempts): stats minus at_request. */
drv_stats drv_request_stats(const drv *d);

/* Sets up d (nothing is sent). chunk = 0 means as large as the board accepts.
 * gap_ms starts at min(timeout_ms, 50); set it after init to change it. */
void drv_init(drv *d, drv_transport io, uint32_t timeout_ms, unsigned attempts, uint16_t chunk);

/* Starts a session (the board forgets its last request) and reads drv.info. */
int drv_hello(drv *d);
int drv_status_read(drv *d, drv_status *st);

/* Supplies n bytes of the weight image starting at offset; returns 0 or -1. */
typedef int (*drv_weight_source)(void *ctx, uint32_t offset, uint8_t *buf, uint16_t n);

/* Loads a model: configuration, then info.weight_bytes bytes of weight image
 * from src, then the commit with the CRC-32 of both (written to *crc if non-NULL).
 * The board runs nothing until the commit verified. */
int drv_load(drv *d, const drv_config *cfg, drv_weight_source src, void *src_ctx, uint32_t *crc);

/* The images to classify: image i's codes (docs/protocol.md, "Image codes") into the
 * bit stream codes (bit k is bit k % 8 of byte k / 8) from bit `at` on, setting only
 * bits below max (they are 0 before); returns the bits the image takes (more than
 * max - at: it did not fit, and the driver clears what it wrote), or -1. */
typedef int (*drv_image_source)(void *ctx, uint32_t i, uint8_t *codes, uint32_t at, uint32_t max);
/* Receives image i's result; returns 0 (or -1 to stop with DRV_E_ARG). */
typedef int (*drv_result_sink)(void *ctx, uint32_t i, const drv_result *res);

/* Classifies images 0 .. n-1 (image index i seeds the noise of image i) in
 * batches: as many images per CLASSIFY as the board's bank and result memory
 * take, DRV_WINDOW batches in flight while every reply comes back whole. After any
 * damage, the batches still open are resent one at a time, their codes in CODES
 * frames whose size adapts as LOAD_DATA's do, until the line is clean again.
 * detail 1: full records (prediction, cycles, spikes, max[k] for k < n_out, the
 * model's readouts); 0: the prediction only. */
int drv_classify_stream(drv *d, uint32_t n, uint8_t detail, unsigned n_out,
                        drv_image_source src, drv_result_sink sink, void *ctx);

/* LOAD_BEGIN's payload for cfg, as drv_load sends it; returns its size. */
uint16_t drv_config_bytes(const drv_config *cfg, uint8_t out[PROTO_CONFIG_MAX_BYTES]);

/* The CRC-32 drv_load computes for the configuration (continue it over the weights). */
uint32_t drv_config_crc(const drv_config *cfg);

/* Short names for messages. */
const char *drv_strerror(int result);
const char *drv_board_error(uint8_t code);

#endif
