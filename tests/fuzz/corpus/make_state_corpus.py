#!/usr/bin/env python3
"""make_state_corpus.py - writes the seed corpus of fuzz_state: training states of
a 4-3-2 network (18 weights) laid out as docs/model-format.md describes them,
versions 3 (SGD, Adam) and 4 (a validation split, SGD and Adam), and one whose
best epoch lies past the epochs done. Run once from the top, commit the files:
    python3 tests/fuzz/corpus/make_state_corpus.py"""
import struct

N_WEIGHTS = 4 * 3 + 3 * 2


def state(version, adam, val=0, best_epoch=2, epochs=3):
    b = struct.pack("<III", version, epochs, 1 if adam else 0)
    b += struct.pack("<QIIII", 7, 64, 1000, 0, 0)  # seed, batch, limit, qat, shift
    b += struct.pack("<4d", 0.002, 0.0, 0.01, 25.0)  # lr, noise, lr end, surrogate
    b += struct.pack("<Q", 300 if adam else 0)  # Adam step
    if version == 4:
        b += struct.pack("<II3d", val, best_epoch, 0.85, 0.42, 0.84)
    if adam:
        b += struct.pack("<%df" % N_WEIGHTS, *[0.01 * i for i in range(N_WEIGHTS)])
        b += struct.pack("<%df" % N_WEIGHTS, *[1e-4 * i for i in range(N_WEIGHTS)])
    if version == 4:
        b += struct.pack("<%df" % N_WEIGHTS, *[0.1] * 12 + [0.2, -0.1] * 3)
    return b


seeds = {
    "v3_sgd": state(3, False),
    "v3_adam": state(3, True),
    "v4_sgd": state(4, False, val=100),
    "v4_adam": state(4, True, val=100),
    "v4_best_past_end": state(4, True, val=100, best_epoch=9),
}
for name, data in seeds.items():
    with open("tests/fuzz/corpus/state/" + name, "wb") as f:
        f.write(data)
