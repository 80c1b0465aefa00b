#!/usr/bin/env bash
# Every command that pairs a model with data refuses data the network cannot
# take, naming the file: a label beyond the readout (10 for a 10-class model:
# snn_loss read past the logits, eval reported an accuracy, cosim "rtl 0.00%")
# and images of another size (100 inputs for a 784-input model). Nothing is
# written by a refused command. A fresh `train` sizes its network from the data:
# IDX sets of any image shape and class count, spike events in .npz and SHD
# HDF5 files (docs/data.md); a training and test set of different shapes are
# refused.
# Usage: cli_data.sh SNN_BINARY
set -u
snn=$(realpath "$1")
tests=$(realpath "$(dirname "$0")")
. "$tests/lib.sh"
cd "$work"

# IDX files: SPLIT-images-idx3-ubyte (n x rows x cols bytes) and SPLIT-labels-idx1-ubyte.
/usr/bin/python3 - <<'PY'
import os, random, struct
def write(d, side, labels, cols=None):
    rows, cols = side, cols or side
    os.makedirs(d, exist_ok=True)
    rnd = random.Random(1)
    for split in ("train", "t10k"):
        with open(f"{d}/{split}-images-idx3-ubyte", "wb") as f:
            f.write(struct.pack(">IIII", 0x803, len(labels), rows, cols))
            f.write(bytes(rnd.randrange(256) for _ in range(len(labels) * rows * cols)))
        with open(f"{d}/{split}-labels-idx1-ubyte", "wb") as f:
            f.write(struct.pack(">II", 0x801, len(labels)) + bytes(labels))
write("label10", 28, [3, 10] + [i % 10 for i in range(62)])
write("first10", 28, [10] + [i % 10 for i in range(63)])
write("small", 10, [i % 10 for i in range(64)])
write("wide", 6, [i % 4 for i in range(64)], cols=20)
write("set26", 28, [i % 26 for i in range(64)])
write("mixed", 28, [i % 10 for i in range(64)])
write("mixed_test", 10, [i % 10 for i in range(64)])
os.replace("mixed_test/t10k-images-idx3-ubyte", "mixed/t10k-images-idx3-ubyte")
PY
# Spike events: 40 inputs, 3 classes, the class in which units fire early.
/usr/bin/python3 - "$tests" <<'PY'
import os, random, sys
sys.path.insert(0, sys.argv[1])
from events_npz import savez, events
rnd = random.Random(2)
def split(n):
    labels = [i % 3 for i in range(n)]
    samples = [[(rnd.uniform(0, 30), rnd.randrange(40)) for _ in range(15)] +
               [(rnd.uniform(0, 5), 13 * l + k) for k in range(6)] for l in labels]
    return samples, labels
os.makedirs("ev", exist_ok=True)
savez("ev/train.npz", events(*split(96), n_units=40))
savez("ev/test.npz", events(*split(48), time_dtype="<f4", int_dtype="<u2", n_units=40),
      compressed=True)
s, l = split(8)
l[5] = 10
savez("label10.npz", events(s, l, n_units=784))
s[2][1] = (1.0, 40)
savez("unit40.npz", events(s, l, n_units=40))
PY
# SHD release files (Debian's python3-h5py, the layout of the release: per sample
# variable-length float32 times in seconds and uint16 units, uint16 labels 0..19).
/usr/bin/python3 - <<'PY'
import os, h5py, numpy as np
rnd = np.random.default_rng(4)
def write(path, n, bad_label=None):
    labels = np.arange(n, dtype=np.uint16) % 20
    if bad_label is not None:
        labels[3] = bad_label
    times = [np.sort(rnd.uniform(0, 1.3, 12)).astype(np.float32) for _ in range(n)]
    units = [np.concatenate([rnd.integers(0, 700, 6), 25 * l + np.arange(6)]).astype(np.uint16)
             for l in labels]
    with h5py.File(path, "w") as f:
        f.create_dataset("spikes/times", data=np.array(times + [None], object)[:-1],
                         dtype=h5py.vlen_dtype(np.float32))
        f.create_dataset("spikes/units", data=np.array(units + [None], object)[:-1],
                         dtype=h5py.vlen_dtype(np.uint16))
        f.create_dataset("labels", data=labels)
os.makedirs("shd", exist_ok=True)
write("shd/shd_train.h5", 48)
write("shd/shd_test.h5", 24)
write("label25.h5", 32, bad_label=25)
PY
printf 'not hdf5 at all\n' > junk.h5

"$snn" train --limit 256 --test-limit 100 --epochs 1 --hidden 16 --quiet --out m.snn > /dev/null
"$snn" quantize --model m.snn --limit 100 --out q.snnq > /dev/null
check "fixtures: a 10-class model and its quantized file" test -s m.snn -a -s q.snnq

