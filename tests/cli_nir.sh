#!/usr/bin/env bash
# End-to-end checks of `snn export/import` with NIR graphs and PyTorch-layout .npz:
# snn -> nir -> snn gives the same model file bit for bit (the paper's network, and two
# recurrent layers with mixed E:I ratios); NIR graphs written by another
# tool (Debian's python3-h5py in NIR's published layout, tests/nir_graph.py) import with
# their parameters checked after import; what the model cannot run (a convolution, a
# delay, a subtractive reset, a cycle that is not a layer's own recurrence) is refused
# naming the node, and nothing is written; a .npz in nn.Linear's (out, in) layout
# (python3-numpy) is detected, or taken with --layout where the shapes cannot tell.
# Usage: cli_nir.sh SNN_BINARY
set -u
snn=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
py() { PYTHONPATH="$here" /usr/bin/python3 "$@"; }
cd "$work"

# A paper-shaped network in our layout, and the same in PyTorch's with biases beside it.
py - <<'PY'
import numpy as np
r = np.random.default_rng(3)
w1 = np.abs(r.normal(0, 0.02, (784, 100))).astype(np.float32)
w2 = r.normal(0, 0.1, (100, 10)).astype(np.float32)
w2[:80], w2[80:] = np.abs(w2[:80]), -np.abs(w2[80:])
np.savez("ours.npz", w1=w1, w2=w2, n_exc=np.int32(80))
# As a PyTorch model's state_dict gives them: (out, in), C order, biases beside.
np.savez("torch.npz", **{"w1": np.ascontiguousarray(w1.T), "w2": np.ascontiguousarray(w2.T),
                         "n_exc": np.int32(80),
                         "fc1.bias": np.zeros(100, np.float32), "fc2.bias": np.ones(10, np.float32)})
sq = np.abs(r.normal(0, 0.1, (6, 6))).astype(np.float32)
np.savez("square.npz", w1=sq, w2=sq.T.copy(), n_exc=np.int32(6))
np.savez("square_ours.npz", w1=sq.T.copy(), w2=sq, n_exc=np.int32(6))
PY
"$snn" import --model ours.npz --out paper.snn > /dev/null
"$snn" export --model paper.snn --out paper.nir > export.out
check "export writes a NIR graph by the .nir extension" grep -q "nir 784-100-10" export.out
"$snn" import --model paper.nir --out back.snn > /dev/null
check "snn -> nir -> snn: the same model file, bit for bit" cmp paper.snn back.snn
check "NIR's reader layout: h5py sees the graph, its E and I populations and their signs" py -c "
import h5py, sys, numpy as np
f = h5py.File('paper.nir', 'r'); n = f['node/nodes']
types = {k: n[k]['type'][()] for k in n}
edges = {(a.decode(), b.decode()) for a, b in f['node/edges'][()]}
ok = f['node/type'][()] == b'NIRGraph' and types['lif0_exc'] == b'CubaLIF' and types['li'] == b'CubaLI'
ok &= n['lif0_exc/metadata/population'][()] == b'excitatory' and n['lif0_inh/tau_syn'].shape == (20,)
ok &= n['fc1_exc_out/weight'].shape == (10, 80) and (n['fc1_exc_out/weight'][()] >= 0).all()
ok &= (n['fc1_inh_out/weight'][()] <= 0).all() and ('lif0_inh', 'fc1_inh_out') in edges
sys.exit(not ok)"

# A trained 2-layer recurrent network with mixed E:I ratios (a short run on Fashion-MNIST).
"$snn" train --arch 784-16-8-10 --recurrent --ratio 0.8,0.5 --epochs 1 --limit 256 \
  --test-limit 100 --seed 3 --quiet --out deep.snn > /dev/null
"$snn" export --model deep.snn --out deep.nir > /dev/null
"$snn" import --model deep.nir --out deep_back.snn > /dev/null
"$snn" export --model deep.snn --out deep.npz > /dev/null
"$snn" export --model deep_back.snn --out deep_back.npz > /dev/null
check "a trained 784-16r-8r-10 network: snn -> nir -> snn keeps every weight and constant" \
  cmp deep.npz deep_back.npz

