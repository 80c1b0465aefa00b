# sw/exp/: the paper's experiments - sweeps, Van Rossum distances, statistics,
# plots, the report and the SHD loader (docs/experiments.md).
# HDF5 (Debian libhdf5-dev) reads the SHD release files; gnuplot-nox draws the plots.

HDF5_CFLAGS := $(shell pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS := $(shell pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
LDLIBS += $(HDF5_LIBS)
$(BUILD)/obj/sw/exp/shd.o $(BUILD)/obj/tests/test_exp_shd.o: CFLAGS += $(HDF5_CFLAGS)
