# tests/fuzz/: libFuzzer harnesses, one per parser of outside data (tests/fuzz/fuzz_<name>.c,
# seed corpus tests/fuzz/corpus/<name>/). Debian's clang builds them with the library
# sources (coverage, AddressSanitizer, UndefinedBehaviorSanitizer) in $(BUILD)/fuzz/.
#   make fuzz      each harness for FUZZ_SECONDS (300) on a copy of its corpus
#   make fuzz-ci   every committed corpus file once (regression), then each harness 20 s
# Failing inputs go to $(BUILD)/fuzz/<name>/; the committed corpus is never written.

FUZZ_CC := clang
FUZZ_SECONDS ?= 300
FUZZ_CI_SECONDS ?= 20
# libFuzzer's seed: 0 draws one (make fuzz); fuzz-ci uses 1, so a CI run is reproducible.
FUZZ_SEED ?= 0
FUZZ_JOBS ?= 2
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
# Library sources get coverage (fuzzer-no-link); only the harness links libFuzzer's main.
FUZZ_LIB_SRCS = $(SW_LIB_SRCS) $(FIRMWARE_SRCS)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -g -O1 -fopenmp -MMD -MP \
	-fsanitize=fuzzer-no-link $(FUZZ_SAN) $(HDF5_CFLAGS)

$(FUZZ_DIR)/obj/%.o: %.c tests/fuzz/fuzz.mk
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/libsnn-fuzz.a: $$(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$$(FUZZ_LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_DIR)/libsnn-fuzz.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -fopenmp -o $@ $^ $(LDLIBS)

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

.PHONY: fuzz fuzz-ci fuzz-build
fuzz-build: $(FUZZ_BINS)
	@echo "fuzz: $(words $(FUZZ_NAMES)) harness(es): $(or $(FUZZ_NAMES),none)"

# FUZZ_JOBS harnesses at a time (one per core); nothing to run without a harness.
FUZZ_EACH = @$(if $(FUZZ_NAMES),$(MAKE) --no-print-directory -j$(FUZZ_JOBS) -O,true)
fuzz: deps ## Run each fuzz harness (tests/fuzz/) for FUZZ_SECONDS (300) on a copy of its seed corpus
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) fuzz-build
	$(FUZZ_EACH) $(FUZZ_NAMES:%=fuzz-run-%)

fuzz-ci: deps ## Replay every committed fuzz corpus file, then run each harness FUZZ_CI_SECONDS (20)
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) fuzz-build
	$(FUZZ_EACH) $(FUZZ_NAMES:%=fuzz-replay-%)
	$(FUZZ_EACH) FUZZ_SECONDS=$(FUZZ_CI_SECONDS) FUZZ_SEED=1 $(FUZZ_NAMES:%=fuzz-run-%)

# fuzz-run-<name>, fuzz-replay-<name>: one harness (names no file, so they always run).
fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	@FUZZ_SEED=$(FUZZ_SEED) tests/fuzz/run_fuzz.sh fuzz $< $* $(FUZZ_SECONDS) $(FUZZ_DIR)/$*
fuzz-replay-%: $(FUZZ_DIR)/fuzz_%
	@tests/fuzz/run_fuzz.sh replay $< $*
