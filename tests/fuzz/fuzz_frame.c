/* fuzz_frame.c - libFuzzer harness of the frame codec (firmware/proto.c).
 *
 * The input's first two bytes set the receiver's max_len; the rest is fed to
 * proto_rx_byte one byte at a time, as a line would. Every frame it accepts
 * must respect max_len, and encoding it again with proto_encode and feeding
 * that to a fresh receiver must give the same frame back (the two ends agree).
 */
#include <stdint.h>
#include <string.h>

#include "../../firmware/proto.h"

static proto_rx rx, again;
static uint8_t frame[PROTO_MAX_FRAME];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    proto_rx_init(&rx, proto_get_u16(data));
    for (size_t i = 2; i < size; i++) {
        proto_rx_event ev = proto_rx_byte(&rx, data[i]);
        if (ev != PROTO_RX_FRAME)
            continue;
        if (rx.len > rx.max_len)
            __builtin_trap();
        size_t n = proto_encode(frame, rx.type, rx.seq, rx.payload, rx.len);
        if (n != rx.len + PROTO_OVERHEAD || memcmp(frame + 1, data + i + 1 - (n - 1), n - 1) != 0)
            __builtin_trap(); /* the frame is exactly the bytes it came from */
        proto_rx_init(&again, rx.max_len);
        proto_rx_event last = PROTO_RX_MORE;
        for (size_t k = 0; k < n; k++)
            last = proto_rx_byte(&again, frame[k]);
        if (last != PROTO_RX_FRAME || again.type != rx.type || again.seq != rx.seq ||
            again.len != rx.len || memcmp(again.payload, rx.payload, rx.len) != 0)
            __builtin_trap();
    }
    return 0;
}
