#!/usr/bin/env python3
"""Markdown tables of a model.sh result directory (OUT/<cpu>/<run>/model.json).

  summarize.py OUT --cpus "a76 a72" --models "bert-base small" --lengths "16 32 128" --shapes "128x768x768 ..."
"""
import argparse
import json
import os
import sys

NAMES = {"a76": "Pi 5 (A76 = neoverse-n1, 2.4 GHz)", "a72": "Pi 4 (A72, 1.8 GHz)"}
CATEGORIES = ["GEMM", "attention", "quantize", "GELU", "LayerNorm", "other"]


def load(out, cpu, run):
    path = os.path.join(out, cpu, run, "model.json")
    if not os.path.exists(path):
        sys.exit(f"summarize.py: {path} missing")
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--cpus", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--lengths", required=True)
    ap.add_argument("--shapes", required=True)
    ap.add_argument("--engines", default="best")
    a = ap.parse_args()
    cpus, models, lengths, shapes = a.cpus.split(), a.models.split(), a.lengths.split(), a.shapes.split()
    engines = a.engines.split()
    r = {}
    for c in cpus:
        for m in models:
            for n in lengths:
                r[c, m, n] = load(a.out, c, f"{m}-{n}")
        for s in shapes:
            for e in engines:
                r[c, "gemm-" + e, s] = load(a.out, c, f"gemm-{e}-{s}")

    print("## Whole encoder pass, 1 thread (instructions exact; cycles: llvm-mca, data in L1)\n")
    head = "| model | tokens |"
    rule = "|---|---:|"
    for c in cpus:
        head += f" {c}: M instructions | {c}: modelled ms | {c}: MAC/cycle |"
        rule += "---:|---:|---:|"
    print(head)
    print(rule)
    for m in models:
        for n in lengths:
            line = f"| {m} | {n} |"
            for c in cpus:
                x = r[c, m, n]
                line += f" {x['instructions'] / 1e6:,.0f} | {x['ms']:,.1f} | {x.get('mac_per_cycle', 0):.2f} |"
            print(line)
    for m in models:
        n = lengths[-1]
        print(f"\n### {m}, {n} tokens, 1 thread, by category\n")
        head = "| category |"
        rule = "|---|"
        for c in cpus:
            head += f" {c}: M instructions | {c}: ms | {c}: % |"
            rule += "---:|---:|---:|"
        print(head)
        print(rule)
        for cat in CATEGORIES:
            line = f"| {cat} |"
            for c in cpus:
                v = r[c, m, n]["categories"][cat]
                line += f" {v['instructions'] / 1e6:,.1f} | {v['ms']:,.1f} | {v['percent_cycles']:.1f} |"
            print(line)
        line = "| total |"
        for c in cpus:
            x = r[c, m, n]
            line += f" {x['instructions'] / 1e6:,.1f} | {x['ms']:,.1f} | 100 |"
        print(line)

    print("\n## One GEMM call with its activation quantization (kernel_driver, 1 thread)\n")
    print("best = embert's BestKernels() (float in, per-row dynamic quantization, float out); xnnpack = XNNPACK's "
          "f32->qs8 convert (one static scale) + qc8 1x1 convolution (int8 out).\n")
    print("| M×K×N | cpu | engine | M instructions | instructions/MAC | MAC/cycle (call) | MAC/cycle (GEMM kernel alone) |"
          " modelled µs |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for s in shapes:
        for c in cpus:
            for e in engines:
                x = r[c, "gemm-" + e, s]
                print(f"| {s} | {c} | {e} | {x['instructions'] / 1e6:,.2f} | {x['instructions_per_mac']:.3f} | "
                      f"{x['mac_per_cycle']:.2f} | {x.get('gemm_only_mac_per_cycle', 0):.2f} | {1000 * x['ms']:,.0f} |")
    notes = []
    negative = []
    for key, x in sorted(r.items()):
        if x["failed_blocks"]:
            notes.append(f"{'/'.join(key)}: {len(x['failed_blocks'])} blocks llvm-mca could not model, "
                         f"{x['failed_instructions_at_1_ipc'] / 1e6:,.2f} M instructions at 1 IPC")
        if x["negative_difference_instructions"]:
            negative.append(f"{'/'.join(key)} {x['negative_difference_instructions']:,.0f}")
    if negative:
        notes.append("instructions of blocks run less often in the longer run than in the shorter one (left out of the "
                     "counts): " + ", ".join(negative))
    print("\nCPUs: " + "; ".join(f"{c} = {NAMES.get(c, c)}" for c in cpus) + ". Blocks outside the hottest 99.9 % "
          "of instructions are counted at 1 IPC.")
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
