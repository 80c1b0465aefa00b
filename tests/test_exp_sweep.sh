#!/usr/bin/env bash
# test_exp_sweep.sh BUILD - the experiment pipeline end to end on a tiny grid:
# a sweep split over 2 MPI ranks, determinism of a run, the robustness RTL column
# (co-simulation, no mismatch), resume without redoing,
# a killed sweep (and a torn last line) resumed without duplicates, a failed
# job that says why (its error or its signal) and which grid point it was, the
# report and its files, clear errors on corrupt results; the network axes: the
# recurrent-quick preset on tiny data, its result fields, the report's
# feed-forward vs recurrent section, and results written before the axes.
set -u
BUILD=$(realpath "${1:-build}")
SNN=$BUILD/snn
MPI=$BUILD/snn-sweep-mpi
. "$(dirname "$0")/lib.sh"
D=$work
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
lines() { grep -c . "$1" 2>/dev/null || echo 0; }
unique_keys() { grep -o '"key":"[^"]*"' "$1" | sort -u | wc -l; }
# A results line without the fields that vary from run to run (time, host).
stable() { sed -E 's/,"epoch_cpu_seconds":\[[^]]*\]//; s/,"cpu_seconds":[^,]*,"seconds":[^,]*,"host":"[^"]*"//' "$@"; }

TINY=(--ratios 0.5,0.8 --trials 2 --epochs 1 --limit 2000 --test-limit 400 --vrd-samples 4 --robust 1)

# 1. MPI: 2 ranks share the grid and one results file.
mpirun --oversubscribe -np 2 "$MPI" "${TINY[@]}" -j 1 -o "$D/r.jsonl" > "$D/mpi.log" 2>&1
check "mpirun -np 2 snn-sweep-mpi exits 0" test $? -eq 0
grep -q "shard 0/2" "$D/mpi.log" && grep -q "shard 1/2" "$D/mpi.log"
check "both ranks ran a shard" test $? -eq 0
check "4 runs, 4 distinct keys (got $(lines "$D/r.jsonl"), $(unique_keys "$D/r.jsonl"))" \
  test "$(lines "$D/r.jsonl")" -eq 4 -a "$(unique_keys "$D/r.jsonl")" -eq 4
for f in '"init_hz":' '"peak_acc":' '"last10_acc":' '"test_acc":\[[^],]*\]' '"vrd_final_mean_II":' \
         '"vrd_init_mean_EE":' '"rob_drop_0.1_int":' '"rob_clean_0_float":'; do
  check "every line has $f" test "$(grep -c "$f" "$D/r.jsonl")" -eq 4
done

# Keys of the data set's own network are as before the network axes (old results files resume).
check "a default-network key has no network token" grep -q \
  '"key":"fmnist ratio=0.5 dale=1 s1=0.003 noise=0 seed=1 epochs=1 batch=256 lr=0.01 opt=sgd limit=2000 test=400 vrd=4/1/grid robust=1"' "$D/r.jsonl"
check "and its line says which network: 100, depth 1, feed-forward" \
  test "$(grep -c '"arch":"100","depth":1,"recurrent":false,"n_hidden":100,"n_exc":' "$D/r.jsonl")" -eq 4

# 2. Determinism: job 0 again, alone, in another file: the same line.
"$SNN" sweep "${TINY[@]}" --job 0 -o "$D/one.jsonl" > /dev/null 2>&1
key=$(grep -o '"key":"[^"]*"' "$D/one.jsonl")
if ! diff <(stable "$D/one.jsonl") <(grep -F "$key" "$D/r.jsonl" | stable); then
  echo "FAIL job 0 rerun differs from the MPI run (diff above)"; failures=$((failures + 1))
else echo "ok   job 0 rerun gives the identical line"; fi

# 2b. The RTL column: job 0 with the first 20 test images of every condition on the RTL core.
"$SNN" sweep "${TINY[@]}" --robust-rtl 20 --job 0 -o "$D/rtl.jsonl" > "$D/rtl.log" 2>&1
check "job 0 with --robust-rtl 20 exits 0" test $? -eq 0
for f in '"rob_clean_0_rtl":[0-9]' '"rob_clean_0_int_rtlset":[0-9]' '"rob_drop_0.3_rtl":[0-9]' \
         '"rob_weight_0.3_rtl":[0-9]' '"rob_membrane_0.3_rtl":[0-9]' '"rob_rtl_images":20,' \
         '"rob_rtl_mismatches":0,'; do
  check "its line has $f" grep -q "$f" "$D/rtl.jsonl"
