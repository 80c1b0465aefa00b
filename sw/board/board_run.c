/* board_run.c - see board_run.h. */
#include "board_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "board_image.h"

int board_model_crc(const qnet *q, const drv_info *info, uint32_t *crc, snn_error *err)
{
    uint8_t *image;
    if (board_image_weights(q, info, &image, err) != 0)
        return -1;
    drv_config cfg = board_image_config(q);
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
    drv_config cfg = board_image_config(q);
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
    if (b->n_out != n_out) {
        snprintf(detail, size, "readouts: board sent %d, model has %d", b->n_out, n_out);
        return 0;
    }
    for (int k = 0; k < n_out; k++)
        if (b->max_out[k] != m->max_out[k] || b->final_out[k] != m->final_out[k]) {
            snprintf(detail, size, "readout %d: board max %lld out %lld, model max %lld out %lld",
                     k, (long long)b->max_out[k], (long long)b->final_out[k],
                     (long long)m->max_out[k], (long long)m->final_out[k]);
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

int board_classify(board_link *l, const qnet *q, const spike_data *data, int n,
                   board_classify_report *r, snn_error *err)
{
    *r = (board_classify_report){.first_mismatch = -1};
    if (data->n_inputs != q->n_in || data->steps != q->steps || n > data->n)
        return snn_fail(err, "data (%d inputs, %d steps, %d samples) do not fit the model (%d "
                        "inputs, %d steps) or %d images", data->n_inputs, data->steps, data->n,
                        q->n_in, q->steps, n);
    int max_codes = l->drv.info.event_bytes;
    uint8_t *codes = malloc((size_t)max_codes);
    void *scratch = malloc(qnet_scratch_size(q));
    if (!codes || !scratch) {
        free(codes);
        free(scratch);
        return snn_fail(err, "out of memory");
    }
    int rc = 0;
    double t0 = now_s();
    for (int s = 0; s < n; s++) {
        int nc = board_image_events(data, s, codes, max_codes, err);
        if (nc < 0) {
            rc = -1;
            break;
        }
        drv_result b;
        int dr = drv_classify(&l->drv, codes, (uint32_t)nc, (uint32_t)s, &b);
        if (dr != DRV_OK) {
            char doing[48];
            snprintf(doing, sizeof doing, "classifying image %d", s);
            rc = board_link_fail(l, dr, doing, err);
            break;
        }
        qnet_result m;
        const uint32_t *st = data->step_start + (size_t)s * (data->steps + 1);
        qnet_run_image(q, data->events, st, (uint32_t)s, scratch, &m, NULL, NULL);
        char detail[sizeof r->first_detail];
        if (!same_result(&b, &m, q->n_out, detail, sizeof detail)) {
            if (r->mismatches++ == 0) {
                r->first_mismatch = s;
                snprintf(r->first_detail, sizeof r->first_detail, "%s", detail);
            }
        }
        r->images++;
        r->board_correct += b.prediction == data->labels[s];
        r->model_correct += m.prediction == data->labels[s];
        r->cycles += b.cycles;
        r->event_bytes += (uint64_t)nc;
        if (l->drv.progress)
            l->drv.progress(l->drv.progress_ctx, "classifying images", (uint32_t)s + 1,
                            (uint32_t)n, &l->drv.stats);
    }
    r->seconds = now_s() - t0;
    free(codes);
    free(scratch);
    return rc;
}
