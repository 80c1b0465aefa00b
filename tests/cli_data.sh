#!/usr/bin/env bash
# Every command that pairs a model with data refuses data the network cannot
# take, naming the data: a label beyond the readout (10 for a 10-class model:
# snn_loss read past the logits, eval reported an accuracy, cosim "rtl 0.00%")
# and images of another size (100 inputs for a 784-input model). Nothing is
# written by a refused command.
# Usage: cli_data.sh SNN_BINARY
set -u
snn=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
cd "$work"

# IDX files: SPLIT-images-idx3-ubyte (n x side x side bytes) and SPLIT-labels-idx1-ubyte.
/usr/bin/python3 - <<'PY'
import os, random, struct
def write(d, side, labels):
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(1)
    for split in ("train", "t10k"):
        with open(f"{d}/{split}-images-idx3-ubyte", "wb") as f:
            f.write(struct.pack(">IIII", 0x803, len(labels), side, side))
            f.write(bytes(rnd.randrange(256) for _ in range(len(labels) * side * side)))
        with open(f"{d}/{split}-labels-idx1-ubyte", "wb") as f:
            f.write(struct.pack(">II", 0x801, len(labels)) + bytes(labels))
write("label10", 28, [3, 10] + [i % 10 for i in range(62)])
write("small", 10, [i % 10 for i in range(64)])
PY

"$snn" train --limit 256 --test-limit 100 --epochs 1 --hidden 16 --quiet --out m.snn > /dev/null
"$snn" quantize --model m.snn --limit 100 --out q.snnq > /dev/null
check "fixtures: a 10-class model and its quantized file" test -s m.snn -a -s q.snnq

label="label10 (t10k images and labels): sample 1 has label 10, the network has 10 classes"
train_label="label10 (train images and labels): sample 1 has label 10"
# (A fresh train sizes its readout from the labels; the paper's network given in full must fit.)
fails_with "train refuses a label beyond the readout" "$train_label" \
  "$snn" train --arch 784-100-10 --data label10 --epochs 1 --out t.snn
fails_with "train --resume too" "$train_label" \
  "$snn" train --resume m.snn --epochs 2 --data label10 --out r.snn
check "... and writes neither model nor metrics" test ! -e t.snn -a ! -e t.snn.metrics.jsonl -a ! -e r.snn
fails_with "eval" "$label" "$snn" eval --model m.snn --data label10
fails_with "eval --fixed" "$label" "$snn" eval --fixed --model q.snnq --data label10
fails_with "quantize (its calibration data)" "$train_label" \
  "$snn" quantize --model m.snn --data label10 --out x.snnq
check "... and writes nothing" test ! -e x.snnq
fails_with "sweep-bits" "label10.*sample 1 has label 10" \
  "$snn" sweep-bits --model m.snn --data label10 --out sweep
check "... and writes no table" test ! -e sweep/sweep-bits.csv
fails_with "bench-fixed" "$label" "$snn" bench-fixed --qmodel q.snnq --data label10
fails_with "bench-fixed (float model)" "$label" "$snn" bench-fixed --model m.snn --data label10
fails_with "bench-train" "$train_label" "$snn" bench-train --batches 1 --data label10
fails_with "cosim" "$label" "$snn" cosim --model q.snnq --data label10
fails_with "classify" "$label" "$snn" classify --sim --model q.snnq --data label10

small="small (t10k images and labels): the data has 100 inputs per sample, the network 784"
fails_with "eval refuses images of another size" "$small" "$snn" eval --model m.snn --data small
fails_with "eval --fixed too" "$small" "$snn" eval --fixed --model q.snnq --data small
fails_with "train too" "small (train images and labels): the data has 100 inputs" \
  "$snn" train --arch 784-100-10 --data small --epochs 1 --out t.snn
fails_with "cosim too" "$small" "$snn" cosim --model q.snnq --data small

finish cli_data
