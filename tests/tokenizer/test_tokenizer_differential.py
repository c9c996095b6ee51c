#!/usr/bin/env python3
"""The C++ tokenizer against the independent Python one (tests/reference/tokenizer_ref.py,
Google's tokenization.py rules with Hugging Face's per-character lower-casing, on
Python's unicodedata), on real and random text, in every configuration:

 * bert-base-uncased: SNIPS train+dev utterances, random strings, random pairs
   truncated "longest first", with lower-casing and accent stripping, lower-casing
   only, cased, and without CJK splitting;
 * bert-base-chinese: Chinese sentences, mixed Chinese/English, full-width
   punctuation, and random strings.

Besides the ids, every token's byte span is checked against the text itself: the
span's source text, cleaned and normalised as the tokenizer does, must be the
token's text (without "##"), and spans must increase (tokens made from one source
character share its span, as in Hugging Face's offsets).

Random strings draw from ASCII, Latin with accents, Greek (with capital sigma),
Cyrillic, CJK (with compatibility ideographs and extension B), Hangul, combining
marks, punctuation, symbols, spaces, controls, emoji, special tokens written in
the text and words of 100/101 letters. Only code points assigned in Python's
Unicode version are drawn, and Python's version (14.0 for Python 3.11) is older
than the SDK's tables (15.0), so each drawn code point is assigned in both.

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
from tokenizer_ref import FullTokenizer, is_control  # noqa: E402

RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x370, 0x3FF), (0x400, 0x4FF), (0x300, 0x36F), (0x2000, 0x206F),
          (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF), (0x1F300, 0x1F64F),
          (0x0, 0x1F), (0x80, 0x9F), (0xF900, 0xFAFF), (0x20000, 0x2A6DF), (0x1E00, 0x1EFF), (0x0590, 0x06FF),
          (0x1100, 0x11FF), (0x1D165, 0x1D172)]
PIECES = ["[MASK]", "[SEP]", "[UNK]", "[CLS]", "[PAD]", "[mask]", "\u03a3", "\u0130", "\u03a3\u0391", "a" * 100,
          "b" * 101, "e\u0301", "\ufffd", "\u2028", "\u00a0"]


def random_text(rng):
    out = []
    for _ in range(rng.randint(0, 40)):
        if rng.random() < 0.05:
            out.append(rng.choice(PIECES))
            continue
        lo, hi = rng.choice(RANGES)
        c = chr(rng.randint(lo, hi))
        if unicodedata.category(c) == "Cn" or 0xD800 <= ord(c) <= 0xDFFF:
            continue
        out.append(c)
        if rng.random() < 0.2:
            out.append(" ")
    return "".join(out)


def run_tool(tool, vocab, inputs, flags):
    run = subprocess.run([tool, vocab] + list(flags), input="".join(json.dumps(x) + "\n" for x in inputs),
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    return [json.loads(line) for line in run.stdout.splitlines()[: len(inputs)]]


def normalise(ref, s):
    """What BasicTokenizer makes of the source text of one token, without splitting."""
    s = "".join(c for c in s if not (ord(c) in (0, 0xFFFD) or is_control(c)))
    if ref.basic.lower:
        s = "".join(c.lower() for c in s)
    if ref.basic.strip:
        s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
    return s


def span_problems(ref, texts, ids, spans, unk, added, truncated):
    """Empty if every span is where its token came from. Tokens made from one
    source character (a Hangul syllable decomposed into jamo, "İ" lowered to
    "i" + U+0307) share its span, as in Hugging Face's offsets: their spans
    overlap, and then the token is only part of its span's normalised text."""
    prev = [(0, 0), (0, 0)]
    body = [(i, tid, tuple(sp)) for i, (tid, sp) in enumerate(zip(ids, spans))
            if not (tuple(sp[:2]) == (0, 0) and tid in added)]
    for k, (i, tid, (b, e, t)) in enumerate(body):
        src = texts[t].encode("utf-8")
        if not (prev[t][0] <= b < e <= len(src) and prev[t][1] <= e):
            return "span %d %r out of order or outside the text" % (i, (b, e, t))
        piece = src[b:e].decode("utf-8")
        tok = ref.inv[tid]
        last_of_side = k + 1 == len(body) or body[k + 1][2][2] != t
        # The token after it may have been truncated away.
        shared = (prev[t][1] > b) or (not last_of_side and body[k + 1][2][0] < e) or (truncated and last_of_side)
        prev[t] = (b, e)
        if tok in ref.specials and piece == tok:
            continue
        if tid == unk:
            if not normalise(ref, piece):
                return "[UNK] %d spans no character" % i
            continue
        want = tok[2:] if tok.startswith("##") else tok
        norm = normalise(ref, piece)
        if norm != want and not (shared and want in norm):
            return "token %d %r has span %r" % (i, tok, piece)
    return ""


