/* driver.c - see driver.h. */
#include "driver.h"

enum { RESULT_HEADER = 9, CONFIG_BYTES = 40 };

void drv_init(drv *d, drv_transport io, uint32_t timeout_ms, unsigned attempts, uint16_t chunk)
{
    d->io = io;
    d->timeout_ms = timeout_ms;
    d->gap_ms = timeout_ms < 50u ? timeout_ms : 50u;
    d->attempts = attempts ? attempts : 1;
    d->chunk = chunk;
    d->stats = (drv_stats){0};
    d->info = (drv_info){0};
    d->last_error = 0;
    d->seq = 0;
    d->in_pos = d->in_len = 0;
    proto_rx_init(&d->rx, PROTO_MAX_PAYLOAD);
}

typedef enum { WAIT_GOT, WAIT_RETRY, WAIT_REFUSED, WAIT_IO } wait_result;

/* Waits for the reply to (type, d->seq). Frames of other requests are stale
 * and skipped; damage of any kind ends the attempt so the request is resent
 * at once (resending is always safe: the board does not apply a repeat).
 * Damage shows as a bad CRC, an error reply, or bytes that stop coming before
 * they made a frame (a damaged SYNC or length): then gap_ms, not timeout_ms. */
static wait_result await_reply(drv *d, uint8_t type)
{
    /* Bound the bytes one attempt may consume, so a babbling line cannot keep it alive. */
    uint32_t budget = 4u * PROTO_MAX_FRAME;
    int heard = 0;
    for (;;) {
        if (d->in_pos == d->in_len) {
            int n = d->io.recv(d->io.ctx, d->in, sizeof d->in, heard ? d->gap_ms : d->timeout_ms);
            if (n < 0)
                return WAIT_IO;
            if (n == 0) {
                d->stats.timeouts++;
                return WAIT_RETRY;
            }
            d->in_pos = 0;
            d->in_len = (uint8_t)n;
            d->stats.rx_bytes += (uint32_t)n;
            heard = 1;
        }
        if (budget-- == 0) {
            d->stats.timeouts++;
            return WAIT_RETRY;
        }
        proto_rx_event ev = proto_rx_byte(&d->rx, d->in[d->in_pos++]);
        if (ev == PROTO_RX_BAD_CRC) {
            d->stats.damaged++;
            return WAIT_RETRY;
        }
        if (ev == PROTO_RX_BAD_LEN) {
            /* The board is still sending the rest: let the attempt time out. */
            d->stats.damaged++;
            continue;
        }
        if (ev != PROTO_RX_FRAME)
            continue;
        if (d->rx.type == (uint8_t)(type | PROTO_REPLY) && d->rx.seq == d->seq)
            return WAIT_GOT;
        if (d->rx.type == PROTO_ERROR && d->rx.len >= 2) {
            uint8_t code = d->rx.payload[0];
            if (proto_error_is_transient(code)) {
                d->stats.line_errors++;
                return WAIT_RETRY;
            }
            if (d->rx.seq == d->seq && d->rx.payload[1] == type) {
                d->last_error = code;
                return WAIT_REFUSED;
            }
        }
    }
}

/* One request: on success the reply's payload is d->rx.payload[0 .. d->rx.len). */
static int transact(drv *d, uint8_t type, const uint8_t *payload, uint16_t len)
{
    size_t n = proto_encode(d->frame, type, d->seq, payload, len);
    if (n == 0)
        return DRV_E_ARG;
    int result = DRV_E_NO_REPLY;
    for (unsigned attempt = 0; attempt < d->attempts; attempt++) {
        if (attempt)
            d->stats.retries++;
        /* A partial frame still in the receiver is stale (or a false start in
         * garbage that would swallow the reply): start clean. */
        proto_rx_init(&d->rx, PROTO_MAX_PAYLOAD);
        d->in_pos = d->in_len = 0;
        if (d->io.send(d->io.ctx, d->frame, n) != 0)
            return DRV_E_IO;
        d->stats.tx_bytes += (uint32_t)n;
        wait_result w = await_reply(d, type);
        if (w == WAIT_IO)
            return DRV_E_IO;
        if (w == WAIT_GOT || w == WAIT_REFUSED) {
            result = w == WAIT_GOT ? DRV_OK : DRV_E_REFUSED;
            break;
        }
    }
    d->seq++;
    if (result == DRV_OK)
        d->stats.requests++;
    return result;
}

