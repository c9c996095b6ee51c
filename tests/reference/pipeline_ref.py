#!/usr/bin/env python3
"""Independent reference of three BERT task pipelines (issue #17), in numpy.

Written from Hugging Face's pipeline semantics as written down in the project's task
spec (token classification; extractive QA as transformers <= 4.52; cross-encoder
rerank), not from embert's C++ code. The encoder is bert_ref.py (float64); the heads'
logits are cast to float32 and the softmaxes and QA span scores are computed in float32,
as the pipelines do. Tokens and their UTF-8 byte spans come from tokenizer_ref.py.

  ner     logits[t] = classifier(h_t); scores = softmax; gather_pre_entities (skip
          specials; is_subword = len(vocab piece) != len(text[span]) in code points,
          never for [UNK]); aggregation none|simple|first|average|max; group_entities
          (B-/I- tags); entities labelled "O" dropped.
  qa      windows [CLS] Q [SEP] C[a:a+W] [SEP] with W = max_seq_len - q - 3 and consecutive
          windows sharing doc_stride tokens; per window: non-context positions except
          [CLS] get -10000, softmax of start and end logits, p[CLS] = 0, candidates
          s <= e <= s + max_answer_len - 1 scored p_start[s] * p_end[e], top_k in order
          (score desc, s, e); spans widened to whole words of the window; all windows'
          answers sorted stably by score and cut to top_k.
          Not modelled: transformers >= 4.3x's postprocess also MERGES answers whose text is
          equal ignoring case (adding their scores); the project spec does not, nor does this.
  rerank  [CLS] query [SEP] passage [SEP]: sigmoid of one logit, else softmax of the last
          label; sorted stably by score.

Usage (Debian's /usr/bin/python3):
  pipeline_ref.py ner --model DIR (--text T | --input FILE) [--aggregation simple] [--jsonl]
  pipeline_ref.py qa --model DIR (--question Q --context C | --input FILE) [--top-k 1]
        [--max-answer-len 15] [--doc-stride 128] [--max-seq-len 384] [--jsonl]
        FILE: question<TAB>context lines
  pipeline_ref.py rerank --model DIR --query Q --input PASSAGES_FILE [--top-k K] [--jsonl]
Prints one JSON object per input, as embert's CLI: {"entities": [...]}, {"answers": [...]},
{"results": [...]}. FILE "-" is standard input.
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bert_ref  # noqa: E402
import tokenizer_ref  # noqa: E402

STRATEGIES = ("none", "simple", "first", "average", "max")
MASKED = np.float32(-10000.0)


def softmax32(z):
    """Softmax in float32 over the last axis, as the pipelines compute it in numpy."""
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# -- tokens with spans -----------------------------------------------------------------

def tokens_of(tok, text):
    """[{"token", "id", "begin", "end", "word"}] of text (no specials added)."""
    return [{"token": t, "id": tok.vocab[t], "begin": b, "end": e, "word": w}
            for t, b, e, w in tokenizer_ref.tokenize_with_offsets(tok, text)]


def special(tok, name):
    return {"token": name, "id": tok.vocab[name], "special": True}


# -- token classification ---------------------------------------------------------------

def gather_pre_entities(text, tokens, scores, unk="[UNK]"):
    """HF gather_pre_entities on tokens [{"token", "begin", "end", "special"?}] with byte
    spans into text (str); scores [n, L] (float32). Specials are skipped."""
    raw = text.encode("utf-8")
    pre = []
    for t, s in zip(tokens, scores):
        if t.get("special"):
            continue
        ref = raw[t["begin"]:t["end"]].decode("utf-8")
        # The fast tokenizer's rule (continuing_subword_prefix "##"): a piece whose vocabulary
        # string is not as long as the text it covers is a continuation, e.g. "##ing" over "ing".
        is_subword = len(t["token"]) != len(ref)
        if t["token"] == unk:
            is_subword = False
        pre.append({"word": ref, "scores": np.asarray(s, dtype=np.float32), "start": t["begin"],
                    "end": t["end"], "is_subword": is_subword})
    return pre


def aggregate_word(group, strategy, labels):
    if strategy == "first":
        scores = group[0]["scores"]
        idx = int(np.argmax(scores))
        score = scores[idx]
    elif strategy == "max":
        best = max(group, key=lambda p: p["scores"].max())  # first of equal maxima
        idx = int(np.argmax(best["scores"]))
        score = best["scores"][idx]
    elif strategy == "average":
        avg = np.nanmean(np.stack([p["scores"] for p in group]), axis=0)
        idx = int(np.argmax(avg))
        score = avg[idx]
    else:
        raise ValueError("unknown aggregation %r" % strategy)
    return {"entity": labels[idx], "score": float(score), "start": group[0]["start"], "end": group[-1]["end"]}


def aggregate_words(pre, strategy, labels):
    """Tokens into words: a token starts a word unless is_subword (the first always does)."""
    words, group = [], None
    for p in pre:
        if group is None:
            group = [p]
        elif p["is_subword"]:
            group.append(p)
        else:
            words.append(aggregate_word(group, strategy, labels))
            group = [p]
    if group is not None:
        words.append(aggregate_word(group, strategy, labels))
    return words


def get_tag(name):
    if name.startswith("B-"):
        return "B", name[2:]
    if name.startswith("I-"):
        return "I", name[2:]
    return "I", name  # no prefix: continues an entity of the same name


def group_sub_entities(members):
    return {"entity_group": members[0]["entity"].split("-", 1)[-1],
            "score": float(np.nanmean([m["score"] for m in members])),
            "start": members[0]["start"], "end": members[-1]["end"]}


def group_entities(entities):
    groups, cur = [], []
    for e in entities:
        if not cur:
            cur.append(e)
            continue
        bi, tag = get_tag(e["entity"])
        _, last_tag = get_tag(cur[-1]["entity"])
        if tag == last_tag and bi != "B":
            cur.append(e)
        else:
            groups.append(group_sub_entities(cur))
            cur = [e]
    if cur:
        groups.append(group_sub_entities(cur))
    return groups


def ner_decode(text, tokens, scores, labels, strategy="simple", unk="[UNK]", ignore=("O",)):
    """Entities {label, text, begin, end, score} as embert's CLI prints them."""
    if strategy not in STRATEGIES:
        raise ValueError("aggregation must be one of %s" % ", ".join(STRATEGIES))
    pre = gather_pre_entities(text, tokens, scores, unk)
    if strategy in ("none", "simple"):
        ents = []
        for p in pre:
            idx = int(np.argmax(p["scores"]))
            ents.append({"entity": labels[idx], "score": float(p["scores"][idx]),
                         "start": p["start"], "end": p["end"]})
    else:
        ents = aggregate_words(pre, strategy, labels)
    if strategy == "none":
        out = [(e["entity"], e) for e in ents]
    else:
        out = [(g["entity_group"], g) for g in group_entities(ents)]
    raw = text.encode("utf-8")
    return [{"label": name, "text": raw[e["start"]:e["end"]].decode("utf-8"), "begin": e["start"],
             "end": e["end"], "score": e["score"]} for name, e in out if name not in ignore]


