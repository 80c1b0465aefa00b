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
demo-train: $(SNN) ## Train the paper's network for 5 epochs, and a small two-layer recurrent E/I network
	@mkdir -p $(DEMO_DIR)
	$(SNN) train --epochs 5 --out $(DEMO_DIR)/model.snn
	$(SNN) eval --model $(DEMO_DIR)/model.snn
	$(SNN) train --preset deep --arch 64-32 --limit 20000 --epochs 2 --out $(DEMO_DIR)/deep.snn
	$(SNN) eval --model $(DEMO_DIR)/deep.snn

# The dense PyTorch formulation of the paper's network, timed side by side when Debian's
# python3-torch is installed (with libopenblas0 for its products); else the last figures.
TORCH_PYTHON := /usr/bin/python3
TORCH_LAST := authors' formulation 285 samples/s, tuned 1,098 samples/s (2 threads, idle AMD EPYC, 2026-11-30); ours then 17,320

bench-train: $(SNN) ## Training samples/s of the paper's network vs PyTorch, and of the deep recurrent one (2 cores)
	@$(SNN) bench-train --threads 2 --json | tee $(BUILD)/bench-train.out | grep -v '^{'
	@ours=$$(tail -n 1 $(BUILD)/bench-train.out | grep -o '"train_samples_per_s":[0-9.e+]*' | cut -d: -f2); \
	if $(TORCH_PYTHON) -c 'import torch' 2>/dev/null; then \
	  for f in authors tuned; do \
	    b=$$([ $$f = authors ] && echo 2 || echo 10); \
	    t=$$($(TORCH_PYTHON) sw/train/torch_baseline.py --formulation $$f --batches $$b --threads 2 | \
	      grep -o '"train_samples_per_s": [0-9.e+]*' | cut -d' ' -f2) || exit 1; \
	    awk -v o=$$ours -v t=$$t -v f=$$f 'BEGIN {printf "pytorch (%s formulation, dense, 2 threads): %.0f samples/s; ours %.1fx faster\n", f, t, o / t}'; \
	  done; \
	else echo "pytorch: python3-torch not installed; last measured: $(TORCH_LAST)"; fi
	@echo "the reference deep network (goal: 3,000 samples/s on 2 cores):"
	@$(SNN) bench-train --threads 2 --arch 128-64 --recurrent | grep -v '^machine'
