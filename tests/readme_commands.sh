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
# shellcheck source=tests/lib.sh
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
    # shellcheck disable=SC2053  # the table's patterns are globs
    if [[ "$cmd " == ${row%%|*} ]]; then
      read -ra flags <<<"${row#*|}"
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

# The signal names of an FST file, one a line, as GTKWave shows them: read from
# its hierarchy block (gzip or LZ4, the one Verilator writes), so that no
# waveform tool needs to be installed.
fst_names() {
  python3 - "$1" <<'EOF'
import struct, sys, zlib
def lz4_block(src):  # the LZ4 block format: literals, then (offset, length) copies
    out, i = bytearray(), 0
    def more(n, i):
        if n == 15:
            while True:
                b = src[i]; i += 1; n += b
                if b != 255: break
        return n, i
    while i < len(src):
        tok = src[i]; i += 1
        n, i = more(tok >> 4, i)
        out += src[i:i + n]; i += n
        if i >= len(src): break
        off = src[i] | src[i + 1] << 8; i += 2
        n, i = more(tok & 15, i)
        for _ in range(n + 4): out.append(out[-off])
    return bytes(out)
def varint(d, i):
    v = s = 0
    while True:
        b = d[i]; i += 1; v |= (b & 127) << s; s += 7
        if b < 128: return v, i
def cstr(d, i):
    j = d.index(0, i); return d[i:j].decode(), j + 1
d = open(sys.argv[1], 'rb').read()
i, hier = 0, None
while i + 9 <= len(d):  # blocks: type byte, big-endian length, payload
    t, n = d[i], struct.unpack('>Q', d[i + 1:i + 9])[0]
    if t == 4: hier = zlib.decompress(d[i + 17:i + 1 + n])
    elif t == 6: hier = lz4_block(d[i + 17:i + 1 + n])
    i += 1 + n
if hier is None: sys.exit(sys.argv[1] + ': no gzip or LZ4 hierarchy block')
path, i = [], 0
while i < len(hier):
    t = hier[i]; i += 1
    if t == 254: name, i = cstr(hier, i + 1); _, i = cstr(hier, i); path.append(name)  # scope
    elif t == 255: path.pop()                                                            # upscope
    elif t == 252: _, i = cstr(hier, i + 2); _, i = varint(hier, i)                      # attribute
    elif t != 253:                                                                       # a variable
        name, i = cstr(hier, i + 1); _, i = varint(hier, i); _, i = varint(hier, i)
        print('.'.join(path + [name.replace(' [', '[')]))
EOF
}

gtkw_names_in_trace() { # gtkw_names_in_trace TRACE LAYOUT: every signal of LAYOUT is in TRACE
  local names missing
  names=$(fst_names "$1") || return 1
  missing=$(comm -23 <(grep -E '^[+T]' "$2" | sed 's/^+{[^}]*} //' | sort -u) <(sort -u <<<"$names"))
  [ -z "$missing" ] || { echo "not in $1:"; echo "$missing"; return 1; }
}

ln -s "$build" "$work/build"
cd "$work" || exit 1
n=0; failed=()
while IFS= read -r line; do
  cmd=$(sized "$line")
  n=$((n + 1))
  log="$work/log.$n"
  case "$cmd" in
    make\ *)
      target=${cmd#make }
      if [[ $MAKE_RUN == *" ${target%% *} "* ]]; then dry=""; how=""
      else dry="-n"; how="   [checked: make -n $target]"; fi
      read -ra words <<<"$target"
      run=(make ${dry:+"$dry"} -C "$root" BUILD="$build" "${words[@]}") ;;
    gtkwave\ *)
      read -r _ trace layout <<<"$cmd"
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

# What the README and docs/ cite must exist: files of the tree (a built program
# by its source), the top-level Markdown files (README.md...), and `snn` commands;
# so must the documents the sources' comments cite.
docs=("$root/README.md" "$root"/docs/*.md)
commands=" $("$snn" --help 2>&1 | awk '/^  [a-z]/ { printf "%s ", $1 }')"
"$snn" help train > /dev/null 2>&1 && commands+="help "
cited() { # cited WHAT: ok if it exists
  case "$1" in
    snn\ *) [[ $commands == *" ${1#snn } "* ]] ;;
    */*) compgen -G "$root/$1*" > /dev/null ;;
    *) [ -e "$root/$1" ] || [ -e "$root/docs/$1" ] ;;
  esac
}
while IFS= read -r what; do
  if cited "$what"; then continue; fi
  echo "FAIL the docs cite $what, which does not exist"
  failed+=("docs cite $what")
done < <({ grep -ohE '\b(sw|tests|rtl|sim|firmware|constraints|docs)/[A-Za-z0-9_./-]*[A-Za-z0-9_]|\b[A-Z][A-Z_-]*\.md\b|(`|build/)snn [a-z][a-z-]*' "${docs[@]}"
            grep -rohE '\b[A-Z][A-Z_-]*\.md\b|\bdocs/[a-z-]+\.md' "$root"/{sw,sim,rtl,firmware,constraints,tests}; } \
           | sed 's#^`##; s#^build/##' | sort -u)
echo "readme_commands: $n README commands and the docs' citations, ${#failed[@]} failed"
for f in "${failed[@]}"; do echo "failed: $f"; done
[ "${#failed[@]}" -eq 0 ]
