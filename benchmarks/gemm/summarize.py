#!/usr/bin/env python3
"""Markdown tables from a gemm_bench JSON run (medians of repetitions).

  gemm_bench --benchmark_repetitions=3 --benchmark_enable_random_interleaving=true \
      --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out=run.json
  summarize.py run.json
"""
import json
import sys
from collections import defaultdict

LEVELS = ["avx2", "avx512bw", "avx-vnni", "avx-vnni-evex", "avx512-vnni", "xnnpack-qc8", "reference"]
# One BERT encoder layer: QKV, attention output, FFN up, FFN down.
# (encoder layers, its four dense shapes)
LAYERS = {"base": (12, ["base_qkv", "base_attn_out", "base_ffn_up", "base_ffn_down"]),
          "small": (4, ["small_qkv", "small_attn_out", "small_ffn_up", "small_ffn_down"])}


def main(path):
    run = json.load(open(path))
    rate = {}   # (kind, level, shape, m) -> MAC/s or bytes/s, median
    cpu = {}    # same key -> median CPU time per iteration, us
    peak = {}
    for b in run["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        name = b["run_name"]
        parts = name.split("/")
        if parts[0] == "peak":
            peak[parts[1]] = b["MAC/s"]
            continue
        value = b.get("MAC/s", b.get("bytes_per_second"))
        key = tuple(parts)
        rate[key] = value
        cpu[key] = b["cpu_time"]
    c = run["context"]
    print(f"Run: {c['date']}, {c['num_cpus']} CPUs, load average {c.get('load_avg')}")
    for k, v in sorted(peak.items()):
        print(f"- peak {k}: {v / 1e9:.0f} GMAC/s (register-only loop, same run)")
    print()
    levels = [l for l in LEVELS if any(k[1] == l for k in rate if k[0] == "gemm")]
    vnni_peak = peak.get("vpdpbusd-zmm")
    order = [s for _, names in LAYERS.values() for s in names]
    shapes = sorted({k[2] for k in rate if k[0] == "gemm"},
                    key=lambda s: order.index(s) if s in order else len(order))
    for shape in shapes:
        ms = sorted({int(k[3][2:]) for k in rate if k[0] == "gemm" and k[2] == shape})
        print(f"**{shape}** (GMAC/s, median)\n")
        head = "| M | " + " | ".join(levels) + " | vnni / xnnpack |" + (" vnni / peak |" if vnni_peak else "")
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        for m in ms:
            row = []
            for l in levels:
                v = rate.get(("gemm", l, shape, f"M:{m}"))
                row.append(f"{v / 1e9:.0f}" if v else "")
            v = rate.get(("gemm", "avx512-vnni", shape, f"M:{m}"))
            x = rate.get(("gemm", "xnnpack-qc8", shape, f"M:{m}"))
            ratio = f"{v / x:.2f}x" if v and x else ""
            line = f"| {m} | " + " | ".join(row) + f" | {ratio} |"
            if vnni_peak:
                line += f" {100 * v / vnni_peak:.0f}% |" if v else " |"
            print(line)
        print()
    for model, (count, layer) in LAYERS.items():
        for level in ("avx512-vnni", "xnnpack-qc8"):
            for m in (32, 128):
                t = [cpu.get(("gemm", level, s, f"M:{m}")) for s in layer]
                if all(t):
                    print(f"- {model}: {count} layers x 4 dense layers, M={m}, {level}: "
                          f"{count * sum(t) / 1000:.1f} ms (sum of median CPU times)")
    print()
    for k, v in sorted(rate.items()):
        if k[0] in ("quantize", "pack"):
            print(f"- {'/'.join(k)}: {v / 1e9:.2f} GB/s, {cpu[k]:.0f} us")


if __name__ == "__main__":
    main(sys.argv[1])
