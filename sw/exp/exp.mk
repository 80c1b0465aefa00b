# sw/exp/: the paper's experiments - sweeps, Van Rossum distances, statistics,
# plots and the report (docs/experiments.md).
# HDF5 (Debian libhdf5-dev; flags in the Makefile) reads the SHD release files; gnuplot-nox
# draws the plots.


# The MPI launcher: its own binary (mpicc), so that `snn` never needs MPI.
SWEEP_MPI := $(BUILD)/snn-sweep-mpi
MPICC ?= mpicc
ifneq ($(shell command -v $(MPICC) 2>/dev/null),)
BUILD_EXTRA += $(SWEEP_MPI)
endif
$(SWEEP_MPI): sw/exp/mpi/sweep_mpi.c
	@mkdir -p $(@D)
	$(MPICC) -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2 -o $@ $<

# make test: the unit tests (tests/test_exp_*.c, built by tests.mk) and the
# pipeline end to end: a tiny sweep over 2 MPI ranks, resume, kill, report.
$(BUILD)/obj/tests/test_exp_shd.o: CFLAGS += $(HDF5_CFLAGS)
TEST_BINS += $(SWEEP_MPI)
TEST_CMDS += "tests/test_exp_sweep.sh $(BUILD)" "tests/test_exp_cli.sh $(BUILD)"

# The demo's last step: a short sweep (resumable: a rerun only reports) and an
# HTML report of it, with the demo model's raster and membrane traces.
PAPER_S1 := 0.0005,0.00075,0.001,0.002,0.003,0.004,0.005,0.0075,0.01,0.0125,0.015,0.0175,0.02,0.025,0.03,0.04,0.05,0.06,0.07
.PHONY: demo-report bench-sweep
demo-report: $(SNN) ## A short sweep (2 ratios x 3 starting rates) and its HTML report in build/demo/report
	@mkdir -p $(DEMO_DIR)
	$(SNN) sweep --ratios 0.5,0.8 --s1 0.001,0.003,0.03 --trials 1 --epochs 4 --limit 12000 \
	  --test-limit 1000 --robust 1 -o $(DEMO_DIR)/sweep.jsonl
	$(SNN) report $(DEMO_DIR)/sweep.jsonl -o $(DEMO_DIR)/report --title "snn demo: a short sweep" \
	  $$([ -f $(DEMO_DIR)/model.snn ] && echo --model $(DEMO_DIR)/model.snn)

# CPU cost of the paper's network per epoch at low, medium and high starting
# rates (all 60000 images), and the projected time of the full Fig. 1c grid.
bench-sweep: $(SNN) ## Per-epoch cost of the paper's runs and the projected Fig. 1c grid time (hours)
	@mkdir -p $(BUILD)/bench-sweep && rm -f $(BUILD)/bench-sweep/slice.jsonl
	@$(SNN) sweep --ratios 0.8 --s1 0.001,0.01,0.07 --epochs 1 --robust 0 --json \
	  -o $(BUILD)/bench-sweep/slice.jsonl > /dev/null
	@echo "bench-sweep on $$(nproc) cores of $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	@$(SNN) sweep --ratios 0.5,0.8,0.95,1 --s1 $(PAPER_S1) --trials 8 --epochs 30 \
	  --estimate $(BUILD)/bench-sweep/slice.jsonl
