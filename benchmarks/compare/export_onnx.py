#!/usr/bin/env python3
"""Exports torch_bert.Bert (a Hugging Face checkpoint directory) to ONNX with a
dynamic sequence length: inputs input_ids, attention_mask, token_type_ids
(int64 [1, seq]), output logits. With --dynamic-batch the batch dimension is
dynamic too (int64 [batch, seq]; padded batches, benchmarks/throughput/).

  /usr/bin/python3 export_onnx.py HF_DIR OUT.onnx [--dynamic-batch]
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bert import Bert  # noqa: E402


def main():
    hf, out = sys.argv[1], sys.argv[2]
    batch = "--dynamic-batch" in sys.argv[3:]
    model = Bert(hf).eval()
    n, b = 8, 2 if batch else 1  # a traced batch of 1 could be taken for a constant
    inputs = (torch.ones(b, n, dtype=torch.int64), torch.ones(b, n, dtype=torch.int64),
              torch.zeros(b, n, dtype=torch.int64))
    dims = {0: "batch", 1: "seq"} if batch else {1: "seq"}
    axes = {"input_ids": dims, "attention_mask": dims, "token_type_ids": dims}
    if batch:
        axes["logits"] = {0: "batch"}
    with torch.no_grad():
        torch.onnx.export(model, inputs, out, input_names=list(axes)[:3], output_names=["logits"],
                          dynamic_axes=axes, opset_version=14, do_constant_folding=True)
    print("wrote", out)


if __name__ == "__main__":
    main()
