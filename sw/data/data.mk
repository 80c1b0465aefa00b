# sw/data/: data sets (IDX images, spike events in .npz, SHD over libhdf5: docs/data.md).
$(BUILD)/obj/sw/data/shd.o: CFLAGS += $(HDF5_CFLAGS)
