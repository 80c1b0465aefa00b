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
                       a->tx_bytes - b->tx_bytes, a->rx_bytes - b->rx_bytes,
                       a->batches - b->batches, a->waits - b->waits};
}

typedef enum { WAIT_GOT, WAIT_RETRY, WAIT_REFUSED, WAIT_IO } wait_result;

/* Waits for the reply to (type, seq). Frames of other requests are stale
 * and skipped; damage of any kind ends the attempt so the request is resent
 * at once (resending is always safe: the board does not apply a repeat).
 * Damage shows as a bad CRC, a bad length, an error reply, or bytes that stop
 * coming before they made a frame (a damaged SYNC or length): then gap_ms, not
 * timeout_ms, ends the wait. Each attempt is counted once, by what ended it. */
/* Batches that go out while a reply arrives (drv_classify_stream): see fill_window. */
typedef struct window window;
static int fill_window(drv *d, window *w, unsigned limit);

/* Waits for the reply to (type, seq); with `early`, once that reply's header is in
 * (the board has finished the batch and freed its bank), the window is refilled. */
static wait_result await_reply_early(drv *d, uint8_t type, uint8_t seq, window *early);
static wait_result await_reply(drv *d, uint8_t type, uint8_t seq)
{
    return await_reply_early(d, type, seq, 0);
}

