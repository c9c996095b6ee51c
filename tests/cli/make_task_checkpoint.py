#!/usr/bin/env python3
"""A tiny random-weight Hugging Face checkpoint with a token-classification or an
extractive question-answering head, for the CLI's ner and qa tests (shapes,
messages, line policy; output values are checked against the numpy reference by
tests/sdk/test_task_parity.py, not here).

    make_task_checkpoint.py --out DIR --head token-classification|question-answering [--seed S]

Writes the encoder with tests/reference/make_random_bert.py (no pooler, no
expected.json), then adds the head and rewrites config.json:
  token-classification: classifier.weight [5, H], classifier.bias [5]; labels
      O B-PER I-PER B-LOC I-LOC; architectures ["BertForTokenClassification"]
  question-answering:   qa_outputs.weight [2, H], qa_outputs.bias [2];
      architectures ["BertForQuestionAnswering"]
The head's weights are N(0, 0.5) so that labels and spans change across tokens.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference")
sys.path.insert(0, REFERENCE)
import safetensors_io  # noqa: E402

TOKEN_LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--head", required=True, choices=["token-classification", "question-answering"])
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    subprocess.run([sys.executable, os.path.join(REFERENCE, "make_random_bert.py"), "--out", a.out, "--layers", "2",
                    "--hidden", "64", "--heads", "4", "--intermediate", "128", "--vocab", "200", "--max-pos", "64",
                    "--no-pooler", "--no-expected", "--seed", str(a.seed)], check=True, stdout=subprocess.DEVNULL)
    rng = np.random.default_rng(a.seed + 1000)
    path = os.path.join(a.out, "model.safetensors")
    weights = dict(safetensors_io.load(path))
    hidden = weights["bert.embeddings.word_embeddings.weight"].shape[1]
    with open(os.path.join(a.out, "config.json")) as f:
        config = json.load(f)
    if a.head == "token-classification":
        n, prefix = len(TOKEN_LABELS), "classifier"
        config["architectures"] = ["BertForTokenClassification"]
        config["id2label"] = {str(i): label for i, label in enumerate(TOKEN_LABELS)}
        config["label2id"] = {label: i for i, label in enumerate(TOKEN_LABELS)}
        config["num_labels"] = n
    else:
        n, prefix = 2, "qa_outputs"
        config["architectures"] = ["BertForQuestionAnswering"]
    weights[prefix + ".weight"] = rng.normal(0.0, 0.5, size=(n, hidden)).astype(np.float32)
    weights[prefix + ".bias"] = rng.normal(0.0, 0.1, size=(n,)).astype(np.float32)
    safetensors_io.save(path, weights, "F32")
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    print(f"{a.out}: {config['architectures'][0]}, {prefix} [{n}, {hidden}]")


if __name__ == "__main__":
    main()