done
# Without the RTL fields (and the key's rtl=20) it is job 0's line: same float and integer figures.
no_rtl() { stable "$@" | sed -E 's/ rtl=20"/"/; s/,"rob_[a-z]+_[0-9.]+_(rtl|int_rtlset)":[^,]*//g; s/,"rob_rtl_(images|mismatches)":[0-9]+//g'; }
check "its other fields equal job 0's without the RTL" cmp -s <(stable "$D/one.jsonl") <(no_rtl "$D/rtl.jsonl")
"$SNN" report "$D/rtl.jsonl" -o "$D/rtlreport" > /dev/null 2>&1
check "the report shows the RTL column" grep -q "RTL core accuracy" "$D/rtlreport/report.md"
fails_with "--robust-rtl without --robust 1 is refused" "needs the robustness" \
  "$SNN" sweep --robust 0 --robust-rtl 20 --list -o "$D/none.jsonl"

# 3. Resume: nothing left to do, nothing appended.
cp "$D/r.jsonl" "$D/r.before"
"$SNN" sweep "${TINY[@]}" -o "$D/r.jsonl" --json > "$D/resume.log" 2>&1
check "resume skips all 4 runs" grep -q '"skipped":4,"pending":0,"ran":0,"failed":0' "$D/resume.log"
check "resume leaves the file unchanged" cmp -s "$D/r.jsonl" "$D/r.before"

# 4. Kill: stop the sweep after its first results, tear a line, restart.
KILL=(--ratios 0.5,0.8 --s1 0.002,0.003 --trials 2 --epochs 2 --limit 1500 --test-limit 300 --vrd-samples 2)
"$SNN" sweep "${KILL[@]}" -j 2 -o "$D/k.jsonl" > "$D/kill1.log" 2>&1 &
parent=$!
for _ in $(seq 600); do [ "$(lines "$D/k.jsonl")" -ge 2 ] && break; sleep 0.1; done
kill -9 "$parent"; wait "$parent" 2>/dev/null
sleep 0.5
n1=$(lines "$D/k.jsonl")
check "the killed sweep had finished some but not all 8 runs ($n1)" test "$n1" -ge 2 -a "$n1" -lt 8
check "no child outlived the killed sweep" test -z "$(pgrep -f -- "-o $D/k.jsonl" || true)"
cp "$D/k.jsonl" "$D/k.before"
printf '{"key":"fmnist ratio=0.5 dale=1 s1=0.002 noi' >> "$D/k.jsonl" # a write cut short
"$SNN" sweep "${KILL[@]}" -j 2 -o "$D/k.jsonl" > "$D/kill2.log" 2>&1
check "the restarted sweep exits 0" test $? -eq 0
check "the restart noticed the torn line" grep -q "removed a partial last line" "$D/kill2.log"
check "the restart skipped the $n1 finished runs" grep -q ", $n1 already in" "$D/kill2.log"
check "8 runs in the end, no duplicate ($(lines "$D/k.jsonl") lines, $(unique_keys "$D/k.jsonl") keys)" \
  test "$(lines "$D/k.jsonl")" -eq 8 -a "$(unique_keys "$D/k.jsonl")" -eq 8
check "the finished runs' lines are untouched" cmp -s "$D/k.before" <(head -n "$n1" "$D/k.jsonl")

# 4b. A failed job says why, by its grid point: an error names its file, a crash its signal.
mkdir -p "$D/nodata"
"$SNN" sweep --ratios 0.5 --s1 0.002 --epochs 1 --data "$D/nodata" --out "$D/fail.jsonl" \
  > "$D/fail.log" 2>&1
rc=$?
check "a sweep whose job fails exits non-zero ($rc)" test "$rc" -ne 0
check "the failure names the grid point and the missing file" \
  grep -q "ratio 0.5 s1 0.002 seed 1 (job 0) failed: .*nodata/train-images-idx3-ubyte" "$D/fail.log"
CRASH=(--ratios 0.5,0.8 --epochs 4 --limit 3000 --test-limit 300 --vrd-samples 2 --robust 0)
# handle_segv=0: under AddressSanitizer (make test SAN=1) the job must die by the signal,
# as it would in a normal build, not exit through ASan's report.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" \
  "$SNN" sweep "${CRASH[@]}" -j 2 --out "$D/crash.jsonl" > "$D/crash.log" 2>&1 &
