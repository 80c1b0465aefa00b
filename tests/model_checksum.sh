#!/usr/bin/env bash
# Pins the bits of small trained models and a quantized copy (sha256), with 1 and 2
# threads: a compiler flag, an optimization or a code change that moves one bit of
# training or quantization fails here. The build is portable (no -march=native) and
# has no fused multiply-adds (-ffp-contract=off), so the sums hold on any x86-64;
# a change that moves the bits on purpose updates them here, saying why.
#
# The weight pins are the sha256 of the trained float32 weights (w1 then w2, as
# `snn export` writes them), taken from the code before the general network
# (a97a37c): the paper's network trains bit for bit as it did. Runs: the paper's
# SGD; Adam with noise, shift augmentation, QAT and a resume half way (which reads
# the Adam moments back from the model file); a 37-neuron 50:50 network without
# Dale's law at 50 steps. MODEL_SHA256 pins the whole file of the first run: it
# changed once, when the model file went to version 2 (same weights and training
# state, 16 bytes more header); it was 8c7442c7... in version 1.
# Usage: model_checksum.sh SNN_BINARY
set -u
snn=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
PAPER_WEIGHTS=986380144d323c0cb10e852af853f780f448ed3e1b72766def6d5b59b514f19f
ADAM_WEIGHTS=32d9c2c3a40444ea55ee57a4c63b5bdb1ec7819eef18be7de88af987f56075af
NODALE_WEIGHTS=e18e11e3be59a5c96c351843de7819344a1020c95d9074b77611552c250d594e
MODEL_SHA256=3d5142234976e721a124b318b520a24d1a28db70ebf15477a569e6931ef103b5
QUANT_SHA256=231ae0fdcf4f3d6c6223216edae5c9720f32ee933a491574b7f33ae97781ffb9

sum() { sha256sum "$1" | cut -d' ' -f1; }
weights() { # weights MODEL: sha256 of the exported weight arrays' float32 data
  "$snn" export --model "$1" --out "$1.npz" > /dev/null &&
    /usr/bin/python3 - "$1.npz" <<'PY'
import hashlib, struct, sys, zipfile
z, h = zipfile.ZipFile(sys.argv[1]), hashlib.sha256()
for name in ("w1", "w2"):
    raw = z.read(name + ".npy")
    h.update(raw[10 + struct.unpack("<H", raw[8:10])[0]:])  # the data after the .npy header
print(h.hexdigest())
PY
}
pinned() { # pinned DESCRIPTION MODEL SHA
  local got; got=$(weights "$2")
  check "$1: weights sha256 $got" test "$got" = "$3"
}
common=(--test-limit 100 --quiet)
for t in 1 2; do
  "$snn" train --epochs 1 --limit 1000 --seed 1 --threads "$t" "${common[@]}" \
    --out "$work/m$t.snn" > /dev/null
  "$snn" quantize --model "$work/m$t.snn" --limit 100 --out "$work/m$t.snnq" > /dev/null
  check "trained model, $t thread(s): sha256 $(sum "$work/m$t.snn")" test "$(sum "$work/m$t.snn")" = $MODEL_SHA256
  pinned "paper network, $t thread(s)" "$work/m$t.snn" $PAPER_WEIGHTS
  check "quantized model, $t thread(s): sha256 $(sum "$work/m$t.snnq")" test "$(sum "$work/m$t.snnq")" = $QUANT_SHA256
  "$snn" train --preset best --epochs 1 --limit 1000 --seed 3 --noise 0.001 --augment-shift 1 \
    --qat 8 --threads "$t" "${common[@]}" --out "$work/a$t.snn" > /dev/null
  "$snn" train --resume "$work/a$t.snn" --epochs 2 --threads "$t" "${common[@]}" > /dev/null
  pinned "Adam, noise, augmentation, QAT, resumed, $t thread(s)" "$work/a$t.snn" $ADAM_WEIGHTS
  "$snn" train --ratio 0.5 --hidden 37 --no-dale --steps 50 --epochs 1 --limit 600 --batch 64 \
    --seed 5 --threads "$t" "${common[@]}" --out "$work/d$t.snn" > /dev/null
  pinned "no Dale, 37 neurons, 50 steps, $t thread(s)" "$work/d$t.snn" $NODALE_WEIGHTS
done
finish model_checksum