static wait_result await_reply_early(drv *d, uint8_t type, uint8_t seq, window *early)
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
        int ours = d->rx.type == (uint8_t)(type | PROTO_REPLY) && d->rx.seq == seq;
        if (early && ours && proto_rx_has_header(&d->rx)) {
            if (fill_window(d, early, DRV_WINDOW + 1u) != DRV_OK)
                return WAIT_IO; /* the caller reports fill_window's result */
            early = 0;
        }
        if (ev != PROTO_RX_FRAME)
            continue;
        if (ours)
            return WAIT_GOT;
        if (d->rx.type == PROTO_ERROR && d->rx.len >= PROTO_ERROR_BYTES) {
            uint8_t code = d->rx.payload[0];
            if (proto_error_is_transient(code)) {
                d->stats.line_errors++;
                return WAIT_RETRY;
            }
            if (d->rx.seq == seq && d->rx.payload[1] == type) {
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
        d->stats.waits++;
        wait_result w = await_reply(d, type, d->seq);
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
    uint8_t features = take_u8(&p);
    i->noise = features & 1u;
    i->recurrent = (features >> 1) & 1u;
    i->out_decays = (features >> 2) & 1u;
    i->max_layers = (features >> 4) & 7u;
    if (i->max_layers == 0) /* a board before the general core */
        i->max_layers = 1;
    i->result_bytes = take_u16(&p);
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

uint16_t drv_config_bytes(const drv_config *cfg, uint8_t out[PROTO_CONFIG_MAX_BYTES])
{
    const uint32_t regs[N_CONFIG_REGS] = {cfg->n_in,  cfg->n_hidden, cfg->n_out,
                                          cfg->n_exc, cfg->steps,    cfg->theta,
                                          cfg->alpha_q, cfg->beta_q, cfg->noise_bits,
                                          cfg->seed};
    uint8_t *p = out;
    for (unsigned i = 0; i < N_CONFIG_REGS; i++)
        p = put_u32(p, regs[i]);
    uint32_t more = cfg->n_more < DRV_MORE_REGS ? cfg->n_more : DRV_MORE_REGS;
    for (uint32_t i = 0; i < more; i++)
        p = put_u32(p, cfg->more[i]);
    return (uint16_t)(p - out);
}

uint32_t drv_config_crc(const drv_config *cfg)
{
    uint8_t b[PROTO_CONFIG_MAX_BYTES];
    return proto_crc32_update(0, b, drv_config_bytes(cfg, b));
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
    uint16_t n_cfg = drv_config_bytes(cfg, buf);
    uint32_t sum = proto_crc32_update(0, buf, n_cfg);
    int r = transact(d, PROTO_LOAD_BEGIN, buf, n_cfg);
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

/* Bytes of one readout value in a result record: the readout width, rounded up. */
static unsigned value_bytes(const drv *d)
{
    unsigned r = d->info.readout_bits;
    return r > 32 ? 8u : r > 16 ? 4u : r > 8 ? 2u : 1u;
}

/* CLASSIFY's reply: the records of images first .. first + count - 1 into sink. */
static int take_results(drv *d, uint32_t first, uint32_t count, uint8_t detail, unsigned n_out,
                        drv_result_sink sink, void *ctx)
{
    unsigned vb = value_bytes(d), rec = detail ? PROTO_RECORD_HEAD + vb * n_out : 1u;
    if (d->rx.len != rec * count)
        return DRV_E_REPLY;
    const uint8_t *p = d->rx.payload;
    for (uint32_t i = 0; i < count; i++) {
        drv_result res = {0};
        res.prediction = take_u8(&p);
        if (detail) {
            res.cycles = take_u32(&p);
            res.spikes = take_u32(&p);
            res.n_out = (int)n_out;
            for (unsigned k = 0; k < n_out; k++, p += vb) {
                uint64_t u = 0;
                for (unsigned j = vb; j-- > 0;)
                    u = (u << 8) | p[j];
                unsigned shift = 64u - 8u * vb; /* sign-extend from vb bytes */
                res.max_out[k] = shift ? (int64_t)(u << shift) / ((int64_t)1 << shift) : (int64_t)u;
            }
        }
        if (sink(ctx, first + i, &res) != 0)
            return DRV_E_ARG;
    }
    d->stats.batches++;
    return DRV_OK;
}

/* Zeroes n bytes (no libc here: the driver builds freestanding for a microcontroller). */
static void zero_bytes(uint8_t *p, uint32_t n)
{
    while (n--)
        *p++ = 0;
}

/* Packs images from `first` into b: as many as the bank, the result memory, the
 * frame size `room` and 255 allow (at least one). Returns 0, or a DRV_E_*. */
static int pack_batch(drv *d, struct drv_batch *b, uint32_t first, uint32_t n, unsigned rec,
                      uint32_t room, drv_image_source src, void *ctx)
{
    uint32_t bits = 0, max = 8u * room;
    zero_bytes(b->codes, room);
    b->first = first;
    b->count = 0;
    while (first + b->count < n && b->count < 255u && (b->count + 1u) * rec <= d->info.result_bytes) {
        int c = src(ctx, first + b->count, b->codes, bits, max);
        if (c < 0)
            return DRV_E_ARG;
        if ((uint32_t)c > max - bits || c == 0) {
            /* does not fit: the next batch takes it; the bits it set go */
            if (bits < max) {
                b->codes[bits / 8u] &= (uint8_t)((1u << (bits % 8u)) - 1u);
                zero_bytes(b->codes + bits / 8u + 1u, room - bits / 8u - 1u);
            }
            break;
        }
        bits += (uint32_t)c;
        b->count++;
    }
    if (b->count == 0)
        return DRV_E_ARG; /* one image alone does not fit the board */
    b->bytes = (uint16_t)((bits + 7u) / 8u);
    return DRV_OK;
}

/* The CLASSIFY payload of b with its codes from `off`. */
static uint16_t classify_payload(uint8_t *buf, const struct drv_batch *b, uint16_t off,
                                 uint8_t detail)
{
    put_u16(buf, off);
    buf[2] = (uint8_t)b->count;
    buf[3] = detail;
    put_u32(buf + 4, b->first);
    for (uint16_t i = off; i < b->bytes; i++)
        buf[PROTO_CLASSIFY_HEAD + i - off] = b->codes[i];
    return (uint16_t)(PROTO_CLASSIFY_HEAD + b->bytes - off);
}

/* One batch, one request at a time: CODES frames of chunk_now bytes, then CLASSIFY
 * with the rest. A frame without a good reply after a few attempts is sent again
 * smaller, from the same offset (if the board did take it, it answers E_OFFSET and
 * drops the batch's codes); a refusal that damage can cause starts the batch over. */
static int batch_sync(drv *d, struct drv_batch *b, uint8_t detail, unsigned n_out,
                      drv_result_sink sink, void *ctx)
{
    uint8_t buf[PROTO_MAX_PAYLOAD];
    uint16_t off = 0;
    for (unsigned restarts = 0;;) {
        int shrinkable = d->chunk_now > min_chunk(d);
        unsigned tries = shrinkable ? DRV_SHRINK_AFTER : d->attempts;
        int r;
        if ((uint32_t)(b->bytes - off) + PROTO_CLASSIFY_HEAD <= d->chunk_now) {
            r = transact_n(d, PROTO_CLASSIFY, buf, classify_payload(buf, b, off, detail), tries);
            if (r == DRV_OK)
                return take_results(d, b->first, b->count, detail, n_out, sink, ctx);
        } else {
            uint16_t n = (uint16_t)(d->chunk_now - PROTO_CODES_HEAD);
            if (n > b->bytes - off) /* the last codes: CLASSIFY then carries none */
                n = (uint16_t)(b->bytes - off);
            put_u16(buf, off);
            for (uint16_t i = 0; i < n; i++)
                buf[PROTO_CODES_HEAD + i] = b->codes[off + i];
            r = transact_n(d, PROTO_CODES, buf, (uint16_t)(PROTO_CODES_HEAD + n), tries);
            if (r == DRV_OK) {
                if (d->rx.len != PROTO_CODES_REPLY || proto_get_u16(d->rx.payload) != off + n)
                    return DRV_E_REPLY;
                off = (uint16_t)(off + n);
                maybe_grow(d);
                continue;
            }
        }
        if (r == DRV_E_NO_REPLY && shrinkable) {
            shrink(d);
            continue;
        }
        if (!restartable(d, r) || restarts++ >= DRV_RESTARTS)
            return r;
        d->stats.restarts++;
        off = 0;
    }
}

/* Reads and drops what the board still sends until the line has been quiet for
 * gap_ms: after damage in the window, replies of batches still running. */
static int drain(drv *d)
{
    d->in_pos = d->in_len = 0;
    for (;;) {
        int n = d->io.recv(d->io.ctx, d->in, sizeof d->in, d->timeout_ms < 4u * d->gap_ms ?
                           d->timeout_ms : 4u * d->gap_ms);
        if (n < 0)
            return DRV_E_IO;
        if (n == 0)
            return DRV_OK;
        d->stats.rx_bytes += (uint32_t)n;
    }
}

/* The stream's state: images from next on are not yet in a batch; batch[0 .. open)
 * were sent and their results not yet taken. */
struct window {
    uint32_t next, n;
    unsigned open, rec;
    uint8_t detail;
    drv_image_source src;
    void *ctx;
    int result; /* of the last fill_window */
};

/* Sends batches until `limit` are open, as many images per batch as fit. */
static int fill_window(drv *d, window *w, unsigned limit)
{
    uint8_t payload[PROTO_MAX_PAYLOAD];
    w->result = DRV_OK;
    while (w->open < limit && w->next < w->n) {
        struct drv_batch *b = &d->batch[w->open];
        uint32_t room = d->chunk - PROTO_CLASSIFY_HEAD;
        if (room > d->info.event_bytes)
            room = d->info.event_bytes;
        w->result = pack_batch(d, b, w->next, w->n, w->rec, room, w->src, w->ctx);
        if (w->result != DRV_OK)
            return w->result;
        b->seq = d->seq++;
        uint16_t len = classify_payload(payload, b, 0, w->detail);
        size_t bytes = proto_encode(d->frame, PROTO_CLASSIFY, b->seq, payload, len);
        if (d->io.send(d->io.ctx, d->frame, bytes) != 0)
            return w->result = DRV_E_IO;
        d->stats.tx_bytes += (uint32_t)bytes;
        w->next += b->count;
        w->open++;
    }
    return DRV_OK;
}

int drv_classify_stream(drv *d, uint32_t n, uint8_t detail, unsigned n_out,
                        drv_image_source src, drv_result_sink sink, void *ctx)
{
    if (d->chunk < CHUNK_FLOOR || n_out > DRV_MAX_OUT)
        return DRV_E_ARG;
    window w = {.n = n, .rec = detail ? PROTO_RECORD_HEAD + value_bytes(d) * n_out : 1u,
                .detail = detail, .src = src, .ctx = ctx};
    int r = DRV_OK;
    while (r == DRV_OK && (w.next < n || w.open > 0)) {
        /* Batches of whole images need frames of the board's maximum (a --frame
         * below it, or frames shrunk on a damaged line: one image at a time). */
        int fast = d->chunk_now == d->chunk && d->chunk == d->info.max_request;
        if (!fast) { /* a damaged line: one batch of one image at a time */
            struct drv_batch *b = &d->batch[0];
            r = pack_batch(d, b, w.next, w.next + 1u, w.rec, d->info.event_bytes, src, ctx);
            if (r == DRV_OK)
                r = batch_sync(d, b, detail, n_out, sink, ctx);
            w.next += b->count;
            continue;
        }
        r = fill_window(d, &w, DRV_WINDOW);
        if (r != DRV_OK)
            return r;
        /* The oldest batch's results; the next batch goes out as they begin. */
        proto_rx_init(&d->rx, PROTO_MAX_PAYLOAD);
        d->stats.waits++;
        d->at_request = d->stats;
        wait_result got = await_reply_early(d, PROTO_CLASSIFY, d->batch[0].seq, &w);
        if (w.result != DRV_OK)
            return w.result;
        if (got == WAIT_IO)
            return DRV_E_IO;
        if (got != WAIT_GOT) {
            /* Damage (or a refusal): let the board finish what it has, then the open
             * batches one at a time, with smaller frames. */
            d->clean_run = 0;
            shrink(d);
            r = drain(d);
            for (unsigned i = 0; r == DRV_OK && i < w.open; i++)
                r = batch_sync(d, &d->batch[i], detail, n_out, sink, ctx);
            w.open = 0;
            continue;
        }
        uint32_t first = d->batch[0].first, count = d->batch[0].count;
        for (unsigned i = 1; i < w.open; i++)
            d->batch[i - 1] = d->batch[i];
        w.open--;
        d->stats.requests++;
        d->clean_run++;
        r = take_results(d, first, count, detail, n_out, sink, ctx);
    }
    return r;
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
