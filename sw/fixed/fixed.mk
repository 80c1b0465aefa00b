# sw/fixed/: the integer reference model, the quantizer, their commands and targets.
# libfixmath (Debian libfixmath-dev) converts the decay constants (spec §8.3).

LDLIBS += -llibfixmath

.PHONY: demo-quantize bench-fixed
# The demo's float model (demo-train) -> 8-bit integer model; fixed vs float accuracy.
demo-quantize: $(SNN) ## Quantize the demo models (paper and two-layer recurrent) to 8 bits, evaluate them, float vs fixed
	$(SNN) quantize --model $(DEMO_DIR)/model.snn --weight-bits 8 --out $(DEMO_DIR)/model8.snnq
	$(SNN) eval --fixed --model $(DEMO_DIR)/model8.snnq --float-model $(DEMO_DIR)/model.snn
	$(SNN) sweep-bits --model $(DEMO_DIR)/model.snn --out $(DEMO_DIR)/sweep-bits
	$(SNN) quantize --model $(DEMO_DIR)/deep.snn --weight-bits 8 --out $(DEMO_DIR)/deep8.snnq
	$(SNN) eval --fixed --model $(DEMO_DIR)/deep8.snnq --float-model $(DEMO_DIR)/deep.snn

# Images/s of the integer model on one core (the demo model if it exists, else a random one).
bench-fixed: $(SNN) ## Speed of the integer reference model (images/s, one core)
	$(SNN) bench-fixed $(if $(wildcard $(DEMO_DIR)/model.snn),--model $(DEMO_DIR)/model.snn)

# Checks run by `make test` besides the cmocka programs (tests/test_fixed_*.c,
# tests/test_libfixmath.c): the reference model compiles with the FPU registers
# disabled (so it has no floating point), and sw/ never calls the libfixmath
# functions whose packaged version is defective (see tests/test_libfixmath.c).
TEST_CMDS += "$(CC) -std=c11 -D_GNU_SOURCE -O2 -mgeneral-regs-only -c sw/fixed/qnet.c -o /dev/null && echo 'sw/fixed/qnet.c: no floating point'"
TEST_CMDS += "! grep -rnE 'fix16_(exp|sadd|to_int)\b' sw/ && echo 'sw/: no defective libfixmath call'"
# End to end: quantize, eval --fixed, sweep-bits and bench-fixed on a small slice.
TEST_CMDS += "tests/cli_fixed.sh $(SNN)"