int drv_hello(drv *d)
{
    int r = transact(d, PROTO_HELLO, NULL, 0);
    if (r != DRV_OK)
        return r;
    const uint8_t *p = d->rx.payload;
    if (d->rx.len < 29)
        return DRV_E_REPLY;
    drv_info *i = &d->info;
    i->version = p[0];
    i->board_id = p[1];
    i->max_request = proto_get_u16(p + 2);
    i->event_bytes = proto_get_u16(p + 4);
    i->lanes = p[6];
    i->weight_bits = p[7];
    i->hidden_bits = p[8];
    i->readout_bits = p[9];
    i->max_in = proto_get_u16(p + 10);
    i->max_hidden = proto_get_u16(p + 12);
    i->max_out = proto_get_u16(p + 14);
    i->clk_hz = proto_get_u32(p + 16);
    i->baud = proto_get_u32(p + 20);
    i->weight_bytes = proto_get_u32(p + 24);
    i->noise = p[28] & 1;
    if (i->max_request < 8 || i->max_request > PROTO_MAX_PAYLOAD)
        return DRV_E_REPLY;
    if (d->chunk == 0 || d->chunk > i->max_request)
        d->chunk = i->max_request;
    if (d->chunk < 8)
        d->chunk = 8;
    return DRV_OK;
}

int drv_status_read(drv *d, drv_status *st)
{
    int r = transact(d, PROTO_STATUS, NULL, 0);
    if (r != DRV_OK)
        return r;
    const uint8_t *p = d->rx.payload;
    if (d->rx.len < 25)
        return DRV_E_REPLY;
    st->model_valid = p[0] & 1;
    st->loading = (p[0] >> 1) & 1;
    st->model_crc = proto_get_u32(p + 1);
    st->load_offset = proto_get_u32(p + 5);
    st->frames_ok = proto_get_u32(p + 9);
    st->crc_errors = proto_get_u16(p + 13);
    st->length_errors = proto_get_u16(p + 15);
    st->truncated = proto_get_u16(p + 17);
    st->line_errors = proto_get_u16(p + 19);
    st->images = proto_get_u32(p + 21);
    return DRV_OK;
}

static void config_bytes(const drv_config *cfg, uint8_t out[CONFIG_BYTES])
{
    const uint32_t regs[10] = {cfg->n_in,  cfg->n_hidden, cfg->n_out,   cfg->n_exc,      cfg->steps,
                               cfg->theta, cfg->alpha_q,  cfg->beta_q, cfg->noise_bits, cfg->seed};
    for (int i = 0; i < 10; i++)
        proto_put_u32(out + 4 * i, regs[i]);
}

uint32_t drv_config_crc(const drv_config *cfg)
{
    uint8_t b[CONFIG_BYTES];
    config_bytes(cfg, b);
    return proto_crc32_update(0, b, CONFIG_BYTES);
}

int drv_load(drv *d, const drv_config *cfg, drv_weight_source src, void *src_ctx, uint32_t *crc)
{
    if (d->chunk < 8)
        return DRV_E_ARG; /* drv_hello first */
    uint8_t buf[PROTO_MAX_PAYLOAD];
    config_bytes(cfg, buf);
    uint32_t sum = proto_crc32_update(0, buf, CONFIG_BYTES);
    int r = transact(d, PROTO_LOAD_BEGIN, buf, CONFIG_BYTES);
    if (r != DRV_OK)
        return r;
    uint32_t total = d->info.weight_bytes;
    for (uint32_t off = 0; off < total;) {
        uint32_t n = total - off < (uint32_t)d->chunk - 4u ? total - off : (uint32_t)d->chunk - 4u;
        proto_put_u32(buf, off);
        if (src(src_ctx, off, buf + 4, (uint16_t)n) != 0)
            return DRV_E_ARG;
        sum = proto_crc32_update(sum, buf + 4, n);
        r = transact(d, PROTO_LOAD_DATA, buf, (uint16_t)(n + 4));
        if (r != DRV_OK)
            return r;
        off += n;
        if (d->rx.len != 4 || proto_get_u32(d->rx.payload) != off)
            return DRV_E_REPLY;
    }
    proto_put_u32(buf, total);
    proto_put_u32(buf + 4, sum);
    r = transact(d, PROTO_LOAD_COMMIT, buf, 8);
    if (r == DRV_OK && crc)
        *crc = sum;
    return r;
}

