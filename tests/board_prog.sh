#!/usr/bin/env bash
# Checks `make prog` (constraints/constraints.mk) without a board: under `make -n` the
# command that would program each board in each mode is iceprog -S (SRAM) or plain
# iceprog (flash) on that board's bitstream, after the rules that make the bitstream;
# a mode other than sram or flash is refused before anything is built.
# Usage: board_prog.sh BUILD_DIR
set -u
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib.sh"

prog() { # prog ARGS...: make prog, without the flags of a make that runs this test
  env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$root" --no-print-directory BUILD="$build" prog "$@"
}
iceprog_line() { # iceprog_line ARGS...: the iceprog command that make -n prog shows
  prog -n "$@" 2>&1 | grep '^iceprog'
}

for board in icebreaker hx8k; do
  bin=$build/board/$board/$board.bin
  check "$board, PROG_MODE=sram: iceprog -S $bin" \
    test "$(iceprog_line BOARD=$board PROG_MODE=sram)" = "iceprog -S $bin"
  check "$board, PROG_MODE=flash: iceprog $bin" \
    test "$(iceprog_line BOARD=$board PROG_MODE=flash)" = "iceprog $bin"
done
check "no PROG_MODE: flash" \
  test "$(iceprog_line BOARD=icebreaker)" = "iceprog $build/board/icebreaker/icebreaker.bin"

prog -n BOARD=icebreaker PROG_MODE=sram > "$work/dry" 2>&1
order=$(grep -oE '^(yosys|nextpnr-ice40|icepack|iceprog)' "$work/dry" | awk '!seen[$0]++' | tr '\n' ' ')
check "the bitstream is made first: yosys, nextpnr-ice40, icepack, then iceprog ($order)" \
  test "$order" = "yosys nextpnr-ice40 icepack iceprog "

fails_with "PROG_MODE=ram is refused" "PROG_MODE must be sram or flash" prog BOARD=icebreaker PROG_MODE=ram
prog BOARD=icebreaker PROG_MODE=ram > "$work/refused" 2>&1
check "a refused mode starts no synthesis" bash -c "! grep -qE 'yosys|nextpnr|icepll' '$work/refused'"
finish board_prog
