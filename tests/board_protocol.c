/* board_protocol.c - the board's protocol rules, checked on the simulated board.
 *
 * Starts a simulated board (the Verilated rtl/board/board_system.v with the core)
 * on a pseudo-terminal and sends it hand-made frames: refusals (unknown type,
 * bad payload size, out-of-sequence data, bad configuration, CLASSIFY without
 * a model, batches whose codes break the rules), error replies for a bad CRC and for noise followed by recovery,
 * duplicate requests not applied twice, and a load whose CRC-32 is wrong
 * leaving the model invalid (nothing half-applied) until a correct load, and a
 * load refused after damage that passed the CRC started over by the host.
 * Runs on both builds (sw/board/board.mk): the one-layer snn-board-sim and the general
 * snn-board-sim-deep, where the long form of LOAD_BEGIN (layer blocks) is checked too.
 * usage: board_protocol SIMULATOR_BINARY
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../sw/board/board_image.h"
#include "../sw/board/board_link.h"

static const char *sim_path;
static board_link link_;
static proto_rx reply;
static uint8_t next_seq = 100;

static int setup(void **state)
{
    (void)state;
    board_link_opts o = {.baud = 6000000, .sim = 1, .sim_path = sim_path, .timeout_ms = 5000,
                         .attempts = 3};
    snn_error err;
    if (board_link_open(&link_, &o, &err) != 0)
        fail_msg("%s", err.msg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    board_link_close(&link_);
    return 0;
}

/* Sends raw bytes and waits for one reply frame; returns its type (-1: none in 5 s). */
static int exchange_bytes(const uint8_t *bytes, size_t n)
{
    drv_transport io = link_.drv.io;
    assert_int_equal(io.send(io.ctx, bytes, n), 0);
    proto_rx_init(&reply, PROTO_MAX_PAYLOAD);
    uint8_t b;
    for (;;) {
        int r = io.recv(io.ctx, &b, 1, 5000);
        if (r <= 0)
            return -1;
        if (proto_rx_byte(&reply, b) == PROTO_RX_FRAME)
            return reply.type;
    }
}

/* One request with an explicit seq; returns the reply type. */
static int request_seq(uint8_t type, uint8_t seq, const uint8_t *p, uint16_t len)
{
    static uint8_t f[PROTO_MAX_FRAME];
    return exchange_bytes(f, proto_encode(f, type, seq, p, len));
}

static int request(uint8_t type, const uint8_t *p, uint16_t len)
{
    return request_seq(type, next_seq++, p, len);
}

static void expect_error(int type, uint8_t code)
{
    assert_int_equal(type, PROTO_ERROR);
    assert_int_equal(reply.payload[0], code);
}

static drv_status status(void)
{
    drv_status st;
    assert_int_equal(drv_status_read(&link_.drv, &st), DRV_OK);
    return st;
}

/* The configuration the host sends this build (board_image_config) for a 784-...-10
 * network of n_layers hidden layers of sizes[l] (4/5 excitatory, the second recurrent if
 * the build has recurrence) and `steps` steps: the short form of LOAD_BEGIN on a one-layer
 * build, the long form on a general one, which takes only that. The host's own check
 * passes it first. */
static drv_config host_config(int n_layers, const int sizes[], int steps)
{
    const drv_info *info = &link_.drv.info;
    qnet q = {.n_in = 784, .n_out = 10, .steps = steps, .n_layers = n_layers,
              .out_alpha_q = 3353, .out_beta_q = 3706, .weight_bits = info->weight_bits,
              .hidden_bits = info->hidden_bits, .readout_bits = info->readout_bits, .seed = 1};
    for (int l = 0; l < n_layers; l++)
        q.layer[l] = (qnet_layer){.size = sizes[l], .n_exc = sizes[l] * 4 / 5,
                                  .recurrent = l > 0 && info->recurrent, .theta = 500,
                                  .alpha_q = 3353, .beta_q = 3706};
    snn_error err;
    if (board_image_check(&q, info, "test network", &err) != 0)
        fail_msg("%s", err.msg);
    return board_image_config(&q, info);
}

