"""nir_graph.py - writes NIR graphs as another tool would: with Debian's python3-h5py, in the
layout of NIR's own nir.write (neuromorphs/NIR, nir/serialization.py): /version and every
"type" a variable-length UTF-8 string, /node/edges an (E, 2) array of such strings, parameter
arrays gzip-compressed in chunks, each node a group under /node/nodes, metadata groups.
Used by tests/cli_nir.sh and tests/fuzz/corpus/make_nir_corpus.sh; not by the C code.
"""
import h5py
import numpy as np

DT = 1e-3


def _write(group, node, compression):
    """Mirrors nir.write's write_recursive."""
    for k, v in node.items():
        if k == "metadata":
            if v:
                _write(group.create_group(k), v, compression)
        elif isinstance(v, str):
            group.create_dataset(k, data=v, dtype=h5py.string_dtype())
        elif isinstance(v, np.ndarray):
            group.create_dataset(k, data=v, dtype=v.dtype, compression=compression)
        elif isinstance(v, dict):
            _write(group.create_group(str(k)), v, compression)
        else:
            group.create_dataset(k, data=v)


def write(path, nodes, edges, metadata=None, compression="gzip", libver=None):
    with h5py.File(path, "w", libver=libver) as f:
        f.create_dataset("version", data="1.0.0", dtype=h5py.string_dtype())
        g = f.create_group("node")
        g.create_dataset("type", data="NIRGraph", dtype=h5py.string_dtype())
        g.create_dataset("edges", data=[list(e) for e in edges], dtype=h5py.string_dtype())
        _write(g.create_group("nodes"), nodes, compression)
        if metadata:
            _write(g.create_group("metadata"), metadata, compression)


def input_node(n):
    return {"type": "Input", "shape": np.array([n])}


def output_node(n):
    return {"type": "Output", "shape": np.array([n])}


def linear(w):
    return {"type": "Linear", "weight": np.asarray(w, dtype=np.float32)}


def neurons(n, alpha, beta, threshold=None, dt=DT, population=None, **extra):
    """A CubaLIF (with a threshold) or CubaLI of n neurons whose forward-Euler decays at dt
    are alpha and beta, with input gain 1 (w_in = tau_syn/dt, r = tau_mem/dt)."""
    tau_syn, tau_mem = dt / (1 - alpha), dt / (1 - beta)
    full = lambda v: np.full(n, v, dtype=np.float64)
    node = {"type": "CubaLIF" if threshold is not None else "CubaLI",
            "tau_syn": full(tau_syn), "tau_mem": full(tau_mem), "r": full(tau_mem / dt),
            "v_leak": full(0.0), "w_in": full(tau_syn / dt)}
    if threshold is not None:
        node["v_threshold"] = full(threshold)
        node["v_reset"] = full(0.0)
    if population:
        node["metadata"] = {"population": population}
    node.update(extra)
    return node
