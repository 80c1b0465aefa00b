/* qnet_ranges.h - the integer model, instrumented to measure register ranges.
 *
 * For choosing widths with evidence (`snn quantize`): the same run as
 * qnet_run_image (same code path, same results), plus the largest magnitude
 * each register kind took. Not for speed; not part of the hardware contract.
 */
#ifndef SNN_QNET_RANGES_H
#define SNN_QNET_RANGES_H

#include "qnet.h"

/* As qnet_run_image (no spike outputs), and raises max_abs[kind] (indexed by
 * SAT_*) to the largest |value| the register kind held during the image, read
 * where the spec writes it: acc1 after §4.1, syn and mem after §4.2, acc2 after
 * §4.3, flt and out after §4.4. The caller initialises max_abs. */
void qnet_run_image_ranges(const qnet *q, const uint16_t *events, const uint32_t *step_start,
                           uint32_t image_index, void *scratch, qnet_result *res,
                           int64_t max_abs[SAT_KINDS]);

#endif
