/* board_run.c - see board_run.h. */
#include "board_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board_image.h"

int board_model_crc(const qnet *q, const drv_info *info, uint32_t *crc, snn_error *err)
{
    uint8_t *image;
    if (board_image_weights(q, info, &image, err) != 0)
        return -1;
    drv_config cfg = board_image_config(q, info);
    *crc = proto_crc32_update(drv_config_crc(&cfg), image, info->weight_bytes);
    free(image);
    return 0;
}

int board_deploy(board_link *l, const qnet *q, const char *what, uint32_t *crc, snn_error *err)
{
    uint8_t *image;
    if (board_image_check(q, &l->drv.info, what, err) != 0 ||
        board_image_weights(q, &l->drv.info, &image, err) != 0)
        return -1;
    drv_config cfg = board_image_config(q, &l->drv.info);
    board_image_source src = {.image = image, .len = l->drv.info.weight_bytes};
    int r = drv_load(&l->drv, &cfg, board_image_read, &src, crc);
    free(image);
    if (r != DRV_OK)
        return board_link_fail(l, r, "loading the model", err);
    drv_status st;
    r = drv_status_read(&l->drv, &st);
    if (r != DRV_OK)
        return board_link_fail(l, r, "STATUS after loading", err);
    if (!st.model_valid || st.model_crc != *crc)
        return snn_fail(err, "%s: the board does not report the model just loaded (valid %d, "
                        "CRC-32 %08x, expected %08x)", l->port.path, st.model_valid,
                        (unsigned)st.model_crc, (unsigned)*crc);
    return 0;
}

/* Compares the board's result with the model's; writes what differed. */
static int same_result(const drv_result *b, const qnet_result *m, int n_out, char *detail,
                       size_t size)
{
    if (b->prediction != m->prediction) {
        snprintf(detail, size, "prediction: board %d, model %d", b->prediction, m->prediction);
        return 0;
    }
    for (int k = 0; k < n_out; k++)
        if (b->max_out[k] != m->max_out[k]) {
            snprintf(detail, size, "readout %d: board max %lld, model max %lld", k,
                     (long long)b->max_out[k], (long long)m->max_out[k]);
            return 0;
        }
    if (b->spikes != m->n_spikes) {
        snprintf(detail, size, "hidden spikes: board %u, model %u", (unsigned)b->spikes,
                 (unsigned)m->n_spikes);
        return 0;
    }
    return 1;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The driver's callbacks: images from the data set, results checked against qnet. */
typedef struct {
    board_link *l;
    const qnet *q;
    const spike_data *data;
    int n;
    void *scratch;
    board_classify_report *r;
    snn_error *err;
} classify_ctx;

static int image_source(void *ctx, uint32_t i, uint8_t *codes, uint32_t at, uint32_t max)
{
    classify_ctx *c = ctx;
    int n = board_image_codes(c->data, (int)i, codes, at, max, c->err);
    if (n > 0 && (uint32_t)n <= max - at)
        c->r->event_bits += (uint64_t)n;
    return n;
}

static int result_sink(void *ctx, uint32_t s, const drv_result *b)
{
    classify_ctx *c = ctx;
    board_classify_report *r = c->r;
    qnet_result m;
    const uint32_t *st = c->data->step_start + (size_t)s * (c->data->steps + 1);
    qnet_run_image(c->q, c->data->events, st, s, c->scratch, &m, NULL, NULL);
    char detail[120];
    if (!same_result(b, &m, c->q->n_out, detail, sizeof detail) && r->mismatches++ == 0) {
        r->first_mismatch = (int)s;
        snprintf(r->first_detail, sizeof r->first_detail, "image %u: %s", (unsigned)s, detail);
    }
    r->images++;
    r->board_correct += b->prediction == c->data->labels[s];
    r->model_correct += m.prediction == c->data->labels[s];
    r->cycles += b->cycles;
    if (c->l->drv.progress)
        c->l->drv.progress(c->l->drv.progress_ctx, "classifying images", (uint32_t)r->images,
                           (uint32_t)c->n, &c->l->drv.stats);
    return 0;
}

int board_classify(board_link *l, const qnet *q, const spike_data *data, int n,
                   board_classify_report *r, snn_error *err)
{
    *r = (board_classify_report){.first_mismatch = -1};
    if (data->n_inputs != q->n_in || data->steps != q->steps || n > data->n)
        return snn_fail(err, "data (%d inputs, %d steps, %d samples) do not fit the model (%d "
                        "inputs, %d steps) or %d images", data->n_inputs, data->steps, data->n,
                        q->n_in, q->steps, n);
    classify_ctx c = {l, q, data, n, malloc(qnet_scratch_size(q)), r, err};
    if (!c.scratch)
        return snn_fail(err, "out of memory");
    err->msg[0] = 0;
    drv_stats before = l->drv.stats;
    board_clocks c0 = board_link_clocks(l);
    double t0 = now_s();
    int dr = drv_classify_stream(&l->drv, (uint32_t)n, 1, (unsigned)q->n_out, image_source,
                                 result_sink, &c);
    r->seconds = now_s() - t0;
    board_clocks c1 = board_link_clocks(l);
    r->sim = (board_clocks){c1.clocks - c0.clocks, c1.line_in - c0.line_in,
                            c1.line_out - c0.line_out, c1.running - c0.running};
    r->tx_bytes = l->drv.stats.tx_bytes - before.tx_bytes;
    r->rx_bytes = l->drv.stats.rx_bytes - before.rx_bytes;
    r->round_trips = l->drv.stats.waits - before.waits;
    r->batches = l->drv.stats.batches - before.batches;
    free(c.scratch);
    if (dr != DRV_OK) {
        if (err->msg[0])
            return -1; /* the image source said why */
        char doing[64];
        snprintf(doing, sizeof doing, "classifying (after %d of %d images)", r->images, n);
        return board_link_fail(l, dr, doing, err);
    }
    return 0;
}
