# snn-codesign: train E/I spiking networks, quantize them, run them on iCE40 hardware.
# `make help` lists the targets. Each room of the pipeline adds its own rules
# in <room>/<room>.mk; this file holds what they share.

SHELL := /bin/bash
# Build settings (each variant has its own build dir, so they never mix objects):
#   make NATIVE=1   -march=native: faster on this CPU, but the binary may die with SIGILL on
#                   another (the default is portable: MPI sweeps run one binary on many machines)
#   make SAN=1      AddressSanitizer + UndefinedBehaviorSanitizer on everything, the Verilated
#                   models included, into build-san/ (`make test SAN=1`)
BUILD ?= build$(if $(SAN),-san)$(if $(NATIVE),-native)
CC := gcc
CXX := g++
# -ffp-contract=off: no fused multiply-adds, so results do not depend on the CPU.
OPT ?= $(if $(SAN),-O1 -g -fno-omit-frame-pointer,-O3) $(if $(NATIVE),-march=native) -ffp-contract=off
comma := ,
SAN_FLAGS := $(if $(SAN),-fsanitize=address$(comma)undefined -fno-sanitize-recover=all)
# With SAN=1 every compile and link (C, C++, tests, tools) carries the sanitizers.
CC += $(SAN_FLAGS)
CXX += $(SAN_FLAGS)
# The same for the C++ that Verilator compiles and links itself (--build, --binary, its .mk;
# no -g: debug info of its large generated functions costs minutes), except UBSan's
# alignment check: Verilator's trace buffers and its FST writer (GTKWave's fstapi.c) load
# and store 64-bit words at 32-bit alignment by design (fine on x86 and ARMv7+).
VERILATED_SAN_FLAGS := $(if $(SAN),-fno-sanitize=alignment)
VERILATOR_SAN := $(if $(SAN),-CFLAGS "$(SAN_FLAGS) $(VERILATED_SAN_FLAGS)" -LDFLAGS "$(SAN_FLAGS)")
CFLAGS := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE $(OPT) -fopenmp -MMD -MP
LDLIBS := -lz -lm
# Parallel jobs of the builds that `make`, `make test` start themselves (one per core).
JOBS ?= $(shell nproc)
ifneq ($(SAN),)
# Fail on the first finding, with a stack; leaks count.
export ASAN_OPTIONS := detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
endif

# Names that several rooms use in targets and prerequisites: defined here, before any
# fragment is read, so that no fragment depends on the order they are included in. A
# fragment that needs another room's name in a prerequisite writes $$(NAME) (expanded
# once every fragment is read); the lists the rooms add to are recursive (=).
.SECONDEXPANSION:
SNN := $(BUILD)/snn
SW_LIB_SRCS := $(wildcard sw/*/*.c)
SW_LIB := $(BUILD)/libsnn.a
DEMO_DIR := $(BUILD)/demo
BOARD_SIM := $(BUILD)/snn-board-sim
# The Verilog of the core (docs/core.md): lint, simulation and synthesis all read this list.
CORE_RTL := $(sort $(wildcard rtl/core/*.v))
# Every C object depends on the compiler and flags it was built with: a change (e.g. of
# OPT) rebuilds. (SAN and NATIVE have their own build dirs.)
BUILD_FLAGS := $(BUILD)/flags
# libhdf5 (Debian libhdf5-dev): the SHD loader (sw/data/shd.c) and NIR files (sw/io/nir.c).
HDF5_CFLAGS := $(shell pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS := $(shell pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
LDLIBS += $(HDF5_LIBS)

# Debian packages the project needs; `make deps` installs whichever are missing.
# clang, libclang-rt-14-dev (libclang_rt.fuzzer) and libomp-dev: `make fuzz`; help2man: the man page;
# python3-h5py: tests/cli_nir.sh writes a NIR file as another tool would.
DEB_PACKAGES := gcc g++ make zlib1g-dev libcmocka-dev libfixmath-dev dataset-fashion-mnist \
	verilator yosys nextpnr-ice40 fpga-icestorm gnuplot-nox libhdf5-dev openmpi-bin libopenmpi-dev \
	python3-numpy python3-h5py gcc-arm-none-eabi clang libclang-rt-14-dev libomp-dev help2man

.DEFAULT_GOAL := all
.SECONDARY:
.PHONY: all build deps help demo test bench clean

all: deps ## Install missing packages, then build everything
	@$(MAKE) --no-print-directory -j$(JOBS) build

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

clean: ## Remove everything the build made (this variant's build dir)
	rm -rf $(BUILD)

$(BUILD_FLAGS): FORCE
	@mkdir -p $(@D)
	@echo "$(CC) $(CXX) $(CFLAGS) $(VERILATOR_SAN)" > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
.PHONY: FORCE
FORCE:

# Objects and libraries other rooms link into `snn` (e.g. the Verilated core), programs
# `make build` makes besides `snn`, and the test programs and commands `make test` runs.
SNN_EXTRA_OBJS =
SNN_EXTRA_LIBS =
SNN_LINKER := $(CC)
BUILD_EXTRA =
TEST_BINS =
TEST_CMDS =
SOAK_CMDS =

# Every room's fragment (<room>/<room>.mk and its sub-rooms'); any order works.
include $(wildcard sw/*.mk sw/*/*.mk cli/*.mk sim/*.mk sim/*/*.mk rtl/*.mk constraints/*.mk \
	firmware/*.mk tests/*.mk tests/*/*.mk)

