/* driver.c - see driver.h. */
#include "driver.h"

/* The longest a gap may be once a reply has begun, and the bytes one attempt may
 * consume (so a babbling line cannot keep it alive). */
#define GAP_MS_MAX 50u
#define ATTEMPT_BYTES (4u * PROTO_MAX_FRAME)
#define N_CONFIG_REGS (PROTO_CONFIG_BYTES / sizeof(uint32_t))
/* The smallest data frame: as many data bytes as offset bytes; also "drv_hello done". */
#define CHUNK_FLOOR (2u * PROTO_LOAD_DATA_HEAD)

void drv_init(drv *d, drv_transport io, uint32_t timeout_ms, unsigned attempts, uint16_t chunk)
{
    d->io = io;
    d->timeout_ms = timeout_ms;
    d->gap_ms = timeout_ms < GAP_MS_MAX ? timeout_ms : GAP_MS_MAX;
    d->attempts = attempts ? attempts : 1;
    d->chunk = d->chunk_now = chunk;
    d->clean_run = 0;
    d->stats = d->at_request = (drv_stats){0};
    d->progress = 0;
    d->progress_ctx = 0;
    d->info = (drv_info){0};
    d->last_error = 0;
    d->seq = 0;
    d->in_pos = d->in_len = 0;
    proto_rx_init(&d->rx, PROTO_MAX_PAYLOAD);
}

drv_stats drv_request_stats(const drv *d)
{
    const drv_stats *a = &d->stats, *b = &d->at_request;
    return (drv_stats){a->requests - b->requests, a->retries - b->retries,
                       a->timeouts - b->timeouts, a->damaged - b->damaged,
                       a->line_errors - b->line_errors, a->restarts - b->restarts,
                       a->tx_bytes - b->tx_bytes, a->rx_bytes - b->rx_bytes};
}

typedef enum { WAIT_GOT, WAIT_RETRY, WAIT_REFUSED, WAIT_IO } wait_result;

/* Waits for the reply to (type, d->seq). Frames of other requests are stale
 * and skipped; damage of any kind ends the attempt so the request is resent
 * at once (resending is always safe: the board does not apply a repeat).
 * Damage shows as a bad CRC, a bad length, an error reply, or bytes that stop
 * coming before they made a frame (a damaged SYNC or length): then gap_ms, not
 * timeout_ms, ends the wait. Each attempt is counted once, by what ended it. */