parent=$!
child=
for _ in $(seq 100); do child=$(pgrep -P "$parent" | head -1); [ -n "$child" ] && break; sleep 0.1; done
sleep 1 # well into its run
kill -SEGV "$child"
wait "$parent"
rc=$?
check "a sweep whose job crashed exits non-zero ($rc)" test "$rc" -ne 0
check "the crash names the signal, the grid point and the step it was in" grep -qE \
  "ratio 0\.[58] s1 0.003 seed 1 \(job [01]\) failed: killed by SIGSEGV \(Segmentation fault\) while [a-z]" \
  "$D/crash.log"
check "the other job finished, labelled by its grid point, with the sweep's ETA" \
  grep -qE "finished ratio 0\.[58] s1 0.003 seed 1 in [0-9:]+; 2/2 done, 1 failed; sweep ETA" "$D/crash.log"
check "--out names the results file (README: sweep ... --out results.jsonl)" \
  test "$(lines "$D/crash.jsonl")" -eq 1

# 5. The report, from both files.
"$SNN" report "$D/r.jsonl" "$D/k.jsonl" -o "$D/report" --json > "$D/report.log" 2>&1
check "snn report exits 0" test $? -eq 0
check "report counts 12 runs" grep -q '"runs":12' "$D/report.log"
check "no figure failed" grep -q '"figure_failures":0' "$D/report.log"
for f in report.html report.md fig1c.png fig1c.svg trainable.png vrd.png vrd.svg robust.png; do
  check "report wrote $f" test -s "$D/report/$f"
done
check "the HTML has Fig. 1c" grep -q "Fig. 1c" "$D/report/report.html"
grep -q "0.89" "$D/report/report.md" && grep -q "Kruskal-Wallis" "$D/report/report.md"
check "the Markdown has the paper's numbers and the statistics" test $? -eq 0
# r.jsonl (1 epoch) and k.jsonl (2 epochs) are two setups: never pooled, and the report says so.
check "the report names the 2 setups it keeps apart" \
  grep -q "These runs come from 2 different setups.*never pooled" "$D/report/report.md"
check "Fig. 1c has a series per ratio and setup" \
  test "$(sed '/^reset$/q' "$D/report/fig1c.gp" | grep -o "title '[0-9.]*:[0-9.]*, [^']*'" | sort -u | wc -l)" -eq 4
check "its caption says what the setups are" \
  grep -q "^\*Peak test accuracy.*Setups: .*epochs=1 .*epochs=2 " "$D/report/report.md"
for gp in "$D"/report/*.gp; do
  body=$(sed '/^reset$/q' "$gp") # the PNG half
  check "$(basename "$gp"): both axes labelled with a unit" \
    test "$(grep -cE "^set [xy]label '[^']*\(" <<<"$body")" -eq 2
  check "$(basename "$gp"): the key is off the data" \
    test -z "$(grep -E "^set key" <<<"$body" | grep -vE "^set key below")"
done
# A silent start (0 Hz) on Fig. 1c's log axis is moved to the floor, and the figure says so.
head -1 "$D/r.jsonl" | sed -E 's/ seed=[0-9]+ / seed=99 /; s/"seed":[0-9]+,/"seed":99,/; s/"init_hz":[^,]*/"init_hz":0/' > "$D/silent.jsonl"
"$SNN" report "$D/r.jsonl" "$D/silent.jsonl" -o "$D/silent" > /dev/null 2>&1
check "a 0 Hz start is said in the axis label" grep -q "1 run below 0.01 Hz drawn at 0.01 Hz" "$D/silent/fig1c.gp"
check "and in the caption" grep -q "Log axis: 1 run below 0.01 Hz drawn at 0.01 Hz" "$D/silent/report.md"

# 6. Corrupt results: a clear error naming the file and line, nothing half-written.
sed '2s/.*/{"key":"x","ratio":oops}/' "$D/r.jsonl" > "$D/bad.jsonl"
"$SNN" report "$D/bad.jsonl" -o "$D/badreport" > "$D/bad.log" 2>&1
rc=$?
check "report on a corrupt line fails (rc $rc)" test "$rc" -ne 0
check "the error names bad.jsonl:2" grep -q "bad.jsonl:2" "$D/bad.log"
check "no report was written" test ! -e "$D/badreport/report.html"
"$SNN" sweep "${TINY[@]}" -o "$D/bad.jsonl" > "$D/bad2.log" 2>&1
check "sweep on a corrupt results file fails naming the line" grep -q "bad.jsonl:2" "$D/bad2.log"