# The pipeline's steps as each room defines them; run one after the other, in this order.
DEMO_STEPS := demo-train demo-quantize demo-cosim demo-board demo-report demo-summary
BENCH_STEPS := bench-train bench-fixed bench-cosim bench-board bench-sweep

$(SNN): $$(patsubst %.c,$(BUILD)/obj/%.o,$$(CLI_SRCS)) $(SW_LIB) $$(SNN_EXTRA_OBJS)
	$(SNN_LINKER) -fopenmp -o $@ $(filter %.o,$^) $(SW_LIB) $(SNN_EXTRA_LIBS) $(LDLIBS)

build: $(SNN) $$(BUILD_EXTRA)

demo: deps ## The main job: train the paper's network on Fashion-MNIST and carry it down the pipeline
	@$(MAKE) --no-print-directory build
	@for step in $(DEMO_STEPS); do $(MAKE) --no-print-directory $$step || exit 1; done

test: deps ## Run every test (unit, property, differential, co-simulation)
	@$(MAKE) --no-print-directory -j$(JOBS) build $(TEST_BINS)
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
	show $(DEMO_DIR)/deep.snn "784-64r-32r-10 recurrent E/I network, 2 epochs on 20,000 samples"; \
	show $(DEMO_DIR)/model8.snnq "8-bit integer model (snn eval --fixed --model FILE)"; \
	show $(DEMO_DIR)/sweep-bits "accuracy vs weight bits: sweep-bits.txt, .csv, .png"; \
	show $(DEMO_DIR)/deep8.snnq "the recurrent network as an 8-bit integer model"; \
	show $(DEMO_DIR)/cosim-mismatch.fst "RTL vs integer model disagreed: trace of the first mismatch"; \
	show $(DEMO_DIR)/cosim-deep-mismatch.fst "the same for the recurrent network"; \
	[ -e $(DEMO_DIR)/deep8.snnq ] && [ ! -e $(DEMO_DIR)/cosim-mismatch.fst ] && \
	  [ ! -e $(DEMO_DIR)/cosim-deep-mismatch.fst ] && \
	  echo "  (no mismatch traces: the RTL core matched the integer model spike for spike, both networks)"; \
	show $(DEMO_DIR)/model8-board.snnq "the model quantized for the iCEBreaker's 16-bit core"; \
	show $(BUILD)/board/classify-demo.json "simulated board: 20 images classified (JSON)"; \
	show $(BUILD)/board/classify-demo-deep.json "the recurrent network on the simulated icebreaker-deep build (JSON)"; \
	show $(BUILD)/board/icebreaker/icebreaker.bin "iCEBreaker bitstream (iceprog FILE)"; \
	show $(BUILD)/board/icebreaker/report.txt "bitstream report: cells, timing, cycles per image"; \
	show $(DEMO_DIR)/sweep.jsonl "short sweep: one JSON line per run"; \
	show $(DEMO_DIR)/report/report.html "the sweep's report (also report.md, figures beside it)"