# -- extractive QA ----------------------------------------------------------------------

def qa_windows(q, n, max_seq_len=384, stride=128):
    """Context token ranges [(a, b)] of the windows (HF tokenizers' overflow with stride)."""
    w = max_seq_len - q - 3
    if w <= 0:
        raise ValueError("question of %d tokens leaves no room for context in %d" % (q, max_seq_len))
    if n == 0:
        raise ValueError("empty context")
    if n > w and stride >= w:
        raise ValueError("doc_stride %d must be below the %d context tokens per window" % (stride, w))
    out, a = [], 0
    while True:
        b = min(a + w, n)
        out.append((a, b))
        if b >= n:
            return out
        a += w - stride


def select_spans(start_logits, end_logits, context, top_k=1, max_answer_len=15):
    """One window's best spans [(s, e, score)]: start/end logits [n] (float32), context [n]
    bools (True on context tokens; position 0 is [CLS])."""
    ctx = np.asarray(context, dtype=bool)
    keep = ctx.copy()
    keep[0] = True  # [CLS] stays in the softmax (some models use it for "no answer")
    ps = softmax32(np.where(keep, np.asarray(start_logits, dtype=np.float32), MASKED))
    pe = softmax32(np.where(keep, np.asarray(end_logits, dtype=np.float32), MASKED))
    ps[0] = pe[0] = 0.0
    idx = np.nonzero(ctx)[0]
    cands = []
    for s in idx:
        for e in idx:
            if s <= e <= s + max_answer_len - 1:
                cands.append((-(ps[s] * pe[e]), int(s), int(e)))  # float32 product
    cands.sort()  # score descending, then (s, e) ascending
    return [(s, e, float(-neg)) for neg, s, e in cands[:top_k]]


def align_to_words(window_tokens, s, e):
    """Byte span of the words containing tokens s and e, limited to the window's own tokens
    (HF's Encoding.word_to_chars looks only at the tokens of that overflow encoding).
    window_tokens: [{"begin", "end", "word"} or None for question/special positions]."""
    ws, we = window_tokens[s]["word"], window_tokens[e]["word"]
    begin = min(t["begin"] for t in window_tokens if t is not None and t["word"] == ws)
    end = max(t["end"] for t in window_tokens if t is not None and t["word"] == we)
    return begin, end


def qa_decode(context, windows, top_k=1, max_answer_len=15):
    """windows: [(window_tokens, start_logits, end_logits)] in window order, window_tokens as
    align_to_words takes them (None where not context). -> answers {text, begin, end, score}."""
    raw = context.encode("utf-8")
    answers = []
    for toks, sl, el in windows:
        mask = [t is not None for t in toks]
        for s, e, score in select_spans(sl, el, mask, top_k, max_answer_len):
            b, en = align_to_words(toks, s, e)
            answers.append({"text": raw[b:en].decode("utf-8"), "begin": b, "end": en, "score": score})
    return sorted(answers, key=lambda x: x["score"], reverse=True)[:top_k]  # stable


