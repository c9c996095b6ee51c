#!/usr/bin/env python3
"""An independent reference of the original BERT forward pass in numpy (float64).

Written from the architecture (Devlin et al. 2019; Hugging Face's BertModel
parameter names), not from embert's C++ code, so that tests can check the SDK
against it:

  embeddings  word[ids] + position[0..n) + token_type[types], LayerNorm
  layer       (post-LN) Q, K, V; softmax(QK^T / sqrt(d) + mask) V per head;
              dense; LayerNorm(x + .); FFN dense, GELU, dense; LayerNorm(x + .)
  pooler      tanh(dense(h[CLS]))
  heads       classifier(pooled); MLM: dense, act, LayerNorm, decoder + bias;
              NSP: dense(pooled)

Usage as a tool:
  bert_ref.py --model DIR --ids "101,2023,102" [--types ...] [--mask ...]
  bert_ref.py --model DIR --tsv FILE      (accuracy of the classifier on text<TAB>label)
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


class Bert:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.config = json.load(f)
        w = {}
        st = os.path.join(model_dir, "model.safetensors")
        if os.path.exists(st):
            w = safetensors_io.load(st)
        else:
            import torch  # pytorch_model.bin only

            w = {k: v.float().numpy() for k, v in torch.load(os.path.join(model_dir, "pytorch_model.bin"),
                                                             map_location="cpu").items()}
        self.w = {k: np.asarray(v, dtype=np.float64) for k, v in w.items()}
        self.prefix = "bert." if "bert.embeddings.word_embeddings.weight" in self.w else ""
        c = self.config
        self.hidden = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.layers = c["num_hidden_layers"]
        self.eps = c.get("layer_norm_eps", 1e-12)
        self.act = c.get("hidden_act", "gelu")
        labels = c.get("id2label") or {}
        self.labels = [labels[str(i)] for i in range(len(labels))]
        self.multi_label = c.get("problem_type") == "multi_label_classification"

    def p(self, name, bert=True):
        return self.w[(self.prefix if bert else "") + name]

    def norm(self, x, name, bert=True):
        g = self.w.get((self.prefix if bert else "") + name + ".weight")
        if g is None:
            g = self.p(name + ".gamma", bert)
            b = self.p(name + ".beta", bert)
        else:
            b = self.p(name + ".bias", bert)
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.eps) * g + b

    def dense(self, x, name, bert=True):
        return x @ self.p(name + ".weight", bert).T + self.p(name + ".bias", bert)

    def activation(self, x):
        if self.act == "gelu":
            erf = np.vectorize(math.erf)
            return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
        if self.act in ("gelu_new", "gelu_pytorch_tanh"):
            return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
        if self.act == "relu":
            return np.maximum(x, 0.0)
        raise ValueError(self.act)

    def encode(self, ids, types=None, mask=None):
        """Last hidden states [n, hidden] of one sequence (mask: 0 = padding)."""
        ids = np.asarray(ids)
        n = len(ids)
        types = np.zeros(n, dtype=int) if types is None else np.asarray(types)
        mask = np.ones(n) if mask is None else np.asarray(mask, dtype=np.float64)
        x = (self.p("embeddings.word_embeddings.weight")[ids]
             + self.p("embeddings.position_embeddings.weight")[:n]
             + self.p("embeddings.token_type_embeddings.weight")[types])
        x = self.norm(x, "embeddings.LayerNorm")
        d = self.hidden // self.heads
        # Hugging Face adds float32's lowest value where the mask is 0.
        bias = (1.0 - mask) * np.finfo(np.float32).min
        for i in range(self.layers):
            p = "encoder.layer.%d." % i
            q = self.dense(x, p + "attention.self.query").reshape(n, self.heads, d).transpose(1, 0, 2)
            k = self.dense(x, p + "attention.self.key").reshape(n, self.heads, d).transpose(1, 0, 2)
            v = self.dense(x, p + "attention.self.value").reshape(n, self.heads, d).transpose(1, 0, 2)
            s = q @ k.transpose(0, 2, 1) / math.sqrt(d) + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(1, 0, 2).reshape(n, self.hidden)
            x = self.norm(x + self.dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            h = self.activation(self.dense(x, p + "intermediate.dense"))
            x = self.norm(x + self.dense(h, p + "output.dense"), p + "output.LayerNorm")
        return x

    def pooled(self, h):
        return np.tanh(self.dense(h[0], "pooler.dense"))

    def logits(self, h):
        return self.p("classifier.weight", False) @ self.pooled(h) + self.p("classifier.bias", False)

    def probs(self, logits):
        if self.multi_label or len(logits) == 1:
            return 1.0 / (1.0 + np.exp(-logits))
        e = np.exp(logits - logits.max())
        return e / e.sum()

    def mlm_probs(self, h, position):
        t = self.activation(self.dense(h[position], "cls.predictions.transform.dense", False))
        t = self.norm(t, "cls.predictions.transform.LayerNorm", False)
        dec = self.w.get("cls.predictions.decoder.weight", self.p("embeddings.word_embeddings.weight"))
        z = dec @ t + self.w["cls.predictions.bias"]
        e = np.exp(z - z.max())
        return e / e.sum()

    def nsp_probs(self, h):
        z = self.p("cls.seq_relationship.weight", False) @ self.pooled(h) + self.p("cls.seq_relationship.bias", False)
        e = np.exp(z - z.max())
        return e / e.sum()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--ids")
    ap.add_argument("--types")
    ap.add_argument("--mask")
    ap.add_argument("--tsv")
    a = ap.parse_args()
    bert = Bert(a.model)
    if a.ids:
        ints = lambda s: [int(x) for x in s.split(",")] if s else None  # noqa: E731
        h = bert.encode(ints(a.ids), ints(a.types), ints(a.mask))
        out = {"sequence_output": h.tolist()}
        if "classifier.weight" in bert.w:
            z = bert.logits(h)
            out["logits"] = z.tolist()
            out["probs"] = bert.probs(z).tolist()
        print(json.dumps(out))
    if a.tsv:
        from tokenizer_ref import FullTokenizer

        tok = FullTokenizer(os.path.join(a.model, "vocab.txt"), do_lower_case=True)
        right = total = 0
        with open(a.tsv, encoding="utf-8") as f:
            next(f)
            for line in f:
                text, label = line.rstrip("\n").split("\t")
                ids = tok.encode(text)[: bert.config["max_position_embeddings"]]
                right += bert.labels[int(np.argmax(bert.logits(bert.encode(ids))))] == label
                total += 1
        print("accuracy %.4f (%d/%d)" % (right / total, right, total))


if __name__ == "__main__":
    main()
