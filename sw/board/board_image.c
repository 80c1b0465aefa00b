/* board_image.c - see board_image.h. */
#include "board_image.h"

#include <stdlib.h>
#include <string.h>


core_build board_build_of(const drv_info *info)
{
    int bytes = info->weight_bits > 8 ? 2 : 1;
    uint32_t lane_bytes = (uint32_t)(info->lanes ? info->lanes : 1) * (uint32_t)bytes;
    return (core_build){
        .lanes = info->lanes, .weight_bits = info->weight_bits, .hidden_bits = info->hidden_bits,
        .readout_bits = info->readout_bits, .max_in = info->max_in,
        .max_hidden = info->max_hidden, .max_out = info->max_out,
        .max_layers = info->max_layers ? info->max_layers : 1, .recurrent = info->recurrent,
        .out_decays = info->out_decays, .noise = info->noise,
        .words = info->weight_bytes / lane_bytes,
    };
}

int board_build_check(const qnet *q, const core_build *b, const char *what, snn_error *err)
{
    if (q->n_out > DRV_MAX_OUT)
        return snn_fail(err, "%s: %d outputs, the board's results carry at most %d", what, q->n_out,
                        DRV_MAX_OUT);
    return core_build_check(q, b, what, err);
}

int board_image_check(const qnet *q, const drv_info *info, const char *what, snn_error *err)
{
    core_build b = board_build_of(info);
    return board_build_check(q, &b, what, err);
}

int board_is_general(const drv_info *info)
{
    return info->max_layers > 1 || info->recurrent || info->out_decays;
}

drv_config board_image_config(const qnet *q, const drv_info *info)
{
    const qnet_layer *h = &q->layer[0];
    drv_config c = {
        .n_in = (uint32_t)q->n_in,       .n_hidden = (uint32_t)h->size,
        .n_out = (uint32_t)q->n_out,     .n_exc = (uint32_t)h->n_exc,
        .steps = (uint32_t)q->steps,     .theta = (uint32_t)h->theta,
        .alpha_q = (uint32_t)h->alpha_q, .beta_q = (uint32_t)h->beta_q,
        .noise_bits = (uint32_t)q->noise_bits, .seed = q->seed,
    };
    if (!board_is_general(info))
        return c;
    /* registers 0xA.. (more[r - 0xA]): the readout's decays, n_layers, then per layer
     * 0x10 * (l + 1) + offset (docs/core.md, "Registers"); 0xF (start) is not written */
    core_build b = board_build_of(info);
    core_bases at;
    core_build_layout(&b, q, &at);
    c.n_more = 16u * (uint32_t)(q->n_layers + 1) - 10u;
    c.more[0xA - 10] = (uint32_t)q->out_alpha_q;
    c.more[0xB - 10] = (uint32_t)q->out_beta_q;
    c.more[0xC - 10] = (uint32_t)q->n_layers;
    for (int l = 0; l < q->n_layers; l++) {
        uint32_t *r = c.more + 16 * (l + 1) - 10;
        const qnet_layer *y = &q->layer[l];
        r[0x1] = (uint32_t)y->size;
        r[0x3] = (uint32_t)y->n_exc;
        r[0x5] = (uint32_t)y->theta;
        r[0x6] = (uint32_t)y->alpha_q;
        r[0x7] = (uint32_t)y->beta_q;
        r[0xC] = (uint32_t)y->recurrent;
        r[0xD] = at.ff[l];
        r[0xE] = at.rec[l];
    }
    return c;
}

static void put_weight(uint8_t *image, size_t lane, int bytes, uint16_t w)
{
    image[lane * (size_t)bytes] = (uint8_t)w;
    if (bytes == 2)
        image[lane * 2 + 1] = (uint8_t)(w >> 8);
}

/* Matrix m (rows x cols) at word `base`, `stride` words per row. */
static void put_matrix(uint8_t *image, int bytes, int lanes, const uint16_t *m, int rows,
                       int cols, uint32_t base, uint32_t stride)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            put_weight(image, ((size_t)base + (size_t)i * stride + (size_t)(j / lanes)) * (size_t)lanes +
                       (size_t)(j % lanes), bytes, m[(size_t)i * (size_t)cols + (size_t)j]);
}

