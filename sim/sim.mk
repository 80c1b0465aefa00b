# sim/: the Verilated snn_core as objects the C side links: per build variant,
# $(BUILD)/sim/core-<variant>/ holds Verilator's model library, the Verilator runtime
# and the C++ shim; core_sim.c (C) is shared. `snn` links the "default"
# variant; the random tests also "narrow" (small registers: saturation is common)
# and "up5k" (the Verilog defaults, the build that fits the iCE40 UP5K's 8 DSPs).

VERILATOR ?= verilator
VERILATOR_INC := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)/include
CORE_RTL := $(sort $(wildcard rtl/core/*.v))
# -O2 for the model: -O3 buys little on Verilator's large functions and costs build time.
SIM_CXXFLAGS := -O2 -std=c++17 -fPIC -w -I$(VERILATOR_INC) -I$(VERILATOR_INC)/vltstd
SIM_VERILATOR_RUNTIME := verilated.cpp verilated_fst_c.cpp verilated_threads.cpp

# The builds: P lanes, widths B/H/R, largest shapes (MAX sizes cover the paper's
# Fashion-MNIST and SHD networks).
SIM_PARAMS_default := -GP=8 -GPL=8 -GRL=8 -GB=8 -GH=24 -GR=32 -GMAX_IN=1024 -GMAX_HID=256 -GMAX_OUT=32
SIM_PARAMS_narrow := -GP=4 -GPL=2 -GRL=1 -GB=8 -GH=12 -GR=14 -GMAX_IN=1024 -GMAX_HID=256 -GMAX_OUT=32
SIM_PARAMS_up5k :=

# $(call sim_variant,name): the rules of one build; defines SIM_OBJS_<name>.
define sim_variant
$(BUILD)/sim/core-$(1)/Vsnn_core__ALL.a: $(CORE_RTL) sim/sim.mk
	@mkdir -p $$(@D)
	$(VERILATOR) --cc --trace-fst -Wall --top-module snn_core $(SIM_PARAMS_$(1)) -Mdir $$(@D) \
	  --build -j 2 -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2" $(CORE_RTL) > $$(@D)/verilator.log
$(BUILD)/sim/core-$(1)/core_shim.o: sim/core_shim.cpp sim/core_shim.h $(BUILD)/sim/core-$(1)/Vsnn_core__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -I$(BUILD)/sim/core-$(1) -c $$< -o $$@
$(BUILD)/sim/core-$(1)/runtime/%.o: $(VERILATOR_INC)/%.cpp $(BUILD)/sim/core-$(1)/Vsnn_core__ALL.a
	@mkdir -p $$(@D)
	$(CXX) $(SIM_CXXFLAGS) -I$(BUILD)/sim/core-$(1) -c $$< -o $$@
SIM_OBJS_$(1) := $(BUILD)/obj/sim/core_sim.o $(BUILD)/sim/core-$(1)/core_shim.o \
	$(SIM_VERILATOR_RUNTIME:%.cpp=$(BUILD)/sim/core-$(1)/runtime/%.o) $(BUILD)/sim/core-$(1)/Vsnn_core__ALL.a
endef
$(eval $(call sim_variant,default))
$(eval $(call sim_variant,narrow))
$(eval $(call sim_variant,up5k))

-include $(BUILD)/obj/sim/core_sim.d

# `snn` links the default core (C++ runtime, hence the C++ linker).
SNN_EXTRA_OBJS += $(SIM_OBJS_default)
SNN_EXTRA_LIBS += $(filter %.a,$(SIM_OBJS_default)) -lz -pthread
SNN_LINKER := $(CXX)

# Random differential tests against the integer model, once per core variant:
# $(BUILD)/tests/cosim_random_<variant>, a fresh seed per run (printed).
COSIM_VARIANTS := default narrow up5k
define cosim_random_test
$(BUILD)/tests/cosim_random_$(1): $(BUILD)/obj/tests/cosim_random.o $(SIM_OBJS_$(1)) $(SW_LIB)
	@mkdir -p $$(@D)
	$(CXX) -fopenmp -o $$@ $$(filter %.o,$$^) $(SW_LIB) $(filter %.a,$(SIM_OBJS_$(1))) -lz -pthread $(LDLIBS)
TEST_BINS += $(BUILD)/tests/cosim_random_$(1)
TEST_CMDS += "$(BUILD)/tests/cosim_random_$(1) now 10000000 $(BUILD)/tests/cosim-random-$(1)-mismatch.fst"
endef
$(foreach v,$(COSIM_VARIANTS),$(eval $(call cosim_random_test,$(v))))
