# sw/board/: the host side of the board link (in libsnn.a with the rest of sw/). Here: the
# portable protocol driver of firmware/, linked into `snn` (libsnn.a needs it), and the
# simulated board's build.

BOARD_HOST_SRCS := firmware/proto.c firmware/driver.c
BOARD_HOST_OBJS := $(BOARD_HOST_SRCS:%.c=$(BUILD)/obj/%.o)
SNN_EXTRA_OBJS += $(BOARD_HOST_OBJS)

-include $(wildcard $(BUILD)/obj/sw/board/*.d $(BUILD)/obj/firmware/*.d)

include sim/board/board_sim.mk
