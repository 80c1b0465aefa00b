# rtl/: the Verilog of the LIF core (rtl/core/, docs/core.md) and its static checks:
# Verilator lint (in `make test`) and a Yosys synth_ice40 run that shows which
# memories became SPRAM/EBR and what the core costs on the iCE40 UP5K.

# Parameter sets linted: the simulator's builds (the shipped configurations among them,
# sim/sim.mk), extremes of P and widths, layers and recurrence. The core's sources: CORE_RTL (Makefile).
RTL_LINT_PARAMS = $(foreach v,$(SIM_VARIANTS),"$(addprefix -G,$(SIM_CONFIG_$(v)))") \
	"-GPL=2 -GRL=1" "-GMAX_IN=1024 -GMAX_HID=256 -GMAX_OUT=32" \
	"-GP=2 -GPL=1 -GRL=2 -GMAX_HID=2 -GMAX_OUT=2" \
	"-GP=16 -GPL=16 -GRL=4 -GB=16 -GH=32 -GR=40 -GMAX_HID=200 -GMAX_OUT=20" \
	"-GMAX_LAYERS=2" "-GRECURRENT=1" "-GMAX_LAYERS=3 -GRECURRENT=1 -GP=2 -GPL=1 -GRL=2 -GMAX_HID=2" \
	"-GMAX_LAYERS=4 -GRECURRENT=1 -GP=16 -GPL=4 -GRL=16 -GMAX_HID=1024 -GMAX_OUT=32 -GWORDS=100000"
# Parameters of the synthesis check: the Verilog defaults, the UP5K build.
RTL_SYNTH_PARAMS ?= -set P 8 -set PL 2 -set RL 1

.PHONY: rtl-lint rtl-synth
rtl-lint: ## Verilator --lint-only -Wall of the core over several parameter sets (no warning allowed)
	@n=0; for g in $(RTL_LINT_PARAMS); do n=$$((n + 1)); \
	  verilator --lint-only -Wall --top-module snn_core $$g $(CORE_RTL) || { echo "rtl-lint: failed with '$$g'"; exit 1; }; \
	done; echo "rtl-lint: snn_core lint-clean with -Wall for $$n parameter sets"

rtl-synth: ## Yosys synth_ice40 of the core (RTL_SYNTH_PARAMS): SPRAM/EBR/DSP inference, cell counts
	@mkdir -p $(BUILD)/rtl
	yosys -q -l $(BUILD)/rtl/synth.log -p "read_verilog -sv $(CORE_RTL); \
	  chparam $(RTL_SYNTH_PARAMS) snn_core; synth_ice40 -spram -dsp -top snn_core; stat" > /dev/null
	@echo "rtl-synth: snn_core with $(RTL_SYNTH_PARAMS) (UP5K: 5280 LUT4, 30 RAM40_4K, 4 SPRAM256KA, 8 MAC16):"
	@sed -n '/Printing statistics/,$$p' $(BUILD)/rtl/synth.log | grep -E "^ +SB_" | sort -u

TEST_CMDS += "$(MAKE) --no-print-directory rtl-lint"
