#!/usr/bin/env python3
"""int8 vs fp32 on a BERT-base-shaped model with a classifier that was fitted to a task.

A random BERT (tests/reference/make_random_bert.py, weights drawn like a trained BERT's)
has a random classification head whose two logits are nearly tied on every input, so
top-label agreement measures the head's ties more than the quantization (see
benchmarks/RESULTS.md). Here the encoder stays random but the head is fitted, as
fine-tuning would, to a labelled synthetic task: lines of words drawn mostly from one
of two disjoint halves of the vocabulary ("topic a" / "topic b", 10 % of the words from
anywhere). The head is logistic regression (numpy) on the fp32 file's pooled outputs of
600 training lines; then bert-convert converts the checkpoint with 150 calibration lines
and evaluates 500 held-out labelled lines with the fp32 and int8 files.

  bert_base_topic_task.py --build BUILD_DIR --work DIR [--outliers] [--activations static]
                          [--no-smoothing] [--layers 12 --hidden 768 ...]

Prints bert-convert's evaluation and calibration summaries (accuracy fp32 -> int8,
agreement, logit error, mean-pooled cosine, per-layer error).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import safetensors_io  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, **kw)


def lines(vocab, n, rng):
    words = [w for w in vocab if w.isalpha() and w.islower()]
    halves = (words[0::2], words[1::2])
    out = []
    for i in range(n):
        label = i % 2
        k = int(rng.integers(4, 41))
        ws = [halves[label][rng.integers(len(halves[label]))] if rng.random() < 0.9
              else words[rng.integers(len(words))] for _ in range(k)]
        out.append((" ".join(ws), label))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--outliers", action="store_true", help="dims 308 and 381 x20 (function-preserving)")
    ap.add_argument("--activations", default="dynamic", choices=["dynamic", "static"])
    ap.add_argument("--no-smoothing", action="store_true")
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--hidden", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--intermediate", type=int, default=3072)
    ap.add_argument("--vocab", type=int, default=30522)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    convert = os.path.join(a.build, "bin", "bert-convert")
    embert = os.path.join(a.build, "bin", "embert")
    model = os.path.join(a.work, "model-outliers" if a.outliers else "model")
    if not os.path.exists(os.path.join(model, "model.safetensors")):
        extra = ["--outlier-dims", "308,381", "--outlier-factor", "20"] if a.outliers else []
        run([sys.executable, os.path.join(ROOT, "tests", "reference", "make_random_bert.py"), "--out", model,
             "--layers", str(a.layers), "--hidden", str(a.hidden), "--heads", str(a.heads),
             "--intermediate", str(a.intermediate), "--vocab", str(a.vocab), "--max-pos", "512", "--labels", "2",
             "--seed", "3", "--no-expected", *extra])
    vocab = open(os.path.join(model, "vocab.txt"), encoding="utf-8").read().split("\n")
    rng = np.random.default_rng(5)
    data = lines(vocab, 1250, rng)
    train, cal, test = data[:600], data[600:750], data[750:]
    p = lambda name: os.path.join(a.work, name)  # noqa: E731
    with open(p("train.txt"), "w") as f:
        f.writelines(t + "\n" for t, _ in train)
    with open(p("cal.txt"), "w") as f:
        f.writelines(t + "\n" for t, _ in cal)
    with open(p("eval.tsv"), "w") as f:
        f.writelines("%s\ttopic_%s\n" % (t, "ab"[y]) for t, y in test)

    # Pooled outputs of the fp32 file (the head's input), then logistic regression.
    run([convert, model, "-o", p("fp32.embert"), "--quantize", "fp32", "--quiet"])
    out = run([embert, "embed", "--model", p("fp32.embert"), "--input", p("train.txt"), "--pooling", "cls",
               "--jsonl", "--threads", "2"], capture_output=True).stdout
    x = np.array([json.loads(line)["embedding"] for line in out.splitlines()], dtype=np.float64)
    y = np.array([lab for _, lab in train], dtype=np.float64)
    # Newton's method (IRLS) with a small L2 penalty: converges in a few steps.
    xb = np.hstack([x, np.ones((len(x), 1))])
    wb = np.zeros(xb.shape[1])
    for _ in range(25):
        z = 1 / (1 + np.exp(-np.clip(xb @ wb, -30, 30)))
        grad = xb.T @ (z - y) + 1e-2 * wb
        hess = (xb * (z * (1 - z))[:, None]).T @ xb + 1e-2 * np.eye(len(wb))
        wb -= np.linalg.solve(hess, grad)
    w, b = wb[:-1], wb[-1]
    margin = np.abs(x @ w + b)
    print("head fitted: training accuracy %.2f %%, |logit difference| median %.2f, 5th percentile %.2f"
          % (100 * np.mean(((x @ w + b) > 0) == (y > 0.5)), np.median(margin), np.percentile(margin, 5)))
    tensors, meta, _ = safetensors_io.load_with_metadata(os.path.join(model, "model.safetensors"))
    tensors = dict(tensors)
    # Two softmax logits whose difference is the regression's: softmax = sigmoid(w.x + b).
    tensors["classifier.weight"] = np.stack([-w / 2, w / 2]).astype(np.float32)
    tensors["classifier.bias"] = np.array([-b / 2, b / 2], dtype=np.float32)
    safetensors_io.save(os.path.join(model, "model.safetensors"), tensors, metadata=meta)
    cfg = json.load(open(os.path.join(model, "config.json")))
    cfg["id2label"] = {"0": "topic_a", "1": "topic_b"}
    cfg["label2id"] = {"topic_a": 0, "topic_b": 1}
    json.dump(cfg, open(os.path.join(model, "config.json"), "w"), indent=1)

    cmd = [convert, model, "-o", p("int8.embert"), "--calibration", p("cal.txt"), "--evaluate", p("eval.tsv"),
           "--activations", a.activations]
    if a.no_smoothing:
        cmd.append("--no-smoothing")
    summary = run(cmd, capture_output=True).stdout
    keep = ("evaluation", "accuracy", "top label", "agreement", "calibration", "int8 vs", "relative error", "activations",
            "outlier smoothing")
    print("\n".join(line for line in summary.splitlines() if line.lstrip().startswith(keep)))


if __name__ == "__main__":
    main()
