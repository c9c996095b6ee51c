#!/usr/bin/env python3
"""Writes a random-weight BERT as a Hugging Face checkpoint directory:
config.json, vocab.txt, tokenizer_config.json and model.safetensors (and,
with --torch, pytorch_model.bin in torch's zip format, or --torch-legacy
for the pre-1.6 format; these need python3-torch).

Weights are drawn like a trained BERT's rather than like an initialisation:
N(0, 0.02) matrices and embeddings, non-zero biases, LayerNorm gammas around
1, so that activations have realistic ranges for error statistics.

  make_random_bert.py --out DIR --layers 2 --hidden 64 --heads 4 --intermediate 128 \
      --vocab 200 --max-pos 64 [--labels 3] [--mlm] [--nsp] [--dtype f32|f16|bf16] [--seed 1]
"""
import argparse
import json
import os
import string
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def vocabulary(size):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = ["the", "a", "play", "some", "jazz", "by", "music", "what", "is", "weather", "in", "paris",
             "book", "table", "for", "two", "rate", "this", "novel", "stars", "add", "song", "to", "my",
             "playlist", "show", "movie", "times", "near", "me", "un", "##want", "##ed", "run", "##ning"]
    chars = list(string.ascii_lowercase + string.digits + string.punctuation)
    pieces = ["##" + c for c in string.ascii_lowercase + string.digits]
    vocab = specials + words + chars + pieces
    i = 0
    while len(vocab) < size:
        vocab.append("w%d" % i)
        i += 1
    return vocab[:size]


def build(a, rng):
    H, I, V = a.hidden, a.intermediate, a.vocab
    w = {}

    def mat(name, rows, cols, std=0.02):
        w[name] = rng.normal(0.0, std, size=(rows, cols)).astype(np.float32)

    def vec(name, n, mean=0.0, std=0.02):
        w[name] = (mean + rng.normal(0.0, std, size=(n,))).astype(np.float32)

    def linear(name, out, inp):
        mat(name + ".weight", out, inp)
        vec(name + ".bias", out)

    def norm(name, n):
        vec(name + ".weight", n, 1.0, 0.1)
        vec(name + ".bias", n, 0.0, 0.05)

    mat("bert.embeddings.word_embeddings.weight", V, H)
    mat("bert.embeddings.position_embeddings.weight", a.max_pos, H)
    mat("bert.embeddings.token_type_embeddings.weight", a.type_vocab, H)
    norm("bert.embeddings.LayerNorm", H)
    for i in range(a.layers):
        p = "bert.encoder.layer.%d." % i
        linear(p + "attention.self.query", H, H)
        linear(p + "attention.self.key", H, H)
        linear(p + "attention.self.value", H, H)
        linear(p + "attention.output.dense", H, H)
        norm(p + "attention.output.LayerNorm", H)
        linear(p + "intermediate.dense", I, H)
        linear(p + "output.dense", H, I)
        norm(p + "output.LayerNorm", H)
    if not a.no_pooler:
        linear("bert.pooler.dense", H, H)
    if a.labels:
        mat("classifier.weight", a.labels, H, 0.2)
        vec("classifier.bias", a.labels, 0.0, 0.1)
    if a.mlm:
        linear("cls.predictions.transform.dense", H, H)
        norm("cls.predictions.transform.LayerNorm", H)
        vec("cls.predictions.bias", V)
    if a.nsp:
        mat("cls.seq_relationship.weight", 2, H, 0.2)
        vec("cls.seq_relationship.bias", 2, 0.0, 0.1)
    return w


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=200)
    ap.add_argument("--max-pos", type=int, default=64)
    ap.add_argument("--type-vocab", type=int, default=2)
    ap.add_argument("--labels", type=int, default=0)
    ap.add_argument("--multi-label", action="store_true")
    ap.add_argument("--mlm", action="store_true")
    ap.add_argument("--nsp", action="store_true")
    ap.add_argument("--no-pooler", action="store_true")
    ap.add_argument("--act", default="gelu")
    ap.add_argument("--dtype", default="f32", choices=["f32", "f16", "bf16"])
    ap.add_argument("--torch", action="store_true", help="also write pytorch_model.bin (zip format)")
    ap.add_argument("--torch-legacy", action="store_true", help="also write pytorch_model.bin (legacy format)")
    ap.add_argument("--no-safetensors", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    weights = build(a, rng)
    arch = "BertForSequenceClassification" if a.labels else (
        "BertForPreTraining" if a.mlm and a.nsp else "BertForMaskedLM" if a.mlm else "BertModel")
    config = {
        "architectures": [arch], "model_type": "bert", "vocab_size": a.vocab, "hidden_size": a.hidden,
        "num_hidden_layers": a.layers, "num_attention_heads": a.heads, "intermediate_size": a.intermediate,
        "max_position_embeddings": a.max_pos, "type_vocab_size": a.type_vocab, "hidden_act": a.act,
        "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
    }
    if a.labels:
        config["id2label"] = {str(i): "label_%d" % i for i in range(a.labels)}
        config["label2id"] = {"label_%d" % i: i for i in range(a.labels)}
        if a.multi_label:
            config["problem_type"] = "multi_label_classification"
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(a.out, "vocab.txt"), "w") as f:
        f.write("\n".join(vocabulary(a.vocab)) + "\n")
    with open(os.path.join(a.out, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "model_max_length": a.max_pos}, f)
    dtype = {"f32": "F32", "f16": "F16", "bf16": "BF16"}[a.dtype]
    if not a.no_safetensors:
        safetensors_io.save(os.path.join(a.out, "model.safetensors"), weights, dtype)
    if a.torch or a.torch_legacy:
        import torch

        tdt = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[a.dtype]
        sd = {k: torch.from_numpy(v.copy()).to(tdt) for k, v in weights.items()}
        torch.save(sd, os.path.join(a.out, "pytorch_model.bin"), _use_new_zipfile_serialization=not a.torch_legacy)


if __name__ == "__main__":
    main()
