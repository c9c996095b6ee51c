#!/usr/bin/env python3
"""Bytes of int8 weights a BERT encoder pass reads from memory, from the GEMM kernel's access order.

The block model (mca_model.py) assumes every load hits L1; this is the other
half: how many times each weight byte comes from beyond L1. A GEMM computes
M rows x N output channels over K, with output tiles of R rows x C channels:

  --order embert-arm     (default) the SDK's ARM levels as they are: panels-outer with each
                         core's tile (embert_arm_tiles below)
  --order rows-outer     for each tile of R rows: for each tile of channels: all of K
                         (the ARM kernels before issue 15, R = 4, C = 4: the whole [N][K]
                         weight matrix is streamed once per R-row tile)
  --order panels-outer   for each panel of P channels: for each tile of R rows: the panel's
                         channels, all of K (each panel is read once per call if it stays in L1
                         while all row tiles pass over it)
  --k-block KB           (panels-outer) panels of P channels x KB bytes of K, for K blocking

A weight byte is reused from L1 only if everything the kernel touches
between two uses of it fits in the usable part of L1 (LRU: a larger working
set evicts it before its next use): rows-outer, all N*K weights + R*K
activation bytes; panels-outer, P*KB weights + R*KB activation bytes. When
it fits, the weights are read once per call, otherwise once per row tile
(ceil(M / R) times). Only the linear layers' int8 weights are counted (QKV,
attention output, FFN up and down of every layer, the pooler at 1 row);
embeddings, LayerNorm and bias vectors are small beside them.

  weight_traffic.py [--order embert-arm|rows-outer|panels-outer] [--rows-per-tile 4] [--channels-per-panel 16] [--k-block K]
                    [--l1-kib 64] [--l1-usable 0.75] [--lengths 16 32 128] [--json F] [--gbps 5 10]
"""
import argparse
import json
import math

CONFIGS = {  # layers, hidden, intermediate
    "bert-base": (12, 768, 3072),
    "small": (4, 256, 1024),
    "minilm": (6, 384, 1536),  # all-MiniLM-L6-v2's shape
}
CPUS = {"A76 (Pi 5)": 64, "A72 (Pi 4)": 32}  # L1D KiB


def gemms(config, m):
    """(rows, K, N) of every int8 GEMM of one encoder pass."""
    layers, h, inter = CONFIGS[config]
    per_layer = [(m, h, 3 * h), (m, h, h), (m, h, inter), (m, inter, h)]
    return per_layer * layers + [(1, h, h)]  # pooler: the [CLS] row


def embert_arm_tiles(cpu, k):
    """(rows per tile, channels per panel) of the ARM level each core runs (sdk/src/backend/arm):
    the A76 the dot-product level (8 channels x 2 row quads, 1 quad where K > 2560), the A72 the
    SMLAL level (4 channels x 4 rows on AArch64: MlalTile4x4); panels outermost in both."""
    if cpu.startswith("A76"):
        return (8 if k <= 2560 else 4), 8
    return 4, 4


def reads_per_weight(m, k, n, a, l1_bytes, cpu):
    order, rows_per_tile, channels = a.order, a.rows_per_tile, a.channels_per_panel
    if order == "embert-arm":
        order = "panels-outer"
        rows_per_tile, channels = embert_arm_tiles(cpu, k)
    tiles = math.ceil(m / rows_per_tile)
    if order == "rows-outer":
        working_set = n * k + rows_per_tile * k
    else:
        kb = min(a.k_block or k, k)
        working_set = min(channels, n) * kb + rows_per_tile * kb
    return 1 if tiles == 1 or working_set <= a.l1_usable * l1_bytes else tiles


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--order", choices=["rows-outer", "panels-outer", "embert-arm"], default="embert-arm",
                    help="embert-arm: the access order of the SDK's ARM levels per core (embert_arm_tiles)")
    ap.add_argument("--rows-per-tile", type=int, default=4)
    ap.add_argument("--channels-per-panel", type=int, default=16)
    ap.add_argument("--k-block", type=int, default=0, help="bytes of K per panel (0: all of K)")
    ap.add_argument("--l1-usable", type=float, default=0.75, help="fraction of L1D a reused panel may use")
    ap.add_argument("--models", nargs="+", default=["bert-base", "small"])
    ap.add_argument("--lengths", nargs="+", type=int, default=[16, 32, 128])
    ap.add_argument("--gbps", nargs="*", type=float, default=[], help="add ms at these DRAM bandwidths (GB/s)")
    ap.add_argument("--json")
    a = ap.parse_args()

    order = ("embert's ARM levels: panels outermost; A76 8 channels x 8 rows (4 where K > 2560), "
             f"A72 4 channels x 4 rows, L1 usable {a.l1_usable:.0%}") if a.order == "embert-arm" else (
             f"{a.order}, {a.rows_per_tile}-row tiles" +
             (f", {a.channels_per_panel}-channel panels" if a.order == "panels-outer" else "") +
             (f", K blocks of {a.k_block}" if a.order == "panels-outer" and a.k_block else "") +
             f", L1 usable {a.l1_usable:.0%}")
    rows = []
    for model in a.models:
        for length in a.lengths:
            weights = sum(k * n for _, k, n in gemms(model, length))
            for cpu, l1_kib in CPUS.items():
                traffic = sum(k * n * reads_per_weight(m, k, n, a, l1_kib * 1024, cpu) for m, k, n in gemms(model, length))
                rows.append({"model": model, "tokens": length, "cpu": cpu, "l1d_kib": l1_kib, "weight_bytes": weights,
                             "traffic_bytes": traffic, "ratio": traffic / weights,
                             "ms_at_gbps": {str(g): traffic / (g * 1e6) for g in a.gbps}})
    print(f"### Weight traffic per encoder pass ({order})\n")
    head = "| model | tokens | cpu | weights MB | read from memory MB | × weights |"
    rule = "|---|---:|---|---:|---:|---:|"
    for g in a.gbps:
        head += f" ms at {g:g} GB/s |"
        rule += "---:|"
    print(head)
    print(rule)
    for r in rows:
        line = (f"| {r['model']} | {r['tokens']} | {r['cpu']} | {r['weight_bytes'] / 1e6:,.1f} | "
                f"{r['traffic_bytes'] / 1e6:,.1f} | {r['ratio']:.1f} |")
        for g in a.gbps:
            line += f" {r['ms_at_gbps'][str(g)]:,.1f} |"
        print(line)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"order": vars(a), "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
