#!/usr/bin/env bash
# The bitstream's board netlist (sim/netlist/, docs/netlist.md) deploys a network and
# classifies images through its simulated UART, at the bitstream's clocks per bit: the
# netlist that nextpnr places, over Yosys's iCE40 cell models (the PLL passed through).
# Every result must equal the integer reference model's (classify exits 1 otherwise).
# Usage: netlist_board.sh NETLIST_DIR IMAGES QUANTIZE_FLAGS...
#   NETLIST_DIR holds snn and snn-board-sim, the simulated board over the netlist.
set -u
dir=$(realpath "$1")
images=$2
shift 2
. "$(dirname "$0")/lib.sh"
snn=$dir/snn

"$snn" train --epochs 1 --limit 5000 --test-limit 500 --seed 3 --quiet --out "$work/m.snn" > /dev/null
"$snn" quantize --model "$work/m.snn" "$@" --out "$work/q.snnq" --limit 1000 > /dev/null

# The netlist simulates far slower than the RTL: a long reply timeout, so that a slow
# simulation is not taken for a lost reply (retries must stay 0).
start=$SECONDS
"$snn" classify --sim --sim-bin "$dir/snn-board-sim" --timeout-ms 120000 --model "$work/q.snnq" \
  --images "$images" --json > "$work/classify.out"; rc=$?
seconds=$((SECONDS - start))
cat "$work/classify.out"
check "$images images through the board netlist's UART: classify succeeds" test $rc -eq 0
check "... all $images classified" test "$(json_field "$work/classify.out" images)" = "$images"
check "... every result equals the reference model's" test "$(json_field "$work/classify.out" mismatches)" = 0
check "... a clean line needs no retries" test "$(json_field "$work/classify.out" retries)" = 0
echo "netlist board: deploy and $images images in $seconds s (wall clock)"
finish netlist_board
