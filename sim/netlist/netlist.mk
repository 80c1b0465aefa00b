# sim/netlist/: the iCEBreaker's synthesized netlists, simulated with Yosys's iCE40 cell
# models (cells_sim.v; the PLL stubbed, sim/netlist/ice40_pll_stub.v) under Verilator, and
# proven against the integer model as the RTL is (docs/netlist.md):
#   the core netlist   snn_core synthesized alone with the iCEBreaker's core parameters and
#                      synth_ice40 options; the cosim harness (sim/cosim/) over it: `snn cosim`
#                      ($(NETLIST_DIR)/snn) and the random differential test
#   the board netlist  the very netlist of the bitstream: the synth.json that nextpnr places,
#                      written back as Verilog; the simulated board (sim/board/board_sim.c)
#                      over it, at the bitstream's clocks per UART bit ($(NETLIST_DIR)/snn-board-sim,
#                      beside $(NETLIST_DIR)/snn, so that its `--sim` drives it)
# make test-netlist builds both and runs tests/netlist_*.sh; .ci/run runs it as a stage.

NETLIST_BOARD := icebreaker
NETLIST_DIR := $(BUILD)/netlist
YOSYS_DATDIR := $(shell yosys-config --datdir 2>/dev/null || \
	realpath -m "$$(dirname "$$(realpath "$$(command -v yosys)")")/../share/yosys")

# Yosys's cell models without its PLLs (empty blackboxes there; the stub replaces them).
# Verilator takes no default values on input ports: NO_ICE40_DEFAULT_ASSIGNMENTS drops them,
# and PINMISSING (an error here) makes sure that no netlist instance relies on one.
NETLIST_CELLS := $(NETLIST_DIR)/cells_sim.v
NETLIST_LIB := sim/netlist/netlist.vlt $(NETLIST_CELLS) sim/netlist/ice40_pll_stub.v
NETLIST_VFLAGS := -DNO_ICE40_DEFAULT_ASSIGNMENTS -Wno-lint -Wno-style -Wno-UNOPTFLAT \
	-Wno-TIMESCALEMOD -Wwarn-PINMISSING
# The netlists are written with each multi-bit wire split into bits (splitnets: the same
# cells and connections, only the wires' grouping differs): Verilator orders bits of one
# vector as one signal, so a vector whose bits feed each other made it iterate the whole
# netlist's logic to convergence every cycle, several times slower.
NETLIST_WRITE := splitnets; write_verilog -noattr
$(NETLIST_CELLS): $(YOSYS_DATDIR)/ice40/cells_sim.v
	@mkdir -p $(@D)
	awk '/^(\(\* blackbox \*\) *)?$$/ {held = held $$0 "\n"; next} /^module SB_PLL40/ {skip = 1} \
	  !skip {printf "%s", held; print} {held = ""} /^endmodule/ {skip = 0}' $< > $@.tmp
	@mv $@.tmp $@

# The core netlist: the core's RTL, the iCEBreaker's core parameters (CORE_CONFIG_icebreaker)
# and synth_ice40 options, as the bitstream's synthesis (constraints/constraints.mk) gives
# them; its settings are kept in a file rewritten only when they change.
$(NETLIST_DIR)/core.settings: FORCE
	@mkdir -p $(@D)
	@echo "chparam $($(NETLIST_BOARD)_PARAMS) snn_core; synth_ice40 $($(NETLIST_BOARD)_SYNTH)" > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
$(NETLIST_DIR)/snn_core.v: $(CORE_RTL) $(NETLIST_DIR)/core.settings
	@echo "yosys: synth_ice40 $($(NETLIST_BOARD)_SYNTH) snn_core ($(NETLIST_BOARD)'s core) ..."
	@yosys -q -l $(NETLIST_DIR)/core-synth.log -p "read_verilog -sv $(CORE_RTL); \
	  chparam $($(NETLIST_BOARD)_PARAMS) snn_core; synth_ice40 $($(NETLIST_BOARD)_SYNTH) -top snn_core; \
	  stat; $(NETLIST_WRITE) $@.tmp" > /dev/null
	@mv $@.tmp $@

# The core netlist as one more build of the simulated core (sim/sim.mk): core_sim, the
# cosim harness and `snn` link it exactly as they link the RTL's.
SIM_VERILOG_netlist := $(NETLIST_DIR)/snn_core.v $(NETLIST_LIB)
SIM_VFLAGS_netlist := $(NETLIST_VFLAGS)
$(eval $(call sim_variant,netlist))

NETLIST_SNN := $(NETLIST_DIR)/snn
$(NETLIST_SNN): $$(patsubst %.c,$(BUILD)/obj/%.o,$$(CLI_SRCS)) $(SW_LIB) \
		$$(filter-out $$(SIM_OBJS_default),$$(SNN_EXTRA_OBJS)) $$(SIM_OBJS_netlist)
	$(CXX) -fopenmp -o $@ $(filter %.o,$^) $(SW_LIB) $(filter %.a,$(SIM_OBJS_netlist)) \
	  $(filter-out $(filter %.a,$(SIM_OBJS_default)),$(SNN_EXTRA_LIBS)) $(LDLIBS)