label="label10/t10k-labels-idx1-ubyte: sample 1 has label 10, the network has 10 classes"
train_label="label10/train-labels-idx1-ubyte: sample 1 has label 10"
# (A fresh train sizes its readout from the labels; the paper's network given in full must fit.)
fails_with "train --arch 784-100-10 refuses a label beyond the readout" "$train_label" \
  "$snn" train --arch 784-100-10 --data label10 --epochs 1 --out t.snn
fails_with "train --resume too" "$train_label" \
  "$snn" train --resume m.snn --epochs 2 --data label10 --out r.snn
check "... and writes neither model nor metrics" test ! -e t.snn -a ! -e t.snn.metrics.jsonl -a ! -e r.snn -a ! -e r.snn.metrics.jsonl
fails_with "train --resume: 26 classes for a 10-output model" \
  "set26/train-labels-idx1-ubyte: sample 10 has label 10, the network has 10 classes" \
  "$snn" train --resume m.snn --epochs 2 --data set26 --out r.snn
fails_with "eval" "$label" "$snn" eval --model m.snn --data label10
fails_with "eval --fixed" "$label" "$snn" eval --fixed --model q.snnq --data label10
fails_with "quantize (its calibration data)" "$train_label" \
  "$snn" quantize --model m.snn --data label10 --out x.snnq
check "... and writes nothing" test ! -e x.snnq
fails_with "sweep-bits" "$label" \
  "$snn" sweep-bits --model m.snn --data label10 --out sweep
check "... and writes no table" test ! -e sweep/sweep-bits.csv
fails_with "bench-fixed" "$label" "$snn" bench-fixed --qmodel q.snnq --data label10
fails_with "bench-fixed (float model)" "$label" "$snn" bench-fixed --model m.snn --data label10
fails_with "bench-train" "$train_label" "$snn" bench-train --batches 1 --data label10
fails_with "cosim" "$label" "$snn" cosim --model q.snnq --data label10
fails_with "classify" "$label" "$snn" classify --sim --model q.snnq --data label10
fails_with "vrd --model" "$label" "$snn" vrd --model m.snn --data label10 --out p.csv
echo '{"key":"k","ratio":0.8,"s1":0.01,"noise":0,"seed":1,"epochs":1,"init_hz":5,"peak_acc":0.7,"test_acc":[0.7]}' > r.jsonl
fails_with "report --model (its example sample)" \
  "first10/t10k-labels-idx1-ubyte: sample 0 has label 10, the network has 10 classes" \
  "$snn" report r.jsonl --model m.snn --data first10 -o rep
check "... and neither writes" test ! -e p.csv -a ! -e rep/report.html

set26="set26/t10k-labels-idx1-ubyte: sample 10 has label 10, the network has 10 classes"
fails_with "eval: 26 classes for a 10-output model" "$set26" "$snn" eval --model m.snn --data set26
fails_with "quantize too" "set26/train-labels-idx1-ubyte: sample 10 has label 10" \
  "$snn" quantize --model m.snn --data set26 --out x.snnq
fails_with "cosim too" "$set26" "$snn" cosim --model q.snnq --data set26
fails_with "classify too" "$set26" "$snn" classify --sim --model q.snnq --data set26
fails_with "sweep (a fixed 10-output network) too" \
  "set26/train-labels-idx1-ubyte: sample 10 has label 10, the network has 10 classes" \
  "$snn" sweep --data set26 --ratios 0.8 --trials 1 --epochs 1 --limit 64 --test-limit 32 \
  --vrd-samples 2 --robust 0 -j 1 -o sweep.jsonl

small="small/t10k-images-idx3-ubyte: the data has 100 inputs per sample, the network 784"
fails_with "eval refuses images of another size" "$small" "$snn" eval --model m.snn --data small
fails_with "eval --fixed too" "$small" "$snn" eval --fixed --model q.snnq --data small
fails_with "train too" "small/train-images-idx3-ubyte: the data has 100 inputs" \
  "$snn" train --arch 784-100-10 --data small --epochs 1 --out t.snn
fails_with "train --resume too" "small/train-images-idx3-ubyte: the data has 100 inputs" \
  "$snn" train --resume m.snn --epochs 2 --data small --out t.snn
fails_with "cosim too" "$small" "$snn" cosim --model q.snnq --data small
fails_with "train refuses a training and test set of two image shapes, naming both" \
  "mixed/train-images-idx3-ubyte holds 28x28 images, mixed/t10k-images-idx3-ubyte 10x10" \
  "$snn" train --data mixed --epochs 1 --out t.snn
check "... and writes neither model nor metrics" test ! -e t.snn -a ! -e t.snn.metrics.jsonl

quiet() { "$@" > /dev/null; }

# A fresh network takes its sizes from the data.
fresh() { "$snn" train --data "$1" --limit 64 --batch 16 --epochs 1 --hidden 16 --out "$2" | head -n 1; }
check "a fresh train on 26 classes builds a 26-output network" \
  grep -q "^training: 784[x-]16[x-]26," <(fresh set26 m26.snn)
