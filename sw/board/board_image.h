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
#include "../fixed/qnet.h"
#include "../util/error.h"

/* A core build as far as the host needs it (docs/core.md, "Parameters"; register
 * 0x8003 and INFO): lanes, widths, maximum sizes, layers, recurrence, readout decays,
 * noise generator, weight memory words (P magnitudes each). */
typedef struct {
    int lanes, weight_bits, hidden_bits, readout_bits;
    int max_in, max_hidden, max_out;
    int max_layers, recurrent, out_decays, noise;
    uint32_t words;
} board_build;

/* The build a board reported in INFO (words from its weight image size). */
board_build board_build_of(const drv_info *info);

/* The build of a core configuration as constraints/constraints.mk gives it: Verilog
 * parameters "NAME=VALUE ..." (P, B, H, R, MAX_IN, MAX_HID, MAX_OUT, MAX_LAYERS,
 * RECURRENT, OUT_DECAYS, NOISE, WORDS; others ignored), the rest snn_core.v's defaults,
 * WORDS = 0 its default size. Fails on text that is not NAME=number. */
int board_build_parse(const char *config, board_build *b, snn_error *err);

/* Does q run on build b? Fails naming `what` (the model file) and the first limit q
 * exceeds: layers (MAX_LAYERS), a recurrent layer (RECURRENT), sizes (MAX_IN, MAX_HID,
 * MAX_OUT), weight memory words, widths (B at most, H and R equal), noise (NOISE),
 * readout decays of its own (OUT_DECAYS). */
int board_build_check(const qnet *q, const board_build *b, const char *what, snn_error *err);

/* Where q's matrices go in b's weight memory (docs/core.md, "Weights": ff[0] at word 0,
 * the readout's at MAX_IN * S1, then ff[1], rec[0], ff[2], rec[1] ... each if present):
 * first words of ff[l] (l = 0 .. n_layers) and rec[l] (0 if none); returns the words used. */
uint32_t board_build_layout(const board_build *b, const qnet *q,
                            uint32_t ff[QNET_MAX_LAYERS + 1], uint32_t rec[QNET_MAX_LAYERS]);

/* Does q run on a board that reported info? (board_build_check on its build.) */
int board_image_check(const qnet *q, const drv_info *info, const char *what, snn_error *err);

/* The core's registers for q: 0x0..0x9, and on a general build (layers, recurrence or
 * readout decays) 0xA..0xF and every layer's block, bases from board_build_layout. */
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
