#!/usr/bin/env python3
"""Tables (Markdown) and a plot of compare.sh's results.jsonl: median latency
per system and sequence length, and each peer's time divided by embert's
(> 1: embert is faster).

  /usr/bin/python3 summarize.py results.jsonl [--plot latency.png]
"""
import argparse
import collections
import json

SYSTEMS = ["embert-int8", "ort-int8", "ort-fp32", "pytorch-int8", "pytorch-fp32"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--plot")
    a = ap.parse_args()
    t = collections.defaultdict(dict)  # (config, threads) -> {(system, seq): ms}
    for line in open(a.results):
        if line.strip():
            r = json.loads(line)
            t[(r["config"], r["threads"])][(r["system"], r["seq_len"])] = r["median_ms"]
    for (config, threads), v in sorted(t.items()):
        seqs = sorted({s for _, s in v})
        print("\n%s, %d thread%s: median ms (ratio = peer / embert)\n" % (config, threads, "" if threads == 1 else "s"))
        print("| seq | " + " | ".join(SYSTEMS) + " | ORT int8 / embert | PyTorch int8 / embert |")
        print("|---:|" + "---:|" * (len(SYSTEMS) + 2))
        for s in seqs:
            e = v.get(("embert-int8", s))
            cells = ["%.2f" % v[(k, s)] if (k, s) in v else "" for k in SYSTEMS]
            ratios = ["%.2f×" % (v[(k, s)] / e) if e and (k, s) in v else "" for k in ("ort-int8", "pytorch-int8")]
            print("| %d | %s | %s |" % (s, " | ".join(cells), " | ".join(ratios)))
    if a.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        keys = sorted(t)
        fig, axes = plt.subplots(1, len(keys), figsize=(4.2 * len(keys), 4), squeeze=False)
        for ax, key in zip(axes[0], keys):
            v = t[key]
            for k in SYSTEMS:
                pts = sorted((s, ms) for (sy, s), ms in v.items() if sy == k)
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=k,
                            linewidth=2.5 if k == "embert-int8" else 1.2)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title("%s, %d thread%s" % (key[0], key[1], "" if key[1] == 1 else "s"))
            ax.set_xlabel("sequence length (tokens)")
            ax.set_ylabel("median latency (ms)")
            ax.grid(True, which="both", alpha=0.3)
        axes[0][0].legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(a.plot, dpi=110)
        print("\nplot: %s" % a.plot)


if __name__ == "__main__":
    main()
