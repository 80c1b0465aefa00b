#!/usr/bin/env bash
# End-to-end checks of `snn train/eval/export/import` on a small slice of
# Fashion-MNIST: metrics and JSON output, bit-identical --resume, NumPy
# interoperability (Debian's python3-numpy), deep and recurrent networks, and bad
# input rejected cleanly.
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
(cd "$work" && "$snn" train --resume resumed.snn --epochs 2 --test-limit 500 --quiet > resume.out)
check "--resume gives a bit-identical model" cmp "$work/straight.snn" "$work/resumed.snn"
check "--resume without --out writes back to the file it resumed, not ./model.snn" \
  test ! -e "$work/model.snn"
check "... with its metrics continued: those of the straight run but for the timings" \
  /usr/bin/python3 -c "
import json, sys
read = lambda p: [{k: v for k, v in json.loads(l).items() if k not in ('seconds', 'samples_per_s')}
                  for l in open(p)]
sys.exit(read('$work/straight.snn.metrics.jsonl') != read('$work/resumed.snn.metrics.jsonl'))"
check "train ends with a line naming what it wrote" \
  test "$(tail -1 "$work/resume.out")" = "wrote resumed.snn (epoch 2 of 2) and resumed.snn.metrics.jsonl"
check "... also with --json (before the JSON line)" last_json "$work/train.out" \
  "d['model'].endswith('straight.snn') and d['metrics'].endswith('straight.snn.metrics.jsonl')"
check "... which it names" grep -q "^wrote $work/straight.snn (epoch 2 of 2) and $work/straight.snn.metrics.jsonl" "$work/train.out"
check "the progress bar says what its ETA is for" bash -c "script -qec '\"$snn\" train --limit 512 \
  --test-limit 100 --epochs 1 --hidden 16 --quiet --out \"$work/bar.snn\"' /dev/null | \
  grep -q 'epoch 1/1 .*ETA this epoch [0-9]*:[0-9][0-9], whole run [0-9]*:[0-9][0-9]'"

# A resumed run takes every option from its checkpoint: Adam's (it once had to be
# repeated) and the augmentation's (resuming one once crashed: its buffers were
# sized by the command line's options).
small=(--limit 256 --test-limit 100 --hidden 16 --quiet)
for opt in "--optimizer adam" "--augment-shift 1"; do
  "$snn" train "${small[@]}" $opt --epochs 2 --out "$work/s2.snn" > /dev/null
  "$snn" train "${small[@]}" $opt --epochs 1 --out "$work/s1.snn" > /dev/null
  "$snn" train --resume "$work/s1.snn" --epochs 2 --test-limit 100 --quiet > /dev/null
  check "--resume of a run with $opt continues it bit for bit" cmp "$work/s2.snn" "$work/s1.snn"
done

# A run that fails in its first epoch (here: the model cannot be written over a
# directory) leaves no metrics file behind.
mkdir "$work/adir"
fails_with "train fails when it cannot write the model" "adir" \
  "$snn" train --limit 256 --test-limit 100 --epochs 1 --hidden 16 --out "$work/adir"
check "... and leaves no metrics file" test ! -e "$work/adir.metrics.jsonl"

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

# Deep and recurrent networks (--arch, --ratio, --recurrent): they train, deterministically
# over thread counts and across --resume, and go through eval and .npz; the integer side
# refuses them by name.
deep=(--arch 32-16 --recurrent --ratio 0.8,0.5 --limit 1024 --batch 64 --test-limit 200 --seed 3
      --quiet)
"$snn" train "${deep[@]}" --epochs 3 --threads 1 --out "$work/deep1.snn" > /dev/null
"$snn" train "${deep[@]}" --epochs 3 --threads 2 --out "$work/deep2.snn" > /dev/null
check "a deep recurrent network trains: its loss goes down epoch after epoch" /usr/bin/python3 -c "
import json, sys
loss = [json.loads(l)['loss'] for l in open('$work/deep1.snn.metrics.jsonl')]
rates = json.loads(open('$work/deep1.snn.metrics.jsonl').read().splitlines()[-1])['layer_hz']
print(loss, rates); sys.exit(not (len(loss) == 3 and loss[2] < loss[1] < loss[0] and min(rates) > 0))"
check "... bit-identical with 1 and 2 threads" cmp "$work/deep1.snn" "$work/deep2.snn"
"$snn" eval --model "$work/deep1.snn" --limit 200 --json > "$work/deep.eval"
check "eval names the network and each layer's rate" last_json "$work/deep.eval" \
  "d['arch'] == '784-32r-16r-10' and len(d['layer_hz']) == 2"
