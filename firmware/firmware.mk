# firmware/: the protocol driver in portable C99 (proto.c, driver.c). `snn` links it
# (sw/board/board.mk); here it is also built the strict way a microcontroller
# project would: -std=c99 -pedantic, and for a Cortex-M0 with arm-none-eabi-gcc
# when that cross compiler is installed (Debian gcc-arm-none-eabi).

FIRMWARE_SRCS := firmware/proto.c firmware/driver.c
FIRMWARE_FLAGS := -std=c99 -Wall -Wextra -Werror -pedantic -Wconversion -Os
ARM_CC := $(shell command -v arm-none-eabi-gcc 2>/dev/null)

.PHONY: firmware-check
firmware-check: ## Compile firmware/ as strict C99 (host) and for a Cortex-M0 (if arm-none-eabi-gcc is installed)
	@mkdir -p $(BUILD)/firmware
	@for f in $(FIRMWARE_SRCS); do \
	  $(CC) $(FIRMWARE_FLAGS) -c $$f -o $(BUILD)/firmware/$$(basename $$f .c).o || exit 1; done
	@echo "firmware-check: $(FIRMWARE_SRCS) compile as C99 -pedantic with no warnings"
ifneq ($(ARM_CC),)
	@for f in $(FIRMWARE_SRCS); do \
	  $(ARM_CC) $(FIRMWARE_FLAGS) -mcpu=cortex-m0 -mthumb -ffreestanding \
	    -c $$f -o $(BUILD)/firmware/$$(basename $$f .c).arm.o || exit 1; done
	@arm-none-eabi-size $(BUILD)/firmware/*.arm.o | awk 'NR > 1 {t += $$1 + $$2; b += $$3} \
	  END {printf "firmware-check: Cortex-M0 build: %d bytes of code and data, %d of bss\n", t, b}'
else
	@echo "firmware-check: arm-none-eabi-gcc not installed: cross compile skipped (apt-get install gcc-arm-none-eabi)"
endif

TEST_CMDS += "$(MAKE) --no-print-directory firmware-check"

# Unit tests of the driver against a fake board (tests/board_driver.c).
FIRMWARE_TEST := $(BUILD)/tests/board_driver
$(FIRMWARE_TEST): $(BUILD)/obj/tests/board_driver.o $(FIRMWARE_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -lcmocka
TEST_BINS += $(FIRMWARE_TEST)
TEST_CMDS += $(FIRMWARE_TEST)