static wait_result await_reply(drv *d, uint8_t type)
{
    uint32_t budget = ATTEMPT_BYTES;
    int heard = 0, damaged = 0;
    for (;;) {
        if (d->in_pos == d->in_len) {
            int n = d->io.recv(d->io.ctx, d->in, sizeof d->in, heard ? d->gap_ms : d->timeout_ms);
            if (n < 0)
                return WAIT_IO;
            if (n == 0) {
                if (heard || damaged)
                    d->stats.damaged++; /* a reply began but never made a good frame */
                else
                    d->stats.timeouts++;
                return WAIT_RETRY;
            }
            d->in_pos = 0;
            d->in_len = (uint8_t)n;
            d->stats.rx_bytes += (uint32_t)n;
            heard = 1;
        }
        if (budget-- == 0) {
            d->stats.damaged++;
            return WAIT_RETRY;
        }
        proto_rx_event ev = proto_rx_byte(&d->rx, d->in[d->in_pos++]);
        if (ev == PROTO_RX_BAD_CRC) {
            d->stats.damaged++;
            return WAIT_RETRY;
        }
        if (ev == PROTO_RX_BAD_LEN) {
            /* The board is still sending the rest: let it end in a gap. */
            damaged = 1;
            continue;
        }
        if (ev != PROTO_RX_FRAME)
            continue;
        if (d->rx.type == (uint8_t)(type | PROTO_REPLY) && d->rx.seq == d->seq)
            return WAIT_GOT;
        if (d->rx.type == PROTO_ERROR && d->rx.len >= PROTO_ERROR_BYTES) {
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

/* One request, at most `attempts` transmissions: on success the reply's payload
 * is d->rx.payload[0 .. d->rx.len). */
static int transact_n(drv *d, uint8_t type, const uint8_t *payload, uint16_t len,
                      unsigned attempts)
{
    size_t n = proto_encode(d->frame, type, d->seq, payload, len);
    if (n == 0)
        return DRV_E_ARG;
    d->at_request = d->stats;
    int result = DRV_E_NO_REPLY;
    unsigned attempt;
    for (attempt = 0; attempt < attempts; attempt++) {
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
    d->clean_run = result == DRV_OK && attempt == 0 ? d->clean_run + 1 : 0;
    if (result == DRV_OK)
        d->stats.requests++;
    return result;
}

static int transact(drv *d, uint8_t type, const uint8_t *payload, uint16_t len)
{
    return transact_n(d, type, payload, len, d->attempts);
}

/* Sequential little-endian fields: read from a reply, written into a request. */
static uint8_t take_u8(const uint8_t **p) { return *(*p)++; }
static uint16_t take_u16(const uint8_t **p)
{
    uint16_t v = proto_get_u16(*p);
    *p += sizeof v;
    return v;
}
static uint32_t take_u32(const uint8_t **p)
{
    uint32_t v = proto_get_u32(*p);
    *p += sizeof v;
    return v;
}
static uint8_t *put_u16(uint8_t *p, uint16_t v)
{
    proto_put_u16(p, v);
    return p + sizeof v;
}
static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    proto_put_u32(p, v);
    return p + sizeof v;
}

int drv_hello(drv *d)
{
    int r = transact(d, PROTO_HELLO, 0, 0);
    if (r != DRV_OK)
        return r;
    if (d->rx.len < PROTO_INFO_BYTES)
        return DRV_E_REPLY;
    const uint8_t *p = d->rx.payload;
    drv_info *i = &d->info;
    i->version = take_u8(&p);
    i->board_id = take_u8(&p);
    i->max_request = take_u16(&p);
    i->event_bytes = take_u16(&p);
    i->lanes = take_u8(&p);
    i->weight_bits = take_u8(&p);
    i->hidden_bits = take_u8(&p);
    i->readout_bits = take_u8(&p);
    i->max_in = take_u16(&p);
    i->max_hidden = take_u16(&p);
    i->max_out = take_u16(&p);
    i->clk_hz = take_u32(&p);
    i->baud = take_u32(&p);
    i->weight_bytes = take_u32(&p);
    i->noise = take_u8(&p) & 1u;
    if (i->max_request < CHUNK_FLOOR || i->max_request > PROTO_MAX_PAYLOAD)
        return DRV_E_REPLY;
    if (d->chunk == 0 || d->chunk > i->max_request)
        d->chunk = i->max_request;
    if (d->chunk < CHUNK_FLOOR)
        d->chunk = CHUNK_FLOOR;
    d->chunk_now = d->chunk;
    return DRV_OK;
}

int drv_status_read(drv *d, drv_status *st)
{
    int r = transact(d, PROTO_STATUS, 0, 0);
    if (r != DRV_OK)
        return r;
    if (d->rx.len < PROTO_STATUS_BYTES)
        return DRV_E_REPLY;
    const uint8_t *p = d->rx.payload;
    uint8_t flags = take_u8(&p);
    st->model_valid = flags & 1u;
    st->loading = (flags >> 1) & 1u;
    st->model_crc = take_u32(&p);
    st->load_offset = take_u32(&p);
    st->frames_ok = take_u32(&p);
    st->crc_errors = take_u16(&p);
    st->length_errors = take_u16(&p);
    st->truncated = take_u16(&p);
    st->line_errors = take_u16(&p);
    st->images = take_u32(&p);
    return DRV_OK;
}

static void config_bytes(const drv_config *cfg, uint8_t out[PROTO_CONFIG_BYTES])
{
    const uint32_t regs[N_CONFIG_REGS] = {cfg->n_in,  cfg->n_hidden, cfg->n_out,
                                          cfg->n_exc, cfg->steps,    cfg->theta,
                                          cfg->alpha_q, cfg->beta_q, cfg->noise_bits,
                                          cfg->seed};
    for (unsigned i = 0; i < N_CONFIG_REGS; i++)
        out = put_u32(out, regs[i]);
}

uint32_t drv_config_crc(const drv_config *cfg)
{
    uint8_t b[PROTO_CONFIG_BYTES];
    config_bytes(cfg, b);
    return proto_crc32_update(0, b, PROTO_CONFIG_BYTES);
}

/* The smallest data frame (--frame may ask for less). */
static uint16_t min_chunk(const drv *d)
{
    return d->chunk < DRV_MIN_CHUNK ? d->chunk : (uint16_t)DRV_MIN_CHUNK;
}

/* Attempts a data frame gets at its size: few while it could still shrink. */
static unsigned data_attempts(const drv *d)
{
    return d->chunk_now > min_chunk(d) ? DRV_SHRINK_AFTER : d->attempts;
}

/* A data frame failed at its size: halve it. After a clean stretch: double it. */
static void shrink(drv *d)
{
    uint16_t half = (uint16_t)(d->chunk_now / 2u);
    d->chunk_now = half < min_chunk(d) ? min_chunk(d) : half;
}
static void maybe_grow(drv *d)
{
    if (d->clean_run < DRV_GROW_AFTER || d->chunk_now == d->chunk)
        return;
    d->chunk_now = d->chunk_now > d->chunk / 2u ? d->chunk : (uint16_t)(d->chunk_now * 2u);
    d->clean_run = 0;
}

/* Is this refusal one that damage the CRC missed can cause (worth starting over)? */
static int restartable(const drv *d, int r)
{
    return r == DRV_E_REFUSED && (d->last_error == PROTO_E_OFFSET ||
                                  d->last_error == PROTO_E_VERIFY || d->last_error == PROTO_E_IMAGE);
}

/* One load from LOAD_BEGIN to LOAD_COMMIT. A data frame that gets no good reply
 * at its size is split: STATUS says whether the board took it (its reply was
 * lost) or not, and the load goes on from there with smaller frames. */
static int load_once(drv *d, const drv_config *cfg, drv_weight_source src, void *src_ctx,
                     uint32_t *crc)
{
    uint8_t buf[PROTO_MAX_PAYLOAD];
    config_bytes(cfg, buf);
    uint32_t sum = proto_crc32_update(0, buf, PROTO_CONFIG_BYTES);
    int r = transact(d, PROTO_LOAD_BEGIN, buf, PROTO_CONFIG_BYTES);
    if (r != DRV_OK)
        return r;
    uint32_t total = d->info.weight_bytes;
    for (uint32_t off = 0; off < total;) {
        uint32_t room = (uint32_t)d->chunk_now - PROTO_LOAD_DATA_HEAD;
        uint32_t n = total - off < room ? total - off : room;
        proto_put_u32(buf, off);
        if (src(src_ctx, off, buf + PROTO_LOAD_DATA_HEAD, (uint16_t)n) != 0)
            return DRV_E_ARG;
        r = transact_n(d, PROTO_LOAD_DATA, buf, (uint16_t)(n + PROTO_LOAD_DATA_HEAD),
                       data_attempts(d));
        if (r == DRV_E_NO_REPLY && d->chunk_now > min_chunk(d)) {
            shrink(d);
            drv_status st;
            r = drv_status_read(d, &st);
            if (r != DRV_OK)
                return r;
            if (!st.loading || (st.load_offset != off && st.load_offset != off + n)) {
                d->last_error = PROTO_E_OFFSET; /* the board lost the load: start over */
                return DRV_E_REFUSED;
            }
            if (st.load_offset == off)
                continue;
        } else if (r != DRV_OK) {
            return r;
        } else if (d->rx.len != PROTO_LOAD_DATA_REPLY ||
                   proto_get_u32(d->rx.payload) != off + n) {
            return DRV_E_REPLY;
        } else {
            maybe_grow(d);
        }
        sum = proto_crc32_update(sum, buf + PROTO_LOAD_DATA_HEAD, n);
        off += n;
        if (d->progress)
            d->progress(d->progress_ctx, "loading weights", off, total, &d->stats);
    }
    put_u32(put_u32(buf, total), sum);
    r = transact(d, PROTO_LOAD_COMMIT, buf, PROTO_COMMIT_BYTES);
    if (r == DRV_OK && crc)
        *crc = sum;
    return r;
}

int drv_load(drv *d, const drv_config *cfg, drv_weight_source src, void *src_ctx, uint32_t *crc)
{
    if (d->chunk < CHUNK_FLOOR)
        return DRV_E_ARG; /* drv_hello first */
    for (unsigned restart = 0;; restart++) {
        int r = load_once(d, cfg, src, src_ctx, crc);
        if (!restartable(d, r) || restart == DRV_RESTARTS)
            return r;
        d->stats.restarts++;
    }
}

/* send_image's result when a frame got no good reply and the frames shrank: the
 * image starts again (at most IMAGE_SHRINKS times, then a frame gets all attempts). */
#define SEND_SMALLER 1
#define IMAGE_SHRINKS 16u

/* Sends an image's codes (offset 0 starts a new image on the board). */
static int send_image(drv *d, const uint8_t *codes, uint32_t n_codes, int may_shrink)
{
    uint8_t buf[PROTO_MAX_PAYLOAD];
    uint32_t off = 0;
    do { /* at least one frame: offset 0 starts a new image even when it is empty */
        uint32_t room = (uint32_t)d->chunk_now - PROTO_IMAGE_DATA_HEAD;
        uint32_t n = n_codes - off < room ? n_codes - off : room;
        proto_put_u16(buf, (uint16_t)off);
        for (uint32_t i = 0; i < n; i++)
            buf[PROTO_IMAGE_DATA_HEAD + i] = codes[off + i];
        int shrinkable = may_shrink && d->chunk_now > min_chunk(d);
        int r = transact_n(d, PROTO_IMAGE_DATA, buf, (uint16_t)(PROTO_IMAGE_DATA_HEAD + n),
                           shrinkable ? DRV_SHRINK_AFTER : d->attempts);
        if (r == DRV_E_NO_REPLY && shrinkable) {
            shrink(d);
            return SEND_SMALLER;
        }
        if (r != DRV_OK)
            return r;
        off += n;
        if (d->rx.len != PROTO_IMAGE_DATA_REPLY || proto_get_u16(d->rx.payload) != off)
            return DRV_E_REPLY;
        maybe_grow(d);
    } while (off < n_codes);
    return DRV_OK;
}

/* RESULT's payload into res. */
static int parse_result(const drv *d, drv_result *res)
{
    /* readout values: 4 bytes (R <= 32 bits) or 8 */
    unsigned vb = d->info.readout_bits > 32 ? sizeof(uint64_t) : sizeof(uint32_t);
    if (d->rx.len < PROTO_RESULT_HEAD || (d->rx.len - PROTO_RESULT_HEAD) % (2 * vb) != 0)
        return DRV_E_REPLY;
    res->n_out = (int)((d->rx.len - PROTO_RESULT_HEAD) / (2 * vb));
    if (res->n_out > DRV_MAX_OUT)
        return DRV_E_REPLY;
    const uint8_t *p = d->rx.payload;
    res->prediction = take_u8(&p);
    res->cycles = take_u32(&p);
    res->spikes = take_u32(&p);
    for (int k = 0; k < 2 * res->n_out; k++, p += vb) {
        uint64_t u = 0;
        for (unsigned b = vb; b-- > 0;)
            u = (u << 8) | p[b];
        if (vb == sizeof(uint32_t))
            u = (uint64_t)(int64_t)(int32_t)(uint32_t)u; /* sign-extend */
        int64_t s = (int64_t)u;
        if (k < res->n_out)
            res->max_out[k] = s;
        else
            res->final_out[k - res->n_out] = s;
    }
    return DRV_OK;
}

int drv_classify(drv *d, const uint8_t *codes, uint32_t n_codes, uint32_t image_index,
                 drv_result *res)
{
    if (d->chunk < CHUNK_FLOOR || n_codes > d->info.event_bytes)
        return DRV_E_ARG;
    for (unsigned restarts = 0, shrinks = 0;;) {
        int r = send_image(d, codes, n_codes, shrinks < IMAGE_SHRINKS);
        if (r == SEND_SMALLER) {
            shrinks++;
            continue;
        }
        if (r == DRV_OK) {
            uint8_t run[PROTO_RUN_BYTES];
            put_u16(put_u32(run, image_index), (uint16_t)n_codes);
            r = transact(d, PROTO_RUN, run, PROTO_RUN_BYTES);
        }
        if (restartable(d, r) && restarts++ < DRV_RESTARTS) {
            d->stats.restarts++;
            continue;
        }
        return r == DRV_OK ? parse_result(d, res) : r;
    }
}

const char *drv_strerror(int result)
{
    switch (result) {
    case DRV_OK: return "ok";
    case DRV_E_IO: return "the serial line failed";
    case DRV_E_NO_REPLY: return "no good reply from the board after every attempt";
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
