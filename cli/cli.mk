# cli/: the `snn` command line, the top of the pipeline (it links every room; no room
# includes it): its sources, the version it prints and its man page.

CLI_SRCS := $(wildcard cli/*.c)
-include $(wildcard $(BUILD)/obj/cli/*.d)

# `snn --version` prints git describe of the tree it was built from ("unknown" outside git).
# The stamp file changes only when the version does, so snn.o is rebuilt exactly then.
SNN_VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
SNN_VERSION_STAMP := $(BUILD)/snn-version.txt
$(shell mkdir -p $(BUILD) && { echo '$(SNN_VERSION)' | cmp -s - $(SNN_VERSION_STAMP) || \
  echo '$(SNN_VERSION)' > $(SNN_VERSION_STAMP); })
$(BUILD)/obj/cli/snn.o: $(SNN_VERSION_STAMP)
$(BUILD)/obj/cli/snn.o: CFLAGS += -DSNN_VERSION='"$(SNN_VERSION)"'

# The man page: help2man reads `snn --help` and `snn --version`; every command's
# --help goes in as its own subsection (cli/man_commands.sh).
MAN_PAGE := $(BUILD)/snn.1
.PHONY: man
man: $(MAN_PAGE) ## The man page of snn, from its --help (build/snn.1; man -l build/snn.1)

$(MAN_PAGE): $(SNN) cli/man_commands.sh
	cli/man_commands.sh $(SNN) > $(BUILD)/snn-commands.h2m
	help2man --no-info --no-discard-stderr \
	  --name='train E/I spiking networks, quantize them, run them on iCE40 FPGAs' \
	  --include=$(BUILD)/snn-commands.h2m --output=$@ $(SNN)

# End-to-end checks of the option parser and of the model/data pairing of every command.
TEST_BINS += $(SNN)
TEST_CMDS += "tests/cli_args.sh $(SNN)" "tests/cli_data.sh $(SNN)"

# `snn fit` knows the board builds of constraints/constraints.mk (name|MHz|simulated
# board|core parameters) and the source tree it runs make bitstream in.
# private: the flags file (Makefile, BUILD_FLAGS) is a prerequisite and must not inherit them.
$(BUILD)/obj/cli/cmd_fit.o: private CFLAGS += -DSNN_SOURCE_DIR='"$(CURDIR)"' \
	-DSNN_BOARD_BUILDS='"$(subst $(eval) ,;,$(foreach b,$(BOARDS),$(b)|$($(b)_MHZ)|$(or $($(b)_SIM),-)|$(subst $(eval) ,+,$(CORE_CONFIG_$(b)))))"'
$(BUILD)/obj/cli/cmd_fit.o: constraints/constraints.mk cli/cli.mk
