#!/usr/bin/env bash
# The trained network on the core netlist (sim/netlist/, docs/netlist.md): the model
# cosim_trained.sh co-simulates on the RTL (1 epoch on 5000 images, seed 3), quantized to
# the iCEBreaker's widths, co-simulated on the synthesized snn_core over Yosys's iCE40 cell
# models: every hidden spike of every neuron at every step, every max[k] and out[k] and the
# prediction of each image must equal the integer reference model's.
# Usage: netlist_cosim.sh NETLIST_DIR IMAGES QUANTIZE_FLAGS...
#   NETLIST_DIR holds snn linked with the core netlist (make test-netlist builds it).
set -u
dir=$(realpath "$1")
images=$2
shift 2
. "$(dirname "$0")/lib.sh"
snn=$dir/snn

"$snn" train --epochs 1 --limit 5000 --test-limit 500 --seed 3 --quiet --out "$work/m.snn" > /dev/null
"$snn" quantize --model "$work/m.snn" "$@" --out "$work/q.snnq" --limit 1000 > /dev/null

"$snn" cosim --model "$work/q.snnq" --images "$images" --json \
  --mismatch-trace "$dir/cosim-mismatch.fst" > "$work/cosim.out"; rc=$?
cat "$work/cosim.out"
check "$images images on the core netlist: cosim exits 0" test $rc -eq 0
check "... the netlist is the iCEBreaker's core (P=8 PL=4 RL=1)" \
  last_json "$work/cosim.out" "d['lanes'] == 8 and d['hidden_lanes'] == 4 and d['readout_lanes'] == 1"
check "... every spike of the 100 neurons at each of the 100 steps compared, 0 mismatches" \
  last_json "$work/cosim.out" "d['images'] == $images and d['spikes_compared'] == $images * 100 * 100 \
    and d['mismatches'] == 0 and d['rtl_acc'] == d['model_acc']"
/usr/bin/python3 -c "import json; d = json.loads(open('$work/cosim.out').read().splitlines()[-1]); \
  print('netlist cosim: %d images, %d neuron-steps, %.1f images/s, %.0f simulated cycles/s (%s)' % \
    (d['images'], d['spikes_compared'], d['images_per_s'], d['sim_cycles_per_s'], d['machine']))"
finish netlist_cosim
