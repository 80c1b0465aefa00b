#!/usr/bin/env bash
# The trained network on the RTL core: a small Fashion-MNIST model (1 epoch on
# 5000 images), quantized to 8 bits, co-simulated on 500 test images without
# and with membrane noise; every hidden spike and readout value must match the
# integer reference model. The same for a deep recurrent network (784-128r-64r-10,
# `--preset deep`, 1 epoch on 2000 images): every spike of both layers. And a
# board's model (H = R = 16) on the iCEBreaker's core (`snn cosim --core icebreaker`). Also: `snn cosim` JSON fields, --trace writes a
# waveform, and bad input is rejected cleanly.
# Usage: cosim_trained.sh SNN_BINARY
set -u
snn=$(realpath "$1")
. "$(dirname "$0")/lib.sh"

"$snn" train --epochs 1 --limit 5000 --test-limit 500 --seed 3 --quiet --out "$work/m.snn" > /dev/null
"$snn" quantize --model "$work/m.snn" --out "$work/m8.snnq" --limit 1000 > /dev/null

cd "$work"
"$snn" cosim --model m8.snnq --images 500 --json > cosim.out; rc=$?
cat cosim.out
check "cosim exits 0" test $rc -eq 0
check "JSON has the required fields, counts add up, mismatches 0" \
  /usr/bin/python3 -c "import json,sys; d=json.loads(open('cosim.out').read().splitlines()[-1]); \
    keys=('images','spikes_compared','mismatches','cycles_per_image','sops','cycles_per_sop', \
          'sim_cycles_per_s','rtl_acc','model_acc'); \
    sys.exit(not all(k in d for k in keys) or d['images']!=500 or d['mismatches']!=0 \
             or d['spikes_compared']!=500*100*100 or d['rtl_acc']!=d['model_acc'])"
check "500 images with 6 noise bits: 0 mismatches" \
  "$snn" cosim --model m8.snnq --images 500 --noise-bits 6 --seed 99
check "--trace writes an FST waveform" \
  bash -c "'$snn' cosim --model m8.snnq --images 2 --trace t.fst > /dev/null && test -s t.fst"
fails_with "a missing model is an error naming the file" "nope.snnq" \
  "$snn" cosim --model nope.snnq --images 1
fails_with "noise bits out of range are refused" "--noise-bits" \
  "$snn" cosim --model m8.snnq --noise-bits 17
"$snn" quantize --model "$work/m.snn" --out m20.snnq --hidden-bits 20 --limit 200 > /dev/null
fails_with "a model of other widths than the core's is refused" "H=20" \
  "$snn" cosim --model m20.snnq --images 1
# a board's model (the iCEBreaker's widths, H = R = 16): refused by the default core,
# checked on the board's core with --core
"$snn" quantize --model "$work/m.snn" --out board16.snnq --hidden-bits 16 --readout-bits 16 \
  --limit 200 > /dev/null
fails_with "the default core refuses the board's widths" "H=16" \
  "$snn" cosim --model board16.snnq --images 1
"$snn" cosim --core icebreaker --model board16.snnq --images 200 --json > board.out; rc=$?
check "--core icebreaker: the board's model on the board's core, 0 mismatches" \
  /usr/bin/python3 -c "import json,sys; d=json.loads(open('board.out').read().splitlines()[-1]); \
    sys.exit(d['images']!=200 or d['mismatches']!=0 or d['hidden_lanes']!=4 or $rc!=0)"
fails_with "--core of a board without a core build is an error naming the binary" "snn-core-nope" \
  "$snn" cosim --core nope --model board16.snnq --images 1

# a deep recurrent network: two layers, both recurrent, its own readout decays
"$snn" train --preset deep --epochs 1 --limit 2000 --test-limit 500 --seed 3 --quiet \
  --out "$work/deep.snn" > /dev/null
"$snn" quantize --model "$work/deep.snn" --out deep8.snnq --limit 500 > /dev/null
"$snn" cosim --model deep8.snnq --images 500 --json > deep.out; rc=$?
tail -n 3 deep.out
check "deep recurrent network, 500 images: every spike of both layers, 0 mismatches" \
  /usr/bin/python3 -c "import json,sys; d=json.loads(open('deep.out').read().splitlines()[-1]); \
    sys.exit(d['images']!=500 or d['mismatches']!=0 or d['spikes_compared']!=500*100*(128+64) \
             or d['rtl_acc']!=d['model_acc'] or $rc!=0)"
finish cosim_trained
