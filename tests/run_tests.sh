#!/usr/bin/env bash
# Runs each test command given as an argument, shows its output, and closes with
# one line "N passed, N failed" (a test = one command; its own output lists its cases).
set -u
pass=0; fail=0; failed=()
for cmd in "$@"; do
  echo "=== ${cmd}"
  start=$(date +%s)
  if bash -c "$cmd" 2>&1; then
    pass=$((pass + 1)); echo "--- ok (${cmd}) $(( $(date +%s) - start ))s"
  else
    fail=$((fail + 1)); failed+=("$cmd"); echo "--- FAILED (${cmd})"
  fi
done
for f in "${failed[@]}"; do echo "failed: $f"; done
echo "${pass} passed, ${fail} failed"
[ "$fail" -eq 0 ]