int drv_classify(drv *d, const uint8_t *codes, uint32_t n_codes, uint32_t image_index,
                 drv_result *res)
{
    if (d->chunk < 8 || n_codes > d->info.event_bytes)
        return DRV_E_ARG;
    uint8_t buf[PROTO_MAX_PAYLOAD];
    uint32_t per_frame = (uint32_t)d->chunk - 2u;
    uint32_t off = 0;
    do { /* at least one frame: offset 0 starts a new image even when it is empty */
        uint32_t n = n_codes - off < per_frame ? n_codes - off : per_frame;
        proto_put_u16(buf, (uint16_t)off);
        for (uint32_t i = 0; i < n; i++)
            buf[2 + i] = codes[off + i];
        int r = transact(d, PROTO_IMAGE_DATA, buf, (uint16_t)(2 + n));
        if (r != DRV_OK)
            return r;
        off += n;
        if (d->rx.len != 2 || proto_get_u16(d->rx.payload) != off)
            return DRV_E_REPLY;
    } while (off < n_codes);
    proto_put_u32(buf, image_index);
    proto_put_u16(buf + 4, (uint16_t)n_codes);
    int r = transact(d, PROTO_RUN, buf, 6);
    if (r != DRV_OK)
        return r;
    unsigned vb = d->info.readout_bits > 32 ? 8u : 4u;
    const uint8_t *p = d->rx.payload;
    if (d->rx.len < RESULT_HEADER || (d->rx.len - RESULT_HEADER) % (2 * vb) != 0)
        return DRV_E_REPLY;
    res->n_out = (int)((d->rx.len - RESULT_HEADER) / (2 * vb));
    if (res->n_out > DRV_MAX_OUT)
        return DRV_E_REPLY;
    res->prediction = p[0];
    res->cycles = proto_get_u32(p + 1);
    res->spikes = proto_get_u32(p + 5);
    for (int k = 0; k < 2 * res->n_out; k++) {
        const uint8_t *v = p + RESULT_HEADER + (size_t)k * vb;
        uint64_t u = 0;
        for (unsigned b = vb; b-- > 0;)
            u = (u << 8) | v[b];
        if (vb == 4)
            u = (uint64_t)(int64_t)(int32_t)(uint32_t)u; /* sign-extend */
        int64_t s = (int64_t)u;
        if (k < res->n_out)
            res->max_out[k] = s;
        else
            res->final_out[k - res->n_out] = s;
    }
    return DRV_OK;
}

const char *drv_strerror(int result)
{
    switch (result) {
    case DRV_OK: return "ok";
    case DRV_E_IO: return "the serial line failed";
    case DRV_E_NO_REPLY: return "no valid reply from the board after every retry";
    case DRV_E_REFUSED: return "the board refused the request";
    case DRV_E_REPLY: return "the board sent an unexpected reply";
    case DRV_E_ARG: return "the request does not fit the board";
    default: return "unknown error";
    }
}

const char *drv_board_error(uint8_t code)
{
    switch (code) {
    case PROTO_E_CRC: return "frame CRC mismatch";
    case PROTO_E_LENGTH: return "frame too long";
    case PROTO_E_TRUNCATED: return "frame truncated";
    case PROTO_E_UNKNOWN: return "unknown request";
    case PROTO_E_PAYLOAD: return "wrong payload size";
    case PROTO_E_OFFSET: return "data out of sequence";
    case PROTO_E_VERIFY: return "model verification failed (byte count or CRC-32)";
    case PROTO_E_NO_MODEL: return "no verified model loaded";
    case PROTO_E_CONFIG: return "configuration outside what the core supports";
    case PROTO_E_IMAGE: return "image events incomplete or invalid";
    default: return "unknown error code";
    }
}