check "... which evaluates on them" quiet "$snn" eval --model m26.snn --data set26 --limit 32
check "... also given the test images file (its labels found by name)" \
  quiet "$snn" eval --model m26.snn --data set26/t10k-images-idx3-ubyte --limit 32
fails_with "an images file given without its labels file names the labels file" \
  "set26/x-labels-idx1-ubyte: not found (the labels of set26/x-images-idx3-ubyte)" \
  bash -c "cp set26/t10k-images-idx3-ubyte set26/x-images-idx3-ubyte &&
           '$snn' eval --model m26.snn --data set26/x-images-idx3-ubyte"
check "a fresh train on 10x10 images builds a 100-input network" \
  grep -q "^training: 100[x-]16[x-]10," <(fresh small m100.snn)

# Shift augmentation on images of any shape (it took only square ones), not on events.
check "a fresh train with --augment-shift on 6x20 images" \
  grep -q "^training: 120[x-]16[x-]4," <("$snn" train --data wide --limit 64 --batch 16 --epochs 1 \
    --hidden 16 --augment-shift 2 --out wide.snn)
check "... which evaluates" quiet "$snn" eval --model wide.snn --data wide
fails_with "--augment-shift on spike events is refused, naming the file" \
  "ev/train.npz: spike events without an image shape (40 inputs): a shift of the image" \
  "$snn" train --data ev --augment-shift 1 --epochs 1 --out t.snn
check "... and writes neither model nor metrics" test ! -e t.snn -a ! -e t.snn.metrics.jsonl

# Spike events in .npz.
check "a fresh train on events (a directory with train.npz, test.npz): 40 inputs, 3 classes" \
  grep -q "^training: 40[x-]16[x-]3, .*, 64 train / 48 test samples" <(fresh ev ev.snn)
check "eval takes one events file" quiet "$snn" eval --model ev.snn --data ev/test.npz
check "quantize calibrates on the events' training split" \
  quiet "$snn" quantize --model ev.snn --data ev --out ev.snnq
check "eval --fixed on the events" quiet "$snn" eval --fixed --model ev.snnq --data ev
fails_with "eval refuses events of another input count, naming the file" \
  "ev/test.npz: the data has 40 inputs per sample, the network 784" \
  "$snn" eval --model m.snn --data ev
fails_with "eval refuses an events label beyond the readout, naming the file and the label" \
  "label10.npz: sample 5 has label 10, the network has 10 classes" \
  "$snn" eval --model m.snn --data label10.npz
fails_with "a unit beyond n_units names the file and the array" \
  "unit40.npz: units\[43\] = 40, outside \[0, 40) (n_units)" "$snn" eval --model ev.snn --data unit40.npz
fails_with "training needs both splits: one file is refused" "one file holds one split" \
  "$snn" train --data ev/train.npz --epochs 1 --out t.snn

# SHD HDF5 files: a directory with the two release files, or one file.
check "a fresh train on SHD files (shd_train.h5, shd_test.h5): 700 inputs, 20 classes" \
  grep -q "^training: 700[x-]16[x-]20, .*, 48 train / 24 test samples" <(fresh shd shd.snn)
check "eval takes one SHD file" quiet "$snn" eval --model shd.snn --data shd/shd_test.h5
cp shd/shd_test.h5 utterances
check "... also without its extension (HDF5 by its content)" \
  quiet "$snn" eval --model shd.snn --data utterances
check "quantize calibrates on the SHD training file" \
  quiet "$snn" quantize --model shd.snn --data shd --out shd.snnq
check "eval --fixed on SHD" quiet "$snn" eval --fixed --model shd.snnq --data shd/shd_test.h5
fails_with "eval refuses SHD data for a 784-input network, naming the file" \
  "shd/shd_test.h5: the data has 700 inputs per sample, the network 784" \
  "$snn" eval --model m.snn --data shd
fails_with "a label beyond a 20-class network's readout names the file, the sample and the label" \
  "label25.h5: sample 3 has label 25, the network has 20 classes" \
  "$snn" eval --model shd.snn --data label25.h5
mkdir ssc && cp label25.h5 ssc/shd_train.h5 && cp label25.h5 ssc/shd_test.h5
check "a fresh train on SHD-layout files of 26 classes builds a 26-output network" \
  grep -q "^training: 700[x-]16[x-]26," <(fresh ssc ssc.snn)
fails_with "a .h5 that is not HDF5 names the file and what is wrong" \
  "junk.h5: not an HDF5 file" "$snn" eval --model shd.snn --data junk.h5
fails_with "training needs both SHD files" "one file holds one split" \
  "$snn" train --data shd/shd_train.h5 --epochs 1 --out t.snn

finish cli_data
