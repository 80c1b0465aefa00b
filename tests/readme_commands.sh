#!/usr/bin/env bash
# Runs every command README.md shows, in order, in a scratch directory, so that a
# renamed option or a command that no longer works as written fails `make test`.
# The commands are read from README.md's code blocks (4-space indented or fenced):
# each line that starts with `build/snn`, `make` or `gtkwave` (comments after `#`
# dropped). Long ones are shrunk by the SIZES table (the README's flags kept, only
# size flags set), `--port /dev/ttyUSB1` talks to the simulated board on a
# pseudo-terminal, `make` targets that take long are checked with `make -n`, and
# `gtkwave F L` checks that every signal of the layout L is in the trace F.
# Usage: readme_commands.sh SNN_BINARY
set -u
snn=$(realpath "$1")
build=$(dirname "$snn")
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib.sh"

# Size flags per command (first matching pattern wins): each flag is set to this
# value, replacing the README's value if it gives one.
SIZES=(
  "build/snn train --resume *|--epochs 2 --test-limit 200"
  "build/snn train *|--epochs 1 --limit 1000 --test-limit 200"
  "build/snn eval *|--limit 200"
  "build/snn quantize *|--limit 500"
  "build/snn sweep-bits *|--limit 200"
  "build/snn cosim *|--images 5"
  "build/snn classify *|--images 5"
  "build/snn sweep --preset *|--epochs 1 --limit 500 --test-limit 100 --vrd-samples 2"
  "build/snn sweep *|--epochs 1 --limit 500 --test-limit 100 --vrd-samples 2 --robust-rtl 5"
  "build/snn vrd *|--images 2"
)
# `make` targets run for real (quick); any other target is only checked to exist.
MAKE_RUN=" help demo-summary "

readme_commands() { # the README's commands, one a line
  awk '/^```/ { fenced = !fenced; next }
       fenced || /^    / { sub(/^ +/, ""); sub(/[ \t]+#.*$/, "");
                           if ($0 ~ /^(build\/snn|make|gtkwave)( |$)/) print }' "$root/README.md"
}

set_flag() { # set_flag COMMAND FLAG VALUE: the command with FLAG's value set
  local cmd=" $1 " flag=$2 value=$3
  if [[ $cmd == *" $flag "* ]]; then
    cmd=$(sed -E "s#( $flag )[^ ]+#\\1$value#" <<<"$cmd")
  else
    cmd="$cmd$flag $value "
  fi
  cmd=${cmd# }
  echo "${cmd% }"
}

sized() { # sized COMMAND: the command with the SIZES table applied
  local cmd=$1 row flags
  for row in "${SIZES[@]}"; do
    # shellcheck disable=SC2053  # the pattern is a glob on purpose
    if [[ "$cmd " == ${row%%|*} ]]; then
      flags=(${row#*|})
      for ((i = 0; i < ${#flags[@]}; i += 2)); do cmd=$(set_flag "$cmd" "${flags[i]}" "${flags[i+1]}"); done
      break
    fi
  done
  echo "$cmd"
}

# The simulated board on a pseudo-terminal, for --port: one board for every
# command (a deploy is still loaded at the next classify), stopped on exit.
board_pty=""
board_start() {
  coproc BOARD { exec python3 -c '
import os, subprocess, sys, tty
master, slave = os.openpty()
tty.setraw(slave)            # raw before the first byte: nothing is ever cooked
sim = subprocess.Popen([sys.argv[1], "--fd", str(master)], pass_fds=[master])
print(os.ttyname(slave), flush=True)
sys.stdin.read()             # until the test closes our input; slave stays open meanwhile
sim.terminate()
sim.wait()' "$build/snn-board-sim"; }
  read -r board_pty <&"${BOARD[0]}"
}
board_stop() {
  [ -n "${BOARD_PID:-}" ] || return 0
  eval "exec ${BOARD[1]}>&-"
  wait "$BOARD_PID" 2>/dev/null
}
trap 'board_stop; rm -rf "$work"' EXIT

gtkw_names_in_trace() { # gtkw_names_in_trace TRACE LAYOUT: every signal of LAYOUT is in TRACE
  local missing
  missing=$(comm -23 <(grep -E '^[+T]' "$2" | sed 's/^+{[^}]*} //' | sort -u) \
    <(fst2vcd "$1" 2>/dev/null | awk '
        $1 == "$scope" { path[++n] = $3 } $1 == "$upscope" { n-- }
        $1 == "$var" { p = path[1]; for (i = 2; i <= n; i++) p = p "." path[i]
                       print p "." $5 ($6 ~ /^\[/ ? $6 : "") }
        $1 == "$enddefinitions" { exit }' | sort -u))
  [ -z "$missing" ] || { echo "not in $1:"; echo "$missing"; return 1; }
}

ln -s "$build" "$work/build"
cd "$work" || exit 1
n=0; skipped=0; failed=()
while IFS= read -r line; do
  cmd=$(sized "$line")
  n=$((n + 1))
  log="$work/log.$n"
  case "$cmd" in
    make\ *)
      target=${cmd#make }
      if [[ $MAKE_RUN == *" ${target%% *} "* ]]; then dry=""; how=""
      else dry="-n"; how="   [checked: make -n $target]"; fi
      run=(make $dry -C "$root" BUILD="$build" $target) ;;
    gtkwave\ *)
      read -r _ trace layout <<<"$cmd"
      if ! command -v fst2vcd > /dev/null; then
        echo "skip $line (fst2vcd missing: Debian's gtkwave package reads the trace)"
        skipped=$((skipped + 1)); continue
      fi
      run=(gtkw_names_in_trace "$trace" "$root/$layout")
      how="   [checked: the layout's signals are in the trace]" ;;
    *)
      # The README imports an .npz written by PyTorch; the export above stands in for it.
      [[ $cmd == *" import "*from_pytorch.npz* ]] && cp model.npz from_pytorch.npz
      if [[ $cmd == *"--port /dev/ttyUSB1"* ]]; then
        [ -n "$board_pty" ] || board_start
        cmd=${cmd//\/dev\/ttyUSB1/$board_pty}
      fi
      run=(timeout 900 bash -c "$cmd")
      [ "$cmd" = "$line" ] && how="" || how="   [ran: $cmd]" ;;
  esac
  shown="$line$how"
  start=$SECONDS
  if (unset MAKEFLAGS MAKELEVEL MFLAGS; "${run[@]}") < /dev/null > "$log" 2>&1; then
    echo "ok   $shown $((SECONDS - start))s"
  else
    echo "FAIL $shown (exit $?)"
    tail -n 4 "$log" | sed 's/^/       /'
    failed+=("$line")
  fi
done < <(readme_commands)

[ "$n" -gt 0 ] || { echo "readme_commands: no command found in $root/README.md"; exit 1; }
echo "readme_commands: $n README commands, ${#failed[@]} failed, $skipped skipped"
for f in "${failed[@]}"; do echo "failed: $f"; done
[ "${#failed[@]}" -eq 0 ]