def qa_window_inputs(tok, question, context, max_seq_len=384, doc_stride=128):
    """[(ids, types, window_tokens)] per window."""
    q = tokens_of(tok, question)
    c = tokens_of(tok, context)
    cls, sep = tok.vocab["[CLS]"], tok.vocab["[SEP]"]
    out = []
    for a, b in qa_windows(len(q), len(c), max_seq_len, doc_stride):
        ids = [cls] + [t["id"] for t in q] + [sep] + [t["id"] for t in c[a:b]] + [sep]
        types = [0] * (len(q) + 2) + [1] * (b - a + 1)
        toks = [None] * (len(q) + 2) + c[a:b] + [None]
        out.append((ids, types, toks))
    return out


def rank(scores, top_k=None):
    """Indices by score, descending; equal scores keep input order (Python's stable sort)."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    return order if top_k is None else order[:top_k]


# -- models -----------------------------------------------------------------------------

class Pipelines:
    def __init__(self, model_dir):
        self.bert = bert_ref.Bert(model_dir)
        tc = {}
        path = os.path.join(model_dir, "tokenizer_config.json")
        if os.path.exists(path):
            with open(path) as f:
                tc = json.load(f)
        self.tok = tokenizer_ref.FullTokenizer(os.path.join(model_dir, "vocab.txt"),
                                               do_lower_case=tc.get("do_lower_case", True))
        self.max_pos = self.bert.config["max_position_embeddings"]

    def head(self, h, name):
        w = self.bert.w
        return (h @ w[name + ".weight"].T + w[name + ".bias"]).astype(np.float32)

    def ner(self, text, strategy="simple"):
        toks = tokens_of(self.tok, text)[:self.max_pos - 2]
        seq = [special(self.tok, "[CLS]")] + toks + [special(self.tok, "[SEP]")]
        scores = softmax32(self.head(self.bert.encode([t["id"] for t in seq]), "classifier"))
        return {"entities": ner_decode(text, seq, scores, self.bert.labels, strategy)}

    def qa(self, question, context, top_k=1, max_answer_len=15, doc_stride=128, max_seq_len=384):
        windows = []
        for ids, types, toks in qa_window_inputs(self.tok, question, context, max_seq_len, doc_stride):
            z = self.head(self.bert.encode(ids, types), "qa_outputs")
            windows.append((toks, z[:, 0], z[:, 1]))
        return {"answers": qa_decode(context, windows, top_k, max_answer_len)}

    def rerank_scores(self, query, passages):
        out = []
        for p in passages:
            ids, types = self.tok.encode_with_types(query, p, max_len=self.max_pos)
            z = self.bert.logits(self.bert.encode(ids, types))
            out.append(float(1.0 / (1.0 + np.exp(-z[0])) if len(z) == 1 else bert_ref.softmax(z)[-1]))
        return out

    def rerank(self, query, passages, top_k=None):
        scores = self.rerank_scores(query, passages)
        return {"results": [{"index": i, "text": passages[i], "score": scores[i]} for i in rank(scores, top_k)]}


def read_lines(path):
    f = sys.stdin if path == "-" else open(path, encoding="utf-8")
    with f:
        return [line.rstrip("\n") for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="task", required=True)
    n = sub.add_parser("ner")
    n.add_argument("--text")
    n.add_argument("--aggregation", default="simple", choices=STRATEGIES)
    q = sub.add_parser("qa")
    q.add_argument("--question")
    q.add_argument("--context")
    q.add_argument("--top-k", type=int, default=1)
    q.add_argument("--max-answer-len", type=int, default=15)
    q.add_argument("--doc-stride", type=int, default=None, help="default min(max_seq_len // 2, 128)")
    q.add_argument("--max-seq-len", type=int, default=384)
    r = sub.add_parser("rerank")
    r.add_argument("--query", required=True)
    r.add_argument("--top-k", type=int)
    for p in (n, q, r):
        p.add_argument("--model", required=True)
        p.add_argument("--input")
        p.add_argument("--jsonl", action="store_true")
    a = ap.parse_args()
    pipes = Pipelines(a.model)
    if a.task == "ner":
        texts = [a.text] if a.text is not None else read_lines(a.input)
        outs = [pipes.ner(t, a.aggregation) for t in texts]
    elif a.task == "qa":
        pairs = [(a.question, a.context)] if a.question is not None else [
            tuple(line.split("\t", 1)) for line in read_lines(a.input)]
        stride = a.doc_stride if a.doc_stride is not None else min(a.max_seq_len // 2, 128)
        outs = [pipes.qa(qq, cc, a.top_k, a.max_answer_len, stride, a.max_seq_len) for qq, cc in pairs]
    else:
        outs = [pipes.rerank(a.query, read_lines(a.input), a.top_k)]
    for o in outs:
        print(json.dumps(o, ensure_ascii=False) if a.jsonl else json.dumps(o, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