/* host_config's LOAD_BEGIN payload (100 steps) into out; returns its size. */
static uint16_t config_bytes(uint8_t out[PROTO_CONFIG_MAX_BYTES], int n_layers,
                             const int sizes[])
{
    const drv_config c = host_config(n_layers, sizes, 100);
    return drv_config_bytes(&c, out);
}

/* LOAD_BEGIN of cfg[0..n) with u32 `reg` of the payload (in the long form: register reg)
 * set to v: refused with CONFIG. cfg is left as it was. */
static void config_refused(uint8_t *cfg, uint16_t n, unsigned reg, uint32_t v)
{
    const uint32_t was = proto_get_u32(cfg + 4 * reg);
    proto_put_u32(cfg + 4 * reg, v);
    int type = request(PROTO_LOAD_BEGIN, cfg, n);
    if (type != PROTO_ERROR || reply.payload[0] != PROTO_E_CONFIG)
        print_error("register 0x%02X = %u:\n", reg, (unsigned)v);
    expect_error(type, PROTO_E_CONFIG);
    proto_put_u32(cfg + 4 * reg, was);
}

static void refusals(void **state)
{
    (void)state;
    assert_int_equal(link_.drv.info.version, PROTO_VERSION);
    assert_int_equal(link_.drv.info.board_id, 0);
    uint8_t p[64] = {0};
    expect_error(request(0x55, NULL, 0), PROTO_E_UNKNOWN);
    expect_error(request(PROTO_LOAD_BEGIN, p, 12), PROTO_E_PAYLOAD);
    p[2] = 1; /* one image */
    expect_error(request(PROTO_CLASSIFY, p, 8), PROTO_E_NO_MODEL);
    expect_error(request(PROTO_CLASSIFY, p, 6), PROTO_E_PAYLOAD);
    expect_error(request(PROTO_CODES, p, 1), PROTO_E_PAYLOAD);
    p[2] = 0;
    expect_error(request(PROTO_LOAD_DATA, p, 8), PROTO_E_OFFSET); /* no load begun */
    /* a valid configuration with one register (0x1 n_hidden, 0x5 theta, 0x8 N) wrong */
    uint8_t cfg[PROTO_CONFIG_MAX_BYTES];
    const uint16_t n = config_bytes(cfg, 1, (const int[]){100});
    config_refused(cfg, n, 0x1, 0);
    config_refused(cfg, n, 0x1, 5000); /* more than the core holds */
    config_refused(cfg, n, 0x8, 17);   /* N > 16 */
    if (!link_.drv.info.noise) /* a build without the noise generator takes only N = 0 */
        config_refused(cfg, n, 0x8, 4);
    /* theta must be 1 .. 2^(H-1)-1: the core keeps H bits, so wider is refused, not cut */
    const uint32_t theta_max = (1u << (link_.drv.info.hidden_bits - 1)) - 1;
    const uint32_t bad_theta[] = {0, theta_max + 1, theta_max + 1 + 500, 0x80000000u};
    for (size_t i = 0; i < sizeof bad_theta / sizeof bad_theta[0]; i++)
        config_refused(cfg, n, 0x5, bad_theta[i]);
    proto_put_u32(cfg + 4 * 0x5, theta_max);
    assert_int_equal(request(PROTO_LOAD_BEGIN, cfg, n), PROTO_LOAD_BEGIN | PROTO_REPLY);
    assert_false(status().model_valid);
}

static void damage_gets_error_replies(void **state)
{
    (void)state;
    uint8_t f[PROTO_MAX_FRAME];
    size_t n = proto_encode(f, PROTO_STATUS, next_seq++, NULL, 0);
    f[n - 1] ^= 1;
    expect_error(exchange_bytes(f, n), PROTO_E_CRC);
    const uint8_t noise[] = {0x12, PROTO_SYNC, 0x02, 0x07, 0x00, 0x00}; /* SYNC mid-burst */
    expect_error(exchange_bytes(noise, sizeof noise), PROTO_E_TRUNCATED);
    f[n - 1] ^= 1;
    assert_int_equal(exchange_bytes(f, n), PROTO_STATUS | PROTO_REPLY); /* resynchronised */
    /* A header announcing more than the board accepts; the frame (header + CRC) is
     * encoded whole, then only its header is sent. */
    uint8_t head[PROTO_OVERHEAD];
    proto_encode(head, PROTO_STATUS, next_seq++, NULL, 0);
    proto_put_u16(head + 3, (uint16_t)(link_.drv.info.max_request + 1));
    expect_error(exchange_bytes(head, PROTO_HEADER_BYTES), PROTO_E_LENGTH);
    drv_status st = status();
    assert_true(st.crc_errors >= 1 && st.length_errors >= 1 && st.truncated >= 1);
}

