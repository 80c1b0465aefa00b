# sw/format/: containers of outside files, below every reader: NumPy .npz archives (zlib),
# and the checks an HDF5 file passes before libhdf5 reads it (h5guard).
$(BUILD)/obj/sw/format/h5guard.o: CFLAGS += $(HDF5_CFLAGS)