int board_image_weights(const qnet *q, const drv_info *info, uint8_t **image, snn_error *err)
{
    *image = NULL;
    if (info->lanes == 0)
        return snn_fail(err, "board reports 0 lanes");
    if (board_image_check(q, info, "quantized model", err) != 0)
        return -1;
    core_build b = board_build_of(info);
    int bytes = info->weight_bits > 8 ? 2 : 1;
    size_t lanes = (size_t)b.words * (size_t)b.lanes;
    if (lanes * (size_t)bytes != info->weight_bytes)
        return snn_fail(err, "board reports a %u-byte weight image, not a whole number of "
                        "%d-lane words", info->weight_bytes, b.lanes);
    uint8_t *im = calloc(lanes, (size_t)bytes);
    if (!im)
        return snn_fail(err, "out of memory for a %zu-byte weight image", lanes * (size_t)bytes);
    core_bases at;
    core_build_layout(&b, q, &at);
    const uint32_t s1 = core_row_words(b.max_hidden, b.lanes), s2 = core_row_words(b.max_out, b.lanes);
    for (int l = 0; l <= q->n_layers; l++)
        put_matrix(im, bytes, b.lanes, q->ff[l], qnet_ff_rows(q, l), qnet_ff_cols(q, l), at.ff[l],
                   l < q->n_layers ? s1 : s2);
    for (int l = 0; l < q->n_layers; l++)
        if (q->layer[l].recurrent)
            put_matrix(im, bytes, b.lanes, q->rec[l], q->layer[l].size, q->layer[l].size,
                       at.rec[l], s1);
    *image = im;
    return 0;
}

/* docs/protocol.md, "Image codes": the prefix of a gap g >= 1 by k = floor(log2 g) (k more
 * bits of g follow), and of the other codes. */
static const struct {
    uint8_t code, bits;
} GAP_PREFIX[10] = {{0x8, 4}, {0x9, 4}, {0xA, 4}, {0xB, 4}, {0x3, 3},
                    {0xC, 4}, {0xD, 4}, {0xE, 4}, {0x1E, 5}, {0x3E, 6}};
enum { GAP_ZERO = 0x0, GAP_ZERO_BITS = 2, STEP_END = 0x2, STEP_END_BITS = 3,
       IMAGE_END = 0x3F, IMAGE_END_BITS = 6, GAP_LIMIT = 1024 };

/* Appends the low `bits` bits of v, most significant first, at bit *at (only below max). */
static void put_bits(uint8_t *codes, uint32_t *at, uint32_t max, uint32_t v, unsigned bits)
{
    for (unsigned k = bits; k-- > 0; ++*at)
        if (*at < max && ((v >> k) & 1u))
            codes[*at / 8u] |= (uint8_t)(1u << (*at % 8u));
}

int board_image_codes(const spike_data *data, int s, uint8_t *codes, uint32_t at, uint32_t max,
                      snn_error *err)
{
    const uint32_t *st = data->step_start + (size_t)s * (data->steps + 1);
    int last = -1; /* the last step with events: the image's end code goes there */
    for (int t = 0; t < data->steps; t++)
        if (st[t + 1] > st[t])
            last = t;
    uint32_t pos = at;
    for (int t = 0; t <= last; t++) {
        int base = 0; /* the input after the last event of this step */
        for (uint32_t e = st[t]; e < st[t + 1]; e++) {
            int gap = data->events[e] - base; /* >= 0: ascending, no repeats */
            if (gap < 0 || gap >= GAP_LIMIT)
                return snn_fail(err, "sample %d, step %d: %s", s, t, gap < 0 ?
                                "inputs not ascending" : "an input gap of 1024 or more (the "
                                "board's codes reach 1023)");
            if (gap == 0) {
                put_bits(codes, &pos, max, GAP_ZERO, GAP_ZERO_BITS);
            } else {
                unsigned k = 0;
                while (gap >> (k + 1))
                    k++;
                put_bits(codes, &pos, max, GAP_PREFIX[k].code, GAP_PREFIX[k].bits);
                put_bits(codes, &pos, max, (uint32_t)gap, k); /* below its leading 1 */
            }
            base = data->events[e] + 1;
        }
        if (t < last)
            put_bits(codes, &pos, max, STEP_END, STEP_END_BITS);
    }
    put_bits(codes, &pos, max, IMAGE_END, IMAGE_END_BITS);
    return (int)(pos - at);
}

int board_image_read(void *ctx, uint32_t offset, uint8_t *buf, uint16_t n)
{
    const board_image_source *src = ctx;
    if (offset > src->len || n > src->len - offset)
        return -1;
    memcpy(buf, src->image + offset, n);
    return 0;
}
