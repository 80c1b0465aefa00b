#!/usr/bin/env bash
# End-to-end checks of `snn quantize`, `snn eval --fixed`, `snn sweep-bits` and
# `snn bench-fixed` on a small slice of Fashion-MNIST: JSON output, the file
# round trip, refusals (theta unrepresentable, corrupt or foreign files) with
# clear errors and no output written, and the sweep's table, CSV and PNG.
# Usage: cli_fixed.sh SNN_BINARY
set -u
snn=$(realpath "$1")
. "$(dirname "$0")/lib.sh"

"$snn" train --limit 2048 --test-limit 300 --epochs 2 --seed 3 --quiet --out "$work/m.snn" > /dev/null

"$snn" quantize --model "$work/m.snn" --weight-bits 8 --limit 300 --out "$work/q8.snnq" --json \
  > "$work/quantize.out"
check "quantize writes the file" test -s "$work/q8.snnq"
check "quantize reports widths, theta and register ranges as JSON" last_json "$work/quantize.out" \
  "d['weight_bits']==8 and d['theta']>=1 and d['alpha_q']==3354 and d['beta_q']==3706 and \
   all(d['registers'][k]['max_abs']>0 for k in ('acc1','syn','mem','acc2','flt','out'))"

"$snn" eval --fixed --model "$work/q8.snnq" --float-model "$work/m.snn" --limit 500 --json \
  > "$work/eval.out"
check "eval --fixed reports accuracy, rates, agreement and saturations" last_json "$work/eval.out" \
  "d['images']==500 and 0<=d['test_acc']<=1 and d['hidden_hz']>0 and d['agreement']>=0.9 and \
   abs(d['test_acc']-d['float_acc'])<0.05 and set(d['saturations'])=={'acc1','syn','mem','acc2','flt','out'}"
"$snn" eval --fixed --model "$work/q8.snnq" --limit 500 --threads 1 --json > "$work/eval1.out"
check "eval --fixed: same accuracy on 1 thread" /usr/bin/python3 -c "
import json; a=json.loads(open('$work/eval.out').read().splitlines()[-1]); b=json.loads(open('$work/eval1.out').read().splitlines()[-1])
import sys; sys.exit(a['test_acc']!=b['test_acc'] or a['saturations']!=b['saturations'])"

fails_with "quantize refuses a theta that does not fit H" "needs H >=" \
  "$snn" quantize --model "$work/m.snn" --weight-bits 8 --hidden-bits 8 --out "$work/bad.snnq"
check "... and writes nothing" test ! -e "$work/bad.snnq"
fails_with "quantize rejects a non-model file" "$work/q8.snnq" \
  "$snn" quantize --model "$work/q8.snnq" --out "$work/bad.snnq"
head -c 200 "$work/q8.snnq" > "$work/trunc.snnq"
fails_with "eval --fixed rejects a truncated file, naming it" "$work/trunc.snnq: checksum" \
  "$snn" eval --fixed --model "$work/trunc.snnq"
fails_with "eval --fixed rejects a float model file" "bad magic" \
  "$snn" eval --fixed --model "$work/m.snn"
fails_with "eval --fixed needs --model" "required" "$snn" eval --fixed

"$snn" sweep-bits --model "$work/m.snn" --out "$work/sweep" --limit 300 --hidden-bits 24,min --json \
  > "$work/sweep.out"
check "sweep-bits writes text, CSV, gnuplot script and PNG" \
  test -s "$work/sweep/sweep-bits.txt" -a -s "$work/sweep/sweep-bits.gp" -a -s "$work/sweep/sweep-bits.png"
check "sweep-bits CSV has a row per (B, H)" test "$(wc -l < "$work/sweep/sweep-bits.csv")" -eq 15
check "sweep-bits JSON has weight bits 8..2" last_json "$work/sweep.out" \
  "sorted(d['fixed_acc_by_weight_bits'])==['2','3','4','5','6','7','8']"

"$snn" bench-fixed --qmodel "$work/q8.snnq" --limit 500 --json > "$work/bench.out"
check "bench-fixed reports images/s" last_json "$work/bench.out" "d['images_per_s']>0 and d['images']==500"

finish cli_fixed
