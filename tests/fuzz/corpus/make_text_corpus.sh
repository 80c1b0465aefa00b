#!/usr/bin/env bash
# make_text_corpus.sh SNN - writes the seed corpora of fuzz_jsonl (results
# lines from a tiny sweep of the project's own writer, plus edge cases) and
# fuzz_csv (spike-train CSVs). Run from the repository root; commit the files.
set -eu
SNN=${1:-build/snn}
J=tests/fuzz/corpus/jsonl C=tests/fuzz/corpus/csv
mkdir -p "$J" "$C"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$SNN" sweep --ratios 0.8 --s1 0.01 --trials 1 --epochs 2 --limit 500 --test-limit 100 \
  --vrd-samples 2 --robust 1 -j 1 -o "$tmp/a.jsonl" > /dev/null 2>&1
"$SNN" sweep --ratios 0.5,1 --s1 0.001 --trials 1 --epochs 1 --limit 300 --test-limit 50 \
  --vrd-samples 2 --robust 0 -j 1 -o "$tmp/b.jsonl" > /dev/null 2>&1
cp "$tmp/a.jsonl" "$J/sweep_robust.jsonl"
cp "$tmp/b.jsonl" "$J/sweep_two_runs.jsonl"
cat "$tmp/b.jsonl" "$tmp/b.jsonl" > "$J/duplicate_keys.jsonl"
head -c 300 "$tmp/a.jsonl" > "$J/torn_last_line.jsonl"
: > "$J/empty.jsonl"
printf '\n  \n\t\n' > "$J/blank.jsonl"
printf '{"key":"k","ratio":0.8,"s1":0.01,"noise":0,"seed":1e300,"init_hz":5,"peak_acc":0.7}\n' > "$J/seed_1e300.jsonl"
printf '{"key":"k","ratio":0.8,"s1":0.01,"noise":0,"seed":1,"epochs":null,"init_hz":5,"peak_acc":0.7}\n' > "$J/epochs_null.jsonl"
printf '{"key":"k\\u0041\\n","ratio":-0.0,"s1":1E-3,"noise":0,"seed":-2,"init_hz":5,"peak_acc":0.7,"test_acc":[null,0.5,1e-9]}\n{"key":"a"\0}\n' > "$J/escapes_nul.jsonl"

printf 'train,time\nn0,1\nn0,4\nn1,2\nn2,9\nn1,3\n' > "$C/header_steps.csv"
printf 'a,0.5\r\nb,1.25\r\n\r\na,0.75\r\nc,1e-3\r\n' > "$C/crlf_real_times.csv"
{ printf 'id,%0600d\n' 0 | tr 0 x; printf 'x,3\ny,  7\n'; } > "$C/long_header.csv"
printf 'a,1\nb,inf\n' > "$C/inf_time.csv"
printf 'a,1\nb\n' > "$C/no_comma.csv"
printf 'a,1\nb,2\0x\n' > "$C/nul_byte.csv"
printf 'a,1e308\nb,-1e308\nc,0\n' > "$C/extreme_times.csv"
