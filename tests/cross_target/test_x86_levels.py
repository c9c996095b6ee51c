#!/usr/bin/env python3
"""x86 CPUs of different generations give the same answers.

The host's embert classifies the first dev utterances natively and under
qemu-x86_64 as older CPUs, so that other code paths are chosen at run time:
  -cpu Haswell (AVX2 + FMA, no AVX-512): the AVX2 GEMM kernels and the FMA
      clone of attention. Must equal the native run to the bit: the int8
      products are exact on every engine and attention fuses its
      multiply-adds on every CPU that has FMA (kernels/attention.cc).
  -cpu Nehalem (SSE4.2, no FMA): attention with separate multiplies and adds.
      Same top labels, logits within 1e-3 (a rounding difference before a
      re-quantization can move a value by one int8 step).
"""
import argparse
import json
import subprocess
import sys


def classify(cmd, model, texts):
    run = subprocess.run(cmd + ["classify", "--model", model, "--input", "-", "--jsonl"],
                         input="\n".join(texts) + "\n", capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("%s failed (%d): %s" % (" ".join(cmd), run.returncode, run.stderr[-2000:]))
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    if len(rows) != len(texts):
        sys.exit("%s: %d results for %d texts" % (" ".join(cmd), len(rows), len(texts)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--embert", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--texts", required=True, help="TSV with a header; the first column is the text")
    ap.add_argument("--count", type=int, default=200)
    a = ap.parse_args()
    with open(a.texts, encoding="utf-8") as f:
        texts = [line.split("\t")[0] for line in f.read().splitlines()[1:a.count + 1]]
    native = classify([a.embert], a.model, texts)
    failures = 0
    for cpu, tolerance in (("Haswell", 0.0), ("Nehalem", 1e-3)):
        got = classify([a.qemu, "-cpu", cpu, a.embert], a.model, texts)
        labels = sum(x["label"] != y["label"] for x, y in zip(native, got))
        worst = max(abs(p - q) for x, y in zip(native, got) for p, q in zip(x["logits"], y["logits"]))
        ok = labels == 0 and worst <= tolerance
        failures += not ok
        print("%s %s: %d texts, %d top labels differ, max |logit diff| %.3g (tolerance %g)" % (
            "ok" if ok else "FAIL", cpu, len(texts), labels, worst, tolerance))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
