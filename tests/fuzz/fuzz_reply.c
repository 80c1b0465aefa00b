/* fuzz_reply.c - libFuzzer harness of the firmware driver's reply decoding (firmware/driver.c).
 *
 * A fake board answers each request the driver sends with the next record of
 * the input: u8 flags, u8 length, that many payload bytes. The record becomes
 * a reply frame (flags bit 0: an error reply instead of the request's reply
 * type, bit 1: another seq, bit 2: one byte damaged, bit 3: the raw record
 * bytes instead of a frame), so the fuzzer reaches the decoders of INFO,
 * STATUS, the data replies and CLASSIFY's results as well as the receiver's
 * resync. When the input runs out the board falls silent. The driver runs a
 * session: HELLO, STATUS, a stream of 5 images (full records if the input's
 * last byte is odd, else predictions), a load.
 */
#include <stdint.h>
#include <string.h>

#include "../../firmware/driver.h"

typedef struct {
    const uint8_t *in;
    size_t size, pos;
    proto_rx rx;
    uint8_t out[PROTO_MAX_FRAME + 256];
    size_t out_len, out_pos;
} fake_board;

static fake_board board;
static drv d;

static int fake_send(void *ctx, const uint8_t *data, size_t n)
{
    fake_board *b = ctx;
    for (size_t i = 0; i < n; i++) {
        if (proto_rx_byte(&b->rx, data[i]) != PROTO_RX_FRAME || b->size - b->pos < 2)
            continue;
        uint8_t flags = b->in[b->pos], len = b->in[b->pos + 1];
        b->pos += 2;
        if (len > b->size - b->pos)
            len = (uint8_t)(b->size - b->pos);
        const uint8_t *p = b->in + b->pos;
        b->pos += len;
        b->out_pos = 0;
        if (flags & 8) {
            memcpy(b->out, p, len);
            b->out_len = len;
            continue;
        }
        uint8_t type = (flags & 1) ? PROTO_ERROR : (uint8_t)(b->rx.type | PROTO_REPLY);
        uint8_t seq = (uint8_t)(b->rx.seq + ((flags >> 1) & 1));
        b->out_len = proto_encode(b->out, type, seq, p, len);
        if ((flags & 4) && b->out_len)
            b->out[flags % b->out_len] ^= 0x5A;
    }
    return 0;
}

static int fake_recv(void *ctx, uint8_t *buf, size_t max, uint32_t timeout_ms)
{
    (void)timeout_ms;
    fake_board *b = ctx;
    size_t n = b->out_len - b->out_pos;
    if (n > max)
        n = max;
    memcpy(buf, b->out + b->out_pos, n);
    b->out_pos += n;
    return (int)n; /* 0: a timeout, at once */
}

/* Image i: an event at input 0, an end of step, an event at input 1 + i % 2, the end. */
static int image_codes(void *ctx, uint32_t i, uint8_t *codes, uint32_t at, uint32_t max)
{
    (void)ctx;
    const char *bits = i % 2 ? "00" "010" "1001" "1" "111111" : "00" "010" "1000" "111111";
    uint32_t n = (uint32_t)strlen(bits);
    if (max - at < n)
        return (int)n; /* does not fit */
    for (uint32_t k = 0; k < n; k++)
        codes[(at + k) / 8] |= (uint8_t)((bits[k] - '0') << ((at + k) % 8));
    return (int)n;
}

static int keep_result(void *ctx, uint32_t i, const drv_result *res)
{
    (void)ctx;
    (void)i;
    return res->prediction == 255 ? -1 : 0; /* reads the record; stops on one value */
}

static int zero_weights(void *ctx, uint32_t offset, uint8_t *buf, uint16_t n)
{
    (void)ctx;
    (void)offset;
    memset(buf, 0, n);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&board, 0, sizeof board);
    board.in = data;
    board.size = size;
    proto_rx_init(&board.rx, PROTO_MAX_PAYLOAD);
    drv_init(&d, (drv_transport){fake_send, fake_recv, &board}, 1, 2, 0);
    if (size == 0 || drv_hello(&d) != DRV_OK)
        return 0;
    drv_status st;
    drv_status_read(&d, &st);
    drv_classify_stream(&d, 5, data[size - 1] & 1, 3, image_codes, keep_result, NULL);
    const drv_config cfg = {784, 100, 10, 80, 3, 500, 3353, 3706, 0, 1, 0, {0}};
    uint32_t crc;
    drv_load(&d, &cfg, zero_weights, NULL, &crc);
    return 0;
}
