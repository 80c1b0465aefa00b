/* augment.c - see augment.h. */
#include "augment.h"

void spike_data_shift_sample(const spike_data *d, int s, int dx, int dy, uint16_t *events,
                             uint32_t *start)
{
    const uint32_t *st = d->step_start + (size_t)s * (d->steps + 1);
    uint32_t n = 0;
    for (int step = 0; step < d->steps; step++) {
        start[step] = n;
        /* a shift adds one constant to every kept index: the order stays ascending */
        for (uint32_t e = st[step]; e < st[step + 1]; e++) {
            int row = d->events[e] / d->cols + dy, col = d->events[e] % d->cols + dx;
            if (row >= 0 && row < d->rows && col >= 0 && col < d->cols)
                events[n++] = (uint16_t)(row * d->cols + col);
        }
    }
    start[d->steps] = n;
}

int spike_data_check_images(const spike_data *d, const char *what, snn_error *err)
{
    if (d->rows > 0 && d->cols > 0 && d->rows * d->cols == d->n_inputs)
        return 0;
    return snn_fail(err, "%s: spike events without an image shape (%d inputs): a shift of the "
                    "image (--augment-shift) applies to IDX images only", what, d->n_inputs);
}
