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
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agreement import agree, classify, read_texts  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--embert", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--texts", required=True, help="TSV with a header; the first column is the text")
    ap.add_argument("--count", type=int, default=200)
    a = ap.parse_args()
    texts = read_texts(a.texts, a.count)
    native = classify([a.embert], a.model, texts)
    failures = 0
    for cpu, tolerance in (("Haswell", 0.0), ("Nehalem", 1e-3)):
        got = classify([a.qemu, "-cpu", cpu, a.embert], a.model, texts)
        failures += not agree(cpu, texts, native, got, tolerance, "native", cpu)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
