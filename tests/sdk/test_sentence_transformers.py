#!/usr/bin/env python3
"""sentence-transformers directories end to end: random-weight models in the
published layouts (tests/reference/make_st_model.py: all-MiniLM-L6-v2's mean +
Normalize, bge-small-en-v1.5's cls + Normalize, a Dense module in a subfolder
layout, concatenated poolings with a bias-free Dense from pytorch_model.bin),
converted fp32 and int8 by bert-convert, embedded by `embert embed --jsonl`
with the file's pooling, and compared with sentence-transformers' encode()
re-implemented in numpy (tests/reference/st_ref.py):

  fp32 file: every value within 1e-5 of the reference
  int8 file: cosine >= 0.999 with the reference

Also: similarity and search agree with the reference's cosines, and
bert-convert refuses pooling modes and modules it does not support.

  test_sentence_transformers.py --convert BERT_CONVERT --embert EMBERT --work DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "reference")
sys.path.insert(0, REF)
import st_ref  # noqa: E402

TEXTS = [
    "play some jazz by miles",
    "What is the weather in Paris?",
    "book a table for two",
    "a",
    "rate this novel five stars " * 8,  # longer than the minilm layout's max_seq_length
    "add my song to the playlist, show movie times near me",
]
LAYOUTS = ["minilm", "bge", "dense", "concat"]
FP32_TOL = 1e-5
INT8_COSINE = 0.999

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--convert", required=True)
    ap.add_argument("--embert", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    texts_path = os.path.join(a.work, "texts.txt")
    with open(texts_path, "w") as f:
        f.write("\n".join(TEXTS) + "\n")
    for layout in LAYOUTS:
        src = os.path.join(a.work, layout)
        shutil.rmtree(src, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(REF, "make_st_model.py"), "--out", src, "--layout", layout,
                        "--seed", str(3 + LAYOUTS.index(layout))], check=True, stdout=subprocess.DEVNULL)
        st = st_ref.SentenceTransformer(src)
        ref = [st.encode(t) for t in TEXTS]
        for q in ("fp32", "int8"):
            model = os.path.join(a.work, "%s-%s.embert" % (layout, q))
            r = run([a.convert, src, "-o", model, "--quantize", q, "--quiet"])
            if r.returncode != 0:
                check(False, "%s %s: bert-convert failed: %s" % (layout, q, r.stderr))
                continue
            r = run([a.embert, "info", "--model", model, "--jsonl"])
            check(r.returncode == 0 and json.loads(r.stdout)["config"]["embedding_size"] == len(ref[0]),
                  "%s %s: info's embedding_size is %d" % (layout, q, len(ref[0])))
            r = run([a.embert, "embed", "--model", model, "--input", texts_path, "--jsonl"])
            if r.returncode != 0:
                check(False, "%s %s: embed failed: %s" % (layout, q, r.stderr))
                continue
            got = [np.array(json.loads(line)["embedding"]) for line in r.stdout.splitlines()]
            check(len(got) == len(ref) and all(len(g) == len(x) for g, x in zip(got, ref)),
                  "%s %s: %d embeddings of %d floats" % (layout, q, len(ref), len(ref[0])))
            if len(got) != len(ref):
                continue
            worst = max(float(np.abs(g - x).max()) for g, x in zip(got, ref))
            low = min(cosine(g, x) for g, x in zip(got, ref))
            print("%-7s %s: size %d, max |embert - reference| %.2e, min cosine %.6f"
                  % (layout, q, len(ref[0]), worst, low))
            if q == "fp32":
                check(worst <= FP32_TOL, "%s fp32: max abs diff %.3g > %g" % (layout, worst, FP32_TOL))
            else:
                check(low >= INT8_COSINE, "%s int8: cosine %.6f < %g" % (layout, low, INT8_COSINE))
            if q != "fp32":
                continue
            # similarity and search: the reference's cosines, best first.
            r = run([a.embert, "similarity", "--model", model, "--text", TEXTS[0], "--pair", TEXTS[1], "--jsonl"])
            ok = r.returncode == 0
            check(ok, "%s: similarity failed: %s" % (layout, r.stderr))
            if ok:
                s = json.loads(r.stdout)["similarity"]
                check(abs(s - cosine(ref[0], ref[1])) < 1e-5, "%s: similarity %.6f vs %.6f"
                      % (layout, s, cosine(ref[0], ref[1])))
            r = run([a.embert, "search", "--model", model, "--query", TEXTS[2], "--input", texts_path,
                     "--top-k", "3", "--jsonl"])
            ok = r.returncode == 0
            check(ok, "%s: search failed: %s" % (layout, r.stderr))
            if ok:
                res = json.loads(r.stdout)["results"]
                scores = [cosine(ref[2], x) for x in ref]
                order = sorted(range(len(TEXTS)), key=lambda i: -scores[i])[:3]
                check([x["index"] for x in res] == order and res[0]["text"] == TEXTS[order[0]] and
                      all(abs(x["score"] - scores[x["index"]]) < 1e-5 for x in res),
                      "%s: search %s vs reference order %s" % (layout, res, order))

    # Refusals: a pooling mode and a module bert-convert does not read.
    bad = os.path.join(a.work, "lasttoken")
    shutil.rmtree(bad, ignore_errors=True)
    shutil.copytree(os.path.join(a.work, "minilm"), bad)
    pooling = os.path.join(bad, "1_Pooling", "config.json")
    c = json.load(open(pooling))
    c["pooling_mode_lasttoken"] = True
    json.dump(c, open(pooling, "w"))
    r = run([a.convert, bad, "-o", os.path.join(a.work, "bad.embert"), "--quiet"])
    check(r.returncode != 0 and "pooling_mode_lasttoken is not supported" in r.stderr,
          "lasttoken pooling refused: %s" % r.stderr)
    c["pooling_mode_lasttoken"] = False
    json.dump(c, open(pooling, "w"))
    modules_path = os.path.join(bad, "modules.json")
    modules = json.load(open(modules_path))
    modules.insert(2, {"idx": 2, "name": "2", "path": "2_LayerNorm", "type": "sentence_transformers.models.LayerNorm"})
    json.dump(modules, open(modules_path, "w"))
    r = run([a.convert, bad, "-o", os.path.join(a.work, "bad.embert"), "--quiet"])
    check(r.returncode != 0 and "sentence_transformers.models.LayerNorm is not supported" in r.stderr,
          "LayerNorm module refused: %s" % r.stderr)

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("sentence-transformers: all layouts agree with the reference")
    return 0


if __name__ == "__main__":
    sys.exit(main())
