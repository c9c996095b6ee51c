#!/usr/bin/env python3
"""In-process latency of PyTorch on the same BERT: fp32 and
torch.ao.quantization.quantize_dynamic (int8 Linear layers), batch 1, from
token ids to logits. One JSON line per (system, sequence length).

  /usr/bin/python3 bench_torch.py --hf DIR --config NAME --threads T --seqs 8,16,... [--iterations K]

Debian's python3-torch uses Debian's reference BLAS for fp32 (no OpenBLAS or
MKL), which makes its fp32 times far slower than a pip-installed torch;
its int8 path (fbgemm) does not depend on BLAS.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bert import Bert  # noqa: E402


def inputs(n, vocab, seed=12345):
    g = torch.Generator().manual_seed(seed + n)
    ids = torch.randint(1000, vocab, (1, n), generator=g)
    ids[0, 0], ids[0, -1] = 101, 102
    return ids, torch.ones(1, n, dtype=torch.int64), torch.zeros(1, n, dtype=torch.int64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hf", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seqs", default="8,16,32,64,128,256")
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--fp32-max-seq", type=int, default=64,
                    help="longest input timed in fp32 (Debian's reference BLAS: BERT-base takes 9 s at 128)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    fp32 = Bert(a.hf).eval()
    int8 = torch.ao.quantization.quantize_dynamic(Bert(a.hf).eval(), {torch.nn.Linear}, dtype=torch.qint8)
    vocab = fp32.word.shape[0]
    for system, model in (("pytorch-fp32", fp32), ("pytorch-int8", int8)):
        for n in map(int, a.seqs.split(",")):
            if system == "pytorch-fp32" and n > a.fp32_max_seq:
                continue
            x = inputs(n, vocab)
            with torch.inference_mode():
                for _ in range(2):
                    model(*x)
                t0 = time.perf_counter()
                model(*x)
                once = time.perf_counter() - t0
                # Debian's torch has only the reference BLAS: its fp32 runs of
                # BERT-base take seconds, so long ones get fewer repetitions
                # (at least 3, about 5 s in all).
                times = []
                for _ in range(max(3, min(a.iterations, int(5.0 / max(once, 1e-6))))):
                    t0 = time.perf_counter()
                    model(*x)
                    times.append((time.perf_counter() - t0) * 1e3)
            times.sort()
            print(json.dumps({"system": system, "config": a.config, "seq_len": n, "threads": a.threads,
                              "median_ms": statistics.median(times),
                              "p90_ms": times[min(len(times) - 1, int(0.9 * len(times)))]}), flush=True)


if __name__ == "__main__":
    main()