# 7. Feed-forward vs recurrent: the recurrent-quick preset on tiny data (1 epoch, 300 images).
REC=(--preset recurrent-quick --limit 300 --test-limit 100 --epochs 1)
"$SNN" sweep "${REC[@]}" -j 2 -o "$D/rec.jsonl" --json > "$D/rec.log" 2>&1
check "the recurrent-quick preset runs (tiny data)" grep -q '"jobs":48,.*"ran":48,"failed":0' "$D/rec.log"
check "48 lines, 48 keys" test "$(lines "$D/rec.jsonl")" -eq 48 -a "$(unique_keys "$D/rec.jsonl")" -eq 48
check "24 recurrent runs, keyed arch=64 rec=1" \
  test "$(grep -c '"key":"[^"]* seed=[0-9]* arch=64 rec=1 epochs=1 batch=64 [^"]*","dataset":"fmnist".*"arch":"64","depth":1,"recurrent":true' "$D/rec.jsonl")" -eq 24
check "24 feed-forward runs of the same size" \
  test "$(grep -c '"arch":"64","depth":1,"recurrent":false,"n_hidden":64,' "$D/rec.jsonl")" -eq 24
"$SNN" report "$D/rec.jsonl" -o "$D/recreport" --json > "$D/recreport.log" 2>&1
check "its report exits 0 with no figure failed" grep -q '"runs":48,.*"figure_failures":0' "$D/recreport.log"
check "the report has the feed-forward vs recurrent section" \
  grep -q "^## Feed-forward vs recurrent E/I networks" "$D/recreport/report.md"
for f in recurrent_peak recurrent_trained recurrent_noise; do
  check "it draws $f (PNG and SVG)" test -s "$D/recreport/$f.png" -a -s "$D/recreport/$f.svg"
  check "$f: a panel each for 80:20 and 50:50, ff and rec in each" test "$(sed '/^reset$/q' "$D/recreport/$f.gp" |
    grep -cE "^set title '(80:20|50:50)'|title '64 ff'.*title '64 rec'")" -eq 4
done
check "the section answers first: recurrent against feed-forward, per ratio" test "$(grep -cE \
  '^(80:20|50:50): 64 rec trained in [0-9]+ of 8 runs .*64 ff in [0-9]+ of 8 .*sigma 0.0003' "$D/recreport/report.md")" -eq 2
for gp in "$D"/recreport/recurrent_*.gp; do
  body=$(sed '/^reset$/q' "$gp")
  check "$(basename "$gp"): both axes labelled with a unit" \
    test "$(grep -cE "^set [xy]label '[^']*\(" <<<"$body")" -eq 2
  check "$(basename "$gp"): the key is off the data" \
    test -z "$(grep -E "^set key" <<<"$body" | grep -vE "^set key below")"
done
check "trainability rows: ratio, network, 8 runs each" \
  test "$(grep -cE '^\| (80:20|50:50) \| 64 (ff|rec) \| 8 \| [0-9]+ \(' "$D/recreport/report.md")" -eq 4
check "noise rows: recurrent against feed-forward at 3 sigmas" \
  test "$(grep -cE '^\| (80:20|50:50) \| 64 rec \| (0|0.0001|0.0003) \| 2 \| .* \| [-+][0-9.]+ pp \|' "$D/recreport/report.md")" -eq 6
check "a report of feed-forward runs only has no such section" \
  test -z "$(grep "Feed-forward vs recurrent" "$D/report/report.md")"
# Results written before the network axes (no arch, depth, recurrent) read as the one-layer
# feed-forward network: the same report, and kept apart from the recurrent runs.
sed -E 's/"arch":"[^"]*","depth":[0-9]+,"recurrent":(true|false),//' "$D/r.jsonl" > "$D/old.jsonl"
check "the old-style lines lack the fields" test -z "$(grep '"depth"' "$D/old.jsonl")"
"$SNN" report "$D/old.jsonl" -o "$D/oldreport" > /dev/null 2>&1
"$SNN" report "$D/r.jsonl" -o "$D/newreport" > /dev/null 2>&1
check "old lines report exactly as the new ones" cmp -s "$D/oldreport/report.md" "$D/newreport/report.md"
"$SNN" report "$D/old.jsonl" "$D/rec.jsonl" -o "$D/mixreport" > /dev/null 2>&1
check "old and recurrent lines together: three networks, kept apart" \
  grep -q "These runs train 3 networks.*: 64 ff (24 runs); 64 rec (24 runs); 100 ff (4 runs)" "$D/mixreport/report.md"

finish test_exp_sweep
