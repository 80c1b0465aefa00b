#!/usr/bin/env python3
"""torch_baseline.py - the paper's network in its dense PyTorch formulation, timed.

The yardstick `make bench-train` sets our trainer against: the authors' public code trains
the 784-100-10 E:I network with dense tensors, one (batch, 784) x (784, 100) product per
time step whether or not an input spiked. This is that formulation (docs/reference-model.md:
latency code, current-based LIF, reset to 0, fast-sigmoid surrogate with slope 100, max-over-
time readout, SGD lr 0.01, batch 256, Dale's law by clipping), timed on Fashion-MNIST.
Two ways to split the dense per-step currents: as the authors' code (indexing) and tuned
(unbind), so that the ratio is given against both. Prints one JSON line.
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch


def load_images(data_dir, count):
    for name in ("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                raw = f.read()
            n = min(count, int.from_bytes(raw[4:8], "big"))
            return np.frombuffer(raw, np.uint8, n * 784, 16).reshape(n, 784)
    raise SystemExit(f"torch_baseline: no train-images-idx3-ubyte[.gz] in {data_dir}")


def latency_code(images, steps):
    """Dense (n, steps, 784) spikes: a pixel x > 0.2 fires once at floor(20 ln(x / (x - 0.2)))."""
    x = images.astype(np.float64) / 255.0
    spikes = np.zeros((images.shape[0], steps, 784), np.float32)
    rows, cols = np.nonzero(x > 0.2)
    t = np.floor(20.0 * np.log(x[rows, cols] / (x[rows, cols] - 0.2))).astype(np.int64)
    keep = t < steps
    spikes[rows[keep], t[keep], cols[keep]] = 1.0
    return torch.from_numpy(spikes)


class Spike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, v):
        ctx.save_for_backward(v)
        return (v > 0).float()

    @staticmethod
    def backward(ctx, grad):
        (v,) = ctx.saved_tensors
        return grad / (100.0 * v.abs() + 1.0) ** 2


def steps_indexed(h):
    """The authors' code: h[:, t]. Each index's backward fills a full-size zero gradient."""
    return [h[:, t] for t in range(h.shape[1])]


def steps_unbound(h):
    """The same split by unbind, whose backward is one stack: the tuned formulation."""
    return h.unbind(1)


def run(x, w1, w2, alpha, beta, split):
    batch, steps, _ = x.shape
    h1 = (x.reshape(-1, x.shape[2]) @ w1).reshape(batch, steps, -1)
    syn = torch.zeros(batch, w1.shape[1])
    mem = torch.zeros(batch, w1.shape[1])
    spikes = []
    for h1_t in split(h1):
        s = Spike.apply(mem - 1.0)
        new_syn = alpha * syn + h1_t
        mem = (beta * mem + syn) * (1.0 - s.detach())
        syn = new_syn
        spikes.append(s)
    h2 = torch.stack(spikes, 1) @ w2
    flt = torch.zeros(batch, w2.shape[1])
    out = torch.zeros(batch, w2.shape[1])
    outs = [out]
    for h2_t in split(h2):
        new_flt = alpha * flt + h2_t
        out = beta * out + flt
        flt = new_flt
        outs.append(out)
    return torch.stack(outs, 1).max(1).values


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--batches", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--s1", type=float, default=0.003)
    p.add_argument("--formulation", choices=("authors", "tuned"), default="authors",
                   help="authors: h[:, t] per step as the paper's code; tuned: unbind")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    batch, steps, hidden, n_exc = 256, 100, 100, 80
    images = load_images(a.data, a.batches * batch)
    labels = torch.randint(0, 10, (images.shape[0],))  # speed only: labels do not change the work
    x = latency_code(images, steps)
    alpha, beta = math.exp(-1 / 5), math.exp(-1 / 10)
    w1 = (torch.randn(784, hidden) * a.s1).abs().requires_grad_()
    sign = torch.cat([torch.ones(n_exc), -torch.ones(hidden - n_exc)])[:, None]
    w2 = (torch.randn(hidden, 10).abs() * 7 * (1 - beta) / math.sqrt(hidden) * sign).requires_grad_()
    split = steps_indexed if a.formulation == "authors" else steps_unbound
    opt = torch.optim.SGD([w1, w2], lr=0.01)
    start = time.perf_counter()
    n = x.shape[0] // batch
    for b in range(n):
        logits = run(x[b * batch:(b + 1) * batch], w1, w2, alpha, beta, split)
        loss = torch.nn.functional.cross_entropy(logits, labels[b * batch:(b + 1) * batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():  # Dale's law by projection, as the paper's code
            w1.clamp_(min=0)
            w2[:n_exc].clamp_(min=0)
            w2[n_exc:].clamp_(max=0)
    seconds = time.perf_counter() - start
    print(json.dumps({"formulation": a.formulation, "train_samples_per_s": n * batch / seconds,
                      "threads": a.threads, "batches": n}))


if __name__ == "__main__":
    main()
