#!/usr/bin/env python3
"""board_seeds.py - writes the seed corpora of fuzz_frame.c and fuzz_reply.c.

Frames as docs/protocol.md defines them (version 4: CRC-32 as zlib's), so the
seeds need no build. Usage: tests/fuzz/board_seeds.py (from the repository root).
"""
import os
import struct
import zlib


def frame(ftype, seq, payload):
    body = struct.pack("<BBH", ftype, seq, len(payload)) + payload
    return b"\xa5" + body + struct.pack("<I", zlib.crc32(body))


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


F = "tests/fuzz/corpus/frame"
load = frame(0x11, 42, struct.pack("<I", 0) + bytes((i * 7) & 255 for i in range(300)))
write(F, "hello", struct.pack("<H", 512) + frame(0x01, 0, b""))
write(F, "load_data_300", struct.pack("<H", 512) + load)
write(F, "garbage_then_frame", struct.pack("<H", 512) + b"\x00\xa5\x13\xff" + frame(0x02, 7, b""))
bad = bytearray(load)
bad[20] ^= 0x10
write(F, "bad_crc_then_frame", struct.pack("<H", 512) + bytes(bad) + frame(0x22, 9, bytes(8)))
write(F, "too_long", struct.pack("<H", 64) + load)
write(F, "two_frames", struct.pack("<H", 1024) + frame(0x81, 1, bytes(31)) + frame(0x7F, 2, b"\x12\x11"))

# fuzz_reply.c records: u8 flags, u8 length, payload (flags 0: the request's reply). The
# input's last byte picks CLASSIFY's detail (odd: full records).
def rec(payload, flags=0):
    return bytes([flags, len(payload)]) + payload


R = "tests/fuzz/corpus/reply"
info = struct.pack("<BBHHBBBBHHHIIIBH", 4, 0, 2040, 2040, 8, 8, 16, 16, 784, 100, 10,
                   18000000, 6000000, 64, 0, 255)
status = struct.pack("<BIIIHHHHI", 1, 0x12345678, 0, 10, 0, 0, 0, 0, 1)
# The harness's 5 images go in one batch: 5 predictions, or 5 records of n_out = 3.
predictions = bytes([3, 1, 4, 1, 5])
records = b"".join(bytes([k]) + struct.pack("<II", 8400 + k, 120) +
                   struct.pack("<hhh", -5 + k, 300, 7) for k in range(5))
load = rec(b"") + rec(struct.pack("<I", 64)) + rec(b"")
write(R, "session", rec(info) + rec(status) + rec(predictions) + load)
write(R, "session_detail", rec(info) + rec(status) + rec(records) + load + b"\x01")
write(R, "hello_only", rec(info))
write(R, "damaged_then_good", rec(info, 4) + rec(info, 2) + rec(info) + rec(status, 4) + rec(status))
write(R, "refusal_restart", rec(info) + rec(status) + rec(b"\x12\x22", 1) + rec(predictions) +
      rec(b"\x12\x11", 1) + rec(b"") + rec(struct.pack("<I", 64)) + rec(b""))
write(R, "raw_garbage", rec(b"\xa5\x81\x00\x1f\x00" + bytes(20), 8) + rec(info))
info40 = info.replace(bytes([16, 16, 0x10, 0x03]), bytes([16, 40, 0x10, 0x03]))
write(R, "result_8_byte_values", rec(info40) + rec(status) +
      rec(bytes(5 * (9 + 8 * 3))) + b"\x01")
