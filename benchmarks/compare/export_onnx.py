#!/usr/bin/env python3
"""Exports torch_bert.Bert (a Hugging Face checkpoint directory) to ONNX with a
dynamic sequence length: inputs input_ids, attention_mask, token_type_ids
(int64 [1, seq]), output logits.

  /usr/bin/python3 export_onnx.py HF_DIR OUT.onnx
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bert import Bert  # noqa: E402


def main():
    hf, out = sys.argv[1], sys.argv[2]
    model = Bert(hf).eval()
    n = 8
    inputs = (torch.ones(1, n, dtype=torch.int64), torch.ones(1, n, dtype=torch.int64),
              torch.zeros(1, n, dtype=torch.int64))
    axes = {"input_ids": {1: "seq"}, "attention_mask": {1: "seq"}, "token_type_ids": {1: "seq"}}
    with torch.no_grad():
        torch.onnx.export(model, inputs, out, input_names=list(axes), output_names=["logits"],
                          dynamic_axes=axes, opset_version=14, do_constant_folding=True)
    print("wrote", out)


if __name__ == "__main__":
    main()
