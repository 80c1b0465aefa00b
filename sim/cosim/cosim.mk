# sim/cosim/: the co-simulation of the RTL core against the integer model:
# its demo step, its benchmark, and the trained-network test.
# (The Verilated core and the random differential tests are in sim/sim.mk.)

.PHONY: demo-cosim bench-cosim
COSIM_DEMO_IMAGES ?= 1000
demo-cosim: $(SNN) ## Co-simulate a slice of the test set on the RTL core with the demo's 8-bit models (paper, deep)
	@test -f $(DEMO_DIR)/model8.snnq || { echo "demo-cosim: $(DEMO_DIR)/model8.snnq missing (make demo-quantize first)"; exit 1; }
	$(SNN) cosim --model $(DEMO_DIR)/model8.snnq --images $(COSIM_DEMO_IMAGES) \
	  --mismatch-trace $(DEMO_DIR)/cosim-mismatch.fst
	$(SNN) cosim --model $(DEMO_DIR)/deep8.snnq --images $(COSIM_DEMO_IMAGES) \
	  --mismatch-trace $(DEMO_DIR)/cosim-deep-mismatch.fst

# The full test set on both cores, with the demo's model if there is one, else a quick one.
COSIM_BENCH_DIR := $(BUILD)/bench-cosim
bench-cosim: $(SNN) ## Co-simulation figures: cycles/SOP, images/s, full 10k test set time
	@mkdir -p $(COSIM_BENCH_DIR)
	@model=$(DEMO_DIR)/model8.snnq; if [ ! -f $$model ]; then model=$(COSIM_BENCH_DIR)/model8.snnq; \
	  $(SNN) train --epochs 1 --limit 5000 --test-limit 500 --quiet --out $(COSIM_BENCH_DIR)/model.snn > /dev/null && \
	  $(SNN) quantize --model $(COSIM_BENCH_DIR)/model.snn --out $$model --limit 1000 > /dev/null || exit 1; fi; \
	$(SNN) cosim --model $$model --json --mismatch-trace $(COSIM_BENCH_DIR)/cosim-mismatch.fst \
	  > $(COSIM_BENCH_DIR)/cosim.out; rc=$$?; \
	tail -n 1 $(COSIM_BENCH_DIR)/cosim.out | python3 -c 'import json, sys; d = json.loads(sys.stdin.read()); \
	  print("cosim model: %s" % d["model"]); \
	  print("cosim cycles per synaptic op: %.3f cycles/SOP (P=%d PL=%d RL=%d lanes)" % (d["cycles_per_sop"], d["lanes"], d["hidden_lanes"], d["readout_lanes"])); \
	  print("cosim cycles per image: %.0f cycles" % d["cycles_per_image"]); \
	  print("cosim full test set: %d images in %.1f s (%d threads), %d mismatches" % (d["images"], d["seconds"], d["threads"], d["mismatches"])); \
	  print("cosim speed: %.1f images/s" % d["images_per_s"]); \
	  print("cosim simulated clock: %.2f M cycles/s" % (d["sim_cycles_per_s"] / 1e6)); \
	  print("cosim accuracy: rtl %.2f %%, model %.2f %%" % (100 * d["rtl_acc"], 100 * d["model_acc"])); \
	  print("cosim machine: %s" % d["machine"])'; \
	exit $$rc

TEST_CMDS += "tests/cosim_trained.sh $(SNN)"
