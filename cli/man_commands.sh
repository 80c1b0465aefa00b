#!/usr/bin/env bash
# man_commands.sh - a help2man include file with one subsection per `snn`
# command, holding its --help verbatim (the man page's COMMANDS section).
# Usage: man_commands.sh SNN_BINARY > snn-commands.h2m
set -eu
snn=$1
echo '[COMMANDS]'
# The commands are the lines between "commands" and the blank line of snn --help.
for c in $("$snn" --help | awk '/^commands/ {on = 1; next} /^$/ {on = 0} on {print $1}'); do
  echo ".SS snn $c"
  echo '.nf'
  # roff: escape backslashes, and protect lines that start with a control character.
  "$snn" "$c" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  echo '.fi'
done
