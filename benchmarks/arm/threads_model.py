#!/usr/bin/env python3
"""Projected latency of an encoder pass on a Raspberry Pi with 1 and N threads.

Input: the 1-thread block models of model.sh (OUT/<cpu>/<model>-<tokens>/model.json:
modelled cycles per category). Output: a markdown table (and JSON) of the projected
latency for 1 and --threads threads on the Pi 5 (A76) and Pi 4 (A72) models.

How the threads split the work is the SDK's own rule (sdk/src/encoder/encoder.cc,
sdk/src/backend/linear.cc, backend/split_rows.h), applied to each parallel region:

  GEMM        output channels in T chunks of ceil(N / T) rounded up to the kernel's
              4-channel panel; a thread's time is its chunk's share of the call
  quantize    rows in T chunks, but only when rows x K >= 32768 (linear.cc kMinSplit);
              smaller inputs run on one thread
  attention   heads in chunks of ceil(heads / T)
  LayerNorm,  rows in T chunks of ceil(rows / T)
  GELU
  other       one thread (embeddings, pooler, classifier)

Within a category the 1-thread cycles are divided among its regions by work (MACs for
the GEMMs, elements for the quantizations), every thread of a region runs at the
1-thread rate (no shared-cache or bandwidth contention in the compute figure), and each
parallel region costs --barrier-us for the pool's start and join (an assumption, stated
in the output). Memory is the other bound: each thread reads only its channels' weights,
so a pass reads the weights once whatever the thread count (benchmarks/arm/
weight_traffic.py: 1.0x at every length), and a pass cannot be faster than the weight
bytes over the DRAM bandwidth (--gbps-a76, --gbps-a72, assumptions again). The projected
latency is the larger of the two.

  threads_model.py OUT --models bert-base small --lengths 16 32 128 [--threads 4]
"""
import argparse
import json
import math
import os
import sys

CONFIGS = {  # layers, hidden, heads, intermediate
    "bert-base": (12, 768, 12, 3072),
    "small": (4, 256, 4, 1024),
    "minilm": (6, 384, 12, 1536),
}
GHZ = {"a76": 2.4, "a72": 1.8}
NAMES = {"a76": "Pi 5 (A76)", "a72": "Pi 4 (A72)"}
PANEL = 4          # channels per GEMM panel (backend/arm/neon_tiles.h)
MIN_SPLIT = 32768  # rows x K below which quantization runs on one thread (linear.cc)


def chunk_share(work, threads, granule=1):
    """Largest thread's share of `work` items split in chunks of ceil(work / threads)."""
    chunk = math.ceil(math.ceil(work / threads) / granule) * granule
    return min(chunk, work) / work


def weight_bytes(model):
    layers, h, _, inter = CONFIGS[model]
    return layers * (4 * h * h + 2 * h * inter)


