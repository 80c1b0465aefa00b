# sim/board/: the Verilated board (rtl/board/board_system.v with the core) behind a
# byte stream: $(BOARD_SIM), which `snn deploy/classify --sim` start on a pseudo-terminal.
# Included from sw/board/board.mk.

BOARD_RTL := $(wildcard rtl/board/*.v)
CORE_RTL := $(wildcard rtl/core/*.v)
BOARD_SIM_DIR := $(BUILD)/sim/board
BOARD_SIM := $(BUILD)/snn-board-sim
# Four clocks per UART bit: the fewest board_uart_rx.v takes, so the simulated line is fast.
BOARD_SIM_CLK_HZ := 24000000
BOARD_SIM_BAUD := 6000000
VERILATOR_ROOT := $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)
BOARD_VOBJ := $(BOARD_SIM_DIR)/vobj

$(BOARD_VOBJ)/Vboard_system__ALL.a: $(BOARD_RTL) $(CORE_RTL) sim/board/board_sim.mk
	@mkdir -p $(@D)
	verilator --cc -O3 -Wall --top-module board_system -Mdir $(BOARD_VOBJ) \
	  -GCLK_HZ=$(BOARD_SIM_CLK_HZ) -GBAUD=$(BOARD_SIM_BAUD) $(BOARD_RTL) $(CORE_RTL) > $(BOARD_SIM_DIR)/verilator.log
	$(MAKE) -s -C $(BOARD_VOBJ) -f Vboard_system.mk Vboard_system__ALL.a verilated.o verilated_threads.o \
	  >> $(BOARD_SIM_DIR)/verilator.log

$(BOARD_SIM_DIR)/board_model.o: sim/board/board_model.cpp sim/board/board_model.h $(BOARD_VOBJ)/Vboard_system__ALL.a
	$(CXX) -O2 -std=c++14 -Wall -Wextra -Werror -I$(BOARD_VOBJ) -isystem $(VERILATOR_ROOT)/include \
	  -isystem $(VERILATOR_ROOT)/include/vltstd -c $< -o $@

$(BOARD_SIM_DIR)/board_sim.o: sim/board/board_sim.c sim/board/board_model.h sim/board/board_sim.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DSIM_CLKS_PER_BIT=$$(( $(BOARD_SIM_CLK_HZ) / $(BOARD_SIM_BAUD) )) -c $< -o $@

$(BOARD_SIM): $(BOARD_SIM_DIR)/board_sim.o $(BOARD_SIM_DIR)/board_model.o $(BUILD)/obj/sw/cli/args.o $(SW_LIB)
	$(CXX) -o $@ $^ $(addprefix $(BOARD_VOBJ)/,Vboard_system__ALL.a verilated.o verilated_threads.o) -lpthread $(LDLIBS)

BUILD_EXTRA += $(BOARD_SIM)
