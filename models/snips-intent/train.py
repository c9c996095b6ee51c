#!/usr/bin/env python3
"""Trains the bundled demo model: a small BERT intent classifier on SNIPS.

  /usr/bin/python3 models/snips-intent/train.py [--out models/snips-intent] [--epochs 2]

Architecture: the original BERT (post-LN, erf GELU, learned positions, token
types, tanh pooler) at L2 H96 A2 I384, 64 positions, initialised as BERT is
(N(0, 0.02) weights, zero biases, LayerNorm 1/0) and trained from scratch on
tests/data/snips/train.tsv. The vocabulary is bert-base-uncased pruned to the
pieces the SNIPS texts use plus every single character (and its ## form), so
unseen words still split into known pieces. Writes config.json, vocab.txt,
tokenizer_config.json and model.safetensors (float16) in Hugging Face's
BertForSequenceClassification layout, and prints dev accuracy.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import safetensors_io  # noqa: E402
from tokenizer_ref import FullTokenizer, load_vocab  # noqa: E402

L, H, A, I, P = 2, 96, 2, 384, 64


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        next(f)
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]


def prune_vocab(full_vocab_path, texts):
    full = FullTokenizer(full_vocab_path)
    used = set()
    for t in texts:
        used.update(full.tokenize(t))
    keep = []
    for token in load_vocab(full_vocab_path):
        single = len(token) == 1 or (token.startswith("##") and len(token) == 3)
        if token in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]") or token in used or single:
            keep.append(token)
    return keep


class Bert(nn.Module):
    """BERT with Hugging Face's parameter names (so state_dict() is a HF checkpoint)."""

    def __init__(self, vocab, labels):
        super().__init__()
        emb = nn.Module()
        emb.word_embeddings = nn.Embedding(vocab, H)
        emb.position_embeddings = nn.Embedding(P, H)
        emb.token_type_embeddings = nn.Embedding(2, H)
        emb.LayerNorm = nn.LayerNorm(H, eps=1e-12)
        enc = nn.Module()
        enc.layer = nn.ModuleList()
        for _ in range(L):
            layer = nn.Module()
            layer.attention = nn.Module()
            layer.attention.self = nn.Module()
            layer.attention.self.query = nn.Linear(H, H)
            layer.attention.self.key = nn.Linear(H, H)
            layer.attention.self.value = nn.Linear(H, H)
            layer.attention.output = nn.Module()
            layer.attention.output.dense = nn.Linear(H, H)
            layer.attention.output.LayerNorm = nn.LayerNorm(H, eps=1e-12)
            layer.intermediate = nn.Module()
            layer.intermediate.dense = nn.Linear(H, I)
            layer.output = nn.Module()
            layer.output.dense = nn.Linear(I, H)
            layer.output.LayerNorm = nn.LayerNorm(H, eps=1e-12)
            enc.layer.append(layer)
        pooler = nn.Module()
        pooler.dense = nn.Linear(H, H)
        self.bert = nn.Module()
        self.bert.embeddings, self.bert.encoder, self.bert.pooler = emb, enc, pooler
        self.classifier = nn.Linear(H, labels)
        for m in self.modules():  # BERT's initialisation
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, ids, mask, drop=0.1):
        e = self.bert.embeddings
        n = ids.shape[1]
        x = e.word_embeddings(ids) + e.position_embeddings(torch.arange(n))[None] + e.token_type_embeddings(
            torch.zeros_like(ids))
        x = F.dropout(e.LayerNorm(x), drop, self.training)
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        d = H // A
        for layer in self.bert.encoder.layer:
            s = layer.attention.self
            q, k, v = [f(x).view(x.shape[0], n, A, d).transpose(1, 2) for f in (s.query, s.key, s.value)]
            att = F.dropout(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, -1), drop, self.training)
            ctx = (att @ v).transpose(1, 2).reshape(x.shape[0], n, H)
            o = layer.attention.output
            x = o.LayerNorm(x + F.dropout(o.dense(ctx), drop, self.training))
            h = F.gelu(layer.intermediate.dense(x))
            x = layer.output.LayerNorm(x + F.dropout(layer.output.dense(h), drop, self.training))
        pooled = torch.tanh(self.bert.pooler.dense(x[:, 0]))
        return self.classifier(F.dropout(pooled, drop, self.training))


