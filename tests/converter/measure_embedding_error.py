#!/usr/bin/env python3
"""Measures what storing the word-embedding table as int8 (one scale per row,
bert-convert's rule) costs, against float16, on a checkpoint: tensor error,
and the classifier's logits on a labelled TSV with only the table changed
(everything else float64, via tests/reference/bert_ref.py). The numbers are
quoted in converter/README.md.

  /usr/bin/python3 tests/converter/measure_embedding_error.py --model models/snips-intent \
      --tsv tests/data/snips/dev.tsv
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import bert_ref  # noqa: E402
from tokenizer_ref import FullTokenizer  # noqa: E402

NAME = "bert.embeddings.word_embeddings.weight"


def int8_rows(w):
    w = w.astype(np.float32)
    s = (np.abs(w).max(axis=1) / np.float32(127)).astype(np.float32)
    s[s < np.finfo(np.float32).tiny] = 1
    q = np.clip(np.rint(w.astype(np.float64) / s[:, None]), -127, 127)
    return q * s[:, None]


def tensor_report(name, w, approx):
    e = w - approx
    return "%s: rel RMS %.3e, max |err| %.3e" % (name, np.linalg.norm(e) / np.linalg.norm(w), np.abs(e).max())


def logits(bert, tok, rows, max_len):
    out = []
    for s in range(0, len(rows), 64):
        seqs = [tok.encode(t, max_len=max_len) for t, _ in rows[s:s + 64]]
        n = max(len(x) for x in seqs)
        ids = np.zeros((len(seqs), n), dtype=np.int64)
        mask = np.zeros((len(seqs), n))
        for r, x in enumerate(seqs):
            ids[r, :len(x)] = x
            mask[r, :len(x)] = 1
        out.append(bert.logits(bert.encode_batch(ids, None, mask)))
    return np.concatenate(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--tsv")
    a = ap.parse_args()
    with open(os.path.join(a.model, "config.json")) as f:
        config = json.load(f)
    w = bert_ref.load_weights(a.model)
    table = w[NAME].astype(np.float32)
    print(tensor_report("int8 per row", table, int8_rows(table)))
    print(tensor_report("float16     ", table, table.astype(np.float16).astype(np.float32)))
    rng = np.random.default_rng(0)
    rand = rng.normal(0, 0.02, size=table.shape).astype(np.float32)
    print(tensor_report("int8 per row, N(0,0.02) table", rand, int8_rows(rand)))
    print(tensor_report("float16,      N(0,0.02) table", rand, rand.astype(np.float16).astype(np.float32)))
    if not a.tsv:
        return
    tok = FullTokenizer(os.path.join(a.model, "vocab.txt"), do_lower_case=True)
    rows = bert_ref.read_tsv(a.tsv)
    max_len = config["max_position_embeddings"]
    base = bert_ref.Bert(config=config, weights=w)
    ref = logits(base, tok, rows, max_len)
    for name, approx in [("int8 per row", int8_rows(table)), ("float16", table.astype(np.float16))]:
        w2 = dict(w)
        w2[NAME] = approx.astype(np.float64)
        z = logits(bert_ref.Bert(config=config, weights=w2), tok, rows, max_len)
        same = np.mean(np.argmax(z, 1) == np.argmax(ref, 1))
        right = np.mean([base.labels[int(np.argmax(r))] == label for r, (_, label) in zip(z, rows)])
        print("%s table, rest exact: logit error max %.3e mean %.3e, top label agreement %.2f%%, accuracy %.2f%%" %
              (name, np.abs(z - ref).max(), np.abs(z - ref).mean(), 100 * same, 100 * right))


if __name__ == "__main__":
    main()