"$snn" import --model torch.npz --out torch.snn > torch.out
check "nn.Linear's (out, in) layout detected from the shapes" grep -q "^layout: torch" torch.out
check "... the arrays it ignored named" grep -q "^ignored arrays: fc1.bias, fc2.bias" torch.out
check "... the same model as from our layout" cmp paper.snn torch.snn
"$snn" import --model ours.npz --out ours.snn --json > ours.out
check "our layout detected (JSON)" last_json ours.out "d['layout'] == 'ours' and d['ignored'] == ''"
fails_with "square matrices: the layout is asked for" "square.npz.*--layout" \
  "$snn" import --model square.npz --out sq.snn
check "... and no output written" test ! -e sq.snn
"$snn" import --model square.npz --layout torch --out sq.snn > /dev/null
"$snn" import --model square_ours.npz --layout ours --out sq_ours.snn > /dev/null
check "... --layout torch transposes them" cmp sq.snn sq_ours.snn
fails_with "--layout is refused for a NIR graph" "applies to .npz only" \
  "$snn" import --model paper.nir --layout torch --out x.snn

# NIR graphs written by another tool. One hidden layer of 4 E and 2 I neurons, constants
# that are not ours, readout of 3: the parameters are checked after import through the
# .npz export (python3-numpy).
py - <<'PY'
import numpy as np, nir_graph as g
r = np.random.default_rng(5)
fe, fi = np.abs(r.normal(0, 1, (4, 6))), np.abs(r.normal(0, 1, (2, 6)))
oe, oi = np.abs(r.normal(0, 1, (3, 4))), -np.abs(r.normal(0, 1, (3, 2)))
np.savez("foreign_w.npz", fe=fe, fi=fi, oe=oe, oi=oi)
nodes = {"input": g.input_node(6), "fc_e": g.linear(fe), "fc_i": g.linear(fi),
         "lif_e": g.neurons(4, 0.75, 0.95, 1.25, population="excitatory"),
         "lif_i": g.neurons(2, 0.75, 0.95, 1.25, population="inhibitory"),
         "out_e": g.linear(oe), "out_i": g.linear(oi), "li": g.neurons(3, 0.75, 0.95),
         "output": g.output_node(3)}
edges = [("input", "fc_e"), ("fc_e", "lif_e"), ("input", "fc_i"), ("fc_i", "lif_i"),
         ("lif_e", "out_e"), ("out_e", "li"), ("lif_i", "out_i"), ("out_i", "li"),
         ("li", "output")]
g.write("foreign.nir", nodes, edges)
# The same written for snnTorch's step, dt = 0.1 ms (its time constants 10x shorter).
tenth = {k: g.neurons(v["tau_syn"].size, 0.75, 0.95, v.get("v_threshold", [None])[0], dt=1e-4,
                      **({"metadata": v["metadata"]} if "metadata" in v else {}))
         if k.startswith("li") else v for k, v in nodes.items()}
g.write("dt_tenth.nir", tenth, edges)
def variant(name, extra_nodes, extra_edges, drop=(), drop_nodes=()):
    n = {k: v for k, v in dict(nodes, **extra_nodes).items() if k not in drop_nodes}
    g.write(name, n, [e for e in edges if e not in drop] + extra_edges)
variant("conv.nir", {"conv": {"type": "Conv2d", "weight": np.zeros((1, 1, 3, 3)),
                              "bias": np.zeros(1), "stride": np.array([1, 1]),
                              "padding": np.array([0, 0]), "dilation": np.array([1, 1]),
                              "groups": 1}},
        [("input", "conv"), ("conv", "fc_e")], drop=[("input", "fc_e")])
variant("delay.nir", {"wait": {"type": "Delay", "delay": np.full(6, 0.002)}},
        [("input", "wait"), ("wait", "fc_e")], drop=[("input", "fc_e")])
sub = g.neurons(4, 0.75, 0.95, 1.25, population="excitatory")
sub["metadata"]["reset_mechanism"] = "subtract"
variant("subtract.nir", {"lif_e": sub}, [])
# Two layers, the second feeding back into the first: a cycle, not a layer's own recurrence.
variant("cycle.nir", {"lif2": g.neurons(2, 0.75, 0.95, 1.0), "up": g.linear(np.ones((2, 4))),
                      "back": g.linear(np.ones((4, 2))), "out2": g.linear(np.ones((3, 2)))},
        [("lif_e", "up"), ("up", "lif2"), ("lif2", "back"), ("back", "lif_e"),
         ("lif2", "out2"), ("out2", "li")],
        drop=[("lif_e", "out_e"), ("out_e", "li"), ("lif_i", "out_i"), ("out_i", "li")],
        drop_nodes=["out_e", "out_i"])