"$snn" train "${deep[@]}" --optimizer adam --epochs 2 --out "$work/dstraight.snn" > /dev/null
"$snn" train "${deep[@]}" --optimizer adam --epochs 1 --out "$work/dresumed.snn" > /dev/null
"$snn" train --resume "$work/dresumed.snn" --epochs 2 --test-limit 200 --quiet > /dev/null
check "--resume of a deep recurrent Adam run continues it bit for bit" \
  cmp "$work/dstraight.snn" "$work/dresumed.snn"
"$snn" export --model "$work/deep1.snn" --out "$work/deep.npz" > /dev/null
check "NumPy reads a deep export: w1..w3, rec1, rec2 and per-layer scalars" /usr/bin/python3 -c "
import numpy as np, sys
z = np.load('$work/deep.npz')
ok = [z[k].shape for k in ('w1', 'w2', 'w3', 'rec1', 'rec2')] == [(784, 32), (32, 16), (16, 10), (32, 32), (16, 16)]
ok = ok and int(z['n_exc']) == 26 and int(z['n_exc2']) == 8 and (z['rec2'][:8] >= 0).all() and (z['rec2'][8:] <= 0).all()
sys.exit(not ok)"
"$snn" import --model "$work/deep.npz" --out "$work/deepback.snn" > /dev/null
check "export -> import of a deep model keeps the accuracy" \
  test "$(acc "$work/deep1.snn")" = "$(acc "$work/deepback.snn")"
"$snn" quantize --model "$work/deep1.snn" --limit 100 --out "$work/deep.snnq" > /dev/null
check "quantize takes a deep recurrent network (tests/cli_fixed.sh checks it further)" \
  test -s "$work/deep.snnq"
"$snn" train --preset deep --limit 140 --test-limit 50 --epochs 1 \
  --out "$work/preset.snn" > "$work/preset.out"
check "--preset deep trains 784-128-64-10, both layers recurrent, 80:20, 1/12 held out" \
  grep -q "^training: 784-128r-64r-10, E:I 102:26,51:13, 129 train / 11 validation .* adam lr 0.0005" "$work/preset.out"
check "... in batches below the default 256 (129 samples train an epoch only so)" \
  grep -q "^epoch   1 " "$work/preset.out"
fails_with "... and --batch overrides the preset's batch" "129 training samples make no full batch of 256" \
  "$snn" train --preset deep --limit 140 --batch 256 --test-limit 50 --epochs 1 --out "$work/bad.snn"
small_net=(--limit 256 --test-limit 100 --epochs 1 --out "$work/bad.snn")
fails_with "a full --arch must match the data" "train-images-idx3-ubyte.gz: the data has 784 inputs.*the network 500" \
  "$snn" train --arch 500-200-10 "${small_net[@]}"
fails_with "--arch refuses more than 4 hidden layers" "5 hidden layers, at most 4" \
  "$snn" train --arch 8-8-8-8-8 "${small_net[@]}"
fails_with "--arch refuses a size that is not a number" "--arch '128-x'" \
  "$snn" train --arch 128-x "${small_net[@]}"
fails_with "--arch refuses a zero size" "size 0 must be a whole number" \
  "$snn" train --arch 0-5 "${small_net[@]}"
fails_with "--ratio needs one value or one per layer" "--ratio '0.8,0.5,0.2'.*per hidden layer (2)" \
  "$snn" train --arch 16-8 --ratio 0.8,0.5,0.2 "${small_net[@]}"
fails_with "--ratio values lie in [0, 1]" "--ratio: 1.5 is out of range \[0, 1\] (in '0.8,1.5')" \
  "$snn" train --arch 16-8 --ratio 0.8,1.5 "${small_net[@]}"
fails_with "--recurrent needs one flag or one per layer" "--recurrent '0,1,1'.*per layer (2)" \
  "$snn" train --arch 16-8 --recurrent 0,1,1 "${small_net[@]}"
fails_with "--recurrent flags are 0 or 1" "--recurrent '2': 2 is not 0 or 1" \
  "$snn" train --recurrent 2 "${small_net[@]}"
fails_with "--arch and --hidden conflict" "--hidden and --arch" \
  "$snn" train --arch 16 --hidden 8 "${small_net[@]}"
fails_with "--resume keeps the checkpoint's network" "--arch conflicts with --resume" \
  "$snn" train --resume "$work/deep1.snn" --arch 8
check "no model written by a refused run" test ! -e "$work/bad.snn"

finish cli_train