NETLIST_COSIM_RANDOM := $(NETLIST_DIR)/cosim_random
$(NETLIST_COSIM_RANDOM): $(BUILD)/obj/tests/cosim_random.o $$(SIM_OBJS_netlist) $(SW_LIB)
	$(CXX) -fopenmp -o $@ $(filter %.o,$^) $(SW_LIB) $(filter %.a,$(SIM_OBJS_netlist)) -lz -pthread $(LDLIBS)

# The board netlist: the bitstream's own synthesis output (make bitstream's synth.json, made
# here by the same rule), as Verilog. Whatever rtl/board/ holds, this is what nextpnr places.
NETLIST_BOARD_JSON := $(BUILD)/board/$(NETLIST_BOARD)/synth.json
NETLIST_BOARD_V := $(NETLIST_DIR)/board_$(NETLIST_BOARD).v
$(NETLIST_BOARD_V): FORCE
	@$(MAKE) --no-print-directory BOARD=$(NETLIST_BOARD) $(NETLIST_BOARD_JSON)
	@if [ ! -s $@ ] || [ $(NETLIST_BOARD_JSON) -nt $@ ]; then mkdir -p $(@D); \
	  echo "yosys: $(NETLIST_BOARD_JSON) -> $@"; \
	  yosys -q -p "read_json $(NETLIST_BOARD_JSON); $(NETLIST_WRITE) $@.tmp" > /dev/null && \
	  mv $@.tmp $@; fi

# Verilated under a fixed class name, whatever the top is called.
NETLIST_BOARD_VOBJ := $(NETLIST_DIR)/board-vobj
$(NETLIST_BOARD_VOBJ)/Vnetlist_board__ALL.a: $(NETLIST_BOARD_V) $(NETLIST_LIB)
	@mkdir -p $(@D)
	$(VERILATOR) --cc $(NETLIST_VFLAGS) --top-module $($(NETLIST_BOARD)_TOP) --prefix Vnetlist_board \
	  -Mdir $(@D) $(VERILATOR_SAN) $^ > $(NETLIST_DIR)/board-verilator.log
	$(MAKE) -s -C $(@D) -f Vnetlist_board.mk $(VERILATED_OPT) \
	  Vnetlist_board__ALL.a verilated.o verilated_threads.o >> $(NETLIST_DIR)/board-verilator.log

$(NETLIST_DIR)/board_model.o: sim/netlist/board_model_netlist.cpp sim/board/board_model.h \
		$(NETLIST_BOARD_VOBJ)/Vnetlist_board__ALL.a
	$(CXX) -O2 -std=c++14 -Wall -Wextra -Werror -I$(NETLIST_BOARD_VOBJ) -isystem $(VERILATOR_INC) \
	  -isystem $(VERILATOR_INC)/vltstd -c $< -o $@

# The line bridge at the bitstream's clocks per bit: its PLL clock (pll.params, which the
# netlist was synthesized with) over BOARD_BAUD, rounded as board_system.v rounds it.
$(NETLIST_DIR)/board_sim.o: sim/board/board_sim.c sim/board/board_model.h $(NETLIST_BOARD_V)
	hz=$$(sed -E 's/.*CLK_HZ ([0-9]+).*/\1/' $(BUILD)/board/$(NETLIST_BOARD)/pll.params); \
	$(CC) $(CFLAGS) -DSIM_CLKS_PER_BIT=$$(( (hz + $(BOARD_BAUD) / 2) / $(BOARD_BAUD) )) -c $< -o $@

NETLIST_BOARD_SIM := $(NETLIST_DIR)/snn-board-sim
$(NETLIST_BOARD_SIM): $(NETLIST_DIR)/board_sim.o $(NETLIST_DIR)/board_model.o $(SW_LIB)
	$(CXX) -o $@ $^ $(addprefix $(NETLIST_BOARD_VOBJ)/,Vnetlist_board__ALL.a verilated.o \
	  verilated_threads.o) -lpthread $(LDLIBS)

# The figures of the gate-level run (CI: .ci/run's test-netlist stage; docs/netlist.md).
# Recursive (=): BOARD_QUANTIZE comes from constraints/, included after this file.
NETLIST_IMAGES ?= 200
NETLIST_NEURON_STEPS ?= 1000000
NETLIST_BOARD_IMAGES ?= 20
NETLIST_SEED ?= 6
NETLIST_CMDS = "tests/netlist_cosim.sh $(NETLIST_DIR) $(NETLIST_IMAGES) $(BOARD_QUANTIZE)" \
	"$(NETLIST_COSIM_RANDOM) $(NETLIST_SEED) $(NETLIST_NEURON_STEPS) $(NETLIST_DIR)/cosim-random-mismatch.fst" \
	"tests/netlist_board.sh $(NETLIST_DIR) $(NETLIST_BOARD_IMAGES) $(BOARD_QUANTIZE)"

.PHONY: test-netlist
test-netlist: ## Gate-level proof: the core netlist and the bitstream's board netlist against the integer model
	@$(MAKE) --no-print-directory $(NETLIST_BOARD_V)
	@$(MAKE) --no-print-directory -j$(JOBS) $(NETLIST_SNN) $(NETLIST_COSIM_RANDOM) $(NETLIST_BOARD_SIM)
	@tests/run_tests.sh $(NETLIST_CMDS)
