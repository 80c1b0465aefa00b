/* proto.c - see proto.h. A bit-serial CRC: small code for a microcontroller,
 * and the same shift-by-shift definition the RTL (rtl/board/board_crc32_byte.v) unrolls. */
#include "proto.h"

uint32_t proto_crc32_update(uint32_t crc, const uint8_t *data, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= data[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

size_t proto_encode(uint8_t *out, uint8_t type, uint8_t seq, const uint8_t *payload, uint16_t len)
{
    if (len > PROTO_MAX_PAYLOAD)
        return 0;
    out[0] = PROTO_SYNC;
    out[1] = type;
    out[2] = seq;
    proto_put_u16(out + 3, len);
    for (uint16_t i = 0; i < len; i++)
        out[PROTO_HEADER_BYTES + i] = payload[i];
    uint32_t crc = proto_crc32_update(0, out + 1, PROTO_HEADER_BYTES - 1u + len);
    proto_put_u32(out + PROTO_HEADER_BYTES + len, crc);
    return PROTO_OVERHEAD + len;
}

enum { RX_HUNT, RX_HEADER, RX_PAYLOAD, RX_CRC };

void proto_rx_init(proto_rx *rx, uint16_t max_len)
{
    rx->max_len = max_len > PROTO_MAX_PAYLOAD ? PROTO_MAX_PAYLOAD : max_len;
    rx->state = RX_HUNT;
    rx->pos = 0;
}

int proto_rx_has_header(const proto_rx *rx)
{
    return rx->state == RX_PAYLOAD || rx->state == RX_CRC;
}

proto_rx_event proto_rx_byte(proto_rx *rx, uint8_t byte)
{
    switch (rx->state) {
    case RX_HUNT:
        if (byte == PROTO_SYNC) {
            rx->state = RX_HEADER;
            rx->pos = 0;
            rx->crc = 0;
        }
        return PROTO_RX_MORE;
    case RX_HEADER:
        rx->crc = proto_crc32_update(rx->crc, &byte, 1);
        if (rx->pos == 0)
            rx->type = byte;
        else if (rx->pos == 1)
            rx->seq = byte;
        else if (rx->pos == 2)
            rx->len = byte;
        else
            rx->len = (uint16_t)(rx->len | (byte << 8));
        if (++rx->pos < PROTO_HEADER_BYTES - 1u)
            return PROTO_RX_MORE;
        rx->pos = 0;
        if (rx->len > rx->max_len) {
            rx->state = RX_HUNT;
            return PROTO_RX_BAD_LEN;
        }
        rx->state = rx->len ? RX_PAYLOAD : RX_CRC;
        return PROTO_RX_MORE;
    case RX_PAYLOAD:
        rx->crc = proto_crc32_update(rx->crc, &byte, 1);
        rx->payload[rx->pos++] = byte;
        if (rx->pos == rx->len) {
            rx->state = RX_CRC;
            rx->pos = 0;
        }
        return PROTO_RX_MORE;
    default: /* RX_CRC, little-endian */
        rx->crc_rx = (rx->pos == 0 ? 0u : rx->crc_rx) | (uint32_t)byte << (8u * rx->pos);
        if (++rx->pos < PROTO_CRC_BYTES)
            return PROTO_RX_MORE;
        rx->state = RX_HUNT;
        return rx->crc_rx == rx->crc ? PROTO_RX_FRAME : PROTO_RX_BAD_CRC;
    }
}
