/* qnet_ranges.h - the integer model, instrumented to measure register ranges.
 *
 * For choosing widths with evidence (`snn quantize`): the same run as
 * qnet_run_image (same code path, same results), plus the largest magnitude
 * each register kind took. Not for speed; not part of the hardware contract.
 */
#ifndef SNN_QNET_RANGES_H
#define SNN_QNET_RANGES_H

#include "qnet.h"

/* The largest |value| each register kind held: hidden kinds per layer, and
 * every kind overall (a hidden kind's the largest over the layers, since H is
 * one width for all). */
typedef struct {
    int64_t layer[QNET_MAX_LAYERS][SAT_MEM + 1]; /* [l][SAT_ACC1 .. SAT_MEM] */
    int64_t kind[SAT_KINDS];
} qnet_ranges;

/* As qnet_run_image (no spike outputs), and raises *ranges to the largest
 * |value| each register held during the image, read where the spec writes it:
 * acc1 after §4.1 and §4.6, syn and mem after §4.2, acc2 after §4.3, flt and
 * out after §4.4. The caller initialises *ranges (zeros). */
void qnet_run_image_ranges(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                           uint32_t image_index, void *scratch, qnet_result *res,
                           qnet_ranges *ranges);

#endif
