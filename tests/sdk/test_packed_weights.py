#!/usr/bin/env python3
"""Files with packed weights (bert-convert --pack) answer exactly as row-major ones.

The demo model is converted three ways (row-major, --pack avx512-vnni, --pack avx-vnni)
and all 700 SNIPS dev texts are classified with every file on every engine option:
the JSON lines (labels, logits and probabilities printed to 9 digits) must be identical,
since every int8 engine computes the same integer arithmetic whether it reads the weights
in place, packs them, or unpacks a file packed for another CPU. On a CPU whose kernels
read a packed layout in place, that file's context arena must be smaller than the
row-major file's (no packed copy) and the other layout's larger (unpacked, then packed).

  test_packed_weights.py --convert BERT_CONVERT --embert EMBERT --model DIR --dev TSV --work DIR [--texts N]
"""
import argparse
import json
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    for name in ("--convert", "--embert", "--model", "--dev", "--work"):
        ap.add_argument(name, required=True)
    ap.add_argument("--texts", type=int, default=0, help="only the first N dev texts (0: all)")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    texts = os.path.join(a.work, "dev.txt")
    with open(a.dev, encoding="utf-8") as f, open(texts, "w", encoding="utf-8") as out:
        lines = list(f)[1:]
        for line in lines[:a.texts] if a.texts else lines:
            out.write(line.split("\t")[0] + "\n")
    files = {}
    for name, extra in (("rows", []), ("w32", ["--pack", "avx512-vnni"]), ("w16", ["--pack", "avx-vnni"])):
        files[name] = os.path.join(a.work, "demo-%s.embert" % name)
        subprocess.run([a.convert, a.model, "-o", files[name], "--quiet"] + extra, check=True)
    failures = []
    want = None
    for name, path in files.items():
        for engine in ("auto", "reference", "xnnpack"):
            got = subprocess.run([a.embert, "classify", "--model", path, "--input", texts, "--jsonl",
                                  "--engine", engine], capture_output=True, text=True, check=True).stdout
            if want is None:
                want = got
                print("reference output: %s on %s, %d lines" % (name, engine, len(got.splitlines())))
            elif got != want:
                diff = next(i for i, (x, y) in enumerate(zip(got.splitlines(), want.splitlines())) if x != y)
                failures.append("%s on %s differs from line %d" % (name, engine, diff + 1))
            else:
                print("same: %s on %s" % (name, engine))
    info = {n: json.loads(subprocess.run([a.embert, "info", "--model", p, "--jsonl"], capture_output=True,
                                         text=True, check=True).stdout) for n, p in files.items()}
    engine = info["rows"]["engine"].split(",")[0]
    arena = {n: i["arena_sizes"][-1]["bytes"] for n, i in info.items()}
    native = {"avx512-vnni": "w32", "avx-vnni": "w16", "avx-vnni-evex": "w16"}.get(engine)
    print("engine %s; arena bytes at the longest length: %s" % (engine, arena))
    if native:
        other = "w16" if native == "w32" else "w32"
        if not arena[native] < arena["rows"]:
            failures.append("%s file's arena %d not smaller than row-major %d" % (native, arena[native], arena["rows"]))
        if not arena[other] > arena["rows"]:
            failures.append("%s file's arena %d not larger than row-major %d" % (other, arena[other], arena["rows"]))
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