static void wrong_crc_leaves_no_model(void **state)
{
    (void)state;
    uint8_t cfg[PROTO_CONFIG_MAX_BYTES], p[PROTO_MAX_PAYLOAD];
    const uint16_t n_cfg = config_bytes(cfg, 1, (const int[]){100});
    assert_int_equal(request(PROTO_LOAD_BEGIN, cfg, n_cfg), PROTO_LOAD_BEGIN | PROTO_REPLY);
    uint32_t total = link_.drv.info.weight_bytes, chunk = 508;
    uint32_t crc = proto_crc32_update(0, cfg, n_cfg);
    for (uint32_t off = 0; off < total; off += chunk) {
        uint32_t n = total - off < chunk ? total - off : chunk;
        proto_put_u32(p, off);
        for (uint32_t i = 0; i < n; i++)
            p[4 + i] = (uint8_t)((off + i) * 13);
        crc = proto_crc32_update(crc, p + 4, n);
        uint8_t seq = next_seq++;
        assert_int_equal(request_seq(PROTO_LOAD_DATA, seq, p, (uint16_t)(n + 4)),
                         PROTO_LOAD_DATA | PROTO_REPLY);
        assert_int_equal(proto_get_u32(reply.payload), off + n);
        if (off == 0) { /* the same request again: answered, not applied twice */
            assert_int_equal(request_seq(PROTO_LOAD_DATA, seq, p, (uint16_t)(n + 4)),
                             PROTO_LOAD_DATA | PROTO_REPLY);
            assert_int_equal(proto_get_u32(reply.payload), n);
            /* the same data under a new seq is out of sequence */
            expect_error(request(PROTO_LOAD_DATA, p, (uint16_t)(n + 4)), PROTO_E_OFFSET);
        }
    }
    proto_put_u32(p, total);
    proto_put_u32(p + 4, crc + 1);
    expect_error(request(PROTO_LOAD_COMMIT, p, 8), PROTO_E_VERIFY);
    assert_false(status().model_valid);
    uint8_t run[8] = {0, 0, 1};
    expect_error(request(PROTO_CLASSIFY, run, 8), PROTO_E_NO_MODEL);
    /* the same commit with the right CRC is too late: the load ended */
    proto_put_u32(p + 4, crc);
    expect_error(request(PROTO_LOAD_COMMIT, p, 8), PROTO_E_VERIFY);
    assert_false(status().model_valid);
}

static int zero_weights(void *ctx, uint32_t offset, uint8_t *buf, uint16_t n)
{
    (void)ctx;
    (void)offset;
    memset(buf, 0, n);
    return 0;
}

/* Sets the bits of a code string ("0"/"1", spaces ignored) into out from bit 0
 * (bit k of the stream is bit k % 8 of byte k / 8); returns the bytes they take. */
static uint16_t pack(const char *bits, uint8_t *out)
{
    uint16_t k = 0;
    for (; *bits; bits++) {
        if (*bits == ' ')
            continue;
        if (k % 8 == 0)
            out[k / 8] = 0;
        out[k / 8] |= (uint8_t)((*bits == '1') << (k % 8));
        k++;
    }
    return (uint16_t)((k + 7) / 8);
}

/* A CLASSIFY payload into p: offset, images, detail, first index 0, then the codes;
 * returns its length. */
static uint16_t batch(uint8_t *p, uint16_t offset, uint8_t images, uint8_t detail, const char *bits)
{
    const uint8_t head[PROTO_CLASSIFY_HEAD] = {(uint8_t)offset, (uint8_t)(offset >> 8), images,
                                               detail};
    memcpy(p, head, sizeof head);
    return (uint16_t)(PROTO_CLASSIFY_HEAD + pack(bits, p + PROTO_CLASSIFY_HEAD));
}

