#!/usr/bin/env python3
"""Quantization error of each GEMM of a real fine-tuned BERT-tiny (SST-2), by
scheme: embert's (int8 per output channel weights, int8 per-token dynamic
activations) against per-tensor schemes. Not part of the build or CI: it
reads the matrices from the shared data folder.

  /usr/bin/python3 benchmarks/quantization/gemm_error_bert_tiny.py \\
      ../shared/data/bert-tiny-sst2-matrices/weights-sst2

The matrices (narger-ef/FHE-BERT-Tiny, MIT; see that folder's PROVENANCE.md)
are real fine-tuned weights but come without embeddings or LayerNorm
parameters, so the inputs are synthetic and then pushed through the real
weights: the Q/K/V, attention-output and FFN-intermediate inputs are rows of
a LayerNorm output (standard normal, 256 calibration tokens and 256 others);
the attention-output input is V of those rows; the FFN-output input is
GELU(x W_int + b_int), which has the skewed, sparse distribution of the real
thing. Orientation: attention and intermediate files are [in][out] (the
folder's note), output.weight is [out=128][in=512].

Schemes, each measured as ||Y_q - Y|| / ||Y|| over the 256 evaluation tokens:
  embert         W int8 per output channel (symmetric), x int8 per token, dynamic
  per-tensor dyn W int8 per tensor, x uint8 per tensor dynamic, asymmetric
                 (what onnxruntime's quantize_dynamic does by default)
  static         W int8 per tensor, x int8 per tensor with the scale fixed from
                 the calibration tokens' max |x| (naive static int8)
"""
import math
import os
import sys

import numpy as np


def load(folder, name):
    return np.loadtxt(os.path.join(folder, name + ".txt"), delimiter=",", ndmin=2)


def gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def q_sym(x, scale):
    return np.clip(np.rint(x / scale), -127, 127) * scale


def embert(x, w):  # w [out][in]
    ws = np.abs(w).max(1, keepdims=True) / 127
    xs = np.abs(x).max(1, keepdims=True) / 127
    xs[xs == 0] = 1
    return q_sym(x, xs) @ q_sym(w, ws).T


def per_tensor_dynamic(x, w):
    ws = np.abs(w).max() / 127
    lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
    s = (hi - lo) / 255 or 1.0
    zp = np.rint(-lo / s)
    xq = (np.clip(np.rint(x / s) + zp, 0, 255) - zp) * s
    return xq @ q_sym(w, ws).T


def static(x, w, calibration_max):
    return q_sym(x, calibration_max / 127) @ q_sym(w, np.abs(w).max() / 127).T


def main():
    folder = sys.argv[1]
    rng = np.random.default_rng(0)
    cal, ev = rng.standard_normal((256, 128)), rng.standard_normal((256, 128))
    print("| GEMM | shape (out x in) | embert | per-tensor dynamic | static per-tensor | weight max/median row range |")
    print("|---|---|---:|---:|---:|---:|")
    for layer in (0, 1):
        p = "layer%d_" % layer
        w = {n: load(folder, p + "attself_%s_weight" % n).T for n in ("query", "key", "value")}
        b_v = load(folder, p + "attself_value_bias").ravel()
        w["attention_output"] = load(folder, p + "selfoutput_weight").T
        w["intermediate"] = np.concatenate(
            [load(folder, p + "intermediate_weight%d" % i).reshape(128, 128) for i in range(1, 5)], axis=1).T
        b_int = load(folder, p + "intermediate_bias").ravel()
        w["output"] = load(folder, p + "output_weight")
        inputs = {}
        for n in ("query", "key", "value", "intermediate"):
            inputs[n] = (cal, ev)
        inputs["attention_output"] = tuple(x @ w["value"].T + b_v for x in (cal, ev))
        inputs["output"] = tuple(gelu(x @ w["intermediate"].T + b_int) for x in (cal, ev))
        for n in ("query", "key", "value", "attention_output", "intermediate", "output"):
            c, x = inputs[n]
            W = w[n]
            y = x @ W.T
            rel = lambda yq: np.linalg.norm(yq - y) / np.linalg.norm(y)  # noqa: E731
            rows = np.abs(W).max(1)
            print("| layer %d %s | %d x %d | %.4f | %.4f | %.4f | %.1f |" % (
                layer, n, W.shape[0], W.shape[1], rel(embert(x, W)), rel(per_tensor_dynamic(x, W)),
                rel(static(x, W, np.abs(c).max())), rows.max() / np.median(rows)))


if __name__ == "__main__":
    main()
