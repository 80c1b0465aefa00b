/* board_image.c - see board_image.h. */
#include "board_image.h"

#include <stdlib.h>
#include <string.h>

int board_image_check(const qnet *q, const drv_info *info, const char *what, snn_error *err)
{
    if (qnet_require_single_layer(q, what, "the board's core", err) != 0)
        return -1;
    if (q->weight_bits != info->weight_bits || q->hidden_bits != info->hidden_bits ||
        q->readout_bits != info->readout_bits)
        return snn_fail(err, "%s: widths B=%d H=%d R=%d, but the board's core is built for "
                        "B=%d H=%d R=%d", what, q->weight_bits, q->hidden_bits, q->readout_bits,
                        info->weight_bits, info->hidden_bits, info->readout_bits);
    if (q->n_in > info->max_in || q->layer[0].size > info->max_hidden || q->n_out > info->max_out ||
        q->n_out > DRV_MAX_OUT)
        return snn_fail(err, "%s: network %dx%dx%d is larger than the board's core (%dx%dx%d)",
                        what, q->n_in, q->layer[0].size, q->n_out, info->max_in, info->max_hidden,
                        info->max_out);
    if (q->noise_bits > 0 && !info->noise)
        return snn_fail(err, "%s: the model draws membrane noise (N=%d), but the board's core is "
                        "built without the noise generator (NOISE=0)", what, q->noise_bits);
    return 0;
}

drv_config board_image_config(const qnet *q)
{
    const qnet_layer *h = &q->layer[0]; /* board_image_check: one feed-forward layer */
    return (drv_config){
        .n_in = (uint32_t)q->n_in,       .n_hidden = (uint32_t)h->size,
        .n_out = (uint32_t)q->n_out,     .n_exc = (uint32_t)h->n_exc,
        .steps = (uint32_t)q->steps,     .theta = (uint32_t)h->theta,
        .alpha_q = (uint32_t)h->alpha_q, .beta_q = (uint32_t)h->beta_q,
        .noise_bits = (uint32_t)q->noise_bits, .seed = q->seed,
    };
}

/* docs/core.md, "Memory map": lane of w1[i][j] and of w2[j][k]. */
static size_t lane_w1(const drv_info *info, int i, int j)
{
    size_t p = info->lanes, s1 = (info->max_hidden + p - 1) / p;
    return ((size_t)i * s1 + (size_t)j / p) * p + (size_t)j % p;
}

static size_t lane_w2(const drv_info *info, int j, int k)
{
    size_t p = info->lanes, s1 = (info->max_hidden + p - 1) / p, s2 = (info->max_out + p - 1) / p;
    return ((size_t)info->max_in * s1 + (size_t)j * s2 + (size_t)k / p) * p + (size_t)k % p;
}

static void put_weight(uint8_t *image, size_t lane, int bytes, uint16_t w)
{
    image[lane * (size_t)bytes] = (uint8_t)w;
    if (bytes == 2)
        image[lane * 2 + 1] = (uint8_t)(w >> 8);
}

int board_image_weights(const qnet *q, const drv_info *info, uint8_t **image, snn_error *err)
{
    *image = NULL;
    if (qnet_require_single_layer(q, "quantized model", "the board's core", err) != 0)
        return -1;
    if (info->lanes == 0)
        return snn_fail(err, "board reports 0 lanes");
    int bytes = info->weight_bits > 8 ? 2 : 1;
    size_t p = info->lanes, s1 = (info->max_hidden + p - 1) / p, s2 = (info->max_out + p - 1) / p;
    size_t lanes = ((size_t)info->max_in * s1 + (size_t)info->max_hidden * s2) * p;
    if (lanes * (size_t)bytes != info->weight_bytes)
        return snn_fail(err, "board reports a %u-byte weight image, the memory map of "
                        "docs/core.md gives %zu", info->weight_bytes, lanes * (size_t)bytes);
    uint8_t *im = calloc(lanes, (size_t)bytes);
    if (!im)
        return snn_fail(err, "out of memory for a %zu-byte weight image", lanes * (size_t)bytes);
    const int nh = q->layer[0].size; /* board_image_check: one feed-forward layer */
    for (int i = 0; i < q->n_in; i++)
        for (int j = 0; j < nh; j++)
            put_weight(im, lane_w1(info, i, j), bytes, q->ff[0][(size_t)i * nh + j]);
    for (int j = 0; j < nh; j++)
        for (int k = 0; k < q->n_out; k++)
            put_weight(im, lane_w2(info, j, k), bytes, q->ff[1][(size_t)j * q->n_out + k]);
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
