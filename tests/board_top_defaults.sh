#!/usr/bin/env bash
# Checks that each board top's default parameters (rtl/board/board_top_<board>.v) are
# the build that ships, so that the top synthesised alone, without the Makefile's chparam,
# fits its board and meets timing: every parameter make bitstream sets (make
# board-chparam: PLL, clock, baud, constraints.mk's CORE_CONFIG_<board>) has that value
# as the top's default, and every other core parameter of the top has snn_core.v's default.
# Usage: board_top_defaults.sh BUILD_DIR
set -u
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib.sh"

defaults() { # defaults FILE: "NAME VALUE" per parameter of the module's header, values in decimal
  sed -nE "s/^[[:space:]]*parameter[^=]*[[:space:]]([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*([0-9]+('[dbh][0-9a-fA-F_]+)?).*/\1 \2/p" "$1" |
    awk '{ v = $2; base = 10
           if (v ~ /\047b/) base = 2; else if (v ~ /\047h/) base = 16
           sub(/^[0-9]+\047[dbh]/, "", v); gsub(/_/, "", v)
           n = 0; for (i = 1; i <= length(v); i++) n = n * base + index("0123456789abcdef", tolower(substr(v, i, 1))) - 1
           print $1, n }'
}
value() { # value NAME: NAME's value in "NAME VALUE" lines on stdin, or nothing
  awk -v k="$1" '$1 == k { print $2 }'
}

defaults "$root/rtl/core/snn_core.v" > "$work/core"
check "snn_core.v's defaults are read ($(wc -l < "$work/core") parameters)" \
  test "$(value P < "$work/core")" != ""
for board in icebreaker hx8k; do
  defaults "$root/rtl/board/board_top_$board.v" > "$work/$board"
  : > "$work/$board.set"
  chparam=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$root" -s --no-print-directory \
    BUILD="$build" BOARD=$board board-chparam) || { check "$board: make board-chparam" false; continue; }
  set -- $chparam
  check "$board: make bitstream sets parameters ($chparam)" test $# -ge 10
  while [ $# -ge 3 ] && [ "$1" = -set ]; do
    check "$board: the top's default $2 is make bitstream's $3" \
      test "$(value "$2" < "$work/$board")" = "$3"
    echo "$2" >> "$work/$board.set"
    set -- "${@:4}"
  done
  while read -r name v; do
    grep -qx "$name" "$work/$board.set" && continue
    core=$(value "$name" < "$work/core")
    [ -n "$core" ] && check "$board: the top's default $name is snn_core.v's $core" test "$v" = "$core"
  done < "$work/$board"
done
finish board_top_defaults
