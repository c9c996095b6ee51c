#!/usr/bin/env python3
"""sentence-transformers' encode() in numpy, over a model directory as
sentence-transformers publishes it (modules.json, the Transformer module,
1_Pooling/config.json, Dense and Normalize modules, sentence_bert_config.json).
Written for this project from sentence-transformers' documented behaviour
(models/Pooling.py, Dense.py, Normalize.py, SentenceTransformer's module
list): an independent reference for embert_embed with EMBERT_POOLING_MODEL.

  Pooling: the modes set in 1_Pooling/config.json, concatenated in the order
    cls, max, mean, mean_sqrt_len; cls = the last hidden state of [CLS];
    max reads masked tokens as -1e9; mean divides the sum over attended
    tokens by max(count, 1e-9), mean_sqrt_len by sqrt(max(count, 1e-9)).
  Dense: activation(x W^T + b), W = linear.weight from the module's
    model.safetensors or pytorch_model.bin.
  Normalize: x / max(|x|, 1e-12).

  st_ref.py --model DIR --text "a sentence" [--text ...]   # prints JSON embeddings
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_ref  # noqa: E402
import safetensors_io  # noqa: E402
import tokenizer_ref  # noqa: E402

ACTIVATIONS = {
    "Identity": lambda x: x,
    "Tanh": np.tanh,
    "ReLU": lambda x: np.maximum(x, 0.0),
    "GELU": bert_ref.gelu_erf,
    "Sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
}


def _json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _dense_weights(folder):
    if os.path.exists(os.path.join(folder, "model.safetensors")):
        return safetensors_io.load(os.path.join(folder, "model.safetensors"))
    import torch  # pytorch_model.bin

    sd = torch.load(os.path.join(folder, "pytorch_model.bin"), map_location="cpu", weights_only=True)
    return {k: v.float().numpy() for k, v in sd.items()}


class SentenceTransformer:
    def __init__(self, model_dir):
        modules = _json(os.path.join(model_dir, "modules.json"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[0] != "Transformer" or kinds[1] != "Pooling":
            raise ValueError("expected Transformer, Pooling, ...: %s" % kinds)
        tdir = os.path.join(model_dir, modules[0]["path"])
        self.bert = bert_ref.Bert(tdir)
        sb = os.path.join(tdir, "sentence_bert_config.json")
        sbert = _json(sb) if os.path.exists(sb) else {}
        tc = os.path.join(tdir, "tokenizer_config.json")
        tok = _json(tc) if os.path.exists(tc) else {}
        self.max_len = min(sbert.get("max_seq_length") or 10**9, tok.get("model_max_length", 10**9),
                           self.bert.config["max_position_embeddings"])
        self.lower_text = bool(sbert.get("do_lower_case", False))
        self.tokenizer = tokenizer_ref.FullTokenizer(os.path.join(tdir, "vocab.txt"),
                                                     do_lower_case=tok.get("do_lower_case", True),
                                                     strip_accents=tok.get("strip_accents"))
        self.steps = []
        for m, kind in zip(modules[1:], kinds[1:]):
            folder = os.path.join(model_dir, m["path"])
            if kind == "Pooling":
                c = _json(os.path.join(folder, "config.json"))
                modes = [k for k in ("cls_token", "max_tokens", "mean_tokens", "mean_sqrt_len_tokens")
                         if c.get("pooling_mode_" + k)]
                self.steps.append(("pool", modes))
            elif kind == "Dense":
                c = _json(os.path.join(folder, "config.json"))
                w = _dense_weights(folder)
                act = ACTIVATIONS[(c.get("activation_function") or "Tanh").rsplit(".", 1)[-1]]
                W = np.asarray(w["linear.weight"], dtype=np.float64)
                b = np.asarray(w["linear.bias"], dtype=np.float64) if c.get("bias", True) else np.zeros(len(W))
                self.steps.append(("dense", (W, b, act)))
            elif kind == "Normalize":
                self.steps.append(("normalize", None))
            else:
                raise ValueError("module %s" % kind)

    @staticmethod
    def pool(h, mask, modes):
        m = np.asarray(mask, dtype=np.float64)[:, None]
        out = []
        for mode in modes:
            if mode == "cls_token":
                out.append(h[0])
            elif mode == "max_tokens":
                out.append(np.where(m > 0, h, -1e9).max(0))
            else:
                count = max(m.sum(), 1e-9)
                s = (h * m).sum(0)
                out.append(s / count if mode == "mean_tokens" else s / np.sqrt(count))
        return np.concatenate(out)

    def encode_ids(self, ids, mask=None):
        mask = [1] * len(ids) if mask is None else mask
        x = self.bert.encode(ids, [0] * len(ids), mask)
        for kind, arg in self.steps:
            if kind == "pool":
                x = self.pool(x, mask, arg)
            elif kind == "dense":
                W, b, act = arg
                x = act(x @ W.T + b)
            else:
                x = x / max(np.linalg.norm(x), 1e-12)
        return x

    def encode(self, text):
        if self.lower_text:
            text = text.lower()
        return self.encode_ids(self.tokenizer.encode(text, max_len=self.max_len))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--text", action="append", required=True)
    a = ap.parse_args()
    st = SentenceTransformer(a.model)
    for t in a.text:
        print(json.dumps({"embedding": [float(v) for v in st.encode(t)]}))


if __name__ == "__main__":
    main()