static void verified_load_then_image_checks(void **state)
{
    (void)state;
    drv_config cfg = host_config(1, (const int[]){100}, 3);
    uint32_t crc;
    assert_int_equal(drv_load(&link_.drv, &cfg, zero_weights, NULL, &crc), DRV_OK);
    drv_status st = status();
    assert_true(st.model_valid);
    assert_int_equal(st.model_crc, crc);
    /* Batches of codes (docs/protocol.md, "Image codes"; steps = 3), as CLASSIFY
     * payloads: u16 offset, u8 images, u8 detail, u32 first index, codes. */
    uint8_t p[64];
    /* input 3 (1001 1) | input 4 + 787 = 791 >= n_in (111110 100010011) | end of image */
    expect_error(request(PROTO_CLASSIFY, p, batch(p, 0, 1, 1, "10011 111110100010011 111111")),
                 PROTO_E_IMAGE);
    /* four end-of-step codes for three steps */
    expect_error(request(PROTO_CLASSIFY, p, batch(p, 0, 1, 1, "010 010 010 010 111111")),
                 PROTO_E_IMAGE);
    /* the codes run out before the end of the image */
    expect_error(request(PROTO_CLASSIFY, p, batch(p, 0, 1, 1, "10011")), PROTO_E_IMAGE);
    /* no image */
    expect_error(request(PROTO_CLASSIFY, p, batch(p, 0, 0, 1, "111111")), PROTO_E_PAYLOAD);
    /* input 3 | input 4 + 643 = 647 (111110 010000011) | end: 26 bits, the first two
     * bytes in a CODES frame, the rest in the CLASSIFY, whose offset must be the codes so far */
    const char *image = "10011 111110010000011 111111";
    uint8_t codes[8] = {0, 0};
    pack(image, codes + PROTO_CODES_HEAD);
    assert_int_equal(request(PROTO_CODES, codes, PROTO_CODES_HEAD + 2), PROTO_CODES | PROTO_REPLY);
    assert_int_equal(proto_get_u16(reply.payload), 2);
    uint16_t len = batch(p, 5, 1, 1, image);
    memmove(p + PROTO_CLASSIFY_HEAD, p + PROTO_CLASSIFY_HEAD + 2, 2);
    expect_error(request(PROTO_CLASSIFY, p, len - 2), PROTO_E_OFFSET);
    assert_int_equal(request(PROTO_CODES, codes, PROTO_CODES_HEAD + 2), PROTO_CODES | PROTO_REPLY);
    p[0] = 2;
    assert_int_equal(request(PROTO_CLASSIFY, p, len - 2), PROTO_CLASSIFY | PROTO_REPLY);
    unsigned r = link_.drv.info.readout_bits, vb = r > 32 ? 8 : r > 16 ? 4 : r > 8 ? 2 : 1;
    assert_int_equal(reply.len, PROTO_RECORD_HEAD + 10 * vb);
    assert_int_equal(reply.payload[0], 0); /* zero weights: all readouts 0, ties to class 0 */
    /* two images back to back (the second starts 2 bits into a byte), predictions only:
     * one byte each */
    assert_int_equal(request(PROTO_CLASSIFY, p, batch(p, 0, 2, 0, "10011 111110010000011 111111"
                                                               "10011 111110010000011 111111")),
                     PROTO_CLASSIFY | PROTO_REPLY);
    assert_int_equal(reply.len, 2);
    assert_int_equal(status().images, 6); /* a spoiled batch runs its image too */
}

/* Damage the CRC did not catch, as on the line of issue 10: the nth LOAD_DATA frame
 * goes out with its offset changed and a CRC that matches the change. */
static drv_transport line;
static int tamper_at, data_frames;

