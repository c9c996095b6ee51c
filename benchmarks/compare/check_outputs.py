#!/usr/bin/env python3
"""Before timing: the peers must compute the function embert computes.
On a few token-id inputs, compares with the numpy float64 reference of the
test suite (tests/reference/bert_ref.py): PyTorch fp32 (torch_bert.py) and
ONNX Runtime fp32 within 1e-3 of its logits; ONNX Runtime int8 and PyTorch
int8 printed as their largest logit difference (information: the int8
schemes differ). embert's own agreement with that reference is what the test
suite checks (tests/sdk/test_reference_parity.py, BERT-base width included).
Exits 1 if an fp32 peer is off.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
import bert_ref  # noqa: E402
from torch_bert import Bert  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hf", required=True)
    ap.add_argument("--onnx", nargs=2, required=True, help="fp32 and int8 ONNX files")
    a = ap.parse_args()
    ref = bert_ref.Bert(a.hf)
    net = Bert(a.hf).eval()
    int8 = torch.ao.quantization.quantize_dynamic(Bert(a.hf).eval(), {torch.nn.Linear}, dtype=torch.qint8)
    rng = np.random.default_rng(5)
    worst = {}
    for n in (5, 40):
        ids = [101] + rng.integers(1000, 30522, size=n - 2).tolist() + [102]
        want = np.asarray(ref.logits(ref.encode(ids, [0] * n)))
        x = (torch.tensor([ids]), torch.ones(1, n, dtype=torch.int64), torch.zeros(1, n, dtype=torch.int64))
        with torch.no_grad():
            got = {"pytorch-fp32": net(*x)[0].numpy(), "pytorch-int8": int8(*x)[0].numpy()}
        for name, path in (("ort-fp32", a.onnx[0]), ("ort-int8", a.onnx[1])):
            run = subprocess.run(["node", os.path.join(HERE, "bench_ort.js"), "--model", path,
                                  "--logits", ",".join(map(str, ids))], capture_output=True, text=True, check=True)
            got[name] = np.array(json.loads(run.stdout))
        for k, v in got.items():
            worst[k] = max(worst.get(k, 0.0), float(np.abs(v - want).max()))
    bad = [k for k in ("pytorch-fp32", "ort-fp32") if worst[k] > 1e-3]
    print("check %s: max |logit - numpy float64 reference|: %s" % (
        os.path.basename(a.hf), ", ".join("%s %.2g" % kv for kv in sorted(worst.items()))))
    if bad:
        sys.exit("fp32 peer(s) disagree with the reference: %s" % bad)


if __name__ == "__main__":
    main()
