#!/usr/bin/env bash
# test_exp_cli.sh BUILD - the experiment commands on bad input: a model whose
# input count does not fit the data (vrd --model, report --model), results files
# that are empty, hold a NUL byte or a seed out of range, and spike-train CSVs
# with long lines; a damaged SHD file in a sweep; vrd's pair lines going
# to a file, not the terminal; and the sweep's network axes (--arch,
# --recurrent): bad lists, keys, a two-layer recurrent job, the full
# recurrent preset's plan, bad network fields in results.
set -u
BUILD=$(realpath "${1:-build}")
SNN=$BUILD/snn
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/tests/lib.sh"
D=$work
cd "$D" || exit 1

# Models as .npz (float32 w1 (n_in, 16), w2 (16, 10)), imported: one for
# Fashion-MNIST's 784 inputs and one with 100.
/usr/bin/python3 - <<'PY'
import struct, zipfile
def npy(shape, values):
    head = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % shape
    head += " " * (63 - (10 + len(head)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head.encode() + \
        struct.pack("<%df" % len(values), *values)
for n_in in (784, 100):
    with zipfile.ZipFile("m%d.npz" % n_in, "w") as z:
        z.writestr("w1.npy", npy((n_in, 16), [0.05 * ((i * 7) % 5) for i in range(n_in * 16)]))
        z.writestr("w2.npy", npy((16, 10), [0.1 if i < 130 else -0.1 for i in range(160)]))
PY
for n in 784 100; do
  "$SNN" import --model "m$n.npz" --out "m$n.snn" > /dev/null
  check "import of a ${n}-input model" test -s "m$n.snn"
done

# 1. A model that does not fit the data is refused, naming the data and the model.
fails_with "vrd --model with 100 inputs vs 784 is refused" "with model m100.snn: the data has 784 inputs per sample, the network 100" \
  "$SNN" vrd --model m100.snn --images 2 --out p100.csv
check "... and writes no pairs file" test ! -e p100.csv
RUN='{"key":"k","ratio":0.8,"s1":0.01,"noise":0,"seed":1,"epochs":1,"init_hz":5,"peak_acc":0.7,"test_acc":[0.7]}'
echo "$RUN" > r.jsonl
fails_with "report --model with 100 inputs vs 784 is refused" "with model m100.snn: the data has 784 inputs" \
  "$SNN" report r.jsonl --model m100.snn -o rep100
check "... and writes no report" test ! -e rep100/report.html

# 2. vrd --model writes its pairs to vrd-pairs.csv by default; stdout has only the summary.
"$SNN" vrd --model m784.snn --images 2 > vrd.out 2>&1
check "vrd --model exits 0" test $? -eq 0
check "its 2 x 120 pairs are in vrd-pairs.csv (got $(grep -c . vrd-pairs.csv 2>/dev/null))" \
  test "$(grep -c . vrd-pairs.csv 2>/dev/null)" -eq 241
check "its output is the summary, naming the file ($(wc -l < vrd.out) lines)" \
  grep -q -- "-> vrd-pairs.csv" vrd.out
check "... and no pair lines" test "$(wc -l < vrd.out)" -le 5
"$SNN" vrd --model m784.snn --images 1 --out - > pairs.out 2> /dev/null
check "vrd --out - writes the pairs to stdout" test "$(grep -c . pairs.out)" -eq 121

# 3. Results files: empty, a NUL byte, numbers that are no integers.
: > empty.jsonl
fails_with "report on an empty results file fails naming file:line" "empty.jsonl:1: no results" \
  "$SNN" report empty.jsonl -o rep
{ echo "$RUN"; printf '{"key":"k2",\0"ratio":1}\n'; } > nul.jsonl
fails_with "report stops at a NUL byte with an error naming file:line" "nul.jsonl:2: column 13: NUL byte" \
  "$SNN" report nul.jsonl -o rep
echo "${RUN/\"seed\":1/\"seed\":1e300}" > seed.jsonl
fails_with "a seed of 1e300 is an error naming file:line" 'seed.jsonl:1: field "seed" is not an integer' \
  "$SNN" report seed.jsonl -o rep
echo "${RUN/\"epochs\":1/\"epochs\":null}" > epochs.jsonl
fails_with "epochs null is an error naming file:line" 'epochs.jsonl:1: field "epochs" is not an integer' \
  "$SNN" report epochs.jsonl -o rep

# 4. A spike-train CSV whose header is longer than 511 characters is read whole.
{ printf 'train,%0600d\n' 0 | tr 0 x; printf 'a,1\na,4\nb,2\n'; } > long.csv
"$SNN" vrd --csv long.csv --out long-pairs.csv > /dev/null
check "vrd --csv reads a 606-character header line whole" test "$(grep -c . long-pairs.csv)" = 2
{ printf 'a,1\n'; printf 'b%0600d,2\n' 0; } > longid.csv
fails_with "a 601-character train id is an error naming file:line" "longid.csv:2: train id longer" \
  "$SNN" vrd --csv longid.csv --out x.csv

# 5. A damaged SHD file (one fuzz_shd crashed libhdf5 with) fails a sweep job with
#    the loader's error naming the file, not a crash inside libhdf5.
mkdir shd
cp "$SRC/tests/fuzz/corpus/shd/crash-heap-object-size.h5" shd/shd_train.h5
cp "$SRC/tests/fuzz/corpus/shd/good_f32.h5" shd/shd_test.h5
fails_with "a sweep on a damaged SHD file says which file and what is wrong" \
  "shd/shd_train.h5: global heap collection at 2496: an object runs past its end" \
  "$SNN" sweep --dataset shd --data shd --ratios 0.8 --s1 0.01 --trials 1 --epochs 1 -j 1 -o shd.jsonl

# 6. The network axes. Bad lists are refused before anything runs, naming the option.
for bad in "100," "0" "1-2-3-4-5" "64--32" "x" " 64"; do
  fails_with "--arch '$bad' is refused" "^snn sweep: --arch" "$SNN" sweep --arch "$bad" --list -o a.jsonl
done
fails_with "--recurrent 2 is refused" "--recurrent: 2 is not 0 (feed-forward) or 1" \
  "$SNN" sweep --recurrent 2 --list -o a.jsonl
fails_with "a preset with --arch is refused" "cannot be combined with --arch" \
  "$SNN" sweep --preset recurrent --arch 100 --list -o a.jsonl
check "no results file was started" test ! -e a.jsonl
"$SNN" sweep --arch 100,32-16 --recurrent 0,1 --list -o a.jsonl > list.out
check "--arch 100,32-16 --recurrent 0,1 lists 4 networks" test "$(grep -c . list.out)" -eq 4
check "... the paper's own network keyed as before, the others by arch and rec" test "$(grep -oE 'seed=1( arch=[0-9-]+)?( rec=1)? epochs' list.out | tr '\n' '|')" = \
  "seed=1 epochs|seed=1 rec=1 epochs|seed=1 arch=32-16 epochs|seed=1 arch=32-16 rec=1 epochs|"
"$SNN" sweep --arch 784-32-16-10 --recurrent 1 --list -o a.jsonl > full-arch.out
check "a full --arch (input to readout, as snn train takes it) is keyed by its hidden sizes" \
  grep -q " seed=1 arch=32-16 rec=1 epochs" full-arch.out
fails_with "a full --arch that does not fit the data is refused" \
  "arch '784-100-10-12': 784 inputs and 12 outputs, but the fmnist data have 784 and 10" \
  "$SNN" sweep --arch 784-100-10-12 --list -o a.jsonl
# The full preset starts: its plan is the paper's grids for 4 networks x 2 ratios.
"$SNN" sweep --preset recurrent --list -o full.jsonl > full.out
check "--preset recurrent plans 1984 runs" test "$(grep -c . full.out)" -eq 1984
check "... 496 of them the recurrent 128-64 network at 30 epochs on all data" \
  test "$(grep -c ' arch=128-64 rec=1 epochs=30 batch=256 lr=0.01 opt=sgd limit=0 test=0 ' full.out)" -eq 496
# A two-layer recurrent job runs, saves its model and records its network.
"$SNN" sweep --arch 16-8 --recurrent 1 --ratios 0.5 --epochs 1 --batch 50 --limit 200 --test-limit 100 \
  --vrd-samples 2 --robust 1 --save-models . -j 1 -o deep.jsonl > deep.log 2>&1
check "a 16-8 recurrent sweep job exits 0" test $? -eq 0
check "its line: arch 16-8, depth 2, recurrent, 24 hidden of which 12 E" \
  grep -q '"arch":"16-8","depth":2,"recurrent":true,"n_hidden":24,"n_exc":12,' deep.jsonl
check "its float and integer robustness are measured (the integer model is general)" \
  grep -q '"rob_clean_0_float":[0-9.]*,"rob_clean_0_int":[0-9.]*' deep.jsonl
check "its model is saved under a name with its network" test -s fmnist-h16-8-rec-r0.5-dale-s10.003-n0-seed1.snn
# Bad network fields in results: an error naming file:line.
echo "${RUN/\"seed\":1/\"seed\":1,\"arch\":\"12x\"}" > arch.jsonl
fails_with "an arch that is not sizes is an error naming file:line" 'arch.jsonl:1: field "arch" is not hidden sizes' \
  "$SNN" report arch.jsonl -o rep
echo "${RUN/\"seed\":1/\"seed\":1,\"depth\":9}" > depth.jsonl
fails_with "a depth of 9 is an error naming file:line" 'depth.jsonl:1: field "depth" is not an integer in \[1, 4\]' \
  "$SNN" report depth.jsonl -o rep

finish test_exp_cli
