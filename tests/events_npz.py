"""events_npz.py - writes spike-event .npz files (docs/data.md) without numpy, for
the tests (tests/cli_data.sh) and the seed corpus of tests/fuzz/fuzz_events.c:
    python3 tests/events_npz.py tests/fuzz/corpus/events
writes the corpus (run from the repository root; commit the files).
An array is (dtype, values): a list is a 1-D array, a number a scalar; dtypes are
numpy's little-endian descriptors ('<f8', '<i8', '<u2', '|u1', ...)."""
import os
import struct
import sys
import zipfile

FORMAT = {'<f4': 'f', '<f8': 'd', '|i1': 'b', '|u1': 'B', '<i2': 'h', '<u2': 'H',
          '<i4': 'i', '<u4': 'I', '<i8': 'q', '<u8': 'Q', '|b1': '?'}


def npy(dtype, values):
    """The .npy bytes of one array, as numpy writes them (format 1.0)."""
    scalar = not isinstance(values, list)
    items = [values] if scalar else values
    shape = '()' if scalar else '(%d,)' % len(items)
    head = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (dtype, shape)
    pad = -(10 + len(head) + 1) % 64  # the data start aligned to 64 bytes
    head = (head + ' ' * pad + '\n').encode()
    return (b'\x93NUMPY\x01\x00' + struct.pack('<H', len(head)) + head +
            struct.pack('<%d%s' % (len(items), FORMAT[dtype]), *items))


def savez(path, arrays, compressed=False):
    """np.savez (or np.savez_compressed) of {name: (dtype, values)}."""
    with zipfile.ZipFile(path, 'w') as z:
        for name, (dtype, values) in arrays.items():
            member = zipfile.ZipInfo(name + '.npy', date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
            z.writestr(member, npy(dtype, values))  # a fixed date: the same bytes every run


def flat(samples):
    """times, units, offsets of per-sample [(time, unit), ...] lists."""
    times, units, offsets = [], [], [0]
    for spikes in samples:
        times += [t for t, _ in spikes]
        units += [u for _, u in spikes]
        offsets.append(len(times))
    return times, units, offsets


def events(samples, labels, time_dtype='<f8', int_dtype='<i8', **scalars):
    """The arrays of an events file; scalars (n_units=..., dt=...) are int64 or float64."""
    times, units, offsets = flat(samples)
    arrays = {'times': (time_dtype, times), 'units': (int_dtype, units),
              'offsets': (int_dtype, offsets), 'labels': (int_dtype, labels)}
    for name, v in scalars.items():
        arrays[name] = ('<f8' if isinstance(v, float) else '<i8', v)
    return arrays


def corpus(d):
    os.makedirs(d, exist_ok=True)
    three = [[(0.5, 3), (12.0, 0), (12.7, 0), (99.9, 4)], [], [(250.0, 1)]]
    savez(d + '/ms_f64.npz', events(three, [2, 0, 1], n_units=5, n_classes=4))
    savez(d + '/int_times_u2.npz', events([[(0, 1), (7, 2)], [(3, 2)]], [1, 0],
                                          time_dtype='<i4', int_dtype='<u2'))
    savez(d + '/seconds_dt.npz', events([[(0.0005, 6), (0.0991, 7)]], [9], time_dtype='<f4',
                                        int_dtype='<i4', dt=0.001), compressed=True)
    savez(d + '/u1_labels.npz', {'times': ('<f4', [1.0, 2.0]), 'units': ('|u1', [0, 255]),
                                 'offsets': ('<u4', [0, 1, 2]), 'labels': ('|u1', [255, 0])})
    savez(d + '/empty_sample_n_units.npz', events([[]], [0], n_units=700))
    # fuzz_events.c's raw form of ms_f64.npz: n, E, flags (n_units, n_classes, dt
    # present), float32 times, int16 units, uint8 offsets and labels, the scalars.
    times, units, offsets = flat(three)
    with open(d + '/raw_three_samples', 'wb') as f:
        f.write(struct.pack('<3B%df%dh%dB3BhBf' % (len(times), len(units), len(offsets)),
                            3, len(times), 7, *times, *units, *offsets, 2, 0, 1, 5, 4, 1.0))


if __name__ == '__main__':
    corpus(sys.argv[1] if len(sys.argv) > 1 else 'tests/fuzz/corpus/events')
