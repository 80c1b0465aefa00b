# sim/board/: the Verilated board (rtl/board/board_system.v with the core) behind a
# byte stream: $(BOARD_SIM), which `snn deploy/classify --sim` start on a pseudo-terminal.

# The board tops and the PLL are synthesis-only (iCE40 primitives); the model is board_system.
BOARD_RTL := $(filter-out rtl/board/board_top_%.v rtl/board/board_pll.v,$(wildcard rtl/board/*.v))
BOARD_SIM_DIR := $(BUILD)/sim/board
# The iCEBreaker's clock and UART rate (constraints/constraints.mk), so that INFO, the
# line times and the rates snn classify prints are that board's.
BOARD_SIM_CLK_HZ = $(icebreaker_MHZ)000000
BOARD_SIM_BAUD = $(icebreaker_BAUD)
VERILATOR_ROOT := $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)
BOARD_VOBJ := $(BOARD_SIM_DIR)/vobj

# The core's lanes and widths come from constraints/constraints.mk (BOARD_CORE_*): the
# iCEBreaker's build.
BOARD_SIM_PARAMS = -GP=$(BOARD_CORE_P) -GPL=$(BOARD_CORE_PL) -GRL=$(BOARD_CORE_RL) \
	-GH=$(BOARD_CORE_H) -GR=$(BOARD_CORE_R) -GNOISE=$(BOARD_CORE_NOISE)
$(BOARD_VOBJ)/Vboard_system__ALL.a: $(BOARD_RTL) $(CORE_RTL) sim/board/board_sim.mk constraints/constraints.mk
	@mkdir -p $(@D)
	verilator --cc -O3 -Wall --top-module board_system -Mdir $(BOARD_VOBJ) $(VERILATOR_SAN) \
	  -GCLK_HZ=$(BOARD_SIM_CLK_HZ) -GBAUD=$(BOARD_SIM_BAUD) $(BOARD_SIM_PARAMS) \
	  $(BOARD_RTL) $(CORE_RTL) > $(BOARD_SIM_DIR)/verilator.log
	$(MAKE) -s -C $(BOARD_VOBJ) -f Vboard_system.mk Vboard_system__ALL.a verilated.o verilated_threads.o \
	  >> $(BOARD_SIM_DIR)/verilator.log

$(BOARD_SIM_DIR)/board_model.o: sim/board/board_model.cpp sim/board/board_model.h $(BOARD_VOBJ)/Vboard_system__ALL.a
	$(CXX) -O2 -std=c++14 -Wall -Wextra -Werror -I$(BOARD_VOBJ) -isystem $(VERILATOR_ROOT)/include \
	  -isystem $(VERILATOR_ROOT)/include/vltstd -c $< -o $@

$(BOARD_SIM_DIR)/board_sim.o: sim/board/board_sim.c sim/board/board_model.h sim/board/board_sim.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DSIM_CLKS_PER_BIT=$$(( $(BOARD_SIM_CLK_HZ) / $(BOARD_SIM_BAUD) )) -c $< -o $@

$(BOARD_SIM): $(BOARD_SIM_DIR)/board_sim.o $(BOARD_SIM_DIR)/board_model.o $(SW_LIB)
	$(CXX) -o $@ $^ $(addprefix $(BOARD_VOBJ)/,Vboard_system__ALL.a verilated.o verilated_threads.o) -lpthread $(LDLIBS)

BUILD_EXTRA += $(BOARD_SIM)

# The iCEBreaker's general build (constraints.mk, CORE_CONFIG_icebreaker-deep) as a second
# simulated board, $(BOARD_SIM_DEEP): `snn deploy/classify --sim --sim-bin` it. Same clock,
# UART rate and line bridge (board_sim.o) as the iCEBreaker's.
BOARD_SIM_DEEP := $(BUILD)/snn-board-sim-deep
BOARD_DEEP_DIR := $(BUILD)/sim/board-deep
BOARD_DEEP_VOBJ := $(BOARD_DEEP_DIR)/vobj
$(BOARD_DEEP_VOBJ)/Vboard_system__ALL.a: $(BOARD_RTL) $(CORE_RTL) sim/board/board_sim.mk constraints/constraints.mk
	@mkdir -p $(@D)
	verilator --cc -O3 -Wall --top-module board_system -Mdir $(BOARD_DEEP_VOBJ) $(VERILATOR_SAN) \
	  -GCLK_HZ=$(BOARD_SIM_CLK_HZ) -GBAUD=$(BOARD_SIM_BAUD) $(call core_gen,icebreaker-deep) \
	  $(BOARD_RTL) $(CORE_RTL) > $(BOARD_DEEP_DIR)/verilator.log
	$(MAKE) -s -C $(BOARD_DEEP_VOBJ) -f Vboard_system.mk Vboard_system__ALL.a verilated.o verilated_threads.o \
	  >> $(BOARD_DEEP_DIR)/verilator.log

$(BOARD_DEEP_DIR)/board_model.o: sim/board/board_model.cpp sim/board/board_model.h $(BOARD_DEEP_VOBJ)/Vboard_system__ALL.a
	$(CXX) -O2 -std=c++14 -Wall -Wextra -Werror -I$(BOARD_DEEP_VOBJ) -isystem $(VERILATOR_ROOT)/include \
	  -isystem $(VERILATOR_ROOT)/include/vltstd -c $< -o $@

$(BOARD_SIM_DEEP): $(BOARD_SIM_DIR)/board_sim.o $(BOARD_DEEP_DIR)/board_model.o $(SW_LIB)
	$(CXX) -o $@ $^ $(addprefix $(BOARD_DEEP_VOBJ)/,Vboard_system__ALL.a verilated.o verilated_threads.o) -lpthread $(LDLIBS)

BUILD_EXTRA += $(BOARD_SIM_DEEP)

# The UART's own testbench (tests/board_uart_tb.v) and the board's Verilator lint.
BOARD_UART_TB := $(BOARD_SIM_DIR)/uart_tb/board_uart_tb
$(BOARD_UART_TB): tests/board_uart_tb.v rtl/board/board_uart_rx.v rtl/board/board_uart_tx.v
	@mkdir -p $(@D)
	verilator --binary --timing -Wno-fatal -Mdir $(@D) $(VERILATOR_SAN) --top-module board_uart_tb -o board_uart_tb \
	  $^ > $(@D)/verilator.log 2>&1 || { cat $(@D)/verilator.log; exit 1; }

# The reset's testbench (tests/board_reset_tb.v): LOCK and the button pass synchronisers.
BOARD_RESET_TB := $(BOARD_SIM_DIR)/reset_tb/board_reset_tb
$(BOARD_RESET_TB): tests/board_reset_tb.v rtl/board/board_reset.v
	@mkdir -p $(@D)
	verilator --binary --timing -Wno-fatal -Mdir $(@D) $(VERILATOR_SAN) --top-module board_reset_tb -o board_reset_tb \
	  $^ > $(@D)/verilator.log 2>&1 || { cat $(@D)/verilator.log; exit 1; }

.PHONY: board-lint
board-lint: ## Verilator --lint-only -Wall of board_system with the core (no warning allowed)
	verilator --lint-only -Wall --top-module board_system $(BOARD_RTL) $(CORE_RTL)
	verilator --lint-only -Wall --top-module board_system $(BOARD_SIM_PARAMS) $(BOARD_RTL) $(CORE_RTL)
	verilator --lint-only -Wall --top-module board_system $(call core_gen,icebreaker-deep) $(BOARD_RTL) $(CORE_RTL)
	verilator --lint-only -Wall --top-module board_reset rtl/board/board_reset.v
	@echo "board-lint: board_system (defaults and the iCEBreaker's core) and board_reset lint-clean with -Wall"

TEST_BINS += $(BOARD_UART_TB) $(BOARD_RESET_TB)
TEST_CMDS += $(BOARD_UART_TB) $(BOARD_RESET_TB) "$(MAKE) --no-print-directory board-lint"