def compare(name, tool, vocab_path, texts, failures, flags=(), pairs=False, rng=None):
    lower = "--cased" not in flags
    strip = lower and "--keep-accents" not in flags
    ref = FullTokenizer(vocab_path, do_lower_case=lower, strip_accents=strip,
                        tokenize_chinese_chars="--no-chinese" not in flags)
    ref.inv = {i: t for t, i in ref.vocab.items()}
    unk, cls, sep = ref.vocab["[UNK]"], ref.vocab["[CLS]"], ref.vocab["[SEP]"]
    if pairs:
        inputs = [{"a": texts[i], "b": texts[i + 1], "max_len": rng.randint(3, 40)} for i in range(0, len(texts) - 1, 2)]
    else:
        inputs = texts
    got = run_tool(tool, vocab_path, inputs, flags)
    bad = 0
    for x, g in zip(inputs, got):
        if pairs:
            want, want_types = ref.encode_with_types(x["a"], x["b"], x["max_len"])
            pair = (x["a"], x["b"])
        else:
            want, want_types = ref.encode_with_types(x)
            pair = (x, "")
        problem = ""
        if "error" in g:
            problem = "error %d" % g["error"]
        elif g["ids"] != want:
            problem = "ids\n  got  %s\n  want %s" % (g["ids"], want)
        elif g["types"] != want_types:
            problem = "token types %s" % g["types"]
        elif pairs and g["truncated"] != (len(ref.tokenize(x["a"])) + len(ref.tokenize(x["b"])) + 3 - len(want)):
            problem = "truncated %d" % g["truncated"]
        else:
            problem = span_problems(ref, pair, g["ids"], g["spans"], unk, (cls, sep), g["truncated"])
        if problem:
            bad += 1
            if bad <= 5:
                print("FAIL %s %r: %s" % (name, x, problem))
    print("%s: %d inputs, %d differ" % (name, len(inputs), bad))
    failures.append(bad)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--vocab-dir", required=True)
    ap.add_argument("--snips", required=True)
    ap.add_argument("--random", type=int, default=2000)
    a = ap.parse_args()
    rng = random.Random(20261124)
    uncased = os.path.join(a.vocab_dir, "bert-base-uncased", "vocab.txt")
    chinese = os.path.join(a.vocab_dir, "bert-base-chinese", "vocab.txt")
    failures = []
    snips = []
    for f in ("train.tsv", "dev.tsv"):
        with open(os.path.join(a.snips, f), encoding="utf-8") as fh:
            next(fh)
            snips += [line.split("\t")[0] for line in fh if line.strip()]
    compare("uncased/snips", a.tool, uncased, snips, failures)
    compare("uncased/snips pairs", a.tool, uncased, snips[:4000], failures, pairs=True, rng=rng)
    for flags in ((), ("--keep-accents",), ("--cased",), ("--no-chinese",)):
        texts = [random_text(rng) for _ in range(a.random)]
        label = " ".join(flags) or "default"
        compare("uncased/random %s" % label, a.tool, uncased, texts, failures, flags)
    compare("uncased/random pairs", a.tool, uncased, [random_text(rng) for _ in range(a.random)], failures,
            pairs=True, rng=rng)
    zh = ["我想在apple工作1314151天～", "今天天气很好，我们去公园吧！", "北京是中国的首都。", "他说：“你好！”",
          "BERT模型在2018年发布，效果很好。", "（全角括号）和【方头括号】", "ｆｕｌｌｗｉｄｔｈ　ＡＳＣＩＩ１２３",
          "混合 English 和 中文 text！", "Ça va? 日本語のテキストも少し。", "𠀀𠀁 扩展B区汉字", "豈更車 兀嗀"]
    compare("chinese/sentences", a.tool, chinese, zh, failures)
    compare("chinese/sentences cased", a.tool, chinese, zh, failures, ("--cased",))
    compare("chinese/random", a.tool, chinese, [random_text(rng) for _ in range(a.random)], failures)
    total = len(failures)
    bad = sum(1 for f in failures if f)
    print("%d passed, %d failed" % (total - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
