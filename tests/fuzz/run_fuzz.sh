#!/usr/bin/env bash
# Runs one libFuzzer harness (tests/fuzz/fuzz.mk builds them).
#   run_fuzz.sh fuzz BINARY NAME SECONDS OUT   fuzz for SECONDS on a copy of the seed corpus
#                                               (libFuzzer seed: $FUZZ_SEED, 0 = drawn)
#   run_fuzz.sh replay BINARY NAME             run every committed corpus file once
# The committed corpus tests/fuzz/corpus/NAME/ is only read: the run grows its copy in
# OUT/corpus/ and writes what fails (crash-*, leak-*, timeout-*, oom-*) to OUT/. Prints one
# line per harness: execs/s and corpus size; a failure names the files that reproduce it.
set -u
mode=$1 bin=$2 name=$3
seeds=tests/fuzz/corpus/$name
# A harness's own sanitizer settings, when its parser drives a library that needs them
# (e.g. libhdf5 allocates what a damaged header claims): tests/fuzz/fuzz_NAME.asan holds
# extra ASAN_OPTIONS, tests/fuzz/fuzz_NAME.lsan LeakSanitizer suppressions.
[ -f "tests/fuzz/fuzz_$name.asan" ] && export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}$(tr -d '\n' < "tests/fuzz/fuzz_$name.asan")"
[ -f "tests/fuzz/fuzz_$name.lsan" ] && export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=tests/fuzz/fuzz_$name.lsan"
case $mode in
replay)
  mapfile -t files < <(find "$seeds" -type f 2>/dev/null | sort)
  if [ ${#files[@]} -eq 0 ]; then echo "fuzz $name: no committed corpus ($seeds/)"; exit 0; fi
  log=$(mktemp); trap 'rm -f "$log"' EXIT
  if "$bin" -timeout=25 "${files[@]}" > "$log" 2>&1; then
    echo "fuzz $name: replayed ${#files[@]} corpus files, no failure"
  else
    tail -n 40 "$log"
    echo "fuzz $name: FAILED replaying $seeds/ (an input above crashes the parser again)"
    exit 1
  fi ;;
fuzz)
  seconds=$4 out=$5
  rm -rf "$out" && mkdir -p "$out/corpus"
  [ -d "$seeds" ] && cp -r "$seeds/." "$out/corpus/"
  seeded=$(find "$out/corpus" -type f | wc -l)
  "$bin" -max_total_time="$seconds" -seed="${FUZZ_SEED:-0}" -timeout=25 -print_final_stats=1 -artifact_prefix="$out/" \
    "$out/corpus" > "$out/log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/log")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
  size=$(find "$out/corpus" -type f | wc -l)
  mapfile -t found < <(find "$out" -maxdepth 1 -type f \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
  if [ $rc -eq 0 ] && [ ${#found[@]} -eq 0 ]; then
    echo "fuzz $name: ${execs:-?} execs/s, ${runs:-?} runs in ${seconds} s, corpus $seeded -> $size files"
  else
    grep -E 'ERROR|SUMMARY|runtime error|out-of-memory|timeout' "$out/log" | head -n 10
    echo "fuzz $name: FAILED after ${runs:-?} runs (log: $out/log); inputs that reproduce it:"
    for f in "${found[@]}"; do echo "  $f   (rerun: $bin $f)"; done
    echo "  fix the parser, then add each to $seeds/ (the regression corpus)"
    exit 1
  fi ;;
*) echo "usage: $0 fuzz|replay BINARY NAME [SECONDS OUT]" >&2; exit 2 ;;
esac
