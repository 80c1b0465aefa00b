# rtl/: the Verilog of the LIF core (rtl/core/, docs/core.md) and its static checks:
# Verilator lint (in `make test`) and a Yosys synth_ice40 run that shows which
# memories became SPRAM/EBR and what the core costs on the iCE40 UP5K.

RTL_CORE := $(sort $(wildcard rtl/core/*.v))
# Parameter sets linted: the board default, the simulator's builds, extremes of P and widths.
RTL_LINT_PARAMS := "" "-GMAX_IN=1024 -GMAX_HID=256 -GMAX_OUT=32" "-GP=4 -GH=12 -GR=14" \
	"-GP=2 -GMAX_HID=2 -GMAX_OUT=2" "-GP=16 -GB=16 -GH=32 -GR=40 -GMAX_HID=200 -GMAX_OUT=20"
# Lanes of the synthesis check (the board top may pick another P).
RTL_SYNTH_P ?= 4

.PHONY: rtl-lint rtl-synth
rtl-lint: ## Verilator --lint-only -Wall of the core over several parameter sets (no warning allowed)
	@n=0; for g in $(RTL_LINT_PARAMS); do n=$$((n + 1)); \
	  verilator --lint-only -Wall --top-module snn_core $$g $(RTL_CORE) || { echo "rtl-lint: failed with '$$g'"; exit 1; }; \
	done; echo "rtl-lint: snn_core lint-clean with -Wall for $$n parameter sets"

rtl-synth: ## Yosys synth_ice40 of the core (P=RTL_SYNTH_P): SPRAM/EBR/DSP inference and cell counts
	@mkdir -p $(BUILD)/rtl
	yosys -q -l $(BUILD)/rtl/synth-p$(RTL_SYNTH_P).log -p "read_verilog $(RTL_CORE); \
	  chparam -set P $(RTL_SYNTH_P) snn_core; synth_ice40 -spram -dsp -top snn_core; stat" > /dev/null
	@grep -E "SB_SPRAM256KA|SB_RAM40_4K|SB_MAC16|SB_LUT4|SB_CARRY|SB_DFF" $(BUILD)/rtl/synth-p$(RTL_SYNTH_P).log | tail -n 12

TEST_CMDS += "$(MAKE) --no-print-directory rtl-lint"
