#!/usr/bin/env bash
# Pins the bits of a small trained model and its quantized copy (sha256), with 1 and
# 2 threads: a compiler flag, an optimization or a code change that moves one bit of
# training or quantization fails here. The build is portable (no -march=native) and
# has no fused multiply-adds (-ffp-contract=off), so the sums hold on any x86-64;
# a change that moves the bits on purpose updates them here, saying why.
# Usage: model_checksum.sh SNN_BINARY
set -u
snn=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
MODEL_SHA256=8c7442c7fa41b07daa171a186e40052c419d1d27acedda37a2a076d7108fc8b2
QUANT_SHA256=231ae0fdcf4f3d6c6223216edae5c9720f32ee933a491574b7f33ae97781ffb9

sum() { sha256sum "$1" | cut -d' ' -f1; }
for t in 1 2; do
  "$snn" train --epochs 1 --limit 1000 --test-limit 100 --seed 1 --threads "$t" --quiet \
    --out "$work/m$t.snn" > /dev/null
  "$snn" quantize --model "$work/m$t.snn" --limit 100 --out "$work/m$t.snnq" > /dev/null
  check "trained model, $t thread(s): sha256 $(sum "$work/m$t.snn")" test "$(sum "$work/m$t.snn")" = $MODEL_SHA256
  check "quantized model, $t thread(s): sha256 $(sum "$work/m$t.snnq")" test "$(sum "$work/m$t.snnq")" = $QUANT_SHA256
done
finish model_checksum
