/* board_driver.c - unit tests of firmware/ (proto.c, driver.c) against a scripted fake board.
 *
 * CRC check values, frame encoding and the byte receiver's resynchronisation;
 * the driver's retries: a damaged reply is retried with the same seq, an error
 * reply for line damage is retried, a refusal is not, stale replies are
 * skipped, and a silent board ends in DRV_E_NO_REPLY after exactly `attempts`
 * transmissions. No hardware, no simulator: the fake board lives in this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../firmware/driver.h"

static void crc_check_values(void **state)
{
    (void)state;
    const uint8_t check[] = "123456789";
    assert_int_equal(proto_crc32_update(0, check, 9), 0xCBF43926u);
    /* chaining equals one call */
    assert_int_equal(proto_crc32_update(proto_crc32_update(0, check, 4), check + 4, 5), 0xCBF43926u);
}

/* Protocol version 2's frame check (CRC-16/CCITT-FALSE), to build damage it missed. */
static uint16_t crc16(const uint8_t *data, size_t n)
{
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(data[i] << 8);
        for (int b = 0; b < 8; b++)
            crc = (uint16_t)((crc & 0x8000u) ? ((unsigned)crc << 1) ^ 0x1021u : (unsigned)crc << 1);
    }
    return crc;
}

/* Feeds bytes; returns the last event. */
static proto_rx_event feed(proto_rx *rx, const uint8_t *b, size_t n)
{
    proto_rx_event ev = PROTO_RX_MORE;
    for (size_t i = 0; i < n; i++) {
        ev = proto_rx_byte(rx, b[i]);
        if (ev != PROTO_RX_MORE && i + 1 != n)
            fail_msg("event %d at byte %zu of %zu", ev, i, n);
    }
    return ev;
}

static void frames_roundtrip_and_resync(void **state)
{
    (void)state;
    static proto_rx rx;
    uint8_t f[PROTO_MAX_FRAME], payload[300];
    for (int i = 0; i < 300; i++)
        payload[i] = (uint8_t)(i * 7);
    payload[10] = PROTO_SYNC; /* a SYNC inside the payload is just data */
    size_t n = proto_encode(f, PROTO_LOAD_DATA, 42, payload, 300);
    assert_int_equal(n, 300 + PROTO_OVERHEAD);
    proto_rx_init(&rx, 512);
    const uint8_t garbage[] = {0x00, 0xFF, 0x13};
    assert_int_equal(feed(&rx, garbage, sizeof garbage), PROTO_RX_MORE);
    assert_int_equal(feed(&rx, f, n), PROTO_RX_FRAME);
    assert_int_equal(rx.type, PROTO_LOAD_DATA);
    assert_int_equal(rx.seq, 42);
    assert_int_equal(rx.len, 300);
    assert_memory_equal(rx.payload, payload, 300);

    /* one flipped bit anywhere after SYNC: a bad CRC, never a frame; the next frame is fine */
    for (size_t at = 1; at < n; at += 37) {
        f[at] ^= 0x10;
        proto_rx_event ev = PROTO_RX_MORE;
        for (size_t i = 0; i < n && ev == PROTO_RX_MORE; i++)
            ev = proto_rx_byte(&rx, f[i]);
        assert_true(ev == PROTO_RX_BAD_CRC || ev == PROTO_RX_BAD_LEN || ev == PROTO_RX_MORE);
        f[at] ^= 0x10;
        proto_rx_init(&rx, 512);
        assert_int_equal(feed(&rx, f, n), PROTO_RX_FRAME);
    }
    /* four damaged bytes, the offset among them, that a CRC-16 lets through (as on the
     * line in issue 10): the CRC-32 does not */
    size_t body = n - PROTO_OVERHEAD + PROTO_HEADER_BYTES - 1; /* type .. payload */
    uint16_t want = crc16(f + 1, body);
    uint8_t bad[PROTO_MAX_FRAME];
    memcpy(bad, f, n);
    bad[PROTO_HEADER_BYTES] ^= 0x0C;     /* offset, low byte */
    bad[PROTO_HEADER_BYTES + 1] ^= 0x01;
    int found = 0;
    for (unsigned v = 0; v < 65536 && !found; v++) {
        bad[100] = (uint8_t)v;
        bad[101] = (uint8_t)(v >> 8);
        found = crc16(bad + 1, body) == want;
    }
    assert_true(found);
    proto_rx_init(&rx, 512);
    assert_int_equal(feed(&rx, bad, n), PROTO_RX_BAD_CRC);

    /* too long for the receiver */
    proto_rx_init(&rx, 64);
    uint8_t head[5];
    memcpy(head, f, 5);
    assert_int_equal(feed(&rx, head, 5), PROTO_RX_BAD_LEN);
}