PY
# Two recurrent layers with mixed E:I ratios (5:3, then 2:2), their own constants, the
# second layer's recurrence only across its populations.
py - <<'PY'
import numpy as np, nir_graph as g
r = np.random.default_rng(11)
pos = lambda *s: np.abs(r.normal(0, 1, s)).astype(np.float32)
blocks = {"fc0_in_exc": pos(5, 8), "fc0_in_inh": pos(3, 8),
          "rec0_exc_exc": pos(5, 5), "rec0_exc_inh": pos(3, 5),
          "rec0_inh_exc": -pos(5, 3), "rec0_inh_inh": -pos(3, 3),
          "fc1_exc_exc": pos(2, 5), "fc1_exc_inh": pos(2, 5),
          "fc1_inh_exc": -pos(2, 3), "fc1_inh_inh": -pos(2, 3),
          "rec1_exc_inh": pos(2, 2), "rec1_inh_exc": -pos(2, 2),
          "fc2_exc_out": pos(3, 2), "fc2_inh_out": -pos(3, 2)}
np.savez("rec2_w.npz", **blocks)
nodes = {k: g.linear(w) for k, w in blocks.items()}
nodes.update({"input": g.input_node(8), "output": g.output_node(3), "li": g.neurons(3, 0.5, 0.9),
              "lif0_exc": g.neurons(5, 0.8, 0.9, 1.0, population="excitatory"),
              "lif0_inh": g.neurons(3, 0.8, 0.9, 1.0, population="inhibitory"),
              "lif1_exc": g.neurons(2, 0.6, 0.95, 0.5, population="excitatory"),
              "lif1_inh": g.neurons(2, 0.6, 0.95, 0.5, population="inhibitory")})
pop = lambda p, l: "input" if p == "in" else "li" if p == "out" else f"lif{l}_{p}"
edges = [("li", "output")]
for k in blocks:
    kind, src, dst = k.split("_")
    l = int(kind[-1])
    edges += [(pop(src, l if kind.startswith("rec") else l - 1), k), (k, pop(dst, l))]
g.write("rec2.nir", nodes, edges, metadata={"steps": 40, "dale": 1})
# Chains of unlabelled layers: 5 layers (one too many), and 2 with an edge skipping one.
def chain(name, sizes, extra_nodes={}, extra_edges=[]):
    names = ["input"] + [f"lif{l}" for l in range(len(sizes) - 2)] + ["li"]
    n = {"input": g.input_node(sizes[0]), "output": g.output_node(sizes[-1]),
         "li": g.neurons(sizes[-1], 0.5, 0.9)}
    e = [("li", "output")]
    for l in range(1, len(sizes)):
        if l < len(sizes) - 1:
            n[names[l]] = g.neurons(sizes[l], 0.5, 0.9, 1.0)
        n[f"w{l}"] = g.linear(np.ones((sizes[l], sizes[l - 1])))
        e += [(names[l - 1], f"w{l}"), (f"w{l}", names[l])]
    g.write(name, dict(n, **extra_nodes), e + extra_edges)
chain("deep5.nir", [3, 2, 2, 2, 2, 2, 2])
chain("skip.nir", [3, 2, 2, 2], {"skip": g.linear(np.ones((2, 3)))},
      [("input", "skip"), ("skip", "lif1")])
PY
"$snn" import --model rec2.nir --out rec2.snn --json > rec2.out
check "a 2-layer recurrent mixed E:I graph from h5py imports" last_json rec2.out \
  "d['arch'] == '8-8r-4r-3' and d['n_exc'] == 5 and d['dale'] == 1"