def batches(data, size, shuffle):
    """Batches of similar lengths (less padding); shuffled between and within buckets."""
    idx = list(range(len(data)))
    if shuffle:
        random.shuffle(idx)
        # sort within windows of 50 batches by length, then shuffle the batch order
        window = size * 50
        idx = [j for w in range(0, len(idx), window)
               for j in sorted(idx[w:w + window], key=lambda j: len(data[j][0]))]
    starts = list(range(0, len(idx), size))
    if shuffle:
        random.shuffle(starts)
    for i in starts:
        chunk = [data[j] for j in idx[i:i + size]]
        n = max(len(c[0]) for c in chunk)
        ids = torch.zeros(len(chunk), n, dtype=torch.long)
        mask = torch.zeros(len(chunk), n, dtype=torch.long)
        for r, (t, _) in enumerate(chunk):
            ids[r, :len(t)] = torch.tensor(t)
            mask[r, :len(t)] = 1
        yield ids, mask, torch.tensor([c[1] for c in chunk])


def accuracy(model, data):
    model.eval()
    right = 0
    with torch.no_grad():
        for ids, mask, y in batches(data, 256, False):
            right += (model(ids, mask).argmax(-1) == y).sum().item()
    return right / len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    torch.set_num_threads(a.threads)
    train = read_tsv(os.path.join(ROOT, "tests", "data", "snips", "train.tsv"))
    dev = read_tsv(os.path.join(ROOT, "tests", "data", "snips", "dev.tsv"))
    labels = sorted({l for _, l in train})
    vocab = prune_vocab(os.path.join(ROOT, "tests", "data", "vocab", "bert-base-uncased", "vocab.txt"),
                        [t for t, _ in train + dev])
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    tok = FullTokenizer(os.path.join(a.out, "vocab.txt"))
    # Greedy longest-match WordPiece gives the same pieces with the pruned vocabulary as with
    # the full one: every piece the full vocabulary produced is kept, and the pruned vocabulary is a
    # subset, so no longer match can appear. Checked here on every text rather than assumed.
    full = FullTokenizer(os.path.join(ROOT, "tests", "data", "vocab", "bert-base-uncased", "vocab.txt"))
    differ = sum(full.tokenize(t) != tok.tokenize(t) for t, _ in train + dev)
    print("vocabulary: %d tokens; texts whose pieces differ from the full vocabulary's: %d" % (len(vocab), differ))
    assert differ == 0
    enc = lambda rows: [(tok.encode(t, max_len=P), labels.index(l)) for t, l in rows]  # noqa: E731
    train_data, dev_data = enc(train), enc(dev)

    model = Bert(len(vocab), len(labels))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    steps = a.epochs * math.ceil(len(train_data) / 32)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 200) * max(0.0, 1 - s / steps))
    start, cpu = time.time(), time.process_time()
    for epoch in range(a.epochs):
        model.train()
        for ids, mask, y in batches(train_data, 32, True):
            loss = F.cross_entropy(model(ids, mask), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print("epoch %d: dev accuracy %.4f (%.0f s)" % (epoch + 1, accuracy(model, dev_data), time.time() - start))

    print("training: %.0f s wall, %.0f s CPU on %d thread(s); fp32 dev accuracy %.4f"
          % (time.time() - start, time.process_time() - cpu, a.threads, accuracy(model, dev_data)))
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    safetensors_io.save(os.path.join(a.out, "model.safetensors"), state, "F16")
    # Accuracy of the weights as saved (float16).
    model.load_state_dict({k: torch.from_numpy(v.astype(np.float16).astype(np.float32)) for k, v in state.items()})
    print("dev accuracy with float16 weights: %.4f" % accuracy(model, dev_data))
    config = {
        "architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": len(vocab),
        "hidden_size": H, "num_hidden_layers": L, "num_attention_heads": A, "intermediate_size": I,
        "max_position_embeddings": P, "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "id2label": {str(i): l for i, l in enumerate(labels)}, "label2id": {l: i for i, l in enumerate(labels)},
    }
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(a.out, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "model_max_length": P, "tokenize_chinese_chars": True}, f, indent=2)
    size = sum(os.path.getsize(os.path.join(a.out, n))
               for n in ("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"))
    print("checkpoint: %d bytes (%.2f MiB)" % (size, size / 2 ** 20))


if __name__ == "__main__":
    main()
