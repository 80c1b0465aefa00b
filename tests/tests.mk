# tests/: every tests/test_*.c is one cmocka program linked against libsnn.a.
# Other rooms add their own programs or scripts to TEST_BINS and TEST_CMDS.

TEST_C_SRCS := $(wildcard tests/test_*.c)
TEST_C_BINS := $(TEST_C_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_BINS += $(TEST_C_BINS)
TEST_CMDS += $(TEST_C_BINS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(SW_LIB)
	@mkdir -p $(@D)
	$(CC) -fopenmp -o $@ $(filter %.o,$^) $(SW_LIB) -lcmocka $(LDLIBS)

# A test's extra objects are further prerequisites of its program.
# test_bptt_ref: the event-driven kernels against the dense BPTT reference (tests/dense_bptt.c).
$(BUILD)/tests/test_bptt_ref: $(BUILD)/obj/tests/dense_bptt.o

-include $(wildcard $(BUILD)/obj/tests/*.d)

# test_libfixmath shows that the packaged fix16_to_int overflows a signed int on the
# minimum (the reason sw/ never calls it): that overflow is the library's, called on
# purpose, so UBSan's check for it is off in that test only.
$(BUILD)/obj/tests/test_libfixmath.o: CFLAGS += $(if $(SAN),-fno-sanitize=signed-integer-overflow)

# End-to-end CLI checks of the training host.
TEST_BINS += $(SNN)
TEST_CMDS += "tests/cli_train.sh $(SNN)"
# The validation split and the best epoch's model (docs/training.md).
TEST_CMDS += "tests/cli_val.sh $(SNN)"
# The bits of a small trained and quantized model, pinned (flags and code that move them fail).
TEST_CMDS += "tests/model_checksum.sh $(SNN)"
# The README's commands as written; not under the sanitizers (SAN=1), where they took 8 of
# the stage's 20 minutes: each command's code runs there in the CLI checks above and below.
TEST_CMDS += $(if $(SAN),,"tests/readme_commands.sh $(SNN)")
# NIR graphs and PyTorch-layout .npz in and out (python3-h5py writes the foreign graphs).
TEST_CMDS += "tests/cli_nir.sh $(SNN)"
