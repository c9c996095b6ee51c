#!/usr/bin/env python3
"""Writes a random-weight sentence-transformers model directory in one of the
published layouts (the BERT part by make_random_bert.py):

  make_st_model.py --out DIR --layout minilm|bge|dense|concat [--layers L --hidden H --heads A
      --intermediate I --vocab V --max-pos P] [--seed S]

  minilm  all-MiniLM-L6-v2's: the Transformer is DIR itself (path ""), 1_Pooling mean,
          2_Normalize; sentence_bert_config.json max_seq_length below the positions
  bge     bge-small-en-v1.5's: path "", 1_Pooling cls, 2_Normalize, do_lower_case true
  dense   the Transformer in 0_Transformer/, 1_Pooling mean, 2_Dense (H -> H/2, Tanh,
          model.safetensors), 3_Normalize
  concat  path "", 1_Pooling cls + max + mean_sqrt_len (concatenated), 2_Dense
          (3H -> H*3/4, Identity, no bias, pytorch_model.bin; needs torch), no Normalize

Run with Debian's /usr/bin/python3 (numpy; concat also torch). st_ref.py computes
encode() of the result.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import safetensors_io  # noqa: E402

ST = "sentence_transformers.models."


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


def pooling_config(hidden, modes):
    c = {"word_embedding_dimension": hidden}
    for k in ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens"):
        c["pooling_mode_" + k] = k in modes
    c["pooling_mode_lasttoken"] = False
    c["include_prompt"] = True
    return c


def write_dense(folder, rng, inp, out, activation, bias=True, torch_format=False):
    w = {"linear.weight": rng.normal(0.0, 1.0 / np.sqrt(inp), size=(out, inp)).astype(np.float32)}
    if bias:
        w["linear.bias"] = rng.normal(0.0, 0.05, size=(out,)).astype(np.float32)
    write_json(os.path.join(folder, "config.json"),
               {"in_features": inp, "out_features": out, "bias": bias, "activation_function": activation})
    if torch_format:
        try:
            import torch
        except ImportError:  # a python without torch: the other weights file
            torch_format = False
            print("make_st_model.py: no torch; %s/model.safetensors instead of pytorch_model.bin" % folder)
    if torch_format:
        torch.save({k: torch.from_numpy(v) for k, v in w.items()}, os.path.join(folder, "pytorch_model.bin"))
    else:
        safetensors_io.save(os.path.join(folder, "model.safetensors"), w)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--layout", required=True, choices=["minilm", "bge", "dense", "concat"])
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=200)
    ap.add_argument("--max-pos", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    H = a.hidden
    transformer = "0_Transformer" if a.layout == "dense" else ""
    tdir = os.path.join(a.out, transformer)
    subprocess.run([sys.executable, os.path.join(HERE, "make_random_bert.py"), "--out", tdir, "--layers",
                    str(a.layers), "--hidden", str(H), "--heads", str(a.heads), "--intermediate",
                    str(a.intermediate), "--vocab", str(a.vocab), "--max-pos", str(a.max_pos), "--seed",
                    str(a.seed), "--no-expected"], check=True)
    rng = np.random.default_rng(a.seed + 7)
    modules = [{"idx": 0, "name": "0", "path": transformer, "type": ST + "Transformer"}]

    def add(kind, path):
        modules.append({"idx": len(modules), "name": str(len(modules)), "path": path, "type": ST + kind})

    sbert = {"max_seq_length": a.max_pos, "do_lower_case": False}
    if a.layout == "minilm":
        sbert["max_seq_length"] = max(8, a.max_pos // 2)
        write_json(os.path.join(a.out, "1_Pooling", "config.json"), pooling_config(H, ["mean_tokens"]))
        add("Pooling", "1_Pooling")
        add("Normalize", "2_Normalize")
    elif a.layout == "bge":
        sbert["do_lower_case"] = True
        write_json(os.path.join(a.out, "1_Pooling", "config.json"), pooling_config(H, ["cls_token"]))
        add("Pooling", "1_Pooling")
        add("Normalize", "2_Normalize")
    elif a.layout == "dense":
        write_json(os.path.join(a.out, "1_Pooling", "config.json"), pooling_config(H, ["mean_tokens"]))
        add("Pooling", "1_Pooling")
        write_dense(os.path.join(a.out, "2_Dense"), rng, H, H // 2, "torch.nn.modules.activation.Tanh")
        add("Dense", "2_Dense")
        add("Normalize", "3_Normalize")
    else:
        modes = ["cls_token", "max_tokens", "mean_sqrt_len_tokens"]
        write_json(os.path.join(a.out, "1_Pooling", "config.json"), pooling_config(H, modes))
        add("Pooling", "1_Pooling")
        write_dense(os.path.join(a.out, "2_Dense"), rng, 3 * H, 3 * H // 4, "torch.nn.modules.linear.Identity",
                    bias=False, torch_format=True)
        add("Dense", "2_Dense")
    for m in modules:
        if m["type"].endswith("Normalize"):
            os.makedirs(os.path.join(a.out, m["path"]), exist_ok=True)
    write_json(os.path.join(tdir, "sentence_bert_config.json"), sbert)
    write_json(os.path.join(a.out, "modules.json"), modules)
    print("%s: sentence-transformers layout %s" % (a.out, a.layout))


if __name__ == "__main__":
    main()
