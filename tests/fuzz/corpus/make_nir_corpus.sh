#!/usr/bin/env bash
# make_nir_corpus.sh - writes the seed corpus of fuzz_nir.c: small NIR graphs from
# `snn export` (our writer) and from tests/nir_graph.py (h5py in NIR's published layout:
# gzip chunks, or contiguous; libhdf5's newest format; a recurrent layer; a refused Affine
# bias). Run once from the
# repository root, commit the files:  tests/fuzz/corpus/make_nir_corpus.sh build/snn
set -eu
snn=$(realpath "$1")
out=tests/fuzz/corpus/nir
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PYTHONPATH=tests /usr/bin/python3 - "$tmp" "$out" <<'PY'
import sys, numpy as np, nir_graph as g
tmp, out = sys.argv[1], sys.argv[2]
w1 = np.array([[0.5, 0.0, 1.0, 0.25], [0.1, 0.2, 0.0, 0.3], [1.0, 1.0, 1.0, 1.0]], np.float32)
w2 = np.array([[0.5, -0.5], [0.25, 0.0], [1.0, 2.0], [-1.0, -0.5]], np.float32)
w2[3] = -np.abs(w2[3]); w2[:3] = np.abs(w2[:3])
np.savez(f"{tmp}/m.npz", w1=w1, w2=w2, n_exc=np.int32(3), steps=np.int32(5))
nodes = {"input": g.input_node(3), "fc": g.linear(w1.T[:3]), "fc_i": g.linear(w1.T[3:]),
         "lif": g.neurons(3, 0.75, 0.9, 1.0, population="excitatory"),
         "lif_i": g.neurons(1, 0.75, 0.9, 1.0, population="inhibitory"),
         "rec": g.linear(np.eye(3) * 0.5), "out": g.linear(w2.T[:, :3]),
         "out_i": g.linear(w2.T[:, 3:]), "li": g.neurons(2, 0.5, 0.8), "output": g.output_node(2)}
edges = [("input", "fc"), ("fc", "lif"), ("input", "fc_i"), ("fc_i", "lif_i"), ("lif", "rec"),
         ("rec", "lif"), ("lif", "out"), ("out", "li"), ("lif_i", "out_i"), ("out_i", "li"),
         ("li", "output")]
g.write(f"{out}/h5py_gzip.nir", nodes, edges)
g.write(f"{out}/h5py_contiguous.nir", nodes, edges, compression=None)
g.write(f"{out}/h5py_meta_latest.nir", nodes, edges, metadata={"steps": 7, "dale": 1, "dt": 1e-3},
        compression=None, libver="latest")
bias = dict(nodes, fc={"type": "Affine", "weight": nodes["fc"]["weight"], "bias": np.ones(3)})
g.write(f"{out}/h5py_affine_bias.nir", bias, edges, compression=None)
PY
"$snn" import --model "$tmp/m.npz" --out "$tmp/m.snn" > /dev/null
"$snn" export --model "$tmp/m.snn" --out "$out/snn_export.nir" > /dev/null
ls -l "$out"
