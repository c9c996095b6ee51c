#!/usr/bin/env python3
"""BERT for sequence classification in PyTorch, built from a Hugging Face
checkpoint directory (config.json + model.safetensors) without the
transformers package, for the peer runtimes of compare.sh:

  * PyTorch itself (fp32, and torch.ao.quantization.quantize_dynamic int8),
  * ONNX Runtime, through torch.onnx.export of the same module.

Written from the architecture (post-LN BERT, erf GELU, tanh pooler); the
names are Hugging Face's. Checked against tests/reference/bert_ref.py by
`compare.sh --check` (the numpy float64 reference of the test suite).
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
import safetensors_io  # noqa: E402


class Bert(torch.nn.Module):
    def __init__(self, model_dir):
        super().__init__()
        with open(os.path.join(model_dir, "config.json")) as f:
            c = json.load(f)
        self.layers = c["num_hidden_layers"]
        self.heads = c["num_attention_heads"]
        self.hidden = c["hidden_size"]
        self.eps = c.get("layer_norm_eps", 1e-12)
        w = safetensors_io.load(os.path.join(model_dir, "model.safetensors"))
        w = {k[len("bert."):] if k.startswith("bert.") else k: v for k, v in w.items()}

        def t(name):
            return torch.tensor(w[name], dtype=torch.float32)

        def linear(prefix):
            lin = torch.nn.Linear(t(prefix + ".weight").shape[1], t(prefix + ".weight").shape[0])
            with torch.no_grad():
                lin.weight.copy_(t(prefix + ".weight"))
                lin.bias.copy_(t(prefix + ".bias"))
            return lin

        def norm(prefix):
            ln = torch.nn.LayerNorm(self.hidden, eps=self.eps)
            with torch.no_grad():
                ln.weight.copy_(t(prefix + ".weight"))
                ln.bias.copy_(t(prefix + ".bias"))
            return ln

        e = "embeddings."
        self.word = torch.nn.Parameter(t(e + "word_embeddings.weight"), requires_grad=False)
        self.position = torch.nn.Parameter(t(e + "position_embeddings.weight"), requires_grad=False)
        self.token_type = torch.nn.Parameter(t(e + "token_type_embeddings.weight"), requires_grad=False)
        self.emb_norm = norm(e + "LayerNorm")
        self.blocks = torch.nn.ModuleList()
        for i in range(self.layers):
            p = "encoder.layer.%d." % i
            b = torch.nn.Module()
            b.q = linear(p + "attention.self.query")
            b.k = linear(p + "attention.self.key")
            b.v = linear(p + "attention.self.value")
            b.o = linear(p + "attention.output.dense")
            b.norm1 = norm(p + "attention.output.LayerNorm")
            b.ffn_in = linear(p + "intermediate.dense")
            b.ffn_out = linear(p + "output.dense")
            b.norm2 = norm(p + "output.LayerNorm")
            self.blocks.append(b)
        self.pooler = linear("pooler.dense")
        self.classifier = linear("classifier")

    def forward(self, input_ids, attention_mask, token_type_ids):
        n = input_ids.shape[1]
        positions = torch.arange(n, device=input_ids.device)
        x = self.word[input_ids] + self.position[positions][None] + self.token_type[token_type_ids]
        x = self.emb_norm(x)
        # Masked keys get float32's lowest value, as Hugging Face does.
        bias = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        d = self.hidden // self.heads
        for b in self.blocks:
            def split(y):
                return y.view(y.shape[0], n, self.heads, d).transpose(1, 2)
            q, k, v = split(b.q(x)), split(b.k(x)), split(b.v(x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + bias
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(x.shape)
            x = b.norm1(x + b.o(ctx))
            x = b.norm2(x + b.ffn_out(F.gelu(b.ffn_in(x))))
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))
