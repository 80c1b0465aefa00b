# constraints/: pins and the bitstream flow for the two boards.
#   make bitstream BOARD=icebreaker|hx8k   Yosys synth_ice40 -> nextpnr-ice40 (clock
#   constraint) -> icepack, then the report (constraints/board_report.sh): resources of
#   the device, fmax against the constraint, images/s. Fails loudly on no-fit or timing.
#   make prog BOARD=... [PROG_MODE=flash|sram]   that bitstream onto the board (iceprog).
# Everything goes to $(BUILD)/board/<board>/.

BOARD ?= icebreaker
# Core clock and UART rate per board: the one definition the bitstreams, the simulated
# board (sim/board/board_sim.mk), the host's default (--baud) and the reports use.
# 6 Mbaud is a rate the FT2232H makes exactly (12 MHz / 2) and 18 MHz makes in 3 clocks
# per bit, the fewest board_uart_rx.v samples a bit in (its sampling point is then within
# a sixth of a bit of the middle; docs/protocol.md, "The line", says why this rate). The
# iCEBreaker's PLL makes 18 MHz exactly; its design places at about 21 MHz, so 18 leaves a
# margin. The HX8K's PLL makes 15.94 MHz, too slow for 6 Mbaud: it runs 4 Mbaud (12 MHz / 3
# on the FT2232H) in 4 clocks per bit, 0.4% slow.
icebreaker_BAUD := 6000000
hx8k_BAUD := 4000000
icebreaker-deep_BAUD := $(icebreaker_BAUD)
BOARD_BAUD = $($(BOARD)_BAUD)
icebreaker_MHZ := 18
icebreaker_NEXTPNR := --up5k --package sg48
icebreaker_TOP := board_top_icebreaker
# ABC9 maps this design to 4937 logic cells where the default ABC pass needed 5184 (the
# mapping varies by a few hundred LUT4 with small changes: test-synth checks the fit).
icebreaker_SYNTH := -spram -dsp -abc9
# The core on the UP5K (docs/core.md, "iCE40 UP5K"): 8 input lanes (one 64-bit SPRAM word of
# 8-bit weights per cycle), 4 hidden lanes and 1 readout lane, 16-bit registers (one MAC16
# per decay, so 4 lanes fill the 8 MAC16; the paper's network needs 15 bits: quantize with
# BOARD_QUANTIZE) and no noise generator, which would cost the lanes' room. The simulated
# board (sim/board/) is built with the same, so its cycle counts are this board's. RL = 2
# would save 500 cycles per image but fills 99% of the cells and misses 20 MHz.
#
# The core configurations that ship, each defined here once as the core's Verilog
# parameters (NAME=VALUE; the rest are snn_core.v's defaults). Synthesis (-set), the
# simulated cores and their random co-simulation (sim/sim.mk, -G), the simulated board
# and the lint all derive theirs from these.
CORE_CONFIG_icebreaker := P=8 PL=4 RL=1 H=16 R=16 NOISE=0
# No SPRAM and no DSP on the HX8K: weights in block RAM and multipliers in logic, so a
# smaller network (784-8-10) with 16-bit registers (snn quantize --hidden-bits 16 --readout-bits 16).
CORE_CONFIG_hx8k := P=2 PL=1 RL=1 MAX_HID=8 H=16 R=16
# The iCEBreaker's general build (docs/board.md, "Which networks"): up to two hidden layers
# of up to 100, each feed-forward or recurrent, with the readout's own decays, on the same
# board and clock. The layer loop, the spike memory and the signed adders take the cells
# of lanes: P = 4 (a 32-bit weight word), PL = 1 (2 of the 8 MAC16) places in 4946 of the
# 5280 cells; P = 8 needs 5370 at PL = 1 (recurrent) or 5273 without recurrence, P = 4
# PL = 2 5145. Weights: 784 x 25 + 100 x 3 + 3 x 100 x 25 = 27400 words of 4 magnitudes,
# of the SPRAM's 32768.
CORE_CONFIG_icebreaker-deep := P=4 PL=1 RL=1 H=16 R=16 NOISE=0 MAX_LAYERS=2 RECURRENT=1
CORE_CONFIGS := icebreaker hx8k icebreaker-deep
# $(call core_param,CONFIG,NAME): one parameter's value; core_set/core_gen: a whole
# configuration as Yosys chparam (-set P 8 ...) or Verilator (-GP=8 ...) arguments.
core_param = $(patsubst $(2)=%,%,$(filter $(2)=%,$(CORE_CONFIG_$(1))))
core_set = $(foreach p,$(CORE_CONFIG_$(1)),-set $(subst =, ,$(p)))
core_gen = $(addprefix -G,$(CORE_CONFIG_$(1)))
BOARD_CORE_P := $(call core_param,icebreaker,P)
BOARD_CORE_PL := $(call core_param,icebreaker,PL)
BOARD_CORE_RL := $(call core_param,icebreaker,RL)
BOARD_CORE_H := $(call core_param,icebreaker,H)
BOARD_CORE_R := $(call core_param,icebreaker,R)
BOARD_CORE_NOISE := $(call core_param,icebreaker,NOISE)
BOARD_QUANTIZE := --weight-bits 8 --hidden-bits $(BOARD_CORE_H) --readout-bits $(BOARD_CORE_R)
icebreaker_PARAMS := $(call core_set,icebreaker)
hx8k_MHZ := 16
hx8k_NEXTPNR := --hx8k --package ct256
hx8k_TOP := board_top_hx8k
hx8k_SYNTH :=
hx8k_PARAMS := $(call core_set,hx8k)
# The general build runs on the iCEBreaker's top, pins and clock.
icebreaker-deep_MHZ := $(icebreaker_MHZ)
icebreaker-deep_NEXTPNR := $(icebreaker_NEXTPNR)
icebreaker-deep_TOP := $(icebreaker_TOP)
icebreaker-deep_SYNTH := $(icebreaker_SYNTH)
icebreaker-deep_PARAMS := $(call core_set,icebreaker-deep)
BOARDS := icebreaker hx8k icebreaker-deep
# Their simulated boards (sim/board/, beside snn): `snn fit` measures cycles on them.
icebreaker_SIM := snn-board-sim
icebreaker-deep_SIM := snn-board-sim-deep
# The pins of a board build: the board's.
board_pcf = constraints/$(if $(filter icebreaker-deep,$(1)),icebreaker,$(1)).pcf

