#!/usr/bin/env bash
# board_report.sh - the bitstream report: resources used of available, fmax against
# the constraint, and the rates the board runs at its clock (the PLL's, not fmax): the
# core's, and end to end through the UART at the bitstream's baud; text on stdout, JSON
# in a file.
# The JSON is also the last line of stdout. Exits 1 (after printing) when the design
# does not fit or misses timing.
#
# usage: board_report.sh BOARD TARGET_MHZ YOSYS_LOG PNR_LOG PNR_STATUS JSON_OUT [CLASSIFY_JSON]
#   PNR_STATUS is nextpnr's exit status; CLASSIFY_JSON (optional) is the last line of
#   `snn classify --sim --json` on the simulated board of the same build (same clock and
#   baud): cycles per image, bytes per image each way, round trips, end-to-end images/s.
set -u
board=$1 target=$2 ylog=$3 plog=$4 pnr_status=$5 json_out=$6 classify=${7:-}

case $board in
  icebreaker|icebreaker-deep) device="iCE40UP5K-SG48"; cap_lc=5280; cap_ebr=30; cap_spram=4; cap_dsp=8 ;;
  hx8k) device="iCE40HX8K-CT256"; cap_lc=7680; cap_ebr=32; cap_spram=0; cap_dsp=0 ;;
  *) echo "board_report: unknown board '$board'" >&2; exit 2 ;;
esac

# Cell counts of the last `stat` in the Yosys log (the whole design).
ycount() { awk -v c="$1" '$1 == c {n = $2} END {print n + 0}' "$ylog"; }
luts=$(ycount SB_LUT4) ebr=$(ycount SB_RAM40_4K) spram=$(ycount SB_SPRAM256KA) dsp=$(ycount SB_MAC16)
dffs=$(awk '$1 ~ /^SB_DFF/ {n[$1] = $2} END {for (k in n) s += n[k]; print s + 0}' "$ylog")

# After placement: nextpnr's own utilisation and the final fmax line.
pcount() { awk -v c="$1:" '$1 == "Info:" && $2 == c {split($3, a, "/"); n = a[1]} END {print n}' "$plog" 2>/dev/null; }
fmax=""
if [ "$pnr_status" = 0 ] && [ -s "$plog" ]; then
  luts_placed=$(pcount ICESTORM_LC) ebr=$(pcount ICESTORM_RAM) spram=$(pcount ICESTORM_SPRAM) dsp=$(pcount ICESTORM_DSP)
  # The last (post-route) figure of the design's clock; nextpnr also lists a constant net.
  fmax=$(grep -E "Max frequency for clock" "$plog" | grep -v 'PACKER' | tail -n 1 | sed -E 's/.*: ([0-9.]+) MHz.*/\1/')
fi
lc=${luts_placed:-$luts}
[ -n "${ebr}" ] || ebr=0; [ -n "${spram}" ] || spram=0; [ -n "${dsp}" ] || dsp=0

fits=1; why=""
[ "$pnr_status" = 0 ] || { fits=0; why="placement failed"; }
[ "$lc" -le "$cap_lc" ] || { fits=0; why="$why logic cells $lc > $cap_lc;"; }
[ "$ebr" -le "$cap_ebr" ] || { fits=0; why="$why EBR $ebr > $cap_ebr;"; }
[ "$spram" -le "$cap_spram" ] || { fits=0; why="$why SPRAM $spram > $cap_spram;"; }
[ "$dsp" -le "$cap_dsp" ] || { fits=0; why="$why DSP $dsp > $cap_dsp;"; }
timing=0
[ -n "$fmax" ] && awk -v f="$fmax" -v t="$target" 'BEGIN {exit !(f >= t)}' && timing=1

field() { grep -o "\"$1\":[0-9.e+]*" "$classify" | cut -d: -f2; }
cycles=""; e2e=""; rate_target=""
if [ -n "$classify" ] && [ -s "$classify" ]; then
  cycles=$(field cycles_per_image)
  e2e=$(field end_to_end_images_per_s)
  bytes_in=$(field line_bytes_in_per_image)
  bytes_out=$(field line_bytes_out_per_image)
  trips=$(field round_trips_per_image)
  baud=$(field baud)
  latency=$(field round_trip_latency_s)
fi
[ -n "$cycles" ] && rate_target=$(awk -v f="$target" -v c="$cycles" 'BEGIN {printf "%.0f", f * 1e6 / c}')

pct() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.0f%%", 100 * a / b; else printf "-"}'; }
echo "bitstream report: $board ($device)"
printf "  logic cells  %6d / %-6d %s   (Yosys: %d LUT4, %d flip-flops)\n" "$lc" "$cap_lc" "$(pct "$lc" "$cap_lc")" "$luts" "$dffs"
printf "  EBR (4 kbit) %6d / %-6d %s\n" "$ebr" "$cap_ebr" "$(pct "$ebr" "$cap_ebr")"
printf "  SPRAM (32 KB)%6d / %-6d %s\n" "$spram" "$cap_spram" "$(pct "$spram" "$cap_spram")"
printf "  DSP (MAC16)  %6d / %-6d %s\n" "$dsp" "$cap_dsp" "$(pct "$dsp" "$cap_dsp")"
if [ -n "$fmax" ]; then
  echo "  fmax         ${fmax} MHz against the ${target} MHz constraint: $([ $timing = 1 ] && echo met || echo MISSED)"
else
  echo "  fmax         not measured (no placed design)"
fi
if [ -n "$cycles" ]; then
  printf "  core         %.0f cycles/image (simulated board) -> %s images/s at %s MHz\n" \
    "$cycles" "$rate_target" "$target"
  printf "  end to end   %.0f images/s: %.1f bytes/image in, %.1f out at %d baud, %.3f round trips/image at %.0f ms each\n" \
    "$e2e" "$bytes_in" "$bytes_out" "$baud" "$trips" "$(awk -v l="$latency" 'BEGIN {print 1e3 * l}')"
else
  echo "  core         cycles/image not measured (needs a quantized model: make demo-board)"
fi

jnum() { [ -n "$1" ] && echo "$1" || echo null; }
cat > "$json_out.tmp" <<JSON
{"board":"$board","device":"$device","fits":$([ $fits = 1 ] && echo true || echo false),"timing_met":$([ $timing = 1 ] && echo true || echo false),"lc_used":$lc,"lc_available":$cap_lc,"lut4":$luts,"dffs":$dffs,"ebr_used":$ebr,"ebr_available":$cap_ebr,"spram_used":$spram,"spram_available":$cap_spram,"dsp_used":$dsp,"dsp_available":$cap_dsp,"fmax_mhz":$(jnum "$fmax"),"target_mhz":$target,"cycles_per_image":$(jnum "$cycles"),"images_per_s_at_target":$(jnum "$rate_target"),"end_to_end_images_per_s":$(jnum "$e2e")}
JSON
mv "$json_out.tmp" "$json_out"

rc=0
if [ $fits = 0 ]; then
  echo "bitstream: FAILED: the design does not fit the $device:$why" >&2
  rc=1
elif [ $timing = 0 ]; then
  echo "bitstream: FAILED: timing missed: fmax ${fmax:-?} MHz < ${target} MHz" >&2
  rc=1
else
  echo "bitstream: fits and meets timing"
fi
cat "$json_out" # the JSON report, as the last line of stdout
exit $rc
