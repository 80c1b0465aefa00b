# sw/board/: the host side of the board link (serial port, simulated board
# session, weight images, deploy/classify) plus the portable protocol driver
# of firmware/, linked into `snn`. Also pulls in the simulated board's build.

BOARD_HOST_SRCS := $(wildcard sw/board/*.c) firmware/proto.c firmware/driver.c
BOARD_HOST_OBJS := $(BOARD_HOST_SRCS:%.c=$(BUILD)/obj/%.o)
SNN_EXTRA_OBJS += $(BOARD_HOST_OBJS)

-include $(wildcard $(BUILD)/obj/sw/board/*.d $(BUILD)/obj/firmware/*.d)

include sim/board/board_sim.mk
