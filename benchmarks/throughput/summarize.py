#!/usr/bin/env python3
"""The table of throughput.sh's results.jsonl: per model and thread count,
embert one text per run, embert's best packed run (and its batch tokens),
ONNX Runtime's best padded batch (and its size), and the ratios.

  /usr/bin/python3 summarize.py results.jsonl
"""
import json
import sys


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    loads = {(r["before"], r["config"], r["threads"]): r["load1"] for r in rows if r["system"] == "load"}
    keys = []
    for r in rows:
        k = (r["config"], r["threads"])
        if r["system"] != "load" and k not in keys:
            keys.append(k)
    print("| model | threads | embert 1/run | embert packed (batch tokens) | ORT int8 best (B) "
          "| packed / 1-per-run | packed / ORT best | ORT all B | load before (embert, ORT) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for c, t in sorted(keys, key=lambda k: (k[1], k[0])):
        em = [r for r in rows if r["system"] == "embert" and r["config"] == c and r["threads"] == t]
        ort = [r for r in rows if r["system"] == "ort-int8" and r["config"] == c and r["threads"] == t]
        single = next((r["lines_per_s"] for r in em if r["batch_tokens"] == 0), float("nan"))
        packed = max((r for r in em if r["batch_tokens"] > 0), key=lambda r: r["lines_per_s"], default=None)
        best = max(ort, key=lambda r: r["lines_per_s"], default=None)
        p = packed["lines_per_s"] if packed else float("nan")
        o = best["lines_per_s"] if best else float("nan")
        print("| %s | %d | %.0f | %.0f (%s) | %.0f (B=%s) | %.2f× | %.2f× | %s | %.2f, %.2f |" % (
            c, t, single, p, packed["batch_tokens"] if packed else "-", o, best["batch"] if best else "-",
            p / single, p / o, " ".join("%d:%.0f" % (r["batch"], r["lines_per_s"]) for r in ort),
            loads.get(("embert", c, t), float("nan")), loads.get(("ort-int8", c, t), float("nan"))))
    print("\nlines/s, median of the repetitions; embert packed at every batch-tokens:")
    for c, t in sorted(keys, key=lambda k: (k[1], k[0])):
        em = [r for r in rows if r["system"] == "embert" and r["config"] == c and r["threads"] == t]
        print("  %s %dT: %s" % (c, t, " ".join("%d:%.0f" % (r["batch_tokens"], r["lines_per_s"]) for r in em)))


if __name__ == "__main__":
    main()
