# lib.sh - shared by the end-to-end test scripts: a scratch directory removed on
# exit, and checks that count failures. Source it, run checks, end with `finish NAME`.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

check() { # check DESCRIPTION COMMAND...: the command must succeed
  if "${@:2}"; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}

fails_with() { # fails_with DESCRIPTION EXPECTED_TEXT COMMAND...: non-zero exit, text on stderr
  local out; out=$("${@:3}" 2>&1 >/dev/null); local rc=$?
  if [ $rc -ne 0 ] && grep -q -- "$2" <<<"$out"; then echo "ok   $1"
  else echo "FAIL $1 (exit $rc, stderr: $out)"; failures=$((failures + 1)); fi
}

last_json() { # last_json FILE PYTHON_EXPR: EXPR holds for the JSON object d on FILE's last line
  /usr/bin/python3 -c "import json,sys; d=json.loads(open('$1').read().splitlines()[-1]); sys.exit(not ($2))"
}

json_field() { # json_field FILE KEY: a number from the JSON object on the file's last line
  tail -n 1 "$1" | grep -o "\"$2\":[-0-9.e+]*" | cut -d: -f2
}
finish() { # finish NAME: report and exit non-zero if any check failed
  echo "$1: $failures failure(s)"
  [ "$failures" -eq 0 ]
}
