# snn-codesign: train E/I spiking networks, quantize them, run them on iCE40 hardware.
# `make help` lists the targets. Each room of the pipeline adds its own rules
# in <room>/<room>.mk; this file holds what they share.

SHELL := /bin/bash
BUILD ?= build
CC := gcc
CXX := g++
# -ffp-contract=off: no fused multiply-adds, so results do not depend on the CPU.
OPT ?= -O3 -march=native -ffp-contract=off
CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE $(OPT) -fopenmp -MMD -MP
LDLIBS := -lz -lm
SNN := $(BUILD)/snn

# Debian packages the project needs; `make deps` installs whichever are missing.
DEB_PACKAGES := gcc g++ make zlib1g-dev libcmocka-dev libfixmath-dev dataset-fashion-mnist \
	verilator yosys nextpnr-ice40 fpga-icestorm gnuplot-nox libhdf5-dev openmpi-bin libopenmpi-dev \
	python3-numpy gcc-arm-none-eabi

.DEFAULT_GOAL := all
.SECONDARY:
.PHONY: all build deps help demo test bench clean

all: deps ## Install missing packages, then build everything
	@$(MAKE) --no-print-directory build

deps: ## Install the Debian packages the project needs (only those missing)
	@missing=$$(for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing; \
	fi

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort -u | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  make %-16s %s\n", $$1, $$2}'

clean: ## Remove everything the build made
	rm -rf $(BUILD)

# Objects and libraries other rooms link into `snn` (e.g. the Verilated core).
SNN_EXTRA_OBJS :=
SNN_EXTRA_LIBS :=
SNN_LINKER := $(CC)

include sw/sw.mk
include $(wildcard rtl/rtl.mk sim/sim.mk firmware/firmware.mk constraints/constraints.mk)
include tests/tests.mk

# The pipeline's steps as each room defines them; run one after the other, in this order.
DEMO_STEPS := demo-train demo-quantize demo-cosim demo-board demo-report demo-summary
BENCH_STEPS := bench-train bench-fixed bench-cosim bench-board bench-sweep

$(SNN): $(SW_CLI_SRCS:%.c=$(BUILD)/obj/%.o) $(SW_LIB) $(SNN_EXTRA_OBJS)
	$(SNN_LINKER) -fopenmp -o $@ $(filter %.o,$^) $(SW_LIB) $(SNN_EXTRA_LIBS) $(LDLIBS)

build: $(SNN) $(BUILD_EXTRA)

demo: deps ## The main job: train the paper's network on Fashion-MNIST and carry it down the pipeline
	@$(MAKE) --no-print-directory build
	@for step in $(DEMO_STEPS); do $(MAKE) --no-print-directory $$step || exit 1; done

test: deps ## Run every test (unit, property, differential, co-simulation)
	@$(MAKE) --no-print-directory build $(TEST_BINS)
	@tests/run_tests.sh $(TEST_CMDS)

bench: deps ## Print the speed figures (samples/s, images/s, cycles)
	@$(MAKE) --no-print-directory build
	@for step in $(BENCH_STEPS); do $(MAKE) --no-print-directory $$step || exit 1; done

# The demo's last step: each artifact that exists, its size and what it is.
.PHONY: demo-summary
demo-summary: ## List what `make demo` made: path, size, one line on each
	@echo "make demo made (in $(DEMO_DIR) and $(BUILD)/board):"
	@show() { [ -e "$$1" ] && printf '  %-44s %6s  %s\n' "$$1" "$$(du -sh "$$1" | cut -f1)" "$$2"; true; }; \
	show $(DEMO_DIR)/model.snn "float model, 5 epochs (snn eval --model FILE)"; \
	show $(DEMO_DIR)/model.snn.metrics.jsonl "per-epoch loss, accuracies, rates (docs/training.md)"; \
	show $(DEMO_DIR)/model8.snnq "8-bit integer model (snn eval --fixed --model FILE)"; \
	show $(DEMO_DIR)/sweep-bits "accuracy vs weight bits: sweep-bits.txt, .csv, .png"; \
	show $(DEMO_DIR)/cosim-mismatch.fst "RTL vs integer model disagreed: trace of the first mismatch"; \
	[ -e $(DEMO_DIR)/model8.snnq ] && [ ! -e $(DEMO_DIR)/cosim-mismatch.fst ] && \
	  echo "  (no cosim-mismatch.fst: the RTL core matched the integer model spike for spike)"; \
	show $(DEMO_DIR)/model8-board.snnq "the model quantized for the iCEBreaker's 16-bit core"; \
	show $(BUILD)/board/classify-demo.json "simulated board: 20 images classified (JSON)"; \
	show $(BUILD)/board/icebreaker/icebreaker.bin "iCEBreaker bitstream (iceprog FILE)"; \
	show $(BUILD)/board/icebreaker/report.txt "bitstream report: cells, timing, cycles per image"; \
	show $(DEMO_DIR)/sweep.jsonl "short sweep: one JSON line per run"; \
	show $(DEMO_DIR)/report/report.html "the sweep's report (also report.md, figures beside it)"
