#!/usr/bin/env python3
"""The C++ tokenizer against the independent Python one (tests/reference/tokenizer_ref.py,
Google's tokenization.py rules on Python's unicodedata) on real and random text:

 * bert-base-uncased: SNIPS train+dev utterances, and random strings;
 * bert-base-chinese: Chinese sentences, mixed Chinese/English, full-width
   punctuation, and random strings.

Random strings draw from ASCII, Latin with accents, Greek, Cyrillic, CJK, Hangul,
combining marks, punctuation, symbols, spaces, controls and emoji; only code points
whose Unicode data is the same in Python's unicodedata and in the SDK's pinned
tables (assigned in both, i.e. assigned in Python's older version) are used,
because the two Unicode versions may classify new characters differently.

  test_tokenizer_differential.py --tool PATH --vocab-dir tests/data/vocab --snips tests/data/snips
"""
import argparse
import json
import os
import random
import subprocess
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from tokenizer_ref import FullTokenizer  # noqa: E402

RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x370, 0x3FF), (0x400, 0x4FF), (0x300, 0x36F), (0x2000, 0x206F),
          (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF), (0x1F300, 0x1F64F),
          (0x0, 0x1F), (0x80, 0x9F), (0xF900, 0xFAFF), (0x20000, 0x2A6DF), (0x1E00, 0x1EFF), (0x0590, 0x06FF)]


def random_text(rng):
    out = []
    for _ in range(rng.randint(0, 40)):
        lo, hi = rng.choice(RANGES)
        c = chr(rng.randint(lo, hi))
        if unicodedata.category(c) == "Cn" or 0xD800 <= ord(c) <= 0xDFFF:
            continue
        out.append(c)
        if rng.random() < 0.2:
            out.append(" ")
    return "".join(out)


def run_tool(tool, vocab, texts, flags=()):
    run = subprocess.run([tool, vocab] + list(flags), input="\n".join(json.dumps(t) for t in texts) + "\n",
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    return run.stdout.split("\n")[: len(texts)]


def compare(name, tool, vocab, texts, failures):
    ref = FullTokenizer(vocab)
    got = run_tool(tool, vocab, texts)
    bad = 0
    for t, g in zip(texts, got):
        want = " ".join(str(ref.vocab[x]) for x in ref.tokenize(t))
        if g != want:
            bad += 1
            if bad <= 5:
                print("FAIL %s %r:\n  got  %s\n  want %s" % (name, t, g, want))
    print("%s: %d texts, %d differ" % (name, len(texts), bad))
    failures.append(bad)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--vocab-dir", required=True)
    ap.add_argument("--snips", required=True)
    ap.add_argument("--random", type=int, default=3000)
    a = ap.parse_args()
    rng = random.Random(20261124)
    uncased = os.path.join(a.vocab_dir, "bert-base-uncased", "vocab.txt")
    chinese = os.path.join(a.vocab_dir, "bert-base-chinese", "vocab.txt")
    failures = []
    snips = []
    for f in ("train.tsv", "dev.tsv"):
        with open(os.path.join(a.snips, f), encoding="utf-8") as fh:
            next(fh)
            snips += [l.split("\t")[0] for l in fh if l.strip()]
    compare("uncased/snips", a.tool, uncased, snips, failures)
    compare("uncased/random", a.tool, uncased, [random_text(rng) for _ in range(a.random)], failures)
    zh = ["我想在apple工作1314151天～", "今天天气很好，我们去公园吧！", "北京是中国的首都。", "他说：“你好！”",
          "BERT模型在2018年发布，效果很好。", "（全角括号）和【方头括号】", "ｆｕｌｌｗｉｄｔｈ　ＡＳＣＩＩ１２３",
          "混合 English 和 中文 text！", "Ça va? 日本語のテキストも少し。", "𠀀𠀁 扩展B区汉字"]
    compare("chinese/sentences", a.tool, chinese, zh, failures)
    compare("chinese/random", a.tool, chinese, [random_text(rng) for _ in range(a.random)], failures)
    total = len(failures)
    bad = sum(1 for f in failures if f)
    print("%d passed, %d failed" % (total - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
