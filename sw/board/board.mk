# sw/board/: the host side of the board link (in libsnn.a with the rest of sw/). Here: the
# portable protocol driver of firmware/, linked into `snn` (libsnn.a needs it), and the
# simulated board's build.

BOARD_HOST_SRCS := firmware/proto.c firmware/driver.c
BOARD_HOST_OBJS := $(BOARD_HOST_SRCS:%.c=$(BUILD)/obj/%.o)
SNN_EXTRA_OBJS += $(BOARD_HOST_OBJS)

-include $(wildcard $(BUILD)/obj/sw/board/*.d $(BUILD)/obj/firmware/*.d)

# Protocol rules on the simulated board, both builds (tests/board_protocol.c), and the
# end-to-end deploy/classify checks through the simulated UART (tests/board_link.sh).
BOARD_PROTOCOL_TEST := $(BUILD)/tests/board_protocol
$(BOARD_PROTOCOL_TEST): $(BUILD)/obj/tests/board_protocol.o $(SW_LIB) $(BOARD_HOST_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(SW_LIB) $(BOARD_HOST_OBJS) -lcmocka $(LDLIBS)
TEST_BINS += $(BOARD_PROTOCOL_TEST) $(BOARD_SIM)
TEST_CMDS += "$(BOARD_PROTOCOL_TEST) $(BOARD_SIM)" "$(BOARD_PROTOCOL_TEST) $(BOARD_SIM_DEEP)" \
	"tests/board_link.sh $(SNN) $(BOARD_CORE_NOISE) $(BOARD_QUANTIZE)"
# The iCEBreaker's two builds: the paper's network on both, a two-layer one on the general
# build, refusals naming the limit (tests/board_deep.sh).
TEST_BINS += $(BOARD_SIM_DEEP)
TEST_CMDS += "tests/board_deep.sh $(SNN) $(BOARD_SIM) $(BOARD_SIM_DEEP) $(BOARD_QUANTIZE)"

# The host's default --baud is the iCEBreaker bitstream's (one definition: constraints.mk),
# in the library's build and in its fuzz build (build/fuzz/obj/...).
%/obj/sw/board/board_cli.o: CFLAGS += -DBOARD_DEFAULT_BAUD=$(icebreaker_BAUD)
%/obj/sw/board/board_cli.o: FUZZ_CFLAGS += -DBOARD_DEFAULT_BAUD=$(icebreaker_BAUD)
$(BUILD)/obj/sw/board/board_cli.o: constraints/constraints.mk
