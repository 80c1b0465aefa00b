# sw/io/: model files to and from other tools' formats (NumPy .npz, NIR over libhdf5).
$(BUILD)/obj/sw/io/nir.o: CFLAGS += $(HDF5_CFLAGS)
$(BUILD)/obj/tests/test_nir.o: CFLAGS += $(HDF5_CFLAGS)