static int tampering_send(void *ctx, const uint8_t *data, size_t n)
{
    if (n > PROTO_OVERHEAD && data[1] == PROTO_LOAD_DATA && data_frames++ == tamper_at) {
        static uint8_t f[PROTO_MAX_FRAME], p[PROTO_MAX_PAYLOAD];
        uint16_t len = proto_get_u16(data + 3);
        memcpy(p, data + PROTO_HEADER_BYTES, len);
        p[1] ^= 0x02;
        return line.send(ctx, f, proto_encode(f, data[1], data[2], p, len));
    }
    return line.send(ctx, data, n);
}

static void undetected_damage_restarts_the_load(void **state)
{
    (void)state;
    line = link_.drv.io;
    tamper_at = 3;
    data_frames = 0;
    link_.drv.io.send = tampering_send;
    drv_config cfg = host_config(1, (const int[]){100}, 3);
    uint32_t crc, restarts = link_.drv.stats.restarts;
    int r = drv_load(&link_.drv, &cfg, zero_weights, NULL, &crc);
    link_.drv.io = line;
    assert_int_equal(r, DRV_OK); /* the board refused the frame; the host started over */
    assert_int_equal(link_.drv.stats.restarts, restarts + 1);
    drv_status st = status();
    assert_true(st.model_valid);
    assert_int_equal(st.model_crc, crc);
}

/* The long form of LOAD_BEGIN on a general build (docs/protocol.md, row 0x10 and
 * "Configuration checks"): 16 u32 per block, registers 0x0-0xF and then each layer's
 * 0x10 (l + 1) .. + 0xF, so 64 (1 + L) bytes for 1 <= L <= MAX_LAYERS; any other size
 * is PAYLOAD, the short form's 40 too, contents outside the build's limits CONFIG. */
