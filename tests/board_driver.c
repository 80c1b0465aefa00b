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
    /* too long for the receiver */
    proto_rx_init(&rx, 64);
    uint8_t head[5];
    memcpy(head, f, 5);
    assert_int_equal(feed(&rx, head, 5), PROTO_RX_BAD_LEN);
}

/* ---- a fake board behind a fake transport ---- */
typedef enum { ACT_REPLY, ACT_DAMAGE, ACT_DROP, ACT_NAK_CRC, ACT_REFUSE, ACT_STALE } action;

typedef struct {
    proto_rx rx;
    action script[16]; /* what to do with request 0, 1, ... (then ACT_REPLY) */
    int n_script, requests;
    uint8_t seqs[64];  /* seq of every request seen */
    uint8_t out[4096];
    size_t out_len, out_pos;
} fake_board;

static void queue(fake_board *b, uint8_t type, uint8_t seq, const uint8_t *p, uint16_t len)
{
    b->out_len += proto_encode(b->out + b->out_len, type, seq, p, len);
}

static int fake_send(void *ctx, const uint8_t *data, size_t n)
{
    fake_board *b = ctx;
    for (size_t i = 0; i < n; i++) {
        if (proto_rx_byte(&b->rx, data[i]) != PROTO_RX_FRAME)
            continue;
        int r = b->requests++;
        b->seqs[r % 64] = b->rx.seq;
        action a = r < b->n_script ? b->script[r] : ACT_REPLY;
        uint8_t info[29] = {PROTO_VERSION, 0, 0x00, 0x02, 0x00, 0x04, 8, 8, 24, 32};
        uint8_t err[2] = {PROTO_E_CRC, b->rx.type};
        size_t start = b->out_len;
        switch (a) {
        case ACT_DROP:
            break;
        case ACT_NAK_CRC:
            queue(b, PROTO_ERROR, b->rx.seq, err, 2);
            break;
        case ACT_REFUSE:
            err[0] = PROTO_E_NO_MODEL;
            queue(b, PROTO_ERROR, b->rx.seq, err, 2);
            break;
        case ACT_STALE: /* an old reply first, then the right one */
            queue(b, (uint8_t)(b->rx.type | PROTO_REPLY), (uint8_t)(b->rx.seq - 1), info, 29);
            queue(b, (uint8_t)(b->rx.type | PROTO_REPLY), b->rx.seq, info, 29);
            break;
        default:
            queue(b, (uint8_t)(b->rx.type | PROTO_REPLY), b->rx.seq, info, 29);
            if (a == ACT_DAMAGE)
                b->out[start + 8] ^= 0x40;
        }
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

static void start(const action *script, int n, unsigned attempts)
{
    memset(&board, 0, sizeof board);
    proto_rx_init(&board.rx, PROTO_MAX_PAYLOAD);
    memcpy(board.script, script, sizeof(action) * (size_t)n);
    board.n_script = n;
    drv_init(&d, (drv_transport){fake_send, fake_recv, &board}, 10, attempts, 0);
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
    assert_int_equal(d.info.event_bytes, 1024);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_check_values),
        cmocka_unit_test(frames_roundtrip_and_resync),
        cmocka_unit_test(retries_keep_the_seq),
        cmocka_unit_test(silent_board_gives_up),
        cmocka_unit_test(refusal_is_not_retried),
        cmocka_unit_test(stale_reply_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
