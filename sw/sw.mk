# sw/: the C library (libsnn.a, one folder per pipeline stage); the `snn` CLI is cli/.

$(BUILD)/obj/%.o: %.c $(BUILD_FLAGS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(SW_LIB): $(SW_LIB_SRCS:%.c=$(BUILD)/obj/%.o)
	@rm -f $@
	ar rcs $@ $^

-include $(wildcard $(BUILD)/obj/sw/*/*.d)

# The demo: train the paper's default network for a few epochs.
.PHONY: demo-train bench-train
demo-train: $(SNN) ## Train the paper's default network for 5 epochs and evaluate it
	@mkdir -p $(DEMO_DIR)
	$(SNN) train --epochs 5 --out $(DEMO_DIR)/model.snn
	$(SNN) eval --model $(DEMO_DIR)/model.snn

bench-train: $(SNN) ## Training and inference samples/s of the paper's network (2 cores)
	$(SNN) bench-train
