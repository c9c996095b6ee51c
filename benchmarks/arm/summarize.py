#!/usr/bin/env python3
"""Markdown tables of a model.sh result directory (OUT/<cpu>/<run>/model.json).

  summarize.py OUT --cpus "a76 a72" --models "bert-base small" --lengths "16 32 128" --shapes "128x768x768 ..."

The whole-model table also lists ONNX Runtime's arm64 runs of ort_peer.sh
(OUT/<cpu>/ort-<int8|fp32>-<model>-<len>) where they are there; --ort chooses
the precisions (default "int8 fp32"). --peers-only: only ORT's runs, with
embert's beside them where OUT has them (ort_peer.sh's ort-summary.md).
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


def load_optional(out, cpu, run):
    path = os.path.join(out, cpu, run, "model.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def linear_macs(model, tokens):
    """MACs of the linear layers of one encoder pass (QKV, attention output, FFN): ORT's int8 GEMMs."""
    layers, hidden, inter = {"bert-base": (12, 768, 3072), "small": (4, 256, 1024), "minilm": (6, 384, 1536)}[model]
    return layers * tokens * (4 * hidden * hidden + 2 * hidden * inter)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--cpus", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--lengths", required=True)
    ap.add_argument("--shapes", default="")
    ap.add_argument("--engines", default="best")
    ap.add_argument("--ort", default="int8 fp32", help="precisions of ort_peer.sh's runs to list where present")
    ap.add_argument("--peers-only", action="store_true")
    a = ap.parse_args()
    cpus, models, lengths, shapes = a.cpus.split(), a.models.split(), a.lengths.split(), a.shapes.split()
    engines = a.engines.split()
    r = {}
    ort = {}
    for c in cpus:
        for m in models:
            for n in lengths:
                x = load_optional(a.out, c, f"{m}-{n}") if a.peers_only else load(a.out, c, f"{m}-{n}")
                if x is not None:
                    r[c, m, n] = x
                for q in a.ort.split():
                    x = load_optional(a.out, c, f"ort-{q}-{m}-{n}")
                    if x is not None:
                        ort[c, m, n, q] = x
        if not a.peers_only:
            for s in shapes:
                for e in engines:
                    r[c, "gemm-" + e, s] = load(a.out, c, f"gemm-{e}-{s}")
    if a.peers_only and not ort:
        sys.exit("summarize.py: no ort-* runs in " + a.out)

    print("## Whole encoder pass, 1 thread (instructions exact; cycles: llvm-mca, data in L1)\n")
    head = "| model | tokens | system |"
    rule = "|---|---:|---|"
    for c in cpus:
        head += f" {c}: M instructions | {c}: modelled ms | {c}: MAC/cycle |"
        rule += "---:|---:|---:|"
    print(head)
    print(rule)
    rows = [("embert int8", lambda c, m, n: r.get((c, m, n)))]
    for q in a.ort.split():
        rows.append((f"ORT {q} arm64", lambda c, m, n, q=q: ort.get((c, m, n, q))))
    for m in models:
        for n in lengths:
            for system, get in rows:
                if all(get(c, m, n) is None for c in cpus):
                    continue
                line = f"| {m} | {n} | {system} |"
                for c in cpus:
                    x = get(c, m, n)
                    if x is None:
                        line += " | | |"
                    else:
                        line += f" {x['instructions'] / 1e6:,.0f} | {x['ms']:,.1f} | {x.get('mac_per_cycle', 0):.2f} |"
                print(line)
    if ort:
        print("\nORT = ONNX Runtime 1.30 (onnxruntime-node's linux-arm64 library) under Debian's arm64 Node.js "
              "(benchmarks/arm/ort_peer.sh): one session.run() (the difference of runs with 1 and 2 calls), "
              "int8 = the same weights quantized by benchmarks/compare/quantize_onnx.py (dynamic, per-tensor).")
        print("\n### ONNX Runtime arm64: where the instructions are\n")
        print("MLAS int8 GEMM = blocks of libonnxruntime with SDOT/UDOT/SMLAL/SMULL/SADALP (the library has no "
              "symbols: blocks are named by their instructions); float vector = FMLA/FMUL on .4s (float GEMMs "
              "of attention, GELU, LayerNorm, ...); outside ORT = blocks in other files (node, V8, libc). MAC/cycle of the int8 GEMM blocks: the linear layers' MACs over those blocks' cycles (fp32 runs: none).\n")
        print("| model | tokens | precision | cpu | M instructions | modelled ms | libonnxruntime alone: M instr. / ms | "
              "MLAS int8 GEMM: M instr. / ms | float vector: M instr. / ms | rest of ORT: M instr. / ms | "
              "MLAS int8 GEMM blocks: MAC/cycle | outside ORT: M instr. | negative diff.: M instr. |")
        print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (c, m, n, q), x in sorted(ort.items(), key=lambda kv: (kv[0][1], kv[0][3], int(kv[0][2]), kv[0][0])):
            parts = {"int8": [0.0, 0.0], "float": [0.0, 0.0], "rest": [0.0, 0.0]}
            for f in x["functions"]:
                if not f["function"].startswith("libonnxruntime"):
                    continue
                k = "int8" if "int8-MAC" in f["function"] else "float" if "float-vector" in f["function"] else "rest"
                parts[k][0] += f["instructions"]
                parts[k][1] += f["ms"]
            files = x.get("files", {})
            ort_ins = sum(v for k, v in files.items() if k.startswith("libonnxruntime"))
            # Blocks outside the modelled 99.9 % are in "rest" (at 1 IPC) when they are ORT's.
            modelled = sum(v[0] for v in parts.values())
            cold = ort_ins - modelled
            parts["rest"][0] += cold
            parts["rest"][1] += cold / (x["ghz"] * 1e6)
            outside = x["instructions"] - ort_ins
            ort_ms = sum(v[1] for v in parts.values())
            print(f"| {m} | {n} | {q} | {c} | {x['instructions'] / 1e6:,.1f} | {x['ms']:,.1f} | "
                  f"{ort_ins / 1e6:,.1f} / {ort_ms:,.1f} | "
                  + " | ".join(f"{v[0] / 1e6:,.1f} / {v[1]:,.1f}" for v in parts.values())
                  + (f" | {linear_macs(m, int(n)) / (parts['int8'][1] * x['ghz'] * 1e6):.2f}" if q == "int8" and parts["int8"][1] else " | –")
                  + f" | {outside / 1e6:,.2f} | {x['negative_difference_instructions'] / 1e6:,.2f} |")
    if a.peers_only:
        return
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