static void general_config_refusals(void **state)
{
    (void)state;
    const drv_info *info = &link_.drv.info;
    const int general = board_is_general(info);
    static uint8_t p[PROTO_MAX_PAYLOAD];
    memset(p, 0, sizeof p);
    /* Each build takes one form: the one-layer build the short, a general build the long
     * (the short would leave n_layers, the readout's decays and the layer blocks as the
     * last load set them). A one-layer network's form, then the other's size. */
    const uint16_t n1 = config_bytes(p, 1, (const int[]){100});
    assert_int_equal(n1, general ? 128 : PROTO_CONFIG_BYTES);
    expect_error(request(PROTO_LOAD_BEGIN, p, general ? PROTO_CONFIG_BYTES : 128),
                 PROTO_E_PAYLOAD);
    if (info->max_layers <= 1)
        skip();
    /* n_layers 2 with one block: layer 1 would run on stale registers */
    config_refused(p, n1, 0x0C, 2);
    const uint16_t n = config_bytes(p, 2, (const int[]){64, 32});
    assert_int_equal(n, 64 * 3);

    /* Sizes off a block boundary: the short form and a byte, 16 bytes or a whole block
     * (the long form has all 16 globals, not ten), the globals alone, one layer's block
     * a byte short or long, the same for two, one block too many. Refused before a byte
     * is read, so a verified model stays valid (nothing applied). */
    const uint8_t was_valid = status().model_valid;
    const uint16_t bad_len[] = {PROTO_CONFIG_BYTES + 1, PROTO_CONFIG_BYTES + 16,
                                PROTO_CONFIG_BYTES + 64, 64, 127, 129, n - 1, n + 1,
                                (uint16_t)(64 * (info->max_layers + 2))};
    for (size_t i = 0; i < sizeof bad_len / sizeof bad_len[0]; i++) {
        int type = request(PROTO_LOAD_BEGIN, p, bad_len[i]);
        if (type != PROTO_ERROR || reply.payload[0] != PROTO_E_PAYLOAD)
            print_error("%u bytes:\n", (unsigned)bad_len[i]);
        expect_error(type, PROTO_E_PAYLOAD);
    }
    assert_int_equal(status().model_valid, was_valid);

    /* One register out of range per request; u32 r of the payload is register r. */
    const uint32_t theta_max = (1u << (info->hidden_bits - 1)) - 1;
    const uint32_t size0 = proto_get_u32(p + 4 * 0x11), size1 = proto_get_u32(p + 4 * 0x21),
                   exc1 = proto_get_u32(p + 4 * 0x23);
    const struct {
        unsigned reg;
        uint32_t v;
    } bad[] = {
        {0x0C, 0},                      /* n_layers 0 */
        {0x0C, info->max_layers + 1u},  /* n_layers over MAX_LAYERS */
        {0x11, info->max_hidden + 1u},  /* a layer over MAX_HID */
        {0x21, info->max_hidden + 1u},
        {0x21, 0x10000u + size1},       /* over 16 bits: refused, not cut to size1 */
        {0x13, size0 + 1},              /* n_exc over the layer's size */
        {0x23, size1 + 1},
        {0x15, 0},                      /* theta 0 and 2^(H-1), in either layer */
        {0x15, theta_max + 1},
        {0x25, 0},
        {0x25, theta_max + 1},
        {0x1C, 2},                      /* recurrent is 0 or 1 */
        {0x2C, 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        config_refused(p, n, bad[i].reg, bad[i].v);
    /* a layer of size 0, its n_exc 0 too so that the size is the only fault */
    proto_put_u32(p + 4 * 0x23, 0);
    config_refused(p, n, 0x21, 0);
    proto_put_u32(p + 4 * 0x23, exc1);
    /* A recurrent layer needs a RECURRENT build. (Not a refusal on one, such as
     * icebreaker-deep: there layer 1 of the valid configuration is recurrent.) */
    if (!info->recurrent)
        config_refused(p, n, 0x1C, 1);
    assert_false(status().model_valid);

    /* The valid configuration after all that: taken, a load begun, no model yet. */
    assert_int_equal(request(PROTO_LOAD_BEGIN, p, n), PROTO_LOAD_BEGIN | PROTO_REPLY);
    drv_status st = status();
    assert_false(st.model_valid);
    assert_true(st.loading);
    assert_int_equal(st.load_offset, 0);
}

/* The host's codes of an image are the documented bits (docs/protocol.md, "Image
 * codes"), placed from any bit on and never past max; a gap the codes do not reach is
 * refused. (No board needed: the rest of this file checks the board decodes them.) */
static void host_codes_are_the_documented_bits(void **state)
{
    (void)state;
    /* step 0: inputs 0, 1, 5, 300; step 1: none; step 2: input 783; step 3: none */
    uint32_t starts[5] = {0, 4, 4, 5, 5};
    uint16_t events[5] = {0, 1, 5, 300, 783};
    spike_data d = {.n = 1, .n_inputs = 1200, .steps = 4, .step_start = starts, .events = events};
    const char *want = "00 00 10011 11110 00100110 010 010 111110 100001111 111111";
    uint8_t expect[16] = {0}, got[16] = {0};
    uint16_t bytes = pack(want, expect);
    snn_error err;
    int bits = board_image_codes(&d, 0, got, 0, 8 * sizeof got, &err);
    assert_int_equal(bits, 49);
    assert_int_equal(bytes, 7);
    assert_memory_equal(got, expect, sizeof got);
    /* from bit 3 on, with room for 20 bits: the count is still all of them */
    memset(got, 0, sizeof got);
    assert_int_equal(board_image_codes(&d, 0, got, 3, 23, &err), 49);
    for (int k = 0; k < 8 * (int)sizeof got; k++) {
        int bit = (got[k / 8] >> (k % 8)) & 1;
        int ref = k >= 3 && k < 23 ? (expect[(k - 3) / 8] >> ((k - 3) % 8)) & 1 : 0;
        assert_int_equal(bit, ref);
    }
    /* input 1100 at the start of a step: a gap of 1100 */
    events[0] = 1100;
    assert_int_equal(board_image_codes(&d, 0, got, 0, 8 * sizeof got, &err), -1);
    assert_non_null(strstr(err.msg, "1024"));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: board_protocol SIMULATOR_BINARY\n");
        return 2;
    }
    sim_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refusals),
        cmocka_unit_test(damage_gets_error_replies),
        cmocka_unit_test(wrong_crc_leaves_no_model),
        cmocka_unit_test(verified_load_then_image_checks),
        cmocka_unit_test(undetected_damage_restarts_the_load),
        cmocka_unit_test(general_config_refusals),
        cmocka_unit_test(host_codes_are_the_documented_bits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