BOARD_BUILD := $(BUILD)/board/$(BOARD)
# Cycles per image for the report: the simulated board is the iCEBreaker's build, so
# its last demo run (demo-board) counts for the iCEBreaker only.
BOARD_CLASSIFY_JSON ?= $(if $(filter icebreaker,$(BOARD)),$(wildcard $(BOARD_DEMO_JSON)))
BOARD_SYNTH_RTL = $(sort $(filter-out rtl/board/board_top_%.v,$(wildcard rtl/board/*.v)) \
	rtl/board/$($(BOARD)_TOP).v $(CORE_RTL))
BOARD_MHZ = $($(BOARD)_MHZ)

.PHONY: bitstream test-synth
bitstream: ## Bitstream and report for BOARD=icebreaker|hx8k|icebreaker-deep (fails if it does not fit or misses timing)
	@case "$(BOARD)" in icebreaker|hx8k|icebreaker-deep) ;; *) echo "bitstream: BOARD must be icebreaker, hx8k or icebreaker-deep" >&2; exit 2;; esac
	@$(MAKE) --no-print-directory $(BOARD_BUILD)/pnr.status
	@status=$$(cat $(BOARD_BUILD)/pnr.status); \
	constraints/board_report.sh $(BOARD) $(BOARD_MHZ) $(BOARD_BUILD)/synth.log $(BOARD_BUILD)/pnr.log \
	  $$status $(BOARD_BUILD)/report.json $(BOARD_CLASSIFY_JSON) | tee $(BOARD_BUILD)/report.txt; \
	  rc=$${PIPESTATUS[0]}; [ $$rc = 0 ] || exit $$rc
	@$(MAKE) --no-print-directory $(BOARD_BUILD)/$(BOARD).bin
	@echo "bitstream: $(BOARD_BUILD)/$(BOARD).bin (report: $(BOARD_BUILD)/report.txt, report.json)"

test-synth: ## Every synthesis target: the core alone (rtl-synth), every board build's bitstream (fit, timing)
	@$(MAKE) --no-print-directory rtl-synth
	@$(MAKE) --no-print-directory bitstream BOARD=icebreaker
	@$(MAKE) --no-print-directory bitstream BOARD=hx8k
	@$(MAKE) --no-print-directory bitstream BOARD=icebreaker-deep

# The bitstream onto the board, with iceprog (fpga-icestorm) over the FT2232H's channel A
# (docs/board.md). PROG_MODE=flash (the default) writes the board's SPI flash, which the
# FPGA loads at every power-up; PROG_MODE=sram (iceprog -S) configures the FPGA directly:
# quicker, gone at the next power cycle. The mode is checked before the bitstream is made,
# so a typo does not cost a place and route; without a board, iceprog's error and exit.
PROG_MODE ?= flash
.PHONY: prog
prog: ## Program the board: BOARD=icebreaker|hx8k, PROG_MODE=flash (default, kept) or sram (until power-off)
	@case "$(PROG_MODE)" in sram|flash) ;; *) echo "prog: PROG_MODE must be sram or flash" >&2; exit 2;; esac
	@$(MAKE) --no-print-directory bitstream
	iceprog $(if $(filter sram,$(PROG_MODE)),-S )$(BOARD_BUILD)/$(BOARD).bin

# The board's build settings; rewritten only when they change, so that editing this
# file does not redo a 10-minute place and route for nothing.
$(BOARD_BUILD)/settings: FORCE
	@mkdir -p $(@D)
	@echo "$(BOARD_MHZ) MHz, $(BOARD_BAUD) baud, $($(BOARD)_PARAMS)" > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

# The PLL settings for the target clock, from icepll (12 MHz: no PLL, the oscillator).
$(BOARD_BUILD)/pll.params: $(BOARD_BUILD)/settings
	@if [ "$(BOARD_MHZ)" = 12 ]; then echo "-set BYPASS 1 -set CLK_HZ 12000000" > $@; else \
	icepll -i 12 -o $(BOARD_MHZ) | awk '/^DIVR:/ {r=$$2} /^DIVF:/ {f=$$2} /^DIVQ:/ {q=$$2} \
	  /^FILTER_RANGE:/ {fr=$$2} /F_PLLOUT:/ {hz=$$2 * 1e6} \
	  END {printf "-set DIVR %d -set DIVF %d -set DIVQ %d -set FILTER_RANGE %d -set CLK_HZ %d\n", r, f, q, fr, hz}' > $@; \
	grep -q DIVF $@ || { echo "icepll failed for $(BOARD_MHZ) MHz" >&2; rm -f $@; exit 1; }; fi
	@hz=$$(sed -E 's/.*CLK_HZ ([0-9]+).*/\1/' $@); awk -v hz=$$hz -v b=$(BOARD_BAUD) 'BEGIN { \
	  n = int(hz / b + 0.5); e = (hz / n - b) / b; if (n < 3 || e > 0.02 || e < -0.02) { \
	  printf "bitstream: a %.3f MHz clock cannot make %d baud (%d clocks per bit, %.1f%% off)\n", \
	    hz / 1e6, b, n, 100 * e > "/dev/stderr"; exit 1 } }' || { rm -f $@; exit 1; }

# The board top's parameters as synthesis sets them (Yosys chparam arguments). The tops'
# defaults equal them, so a top synthesised alone is the shipped build: board-chparam
# prints them for tests/board_top_defaults.sh, which checks that.
BOARD_CHPARAM = $$(cat $(BOARD_BUILD)/pll.params) -set BAUD $(BOARD_BAUD) $($(BOARD)_PARAMS)
.PHONY: board-chparam
board-chparam: $(BOARD_BUILD)/pll.params ## The chparam arguments of BOARD's top in make bitstream
	@echo "$(BOARD_CHPARAM)"

$(BOARD_BUILD)/synth.json: $(BOARD_SYNTH_RTL) $(BOARD_BUILD)/pll.params $(BOARD_BUILD)/settings
	@echo "yosys: synth_ice40 $($(BOARD)_TOP) ($(BOARD), $(BOARD_MHZ) MHz) ..."
	@yosys -q -l $(BOARD_BUILD)/synth.log -p "read_verilog -sv $(BOARD_SYNTH_RTL); \
	  chparam $(BOARD_CHPARAM) $($(BOARD)_TOP); \
	  synth_ice40 $($(BOARD)_SYNTH) -top $($(BOARD)_TOP) -json $@.tmp; stat" > /dev/null
	@mv $@.tmp $@

# Place and route; its exit status is kept so that the report can say why it failed.
$(BOARD_BUILD)/pnr.status: $(BOARD_BUILD)/synth.json $(call board_pcf,$(BOARD))
	@echo "nextpnr-ice40: place and route at $(BOARD_MHZ) MHz ..."
	@nextpnr-ice40 $($(BOARD)_NEXTPNR) --pcf $(call board_pcf,$(BOARD)) --json $< \
	  --asc $(BOARD_BUILD)/pnr.asc --freq $(BOARD_MHZ) --seed 1 --timing-allow-fail \
	  --report $(BOARD_BUILD)/pnr.json > $(BOARD_BUILD)/pnr.log 2>&1; echo $$? > $@

$(BOARD_BUILD)/$(BOARD).bin: $(BOARD_BUILD)/pnr.status
	icepack $(BOARD_BUILD)/pnr.asc $@

# The demo's float model (demo-train), quantized to the board's widths, on the simulated
# iCEBreaker, then the iCEBreaker bitstream whose report takes its cycles per image from
# that run.
BOARD_DEMO_MODEL := $(DEMO_DIR)/model8-board.snnq
BOARD_DEMO_JSON := $(BUILD)/board/classify-demo.json
BOARD_DEMO_DEEP_MODEL := $(DEMO_DIR)/deep8-board.snnq
BOARD_DEMO_DEEP_JSON := $(BUILD)/board/classify-demo-deep.json
.PHONY: demo-board bench-board
demo-board: $(SNN) $(BOARD_SIM) $(BOARD_SIM_DEEP) ## The demo models on the simulated boards (paper: iCEBreaker, recurrent: icebreaker-deep), 20 images each; the iCEBreaker bitstream + report
	@test -s $(DEMO_DIR)/model.snn || { echo "demo-board: $(DEMO_DIR)/model.snn missing (make demo-train)" >&2; exit 1; }
	@mkdir -p $(BUILD)/board
	$(SNN) quantize --model $(DEMO_DIR)/model.snn $(BOARD_QUANTIZE) --out $(BOARD_DEMO_MODEL)
	$(SNN) deploy --sim --model $(BOARD_DEMO_MODEL)
	$(SNN) classify --sim --model $(BOARD_DEMO_MODEL) --images 20 --json | tee $(BOARD_DEMO_JSON).out
	@tail -n 1 $(BOARD_DEMO_JSON).out > $(BOARD_DEMO_JSON)
	$(SNN) quantize --model $(DEMO_DIR)/deep.snn $(BOARD_QUANTIZE) --out $(BOARD_DEMO_DEEP_MODEL)
	$(SNN) classify --sim --sim-bin $(BOARD_SIM_DEEP) --deploy --model $(BOARD_DEMO_DEEP_MODEL) --images 20 \
	  --json | tee $(BOARD_DEMO_DEEP_JSON).out
	@tail -n 1 $(BOARD_DEMO_DEEP_JSON).out > $(BOARD_DEMO_DEEP_JSON)
	@$(MAKE) --no-print-directory bitstream BOARD=icebreaker BOARD_CLASSIFY_JSON=$(BOARD_DEMO_JSON)

# Figures of the board: core cycles and rate, the end-to-end rate through the UART at the
# iCEBreaker's baud (1 ms per round trip), simulation speed.
bench-board: $(SNN) $(BOARD_SIM) ## Board figures: core cycles/image and images/s, end-to-end images/s at the bitstream's link settings (simulated board)
	@model=$(BOARD_DEMO_MODEL); if [ ! -s $$model ]; then model=$(BUILD)/board/bench.snnq; \
	  mkdir -p $(BUILD)/board; \
	  $(SNN) train --limit 2048 --test-limit 200 --epochs 1 --quiet --out $(BUILD)/board/bench.snn > /dev/null && \
	  $(SNN) quantize --model $(BUILD)/board/bench.snn --limit 200 $(BOARD_QUANTIZE) --out $$model > /dev/null || exit 1; fi; \
	$(SNN) classify --sim --model $$model --images 100 --json > $(BUILD)/board/bench.out || exit 1; \
	j=$$(tail -n 1 $(BUILD)/board/bench.out); f() { echo "$$j" | grep -o "\"$$1\":[-0-9.e+]*" | cut -d: -f2; }; \
	printf "board core: %.0f cycles/image (iCEBreaker build, P=$(BOARD_CORE_P) PL=$(BOARD_CORE_PL) RL=$(BOARD_CORE_RL) H=$(BOARD_CORE_H) R=$(BOARD_CORE_R), 100 images)\n" $$(f cycles_per_image); \
	awk -v c=$$(f cycles_per_image) -v m=$(icebreaker_MHZ) 'BEGIN {printf "board core: %.0f images/s at the %d MHz clock (the ceiling)\n", m * 1e6 / c, m}'; \
	awk -v e=$$(f end_to_end_images_per_s) -v i=$$(f line_bytes_in_per_image) -v o=$$(f line_bytes_out_per_image) \
	  -v b=$$(f baud) -v t=$$(f round_trips_per_image) -v l=$$(f round_trip_latency_s) \
	  'BEGIN {printf "board end to end: %.0f images/s (%.1f bytes/image in, %.1f out at %d baud; %.3f round trips/image at %.0f ms each)\n", e, i, o, b, t, 1e3 * l}'; \
	awk -v s=$$(f board_s_per_image) -v r=$$(f board_running_s_per_image) -v i=$$(f board_line_in_s_per_image) \
	  -v t=$$(f round_trips_per_image) -v l=$$(f round_trip_latency_s) \
	  'BEGIN {printf "board budget per image: %.3f ms = %.3f ms board time (%.3f ms a batch running, %.3f ms the line to the board busy) + %.3f ms round trips\n", 1e3 * (s + t * l), 1e3 * s, 1e3 * r, 1e3 * i, 1e3 * t * l}'; \
	printf "board sim: %.1f images/s through the Verilated board (wall clock, %s)\n" $$(f wall_images_per_s) "$$(nproc) cores $$(uname -m)"

# The iceprog command of make prog per board and mode (make -n: nothing built or flashed).
TEST_CMDS += "tests/board_prog.sh $(BUILD)"
# The board tops' default parameters are the shipped builds'.
TEST_CMDS += "tests/board_top_defaults.sh $(BUILD)"