/* ---- a fake board behind a fake transport ---- */
typedef enum {
    ACT_REPLY, ACT_DAMAGE, ACT_BAD_LEN, ACT_DROP, ACT_APPLY_DROP, ACT_NAK_CRC, ACT_REFUSE,
    ACT_REFUSE_OFFSET, ACT_STALE
} action;

enum { FAKE_WEIGHT_BYTES = 200, FAKE_SCRIPT = 3 + 2 * DRV_RESTARTS };

typedef struct {
    proto_rx rx;
    action script[FAKE_SCRIPT]; /* what to do with request 0, 1, ... (then ACT_REPLY) */
    int n_script, requests;
    uint8_t seqs[64];  /* seq of every request seen */
    uint8_t types[64]; /* and its type */
    uint16_t lens[64]; /* and its payload length */
    uint8_t tails[64]; /* and its payload's last byte */
    size_t heard[64];  /* and the reply bytes the host had read when it came */
    size_t ends[64];   /* where its reply ends among the reply bytes */
    int applied_valid;
    uint8_t applied_seq, applied_type; /* the last request applied (a repeat is not) */
    uint32_t load_offset, load_crc;
    int loading, model_valid;
    uint16_t codes;    /* code bytes of the batch being received */
    int runs;          /* images run */
    uint8_t out[4096];
    size_t out_len, out_pos;
} fake_board;

static void queue(fake_board *b, uint8_t type, uint8_t seq, const uint8_t *p, uint16_t len)
{
    b->out_len += proto_encode(b->out + b->out_len, type, seq, p, len);
}

/* Applies a load request as the board does; returns 0 or a refusal code. */
static uint8_t fake_apply(fake_board *b, uint8_t *reply, uint16_t *reply_len)
{
    const uint8_t *p = b->rx.payload;
    *reply_len = 0;
    int repeat = b->applied_valid && b->rx.seq == b->applied_seq && b->rx.type == b->applied_type;
    switch (b->rx.type) {
    case PROTO_LOAD_BEGIN:
        if (!repeat) {
            b->loading = 1;
            b->model_valid = 0;
            b->load_offset = 0;
            b->load_crc = proto_crc32_update(0, p, b->rx.len);
        }
        break;
    case PROTO_LOAD_DATA:
        if (!repeat) {
            if (!b->loading || proto_get_u32(p) != b->load_offset)
                return PROTO_E_OFFSET;
            uint32_t n = b->rx.len - PROTO_LOAD_DATA_HEAD;
            b->load_crc = proto_crc32_update(b->load_crc, p + PROTO_LOAD_DATA_HEAD, n);
            b->load_offset += n;
        }
        proto_put_u32(reply, b->load_offset);
        *reply_len = PROTO_LOAD_DATA_REPLY;
        break;
    case PROTO_LOAD_COMMIT:
        if (!repeat) {
            b->model_valid = b->loading && proto_get_u32(p) == FAKE_WEIGHT_BYTES &&
                             b->load_offset == FAKE_WEIGHT_BYTES && proto_get_u32(p + 4) == b->load_crc;
            b->loading = 0;
        }
        if (!b->model_valid)
            return PROTO_E_VERIFY;
        break;
    case PROTO_CODES:
        if (!repeat) {
            if (proto_get_u16(p) != b->codes) {
                b->codes = 0; /* out of sequence: the batch starts over */
                return PROTO_E_OFFSET;
            }
            b->codes = (uint16_t)(b->codes + b->rx.len - PROTO_CODES_HEAD);
        }
        proto_put_u16(reply, b->codes);
        *reply_len = PROTO_CODES_REPLY;
        break;
    case PROTO_CLASSIFY: { /* records of two readouts: prediction 1, max[1] = 7 (R = 32) */
        if (b->rx.len < PROTO_CLASSIFY_HEAD)
            return PROTO_E_PAYLOAD;
        uint16_t off = proto_get_u16(p), codes = b->codes;
        b->codes = 0; /* run (or refused): the next batch starts at 0 */
        if (off != codes)
            return PROTO_E_OFFSET;
        unsigned count = p[2], rec = p[3] ? PROTO_RECORD_HEAD + 8u : 1u;
        b->runs += (int)count;
        memset(reply, 0, count * rec);
        for (unsigned i = 0; i < count; i++) {
            reply[i * rec] = 1;
            if (p[3])
                proto_put_u32(reply + i * rec + PROTO_RECORD_HEAD + 4, 7);
        }
        *reply_len = (uint16_t)(count * rec);
        return 0; /* not remembered: a repeated CLASSIFY runs again */
    }
    case PROTO_STATUS:
        memset(reply, 0, PROTO_STATUS_BYTES);
        reply[0] = (uint8_t)(b->model_valid | b->loading << 1);
        proto_put_u32(reply + 1, b->load_crc);
        proto_put_u32(reply + 5, b->load_offset);
        *reply_len = PROTO_STATUS_BYTES;
        return 0;
    default: { /* HELLO and the rest: INFO (512-byte requests, 504 code bytes, P B H R,
                * 256 result bytes) */
        const uint8_t info[PROTO_INFO_BYTES] = {PROTO_VERSION, 0, 0x00, 0x02, 0xF8, 0x01, 8, 8, 24,
                                                32, [24] = FAKE_WEIGHT_BYTES, [30] = 1};
        memcpy(reply, info, sizeof info);
        *reply_len = PROTO_INFO_BYTES;
        return 0;
    }
    }
    b->applied_valid = 1;
    b->applied_seq = b->rx.seq;
    b->applied_type = b->rx.type;
    return 0;
}

