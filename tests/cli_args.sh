#!/usr/bin/env bash
# Option parsing of `snn` as in git: --opt=value and --opt value, `--` ends the
# options, -h/--help, snn --version, snn help CMD, defaults printed from the
# option tables, integer seeds up to 2^64-1, and --resume refusing options
# that the checkpoint fixes.
# Usage: cli_args.sh SNN_BINARY
set -u
snn=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
repo=$(realpath "$(dirname "$0")/..")
cd "$work"

succeeds_with() { # succeeds_with DESCRIPTION EXPECTED_TEXT COMMAND...: exit 0, text on stdout
  local out; out=$("${@:3}" 2>/dev/null); local rc=$?
  if [ $rc -eq 0 ] && grep -q -- "$2" <<<"$out"; then echo "ok   $1"
  else echo "FAIL $1 (exit $rc, stdout: ${out:0:300})"; failures=$((failures + 1)); fi
}

# Help and version.
succeeds_with "snn --version names the build" "^snn (snn-codesign) [^ ]" "$snn" --version
succeeds_with "snn --help lists the commands" "^  cosim " "$snn" --help
succeeds_with "snn -h too" "^  train " "$snn" -h
check "snn help CMD = snn CMD --help" cmp <("$snn" help quantize) <("$snn" quantize --help)
check "-h = --help" cmp <("$snn" eval -h) <("$snn" eval --help)
fails_with "snn help of an unknown command" "unknown command 'nope'" "$snn" help nope
succeeds_with "--help prints defaults from the table" "--steps N .*\[default: 100\]" "$snn" train --help
succeeds_with "... the seed's" "--seed N .*\[default: 1\]" "$snn" train --help
succeeds_with "... --s1's" "--s1 X .*\[default: 0.003\]" "$snn" train --help
succeeds_with "... --qat's" "--qat N .*\[default: 0\]" "$snn" train --help
succeeds_with "... --optimizer's (from the preset)" "--optimizer S .*default: paper sgd, best adam" "$snn" train --help
succeeds_with "eval --help shows --float-model" "--float-model S" "$snn" eval --help
succeeds_with "train --help says what --resume writes" "with --resume: the resumed file" "$snn" train --help
# No command's help may print a default twice (once by hand, once from the table).
for c in $("$snn" --help | awk '/^commands/ {on = 1; next} /^$/ {on = 0} on {print $1}'); do
  check "$c --help exits 0" bash -c "\"$snn\" $c --help > /dev/null"
  check "$c --help: no default written by hand beside the table's" \
    bash -c "\"$snn\" $c --help | /usr/bin/python3 -c \"
import re, sys
bad = [l for l in sys.stdin for v in re.findall(r'\\[default: (.*)\\]', l) if '(' + v + ')' in l]
sys.exit(bool(bad))\""
done

# The man page (make man: help2man over --help and --version, every command's --help inside).
check "make man builds the man page" make --no-print-directory -s -C "$repo" \
  BUILD="$(dirname "$snn")" man
check "... which has every command's options" bash -c "man -l '$(dirname "$snn")/snn.1' 2>/dev/null | \
  col -b | grep -q -- '--float-model S' && grep -q '^\.SS snn classify' '$(dirname "$snn")/snn.1'"

# Syntax.
fails_with "--opt=value is parsed (range checked)" "--ratio: 1.5 is out of range" "$snn" train --ratio=1.5
fails_with "--opt value is parsed (range checked)" "--ratio: 1.5 is out of range" "$snn" train --ratio 1.5
fails_with "a flag takes no value" "--quiet takes no value" "$snn" train --quiet=1
fails_with "a missing value is named" "--model needs a value" "$snn" eval --model
fails_with "unknown options are named" "unknown option '--frobnicate'" "$snn" eval --frobnicate
fails_with "unknown --opt=value names the option" "unknown option '--frobnicate=3'" "$snn" eval --frobnicate=3
fails_with "an operand is refused where none is taken" "unexpected argument 'stray'" "$snn" eval stray
fails_with "-- ends the options: what follows is an operand" "unexpected argument '--help'" "$snn" eval -- --help
fails_with "... a results file named like an option, for report" "--x.jsonl: cannot open" \
  "$snn" report --out=r -- --x.jsonl
fails_with "--seed is an integer" "--seed: '1.5' is not a whole number" "$snn" train --seed 1.5
fails_with "--seed is not negative" "--seed: '-1' is not a whole number" "$snn" train --seed=-1
fails_with "--seed above 2^64-1 is refused" "not a whole number in 0..18446744073709551615" \
  "$snn" train --seed 18446744073709551616
fails_with "quantize --seed has 32 bits" "--seed: 4294967296 is out of range" \
  "$snn" quantize --model x --out y --seed 4294967296

# Seeds above 2^53 stay distinct (they were doubles once: 2^53 and 2^53+1 collapsed).
tiny=(--limit 256 --test-limit 100 --epochs 1 --hidden 20 --quiet)
"$snn" train "${tiny[@]}" --seed 9007199254740992 --out s0.snn > /dev/null
"$snn" train "${tiny[@]}" --seed=9007199254740993 --out s1.snn > /dev/null
check "seeds 2^53 and 2^53+1 give different models" bash -c "! cmp -s s0.snn s1.snn"
"$snn" train "${tiny[@]}" --seed 18446744073709551615 --out smax.snn --json > smax.out
check "seed 2^64-1 trains" last_json smax.out "d['epochs']==1"

# --resume: the checkpoint fixes architecture and training options.
before=$(md5sum < s0.snn)
for opt in "--hidden 50" "--seed 3" "--lr 0.1" "--optimizer adam" "--limit 100" "--no-dale" "--s1=0.01"; do
  fails_with "--resume refuses ${opt%% *}" "${opt%%[ =]*} conflicts with --resume: s0.snn" \
    "$snn" train --resume s0.snn --epochs 2 $opt
done
check "... and leaves the checkpoint alone" test "$(md5sum < s0.snn)" = "$before"

finish cli_args
