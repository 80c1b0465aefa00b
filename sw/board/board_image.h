/* board_image.h - a quantized network and its inputs in the board's formats.
 *
 * The core's memory map (docs/core.md) and the protocol's event codes
 * (docs/protocol.md) applied to a qnet: the configuration registers, the
 * weight image that LOAD_DATA streams, and one image's event codes. Checks
 * the network against what the board reports (widths, sizes) first.
 * Not here: sending anything (firmware/driver.h, board_link.h).
 */
#ifndef SNN_BOARD_IMAGE_H
#define SNN_BOARD_IMAGE_H

#include <stdint.h>

#include "../../firmware/driver.h"
#include "../data/dataset.h"
#include "../fixed/core_build.h"
#include "../fixed/qnet.h"
#include "../util/error.h"

/* The build a board reported in INFO (words from its weight image size). */
core_build board_build_of(const drv_info *info);

/* Does q run on build b as a board? core_build_check, and the readouts the
 * protocol's results carry (DRV_MAX_OUT). */
int board_build_check(const qnet *q, const core_build *b, const char *what, snn_error *err);

/* Does q run on a board that reported info? (board_build_check on its build.) */
int board_image_check(const qnet *q, const drv_info *info, const char *what, snn_error *err);

/* A general build (layers, recurrence or the readout's own decays in INFO): its
 * LOAD_BEGIN takes only the long form (docs/protocol.md, row 0x10). */
int board_is_general(const drv_info *info);

/* The core's registers for q: 0x0..0x9, and on a general build (layers, recurrence or
 * readout decays) 0xA..0xF and every layer's block, bases from core_build_layout. */
drv_config board_image_config(const qnet *q, const drv_info *info);

/* The weight image: info->weight_bytes bytes (malloc'd into *image, caller
 * frees), every matrix's magnitudes at the lanes of docs/core.md, unused lanes 0,
 * one byte per weight for B <= 8, two (little-endian) above. Fails if q does not
 * fit (board_image_check). */
int board_image_weights(const qnet *q, const drv_info *info, uint8_t **image, snn_error *err);

/* The codes of sample s of data (docs/protocol.md, "Image codes": per step the gaps
 * between its events in a prefix code, a code closing each step, one closing the image
 * after its last event) into the bit stream codes (bit k is bit k % 8 of byte k / 8),
 * from bit `at` on, setting only bits below max (the stream's bits are 0 before).
 * Returns the bits the image takes (more than max - at: it did not fit), or -1 with a
 * message (inputs not ascending, or a gap the codes do not reach). */
int board_image_codes(const spike_data *data, int s, uint8_t *codes, uint32_t at, uint32_t max,
                      snn_error *err);

/* The drv_weight_source over an image made by board_image_weights. */
typedef struct {
    const uint8_t *image;
    uint32_t len;
} board_image_source;
int board_image_read(void *ctx, uint32_t offset, uint8_t *buf, uint16_t n);

#endif
