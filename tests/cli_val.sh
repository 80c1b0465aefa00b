#!/usr/bin/env bash
# `snn train` with a validation split (--val, docs/training.md): the best epoch's
# model is written besides the last one and named; the metrics carry the
# validation accuracy of every epoch and a last line naming the best epoch; that
# model scores, under `snn eval` on the held-out samples, what the metrics say;
# --resume keeps the best so far bit for bit; a split larger than the training
# set is refused. Usage: cli_val.sh SNN_BINARY
set -u
snn=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
data=/usr/share/datasets/fashion-mnist
# A constant rate (a cosine schedule depends on --epochs, which a resume may change), high
# enough that validation peaks at epoch 2 of 4: a resume after epoch 3 must carry it.
run=(--lr 0.05 --limit 1200 --test-limit 300 --hidden 32 --seed 11 --quiet)

"$snn" train "${run[@]}" --val 200 --epochs 4 --out "$work/v.snn" --json > "$work/v.out"
check "the best epoch's model is written to <out stem>.best.snn" test -s "$work/v.best.snn"
check "every metrics line has the validation accuracy; a last one names the best epoch" \
  /usr/bin/python3 -c "
import json, sys
lines = [json.loads(l) for l in open('$work/v.snn.metrics.jsonl')]
epochs, last = lines[:-1], lines[-1]
ok = len(epochs) == 4 and all('val_acc' in d and 'val_loss' in d for d in epochs)
# the best: highest val_acc, then lowest val_loss, then the earliest epoch
best = min(epochs, key=lambda d: (-d['val_acc'], d['val_loss'], d['epoch']))
ok = ok and last['best_epoch'] == best['epoch'] and last['val_acc'] == max(d['val_acc'] for d in epochs)
ok = ok and last['test_acc'] == best['test_acc'] and last['model'] == '$work/v.best.snn'
sys.exit(not ok)"
best=$(/usr/bin/python3 -c "import json; print(json.loads(open('$work/v.snn.metrics.jsonl').read().splitlines()[-1])['best_epoch'])")
best_test=$(/usr/bin/python3 -c "import json; print('%.2f' % (100 * json.loads(open('$work/v.snn.metrics.jsonl').read().splitlines()[-1])['test_acc']))")
check "the last line printed says which file holds which epoch" grep -q \
  "^wrote $work/v.snn (epoch 4 of 4, the last: test [0-9.]*%), $work/v.best.snn (epoch $best, the best on validation [0-9.]*%: test $best_test%) and $work/v.snn.metrics.jsonl" \
  "$work/v.out"
check "... and so does the JSON summary" last_json "$work/v.out" \
  "d['best_model'] == '$work/v.best.snn' and d['best_epoch'] == $best and d['epochs'] == 4"

# The held-out samples (the last 200 of the first 1200) as a test set of their own:
# `snn eval` of the best model on them gives the best validation accuracy.
mkdir "$work/heldout"
/usr/bin/python3 -c "
import gzip, struct
img = gzip.open('$data/train-images-idx3-ubyte.gz').read()
lab = gzip.open('$data/train-labels-idx1-ubyte.gz').read()
lo, hi = 1000, 1200
open('$work/heldout/t10k-images-idx3-ubyte', 'wb').write(
    img[:4] + struct.pack('>III', hi - lo, 28, 28) + img[16 + lo * 784:16 + hi * 784])
open('$work/heldout/t10k-labels-idx1-ubyte', 'wb').write(
    lab[:4] + struct.pack('>I', hi - lo) + lab[8 + lo:8 + hi])"
acc() { "$snn" eval --model "$1" --data "$2" ${3:+--limit $3} --json | tail -1 |
  /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['test_acc'])"; }
check "snn eval of the best model on the held-out samples gives the best validation accuracy" \
  test "$(acc "$work/v.best.snn" "$work/heldout")" = \
  "$(/usr/bin/python3 -c "import json; print(json.loads(open('$work/v.snn.metrics.jsonl').read().splitlines()[-1])['val_acc'])")"
check "... and on the test set the best epoch's test accuracy" \
  test "$(acc "$work/v.best.snn" $data 300)" = \
  "$(/usr/bin/python3 -c "import json; print(json.loads(open('$work/v.snn.metrics.jsonl').read().splitlines()[-1])['test_acc'])")"

# Interrupted after epoch 1 and after epoch 3, resumed to 4, once into a new --out.
check "(the run's best epoch comes before its last two: a resume carries it)" test "$best" -lt 3
"$snn" train "${run[@]}" --val 200 --epochs 1 --out "$work/r.snn" > /dev/null
"$snn" train --resume "$work/r.snn" --epochs 3 --test-limit 300 --quiet > /dev/null
"$snn" train --resume "$work/r.snn" --epochs 4 --test-limit 300 --quiet --out "$work/r2.snn" \
  > /dev/null
check "--resume continues the checkpoint (best epoch included) bit for bit" cmp "$work/v.snn" "$work/r2.snn"
check "... and writes the same best model, also into a new --out" cmp "$work/v.best.snn" "$work/r2.best.snn"
check "... with the same metrics but for the timings" /usr/bin/python3 -c "
import json, sys
read = lambda p: [{k: v for k, v in json.loads(l).items() if k not in ('seconds', 'samples_per_s')}
                  for l in open(p)]
a, b = read('$work/v.snn.metrics.jsonl'), read('$work/r2.snn.metrics.jsonl')
b[-1]['model'] = b[-1]['model'].replace('r2.best', 'v.best')
sys.exit(a != b)"

"$snn" train "${run[@]}" --epochs 1 --out "$work/p.snn" > /dev/null
check "without --val (the paper preset) no best model is written" test ! -e "$work/p.best.snn"
check "... and the metrics are as before: no validation fields, no last record" /usr/bin/python3 -c "
import json, sys
lines = [json.loads(l) for l in open('$work/p.snn.metrics.jsonl')]
sys.exit(not (len(lines) == 1 and 'val_acc' not in lines[0] and 'best_epoch' not in lines[0]))"
"$snn" train --preset best --epochs 1 --limit 1200 --test-limit 300 --hidden 32 \
  --out "$work/b.snn" > "$work/b.out"
check "the best preset holds out 1/12 of the training samples (100 of 1200)" \
  grep -q "1100 train / 100 validation / 300 test samples" "$work/b.out"
check "... and writes the best model" test -s "$work/b.best.snn"

fails_with "--val as large as the training set is refused, naming the data and both counts" \
  "$data/train (--val): cannot hold out 1200 validation samples of 1200 training samples" \
  "$snn" train "${run[@]}" --val 1200 --epochs 1 --out "$work/x.snn"
fails_with "... and larger" "cannot hold out 5000 validation samples of 1200" \
  "$snn" train "${run[@]}" --val 5000 --epochs 1 --out "$work/x.snn"
check "... writing nothing" test ! -e "$work/x.snn" -a ! -e "$work/x.best.snn" -a ! -e "$work/x.snn.metrics.jsonl"
fails_with "--val with --resume is refused (the checkpoint fixes the split)" "--val conflicts with --resume" \
  "$snn" train --resume "$work/r.snn" --val 100 --epochs 5

finish cli_val
