#!/usr/bin/env bash
# End-to-end checks of `snn quantize`, `snn eval --fixed`, `snn sweep-bits` and
# `snn bench-fixed` on a small slice of Fashion-MNIST: JSON output, the file
# round trip, refusals (theta unrepresentable, corrupt or foreign files) with
# clear errors and no output written, and the sweep's table, CSV and PNG; the
# same for a deep recurrent network trained with QAT.
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

# A deep recurrent network (issue 13), trained with QAT: quantized per layer, evaluated
# against its float model, refused (naming the limit) by the core that runs one layer.
"$snn" train --arch 32-16 --recurrent --ratio 0.8,0.5 --limit 2048 --test-limit 300 --seed 3 \
  --epochs 2 --optimizer adam --qat 8 --quiet --out "$work/deep.snn" > /dev/null
"$snn" quantize --model "$work/deep.snn" --limit 300 --out "$work/deep.snnq" --json \
  > "$work/dquant.out"
check "quantize reports each layer's scale, theta and decays and the readout's" \
  last_json "$work/dquant.out" \
  "d['arch']=='784-32r-16r-10' and len(d['stages'])==3 and d['stages'][0]['recurrent'] and \
   d['stages'][0]['rec_max']>0 and d['stages'][1]['theta']>=1 and 'theta' not in d['stages'][2] and \
   len(d['registers']['mem']['max_abs_by_layer'])==2"
check "... and writes the general file format (version 2)" \
  test "$(od -An -tu4 -j4 -N4 "$work/deep.snnq" | tr -d ' ')" = 2
"$snn" eval --fixed --model "$work/deep.snnq" --float-model "$work/deep.snn" --limit 500 --json \
  > "$work/deval.out"
check "eval --fixed on the deep network: accuracy and agreement with its float model" \
  last_json "$work/deval.out" "d['images']==500 and d['agreement']>=0.9 and \
   abs(d['test_acc']-d['float_acc'])<0.05 and d['hidden_hz']>0"
"$snn" eval --fixed --model "$work/deep.snnq" --limit 500 --threads 1 --json > "$work/deval1.out"
check "... the same on 1 thread" /usr/bin/python3 -c "
import json; a=json.loads(open('$work/deval.out').read().splitlines()[-1]); b=json.loads(open('$work/deval1.out').read().splitlines()[-1])
import sys; sys.exit(a['test_acc']!=b['test_acc'] or a['saturations']!=b['saturations'])"
"$snn" cosim --model "$work/deep.snnq" --images 5 --json > "$work/dcosim.out"
check "cosim runs the deep network on the general core: every spike of both layers, 0 mismatches" \
  last_json "$work/dcosim.out" "d['images']==5 and d['mismatches']==0"
"$snn" sweep-bits --model "$work/deep.snn" --out "$work/dsweep" --limit 200 --hidden-bits min \
  --json > "$work/dsweep.out"
check "sweep-bits takes the deep network (min H holds every layer's theta)" last_json \
  "$work/dsweep.out" "sorted(d['fixed_acc_by_weight_bits'])==['2','3','4','5','6','7','8']"

finish cli_fixed
