#!/usr/bin/env bash
# The iCEBreaker's two builds on the simulated board (constraints/constraints.mk): the
# paper's one-layer build (snn-board-sim) and the general one, icebreaker-deep
# (snn-board-sim-deep: two hidden layers, recurrent ones, the readout's own decays).
# - the paper's network (784-100-10) deployed and classified on both, every result equal
#   to the integer reference model (classify exits 1 on any difference);
# - two-layer networks (784-64-32-10, and 784-64-32r-10 with a recurrent layer) on the
#   general build, the same; on the paper's build refused before anything is sent, naming
#   the limit;
# - networks beyond the general build refused, naming the limit: three layers
#   (MAX_LAYERS), a layer of 128 (MAX_HID), membrane noise (NOISE);
# - snn fit (--no-bitstream: synthesis is make test-synth's): the paper's network on the
#   iCEBreaker picks the faster paper's build, the two-layer one the general build, both
#   with cycles measured on the simulated board; 784-8-10 on the HX8K its build, cycles
#   from its simulated core; a network no build holds is refused with the limit named.
# Usage: board_deep.sh SNN_BINARY BOARD_SIM BOARD_SIM_DEEP QUANTIZE_FLAGS...
set -u
snn=$(realpath "$1")
sim=$(realpath "$2")
deep=$(realpath "$3")
shift 3
widths=("$@")
. "$(dirname "$0")/lib.sh"

train() { # train NAME ARGS...: a quick model, quantized to the board's widths
  local name=$1
  shift
  "$snn" train --limit 2048 --test-limit 200 --epochs 1 --seed 5 --quiet "$@" \
    --out "$work/$name.snn" > /dev/null &&
  "$snn" quantize --model "$work/$name.snn" "${widths[@]}" --limit 200 \
    --out "$work/$name.snnq" > /dev/null
}
classify() { # classify OUT SIM MODEL: deploy and classify 40 images on a simulated board
  "$snn" classify --sim --sim-bin "$2" --deploy --model "$3" --images 40 --json \
    > "$work/$1.out" 2> "$work/$1.err"
}
same() { # same OUT WHAT: the run succeeded, 40 images, every result the model's
  check "$2: a JSON summary" test -s "$work/$1.out"
  check "... all 40 classified" test "$(json_field "$work/$1.out" images)" = 40
  check "... every result equals the reference model's" test "$(json_field "$work/$1.out" mismatches)" = 0
  check "... the core reports its cycles" test "$(json_field "$work/$1.out" cycles_per_image | cut -d. -f1)" -gt 0
}

check "the paper's network (784-100-10)" train paper
check "a two-layer network (784-64-32-10)" train two --arch 64-32
check "a recurrent layer (784-64-32r-10)" train rec --arch 64-32 --recurrent 0,1
check "one recurrent layer (784-32r-10)" train rec1 --arch 32 --recurrent 1
check "three layers (784-32-32-32-10)" train three --arch 32-32-32
check "a layer of 128 (784-128-32-10)" train wide --arch 128-32

classify paper "$sim" "$work/paper.snnq"
check "paper's network on the paper's build: exit 0" test $? -eq 0
same paper "paper's network on the paper's build"
classify paper-deep "$deep" "$work/paper.snnq"
check "paper's network on the general build: exit 0" test $? -eq 0
same paper-deep "paper's network on the general build"
classify two "$deep" "$work/two.snnq"
check "two-layer network on the general build: exit 0" test $? -eq 0
same two "two-layer network on the general build"
classify rec "$deep" "$work/rec.snnq"
check "two layers, the second recurrent, on the general build: exit 0" test $? -eq 0
same rec "two layers, the second recurrent, on the general build"
fails_with "a recurrent layer on the paper's build: refused, naming RECURRENT" "RECURRENT=0" \
  "$snn" deploy --sim --sim-bin "$sim" --model "$work/rec1.snnq"

fails_with "the two-layer network on the paper's build: refused, naming MAX_LAYERS" "MAX_LAYERS" \
  "$snn" deploy --sim --sim-bin "$sim" --model "$work/two.snnq"
fails_with "three layers on the general build: refused, naming MAX_LAYERS" "MAX_LAYERS" \
  "$snn" deploy --sim --sim-bin "$deep" --model "$work/three.snnq"
fails_with "a layer of 128 on the general build: refused, naming MAX_HID" "MAX_HID" \
  "$snn" deploy --sim --sim-bin "$deep" --model "$work/wide.snnq"
"$snn" quantize --model "$work/two.snn" "${widths[@]}" --noise-bits 4 --limit 200 \
  --out "$work/two-n4.snnq" > /dev/null 2>&1
fails_with "membrane noise on the general build (no noise generator): refused, naming NOISE" \
  "NOISE=0" "$snn" deploy --sim --sim-bin "$deep" --model "$work/two-n4.snnq"

fit() { # fit OUT BOARD MODEL: snn fit without the bitstream, 10 images
  "$snn" fit --model "$3" --board "$2" --images 10 --no-bitstream --json > "$work/$1.out" 2> "$work/$1.err"
}
fit fit-paper icebreaker "$work/paper.snnq"
check "fit: the paper's network on the iCEBreaker: exit 0" test $? -eq 0
check "... fits both builds" test "$(grep -c ' fits: ' "$work/fit-paper.out")" = 2
check "... picks the paper's build (more images/s)" last_json "$work/fit-paper.out" 'd["build"] == "icebreaker"'
check "... at the cycles the paper's build took in classify" last_json "$work/fit-paper.out" \
  "d['cycles_per_image'] > 0 and abs(d['images_per_s'] - 18e6 / d['cycles_per_image']) < 1"
fit fit-two icebreaker "$work/two.snnq"
check "fit: the two-layer network on the iCEBreaker: exit 0" test $? -eq 0
check "... the paper's build refuses it, naming MAX_LAYERS" grep -q "icebreaker .*does not fit.*MAX_LAYERS" "$work/fit-two.out"
check "... picks the general build" last_json "$work/fit-two.out" 'd["build"] == "icebreaker-deep"'
fit fit-three icebreaker "$work/three.snnq"
check "fit: three layers on the iCEBreaker: exit 1" test $? -eq 1
check "... nothing fits, each build's limit named" grep -q "fits none.*icebreaker: .*MAX_LAYERS.*icebreaker-deep: .*MAX_LAYERS" "$work/fit-three.err"
check "... the JSON says so" last_json "$work/fit-three.out" 'not d["fits"] and "MAX_LAYERS" in d["limit"]'
fit fit-hx8k hx8k "$work/paper.snnq"
check "fit: the paper's network on the HX8K: exit 1, naming MAX_HID" grep -q "MAX_HID" "$work/fit-hx8k.err"
check "a network of 8 hidden neurons (784-8-10)" train h8 --hidden 8
fit fit-h8 hx8k "$work/h8.snnq"
check "fit: 784-8-10 on the HX8K: exit 0" test $? -eq 0
check "... its build, cycles from its simulated core" last_json "$work/fit-h8.out" \
  'd["build"] == "hx8k" and d["cycles_per_image"] > 0'
fails_with "fit: an unknown board" "no such board" "$snn" fit --model "$work/paper.snnq" --board ecp5 --no-bitstream

finish board_deep
