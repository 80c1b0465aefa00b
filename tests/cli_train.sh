#!/usr/bin/env bash
# End-to-end checks of `snn train/eval/export/import` on a small slice of
# Fashion-MNIST: metrics and JSON output, bit-identical --resume, NumPy
# interoperability (Debian's python3-numpy), and bad input rejected cleanly.
# Usage: cli_train.sh SNN_BINARY
set -u
snn=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
train=(--limit 2048 --test-limit 500 --batch 256 --seed 7 --quiet)

"$snn" train "${train[@]}" --epochs 2 --out "$work/straight.snn" --json > "$work/train.out"
check "train prints a JSON summary last" last_json "$work/train.out" \
  "all(k in d for k in ('test_acc','hidden_hz','exc_hz','inh_hz','epochs','samples_per_s')) and d['epochs']==2"
check "metrics file has one line per epoch" test "$(wc -l < "$work/straight.snn.metrics.jsonl")" -eq 2

"$snn" train "${train[@]}" --epochs 1 --out "$work/resumed.snn" > /dev/null
"$snn" train --resume "$work/resumed.snn" --epochs 2 --limit 2048 --test-limit 500 --quiet \
  --out "$work/resumed.snn" > /dev/null
check "--resume gives a bit-identical model" cmp "$work/straight.snn" "$work/resumed.snn"

"$snn" export --model "$work/straight.snn" --out "$work/w.npz" > /dev/null
check "NumPy reads the export" /usr/bin/python3 -c "
import numpy as np, sys
z = np.load('$work/w.npz')
ok = z['w1'].shape == (784, 100) and z['w2'].shape == (100, 10) and z['w1'].dtype == np.float32
ok = ok and (z['w1'] >= 0).all() and (z['w2'][:int(z['n_exc'])] >= 0).all() and (z['w2'][int(z['n_exc']):] <= 0).all()
np.savez_compressed('$work/back.npz', **{k: z[k] for k in z.files})
sys.exit(not ok)"
"$snn" import --model "$work/back.npz" --out "$work/back.snn" > /dev/null
acc() { "$snn" eval --model "$1" --limit 500 --json | tail -1 | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['test_acc'])"; }
check "export -> NumPy savez_compressed -> import keeps the accuracy" test "$(acc "$work/straight.snn")" = "$(acc "$work/back.snn")"

/usr/bin/python3 -c "
import numpy as np
w1 = np.abs(np.random.randn(784, 100)).astype(np.float32); w2 = np.random.randn(100, 10).astype(np.float32)
w2[:80] = abs(w2[:80]); w2[80:] = -abs(w2[80:])
w1[3, 4] = np.nan
np.savez('$work/nan.npz', w1=w1, w2=w2)
np.savez('$work/shape.npz', w1=np.zeros((784, 100), np.float32), w2=np.zeros((99, 10), np.float32))"
fails_with "import rejects NaN weights" "nan.npz.*not finite" "$snn" import --model "$work/nan.npz" --out "$work/x.snn"
fails_with "import rejects wrong shapes" "shape.npz.*w1 must be" "$snn" import --model "$work/shape.npz" --out "$work/x.snn"
check "no output file after a failed import" test ! -e "$work/x.snn"
head -c 1000 "$work/straight.snn" > "$work/cut.snn"
fails_with "eval rejects a truncated model" "cut.snn" "$snn" eval --model "$work/cut.snn"
fails_with "train rejects a missing data directory" "/nonexistent/train-images" "$snn" train --data /nonexistent --out "$work/y.snn"
fails_with "train rejects an out-of-range ratio" "--ratio.*out of range" "$snn" train --ratio 1.5
fails_with "unknown options are named" "--frobnicate" "$snn" eval --frobnicate

finish cli_train
