#!/usr/bin/env python3
"""The bundled demo model end to end, through the embert CLI:

 * tokenization: `embert tokenize` gives exactly the ids of the independent
   Python tokenizer (tests/reference/tokenizer_ref.py) on every SNIPS train
   and dev utterance (13,784 real texts);
 * fp32 file: logits within 1e-4 of the numpy reference on dev utterances;
 * int8 file: the same top label as the fp32 file on every dev utterance, and
   accuracy on the labelled dev set (printed; must stay within 0.3 points).

  test_demo_model.py --embert PATH --hf models/snips-intent --int8 A.embert --fp32 B.embert --data tests/data/snips
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import bert_ref  # noqa: E402
from tokenizer_ref import FullTokenizer  # noqa: E402


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        next(f)
        return [tuple(l.rstrip("\n").split("\t")) for l in f if l.strip()]


def cli(embert, command, model, texts):
    run = subprocess.run([embert, command, "--model", model, "--input", "-", "--jsonl"],
                         input="\n".join(texts) + "\n", capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("embert %s failed: %s" % (command, run.stderr))
    return [json.loads(l) for l in run.stdout.splitlines()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--embert", required=True)
    ap.add_argument("--hf", required=True)
    ap.add_argument("--int8", required=True)
    ap.add_argument("--fp32", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--reference-count", type=int, default=150)
    a = ap.parse_args()
    train = read_tsv(os.path.join(a.data, "train.tsv"))
    dev = read_tsv(os.path.join(a.data, "dev.tsv"))
    tok = FullTokenizer(os.path.join(a.hf, "vocab.txt"))
    failures = 0
    checks = 0

    texts = [t for t, _ in train + dev]
    got = cli(a.embert, "tokenize", a.int8, texts)
    mismatches = [(t, g["input_ids"]) for t, g in zip(texts, got) if g["input_ids"] != tok.encode(t, max_len=64)]
    checks += 1
    if len(got) != len(texts) or mismatches:
        failures += 1
        for t, ids in mismatches[:5]:
            print("FAIL tokenize %r: %s vs %s" % (t, ids, tok.encode(t, max_len=64)))
    print("tokenize: %d texts, %d differ from tokenizer_ref" % (len(texts), len(mismatches)))

    dev_texts = [t for t, _ in dev]
    labels = [l for _, l in dev]
    q = cli(a.embert, "classify", a.int8, dev_texts)
    f = cli(a.embert, "classify", a.fp32, dev_texts)
    acc_q = np.mean([r["label"] == l for r, l in zip(q, labels)])
    acc_f = np.mean([r["label"] == l for r, l in zip(f, labels)])
    agree = np.mean([x["index"] == y["index"] for x, y in zip(q, f)])
    err = max(np.abs(np.array(x["logits"]) - np.array(y["logits"])).max() for x, y in zip(q, f))
    print("dev: fp32 accuracy %.4f, int8 accuracy %.4f, top-label agreement %.4f, max |logit diff| %.4f"
          % (acc_f, acc_q, agree, err))
    checks += 2
    if agree < 0.995:
        failures += 1
        print("FAIL int8/fp32 agreement %.4f < 0.995" % agree)
    if abs(acc_q - acc_f) > 0.003:
        failures += 1
        print("FAIL accuracy change %.4f > 0.3 points" % abs(acc_q - acc_f))

    bert = bert_ref.Bert(a.hf)
    worst = 0.0
    for (text, _), r in list(zip(dev, f))[: a.reference_count]:
        z = bert.logits(bert.encode(tok.encode(text, max_len=64)))
        worst = max(worst, np.abs(np.array(r["logits"]) - z).max())
    checks += 1
    print("fp32 vs numpy reference on %d dev texts: max |logit err| %.3g" % (a.reference_count, worst))
    if worst > 1e-4:
        failures += 1
        print("FAIL fp32 logits differ from the reference by %.3g" % worst)
    print("%d passed, %d failed" % (checks - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