static int fake_send(void *ctx, const uint8_t *data, size_t n)
{
    fake_board *b = ctx;
    for (size_t i = 0; i < n; i++) {
        if (proto_rx_byte(&b->rx, data[i]) != PROTO_RX_FRAME)
            continue;
        int r = b->requests++;
        b->seqs[r % 64] = b->rx.seq;
        b->types[r % 64] = b->rx.type;
        b->lens[r % 64] = b->rx.len;
        b->tails[r % 64] = b->rx.len ? b->rx.payload[b->rx.len - 1] : 0;
        b->heard[r % 64] = b->out_pos;
        action a = r < b->n_script ? b->script[r] : ACT_REPLY;
        uint8_t err[PROTO_ERROR_BYTES] = {PROTO_E_CRC, b->rx.type};
        size_t start = b->out_len;
        uint8_t reply[PROTO_MAX_PAYLOAD];
        uint16_t reply_len;
        switch (a) {
        case ACT_DROP:
            break;
        case ACT_NAK_CRC:
            queue(b, PROTO_ERROR, b->rx.seq, err, 2);
            break;
        case ACT_REFUSE:
        case ACT_REFUSE_OFFSET: /* as if damage the CRC missed had changed the offset */
            err[0] = a == ACT_REFUSE ? PROTO_E_NO_MODEL : PROTO_E_OFFSET;
            queue(b, PROTO_ERROR, b->rx.seq, err, 2);
            break;
        case ACT_STALE: /* an old reply first, then the right one */
            fake_apply(b, reply, &reply_len);
            queue(b, (uint8_t)(b->rx.type | PROTO_REPLY), (uint8_t)(b->rx.seq - 1), reply, reply_len);
            queue(b, (uint8_t)(b->rx.type | PROTO_REPLY), b->rx.seq, reply, reply_len);
            break;
        default:
            err[0] = fake_apply(b, reply, &reply_len);
            if (a == ACT_APPLY_DROP)
                break;
            if (err[0])
                queue(b, PROTO_ERROR, b->rx.seq, err, 2);
            else
                queue(b, (uint8_t)(b->rx.type | PROTO_REPLY), b->rx.seq, reply, reply_len);
            if (a == ACT_DAMAGE)
                b->out[start + 8] ^= 0x40;
            if (a == ACT_BAD_LEN) /* the length field: 0x8000 more than it was */
                b->out[start + 4] ^= 0x80;
        }
        b->ends[r % 64] = b->out_len;
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
    return (int)n; /* 0: "timeout" at once */
}

static fake_board board;
static drv d;

static void start_chunk(const action *script, int n, unsigned attempts, uint16_t chunk)
{
    memset(&board, 0, sizeof board);
    proto_rx_init(&board.rx, PROTO_MAX_PAYLOAD);
    if (n > 0)
        memcpy(board.script, script, sizeof(action) * (size_t)n);
    board.n_script = n;
    drv_init(&d, (drv_transport){fake_send, fake_recv, &board}, 10, attempts, chunk);
}

static void start(const action *script, int n, unsigned attempts)
{
    start_chunk(script, n, attempts, 0);
}

static void retries_keep_the_seq(void **state)
{
    (void)state;
    const action script[] = {ACT_DAMAGE, ACT_NAK_CRC, ACT_DROP, ACT_REPLY};
    start(script, 4, 5);
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(board.requests, 4);
    for (int i = 1; i < 4; i++)
        assert_int_equal(board.seqs[i], board.seqs[0]);
    assert_int_equal(d.stats.retries, 3);
    assert_int_equal(d.stats.damaged, 1);
    assert_int_equal(d.stats.line_errors, 1);
    assert_int_equal(d.stats.timeouts, 1);
    assert_int_equal(d.info.max_request, 512);
    assert_int_equal(d.info.event_bytes, 504);
    assert_int_equal(d.info.result_bytes, 256);
    assert_int_equal(d.chunk, 512);
    /* the next request takes the next seq */
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(board.seqs[4], (uint8_t)(board.seqs[0] + 1));
}

static void silent_board_gives_up(void **state)
{
    (void)state;
    const action script[] = {ACT_DROP, ACT_DROP, ACT_DROP, ACT_DROP, ACT_DROP};
    start(script, 5, 3);
    assert_int_equal(drv_hello(&d), DRV_E_NO_REPLY);
    assert_int_equal(board.requests, 3);
}

static void refusal_is_not_retried(void **state)
{
    (void)state;
    const action script[] = {ACT_REFUSE};
    start(script, 1, 5);
    assert_int_equal(drv_hello(&d), DRV_E_REFUSED);
    assert_int_equal(d.last_error, PROTO_E_NO_MODEL);
    assert_int_equal(board.requests, 1);
}

static void stale_reply_skipped(void **state)
{
    (void)state;
    const action script[] = {ACT_STALE};
    start(script, 1, 1);
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(board.requests, 1);
}

static int weights(void *ctx, uint32_t offset, uint8_t *buf, uint16_t n)
{
    (void)ctx;
    for (uint16_t i = 0; i < n; i++)
        buf[i] = (uint8_t)((offset + i) * 31);
    return 0;
}

static const drv_config config = {784, 100, 10, 80, 3, 500, 3353, 3706, 0, 1, 0, {0}};

static void load_restarts_after_refusal(void **state)
{
    (void)state;
    /* HELLO, LOAD_BEGIN, then the first LOAD_DATA refused as out of sequence */
    const action script[] = {ACT_REPLY, ACT_REPLY, ACT_REFUSE_OFFSET};
    start(script, 3, 5);
    assert_int_equal(drv_hello(&d), DRV_OK);
    uint32_t crc;
    assert_int_equal(drv_load(&d, &config, weights, NULL, &crc), DRV_OK);
    assert_int_equal(d.stats.restarts, 1);
    assert_true(board.model_valid);
    assert_int_equal(board.load_crc, crc);
    assert_int_equal(board.types[3], PROTO_LOAD_BEGIN); /* started over */
}

static void load_refused_for_good_after_restarts(void **state)
{
    (void)state;
    action script[FAKE_SCRIPT] = {ACT_REPLY}; /* HELLO, then every LOAD_DATA refused */
    for (unsigned i = 0; i <= DRV_RESTARTS; i++) {
        script[1 + 2 * i] = ACT_REPLY;
        script[2 + 2 * i] = ACT_REFUSE_OFFSET;
    }
    start(script, FAKE_SCRIPT, 5);
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(drv_load(&d, &config, weights, NULL, NULL), DRV_E_REFUSED);
    assert_int_equal(d.last_error, PROTO_E_OFFSET);
    assert_int_equal(d.stats.restarts, DRV_RESTARTS);
}

static void lost_data_reply_shrinks_and_resyncs(void **state)
{
    (void)state;
    /* HELLO, LOAD_BEGIN; the first 64-byte LOAD_DATA is applied but no reply of its
     * DRV_SHRINK_AFTER attempts gets back: STATUS says where the board is. */
    action script[2 + DRV_SHRINK_AFTER] = {ACT_REPLY, ACT_REPLY, ACT_APPLY_DROP};
    for (unsigned i = 3; i < 2 + DRV_SHRINK_AFTER; i++)
        script[i] = ACT_DROP;
    start_chunk(script, 2 + DRV_SHRINK_AFTER, 50, 64);
    assert_int_equal(drv_hello(&d), DRV_OK);
    uint32_t crc;
    assert_int_equal(drv_load(&d, &config, weights, NULL, &crc), DRV_OK);
    assert_int_equal(board.types[2 + DRV_SHRINK_AFTER], PROTO_STATUS);
    assert_int_equal(board.load_offset, FAKE_WEIGHT_BYTES);
    assert_true(board.model_valid); /* every byte once, in order: the CRC-32 matched */
    assert_int_equal(board.load_crc, crc);
    assert_int_equal(d.stats.restarts, 0);
}

/* Image i of a stream: `image_bits` bits of 1 (the fake board does not decode them),
 * written below max even when they do not fit (the driver must clear them). */
static uint32_t image_bits;
static uint32_t results_seen, results_in_order;
static int codes_of(void *ctx, uint32_t i, uint8_t *codes, uint32_t at, uint32_t max)
{
    (void)ctx;
    (void)i;
    for (uint32_t k = at; k < at + image_bits && k < max; k++)
        codes[k / 8] |= (uint8_t)(1u << (k % 8));
    return (int)image_bits;
}
static int take(void *ctx, uint32_t i, const drv_result *res)
{
    (void)ctx;
    results_in_order += i == results_seen && res->prediction == 1 &&
                        res->n_out == 2 && res->max_out[1] == 7;
    results_seen++;
    return 0;
}
static void start_stream(const action *script, int n, uint16_t chunk, uint32_t bits)
{
    start_chunk(script, n, 50, chunk);
    image_bits = bits;
    results_seen = results_in_order = 0;
}

static void stream_batches_fill_the_bank(void **state)
{
    (void)state;
    start_stream(NULL, 0, 0, 321); /* 40.1 code bytes an image: 12 fit 504 bytes */
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(drv_classify_stream(&d, 20, 1, 2, codes_of, take, NULL), DRV_OK);
    assert_int_equal(results_in_order, 20);
    assert_int_equal(board.runs, 20);
    assert_int_equal(d.stats.batches, 2);
    assert_int_equal(board.types[1], PROTO_CLASSIFY);
    assert_int_equal(board.lens[1], PROTO_CLASSIFY_HEAD + (12 * 321 + 7) / 8);
    /* the batch ends 4 bits into its last byte; the 13th image's bits there were cleared */
    assert_int_equal(board.tails[1], 0x0F);
    assert_int_equal(board.lens[2], PROTO_CLASSIFY_HEAD + (8 * 321 + 7) / 8);
}

/* The bank of the batch being answered is free as its reply begins: the next batch
 * goes out then, not after the reply's last byte (the core would wait for its line time). */
static void stream_next_batch_goes_out_as_a_reply_begins(void **state)
{
    (void)state;
    start_stream(NULL, 0, 0, 321); /* batches of 12, 12, 6 */
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(drv_classify_stream(&d, 30, 1, 2, codes_of, take, NULL), DRV_OK);
    assert_int_equal(results_in_order, 30);
    assert_int_equal(board.types[3], PROTO_CLASSIFY);
    assert_true(board.heard[3] < board.ends[1]);
    assert_int_equal(d.stats.waits - 1, 3); /* HELLO's, then one per batch */
}

static void stream_after_a_lost_batch_resends_it(void **state)
{
    (void)state;
    /* HELLO; the first batch's CLASSIFY lost on the way; the second arrives and runs */
    const action script[] = {ACT_REPLY, ACT_DROP};
    start_stream(script, 2, 0, 321);
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(drv_classify_stream(&d, 20, 1, 2, codes_of, take, NULL), DRV_OK);
    assert_int_equal(results_in_order, 20); /* each once, in order */
    assert_int_equal(d.stats.restarts, 0);
}

static void lost_codes_reply_shrinks_and_goes_on(void **state)
{
    (void)state;
    /* HELLO; an image of 150 code bytes in 64-byte frames: the first CODES frame gets
     * no reply in DRV_SHRINK_AFTER attempts, then goes again at 32 from offset 0. */
    action script[1 + DRV_SHRINK_AFTER] = {ACT_REPLY};
    for (unsigned i = 1; i <= DRV_SHRINK_AFTER; i++)
        script[i] = ACT_DROP;
    start_stream(script, 1 + DRV_SHRINK_AFTER, 64, 8 * 150);
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(drv_classify_stream(&d, 1, 1, 2, codes_of, take, NULL), DRV_OK);
    assert_int_equal(results_in_order, 1);
    assert_int_equal(board.runs, 1);
    assert_int_equal(board.types[1], PROTO_CODES);
    assert_int_equal(board.lens[1], 64);
    assert_int_equal(board.types[1 + DRV_SHRINK_AFTER], PROTO_CODES);
    assert_int_equal(board.lens[1 + DRV_SHRINK_AFTER], 32);
    /* the last frame, CLASSIFY, ends at the image's last code byte */
    assert_int_equal(proto_get_u16(board.rx.payload) + board.rx.len - PROTO_CLASSIFY_HEAD, 150);
    assert_int_equal(d.stats.restarts, 0);
}

static void last_codes_frame_carries_only_the_rest(void **state)
{
    (void)state;
    /* 60 code bytes, 64-byte frames: too many for CLASSIFY's (56), fewer than CODES's
     * (62): one CODES of 60, then a CLASSIFY with none (it once sent 62 and a
     * CLASSIFY of 6 bytes, refused as the wrong payload size). */
    start_stream(NULL, 0, 64, 8 * 60);
    assert_int_equal(drv_hello(&d), DRV_OK);
    assert_int_equal(drv_classify_stream(&d, 1, 1, 2, codes_of, take, NULL), DRV_OK);
    assert_int_equal(results_in_order, 1);
    assert_int_equal(board.lens[1], PROTO_CODES_HEAD + 60);
    assert_int_equal(board.types[2], PROTO_CLASSIFY);
    assert_int_equal(board.lens[2], PROTO_CLASSIFY_HEAD);
}

static void damaged_replies_are_not_timeouts(void **state)
{
    (void)state;
    const action script[] = {ACT_DAMAGE, ACT_BAD_LEN, ACT_DAMAGE};
    start(script, 3, 3);
    assert_int_equal(drv_hello(&d), DRV_E_NO_REPLY);
    drv_stats s = drv_request_stats(&d);
    assert_int_equal(s.damaged, 3);
    assert_int_equal(s.timeouts, 0);
    assert_int_equal(s.retries, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_check_values),
        cmocka_unit_test(frames_roundtrip_and_resync),
        cmocka_unit_test(retries_keep_the_seq),
        cmocka_unit_test(silent_board_gives_up),
        cmocka_unit_test(refusal_is_not_retried),
        cmocka_unit_test(stale_reply_skipped),
        cmocka_unit_test(load_restarts_after_refusal),
        cmocka_unit_test(load_refused_for_good_after_restarts),
        cmocka_unit_test(lost_data_reply_shrinks_and_resyncs),
        cmocka_unit_test(stream_batches_fill_the_bank),
        cmocka_unit_test(stream_next_batch_goes_out_as_a_reply_begins),
        cmocka_unit_test(stream_after_a_lost_batch_resends_it),
        cmocka_unit_test(lost_codes_reply_shrinks_and_goes_on),
        cmocka_unit_test(last_codes_frame_carries_only_the_rest),
        cmocka_unit_test(damaged_replies_are_not_timeouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