def project(cats, model, tokens, threads, barrier_us, ghz):
    """Modelled cycles of one pass with `threads` threads, and the number of parallel regions."""
    layers, h, heads, inter = CONFIGS[model]
    rows = tokens
    # GEMM regions per layer: Q, K, V, attention output (N = h, K = h), FFN up (N = inter), down (N = h).
    gemms = [(h, h)] * 4 + [(inter, h), (h, inter)]
    macs = [n * k for n, k in gemms]
    gemm = sum(cats["GEMM"] * m / sum(macs) * chunk_share(n, threads, PANEL) for (n, _), m in zip(gemms, macs))
    # Quantized inputs per layer: QKV (shared), attention output, FFN up, FFN down.
    quant_k = [h, h, h, inter]
    elems = [rows * k for k in quant_k]
    quant = sum(cats["quantize"] * e / sum(elems) * (chunk_share(rows, threads) if e >= MIN_SPLIT else 1.0)
                for e in elems)
    attention = cats["attention"] * chunk_share(heads, threads)
    rowwise = (cats["LayerNorm"] + cats["GELU"]) * chunk_share(rows, threads)
    regions = 0
    if threads > 1:
        regions = layers * (len(gemms) + sum(e >= MIN_SPLIT for e in elems) + 1 + 3)  # + attention, 2 LN, GELU
    cycles = gemm + quant + attention + rowwise + cats["other"] + regions * barrier_us * 1e3 * ghz
    return cycles, regions


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="model.sh's output directory")
    ap.add_argument("--models", nargs="+", default=["bert-base", "small"])
    ap.add_argument("--lengths", nargs="+", type=int, default=[16, 32, 128])
    ap.add_argument("--cpus", nargs="+", default=["a76", "a72"])
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--barrier-us", type=float, default=3.0, help="cost of one parallel region (start + join)")
    ap.add_argument("--gbps-a76", type=float, default=8.0, help="DRAM read bandwidth of the Pi 5 (GB/s)")
    ap.add_argument("--gbps-a72", type=float, default=4.0, help="DRAM read bandwidth of the Pi 4 (GB/s)")
    ap.add_argument("--json")
    a = ap.parse_args()
    gbps = {"a76": a.gbps_a76, "a72": a.gbps_a72}
    rows, missing = [], []
    for model in a.models:
        if model not in CONFIGS:
            sys.exit(f"threads_model.py: unknown model {model}")
        for tokens in a.lengths:
            for cpu in a.cpus:
                path = os.path.join(a.out, cpu, f"{model}-{tokens}", "model.json")
                if not os.path.exists(path):
                    missing.append(path)
                    continue
                with open(path) as f:
                    d = json.load(f)
                cats = {k: v["cycles"] for k, v in d["categories"].items()}
                ghz = GHZ[cpu]
                floor_ms = weight_bytes(model) / (gbps[cpu] * 1e9) * 1e3
                one, _ = project(cats, model, tokens, 1, a.barrier_us, ghz)
                many, regions = project(cats, model, tokens, a.threads, a.barrier_us, ghz)
                one_ms, many_ms = one / ghz / 1e6, many / ghz / 1e6
                rows.append({
                    "model": model, "tokens": tokens, "cpu": cpu, "threads": a.threads,
                    "compute_ms_1": one_ms, "compute_ms_n": many_ms, "compute_speedup": one_ms / many_ms,
                    "weight_floor_ms": floor_ms, "projected_ms_1": max(one_ms, floor_ms),
                    "projected_ms_n": max(many_ms, floor_ms),
                    "projected_speedup": max(one_ms, floor_ms) / max(many_ms, floor_ms),
                    "regions": regions,
                })
    if missing:
        sys.exit("threads_model.py: no model for: " + ", ".join(missing))
    t = a.threads
    print(f"### Projected latency per encoder pass, 1 and {t} threads (compute: llvm-mca block model, "
          f"data in L1; memory: weights once per pass)\n")
    print(f"| model | tokens | board | 1 thread ms | {t} threads ms | compute speed-up | weight floor ms "
          f"| projected 1 / {t} threads ms | projected speed-up |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['model']} | {r['tokens']} | {NAMES[r['cpu']]} | {r['compute_ms_1']:,.1f} | "
              f"{r['compute_ms_n']:,.1f} | {r['compute_speedup']:.2f}x | {r['weight_floor_ms']:,.1f} | "
              f"{r['projected_ms_1']:,.1f} / {r['projected_ms_n']:,.1f} | {r['projected_speedup']:.2f}x |")
    print(f"\nAssumptions: every thread of a parallel region at the 1-thread rate; {a.barrier_us:g} us per "
          f"parallel region ({rows[0]['regions'] if rows else 0}+ per pass); weight floor = int8 weight bytes / "
          f"DRAM bandwidth ({a.gbps_a76:g} GB/s Pi 5, {a.gbps_a72:g} GB/s Pi 4); work split as the SDK splits it "
          f"(threads_model.py's docstring). Clocks: A76 {GHZ['a76']} GHz, A72 {GHZ['a72']} GHz.")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