"$snn" export --model rec2.snn --out rec2_back.nir > /dev/null
"$snn" import --model rec2_back.nir --out rec2_back.snn > /dev/null
check "... snn -> nir -> snn: the same model file, bit for bit" cmp rec2.snn rec2_back.snn
check "... its weights, constants and steps as written (re-exported, read by h5py)" py -c "
import h5py, numpy as np, sys
f = h5py.File('rec2_back.nir', 'r'); n = f['node/nodes']; w = np.load('rec2_w.npz')
ok = all((n[k]['weight'][()] == w[k]).all() for k in w.files)
ok &= (n['rec1_exc_exc/weight'][()] == 0).all() and f['node/metadata/steps'][()] == 40
ok &= np.allclose(n['lif1_inh/tau_syn'][()], 1e-3 / 0.4) and (n['lif1_exc/v_threshold'][()] == 0.5).all()
ok &= np.allclose(n['li/tau_mem'][()], 1e-2) and n['lif0_exc/metadata/population'][()] == b'excitatory'
sys.exit(not ok)"

"$snn" export --model rec2.snn --out rec2.npz > /dev/null
py -c "
import numpy as np
z = np.load('rec2.npz')
t = {k: np.ascontiguousarray(v.T) if k[0] in 'wr' else v for k, v in z.items()}
np.savez('rec2_torch.npz', **t, **{'lif1.bias': np.zeros(8, np.float32), 'optimizer_step': 7})"
"$snn" import --model rec2_torch.npz --out rec2_torch.snn > rec2_torch.out
check "the recurrent network's .npz in (out, in) layout: detected, recurrent matrices too" \
  cmp rec2.snn rec2_torch.snn
check "... and only the arrays the model does not hold named ignored" \
  grep -q "^ignored arrays: lif1.bias, optimizer_step$" rec2_torch.out

"$snn" import --model foreign.nir --out foreign.snn --json > foreign.out
check "a NIR graph written by h5py imports" last_json foreign.out \
  "d['format'] == 'nir' and d['arch'] == '6-6-3' and d['n_exc'] == 4 and d['dale'] == 1"
"$snn" export --model foreign.snn --out foreign.npz > /dev/null
check "... with its parameters: decays, threshold, E:I split, weights (in, out), E first" py -c "
import numpy as np, sys
z, w = np.load('foreign.npz'), np.load('foreign_w.npz')
f32 = np.float32
ok = z['alpha'] == f32(0.75) and z['beta'] == f32(0.95) and z['threshold'] == f32(1.25)
ok &= z['n_exc'] == 4 and z['dale'] == 1 and z['steps'] == 100
ok &= (z['w1'] == np.concatenate([w['fe'].T, w['fi'].T], axis=1).astype(f32)).all()
ok &= (z['w2'] == np.concatenate([w['oe'].T, w['oi'].T], axis=0).astype(f32)).all()
sys.exit(not ok)"
fails_with "time constants shorter than the step are refused" "tau_syn = 0.0004" \
  "$snn" import --model dt_tenth.nir --out x.snn
"$snn" import --model dt_tenth.nir --dt 1e-4 --out tenth.snn > /dev/null
check "... and read at --dt 1e-4 give the same model" cmp foreign.snn tenth.snn
fails_with "a convolution is refused, naming the node" "conv.nir: node 'conv' is a Conv2d" \
  "$snn" import --model conv.nir --out x.snn
fails_with "a delay is refused, naming the node" "delay.nir: node 'wait' is a Delay" \
  "$snn" import --model delay.nir --out x.snn
fails_with "a subtractive reset is refused, naming the node" \
  "subtract.nir: node 'lif_e': reset_mechanism 'subtract'" "$snn" import --model subtract.nir --out x.snn
fails_with "a cycle that is not self-recurrence is refused, naming the node" \
  "cycle.nir: node 'back' .*cycle that is not a layer's self-recurrence" \
  "$snn" import --model cycle.nir --out x.snn
fails_with "more than 4 hidden layers are refused" "deep5.nir: 5 hidden layers; the model runs 1 to 4" \
  "$snn" import --model deep5.nir --out x.snn
fails_with "an edge skipping a layer is refused, naming the node" "skip.nir: node 'skip' .*skips a layer" \
  "$snn" import --model skip.nir --out x.snn
check "no output file after a refused import" test ! -e x.snn
fails_with "a file that is neither NIR nor .npz" "neither a NIR graph" \
  "$snn" import --model export.out --out x.snn
fails_with "export wants a known extension" "name it F.npz" \
  "$snn" export --model paper.snn --out x.bin

finish cli_nir
