# sim/: the Verilated snn_core as objects the C side links, and the co-simulation
# (sim/cosim/: the core against the integer model). Per build variant,
# $(BUILD)/sim/core-<variant>/ holds Verilator's model library, the Verilator runtime
# and the C++ shim; core_sim.c and sim/cosim/ (C) are shared. `snn` links the "default"
# variant; the random tests run every variant.

VERILATOR ?= verilator
VERILATOR_INC := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)/include
# -O2 for the model: -O3 buys little on Verilator's large functions and costs build time.
SIM_CXXFLAGS := -O2 -std=c++17 -fPIC -w -I$(VERILATOR_INC) -I$(VERILATOR_INC)/vltstd
# Optimization of Verilator's generated code (its Makefile's variables). Its "Slow" files
# (construction, the first settle, trace declarations) run once: -O0. At -O1 g++ took 12 of
# the netlist stage's 18 minutes on the core netlist's trace declarations alone (one 2 MB
# function); at -O0 it takes 7 s.
VERILATED_OPT := OPT_FAST=-O2 OPT_SLOW=-O0 OPT_GLOBAL=-O2
SIM_VERILATOR_RUNTIME := verilated.cpp verilated_fst_c.cpp verilated_threads.cpp
SIM_C_SRCS := sim/core_sim.c $(wildcard sim/cosim/*.c)
# Verilator's FST writer embeds GTKWave's fstapi.c, which shifts negative values (UBSan:
# shift-base): third-party code, so with SAN=1 it keeps AddressSanitizer but not UBSan.
SIM_RUNTIME_FLAGS_verilated_fst_c := $(if $(SAN),-fno-sanitize=undefined)

# The builds (Verilog parameters NAME=VALUE, the rest snn_core.v's defaults): "default"
# (the general core: MAX sizes cover the paper's Fashion-MNIST and SHD networks, up to 4
# hidden layers, recurrent ones too), "narrow" (small registers: saturation is common; 3
# recurrent layers), "up5k" (the Verilog defaults: the paper's one-layer core) and every
# configuration that ships on a board (constraints/constraints.mk, CORE_CONFIGS), defined
# there once.
SIM_CONFIG_default := P=8 PL=8 RL=8 B=8 H=24 R=32 MAX_IN=1024 MAX_HID=256 MAX_OUT=32 MAX_LAYERS=4 RECURRENT=1
SIM_CONFIG_narrow := P=4 PL=2 RL=1 B=8 H=12 R=14 MAX_IN=1024 MAX_HID=256 MAX_OUT=32 MAX_LAYERS=3 RECURRENT=1
SIM_CONFIG_up5k :=
SIM_BOARD_VARIANTS := icebreaker hx8k
SIM_VARIANTS := default narrow up5k $(SIM_BOARD_VARIANTS)
SIM_CONFIG_icebreaker = $(CORE_CONFIG_icebreaker)
SIM_CONFIG_hx8k = $(CORE_CONFIG_hx8k)
SIM_VARIANTS += icebreaker-deep
SIM_BOARD_VARIANTS += icebreaker-deep
SIM_CONFIG_icebreaker-deep = $(CORE_CONFIG_icebreaker-deep)

# $(call sim_variant,name): the rules of one build; defines SIM_OBJS_<name>. Its
# parameters are read when the recipe runs (any include order). A build Verilates the
# core's RTL with -Wall unless SIM_VERILOG_<name> and SIM_VFLAGS_<name> say otherwise
# (sim/netlist/: the synthesized netlist over the iCE40 cell models).
# The Verilator arguments are kept in config, rewritten only when they change, so that
# editing a makefile does not rebuild every core for nothing.
sim_verilog = $(or $(SIM_VERILOG_$(1)),$(CORE_RTL))
define sim_variant
$(BUILD)/sim/core-$(1)/config: FORCE
	@mkdir -p $$(@D)
	@echo "$$(addprefix -G,$$(SIM_CONFIG_$(1))) $(VERILATOR_SAN)$$(if $$(SIM_VFLAGS_$(1)), $$(SIM_VFLAGS_$(1)))" > $$@.new
	@if cmp -s $$@.new $$@; then rm $$@.new; else mv $$@.new $$@; fi
$(BUILD)/sim/core-$(1)/Vsnn_core__ALL.a: $$$$(call sim_verilog,$(1)) $(BUILD)/sim/core-$(1)/config
	$(VERILATOR) --cc --trace-fst $$(or $$(SIM_VFLAGS_$(1)),-Wall) --top-module snn_core \
	  $$(addprefix -G,$$(SIM_CONFIG_$(1))) \
	  -Mdir $$(@D) $(VERILATOR_SAN) --build -j 2 -MAKEFLAGS "$(VERILATED_OPT)" \
	  $$(call sim_verilog,$(1)) > $$(@D)/verilator.log
$(BUILD)/sim/core-$(1)/core_shim.o: sim/core_shim.cpp sim/core_shim.h $(BUILD)/sim/core-$(1)/Vsnn_core__ALL.a
	$(CXX) $(SIM_CXXFLAGS) $(VERILATED_SAN_FLAGS) -I$(BUILD)/sim/core-$(1) -c $$< -o $$@
$(BUILD)/sim/core-$(1)/runtime/%.o: $(VERILATOR_INC)/%.cpp $(BUILD)/sim/core-$(1)/Vsnn_core__ALL.a
	@mkdir -p $$(@D)
	$(CXX) $(SIM_CXXFLAGS) $(VERILATED_SAN_FLAGS) $$(SIM_RUNTIME_FLAGS_$$*) -I$(BUILD)/sim/core-$(1) -c $$< -o $$@
SIM_OBJS_$(1) := $(SIM_C_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/sim/core-$(1)/core_shim.o \
	$(SIM_VERILATOR_RUNTIME:%.cpp=$(BUILD)/sim/core-$(1)/runtime/%.o) $(BUILD)/sim/core-$(1)/Vsnn_core__ALL.a
endef
$(foreach v,$(SIM_VARIANTS),$(eval $(call sim_variant,$(v))))

-include $(wildcard $(BUILD)/obj/sim/*.d $(BUILD)/obj/sim/cosim/*.d)

# `snn` links the default core (C++ runtime, hence the C++ linker).
SNN_EXTRA_OBJS += $(SIM_OBJS_default)
SNN_EXTRA_LIBS += $(filter %.a,$(SIM_OBJS_default)) -lz -pthread
SNN_LINKER := $(CXX)

# Random differential tests against the integer model, once per core variant:
# $(BUILD)/tests/cosim_random_<variant> SEED NEURON_STEPS. `make test` runs fixed seeds
# (reproducible; one per variant), `make soak` fresh ones (printed) and longer runs.
# 1e7 neuron-steps take about 80 s on the general cores (default, narrow: 0.13 M
# neuron-steps/s on 2 threads), 40 s on the one-layer ones, 160 s on the HX8K's (8 neurons).
COSIM_SEED_default := 1
COSIM_SEED_narrow := 2
COSIM_SEED_up5k := 3
COSIM_SEED_icebreaker := 4
COSIM_SEED_hx8k := 5
COSIM_SEED_icebreaker-deep := 6
COSIM_TEST_STEPS := 10000000
# Under the sanitizers (SAN=1) only the core `snn` links, with fewer steps: the other builds
# differ in parameters only, and each costs minutes to compile with ASan.
COSIM_TEST_VARIANTS := $(if $(SAN),default,$(SIM_VARIANTS))
COSIM_SOAK_STEPS ?= 100000000
define cosim_random_test
$(BUILD)/tests/cosim_random_$(1): $(BUILD)/obj/tests/cosim_random.o $(SIM_OBJS_$(1)) $(SW_LIB)
	@mkdir -p $$(@D)
	$(CXX) -fopenmp -o $$@ $$(filter %.o,$$^) $(SW_LIB) $(filter %.a,$(SIM_OBJS_$(1))) -lz -pthread $$(LDLIBS)
SOAK_CMDS += "$(BUILD)/tests/cosim_random_$(1) now $$(COSIM_SOAK_STEPS) $(BUILD)/tests/cosim-random-$(1)-mismatch.fst"
endef
$(foreach v,$(SIM_VARIANTS),$(eval $(call cosim_random_test,$(v))))
TEST_BINS += $(COSIM_TEST_VARIANTS:%=$(BUILD)/tests/cosim_random_%)
TEST_CMDS += $(foreach v,$(COSIM_TEST_VARIANTS),"$(BUILD)/tests/cosim_random_$(v) $(COSIM_SEED_$(v)) \
	$(if $(SAN),2000000,$(COSIM_TEST_STEPS)) $(BUILD)/tests/cosim-random-$(v)-mismatch.fst")

# `snn` with the core a board ships instead of the default: `snn cosim --core <board>` runs
# the command there (a board's model has the board's widths, which the default core refuses).
define snn_core_variant
$(BUILD)/snn-core-$(1): $$$$(patsubst %.c,$(BUILD)/obj/%.o,$$$$(CLI_SRCS)) $(SW_LIB) \
	  $$$$(filter-out $$$$(SIM_OBJS_default),$$$$(SNN_EXTRA_OBJS)) $$$$(SIM_OBJS_$(1))
	$(CXX) -fopenmp -o $$@ $$(filter %.o,$$^) $(SW_LIB) $$(filter %.a,$$(SIM_OBJS_$(1))) \
	  $$(filter-out %.a,$$(SNN_EXTRA_LIBS)) $$(LDLIBS)
endef
$(foreach v,$(SIM_BOARD_VARIANTS),$(eval $(call snn_core_variant,$(v))))
TEST_BINS += $(SIM_BOARD_VARIANTS:%=$(BUILD)/snn-core-%)

.PHONY: soak
soak: ## Random co-simulation of every core variant with fresh seeds, COSIM_SOAK_STEPS neuron-steps each
	@$(MAKE) --no-print-directory $(foreach v,$(SIM_VARIANTS),$(BUILD)/tests/cosim_random_$(v))
	@tests/run_tests.sh $(SOAK_CMDS)
