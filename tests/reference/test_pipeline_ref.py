#!/usr/bin/env python3
"""Checks pipeline_ref.py (the task pipelines' reference) without embert:

 * decoding against hand-made golden cases (golden/ner_grouping_cases.json: every
   aggregation; golden/qa_decoding_cases.json: spans, windows, align_to_words, ties,
   and hand-computed window ranges);
 * tokenizer_ref's byte offsets on a hand-computed text (accents, CJK, sub-words);
 * rerank's stable order;
 * make_task_bert.py's checkpoints: expected_tasks.json reproduces, the NER model gives
   several entity groups with both B- and I- tags, QA cases span several windows;
 * with torch: the heads' logits against an independent PyTorch forward
   (test_reference_selfcheck.torch_bert), and QA span selection against HF's matrix
   formulation (outer product, triu/tril band, argmax / sort) computed in torch.

  /usr/bin/python3 tests/reference/test_pipeline_ref.py [--no-torch]

Prints each check and closes with 'N passed, N failed'; exits 1 on a failure.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_task_bert  # noqa: E402
import pipeline_ref as P  # noqa: E402
import tokenizer_ref  # noqa: E402

RESULTS = []


def check(name, ok, value=""):
    RESULTS.append(bool(ok))
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": %s" % value) if value != "" else ""))


def same_items(got, want, tol):
    """Equal lists of dicts: exact on everything but 'score' (within tol)."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if set(g) != set(w) or abs(g["score"] - w["score"]) > tol:
            return False
        if any(g[k] != w[k] for k in w if k != "score"):
            return False
    return True


def check_ner_golden():
    with open(os.path.join(HERE, "golden", "ner_grouping_cases.json"), encoding="utf-8") as f:
        doc = json.load(f)
    for case in doc["cases"]:
        labels = case.get("labels", doc["default_labels"])
        for agg, want in case["expected"].items():
            got = P.ner_decode(case["text"], case["tokens"], np.array(case["scores"], dtype=np.float32), labels, agg)
            check("ner %s [%s]" % (case["name"], agg), same_items(got, want, 1e-6),
                  "" if same_items(got, want, 1e-6) else "got %s" % got)


def check_qa_golden():
    with open(os.path.join(HERE, "golden", "qa_decoding_cases.json"), encoding="utf-8") as f:
        doc = json.load(f)
    for case in doc["cases"]:
        windows = [(w["tokens"], w["start_logits"], w["end_logits"]) for w in case["windows"]]
        got = P.qa_decode(case["context"], windows, case["top_k"], case["max_answer_len"])
        ok = same_items(got, case["expected"], 1e-7)
        check("qa %s" % case["name"], ok, "" if ok else "got %s" % got)
    for w in doc["windowing"]:
        try:
            got = [list(r) for r in P.qa_windows(w["q"], w["n"], w["max_seq_len"], w["stride"])]
        except ValueError as e:
            got = "error: %s" % e
        ok = isinstance(got, str) if w.get("error") else got == w["windows"]
        check("qa windows q=%d n=%d len=%d stride=%d" % (w["q"], w["n"], w["max_seq_len"], w["stride"]), ok, got)


def check_offsets(tmp):
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(make_task_bert.vocabulary()) + "\n")
    tok = tokenizer_ref.FullTokenizer(path)
    text = "Café cafe\u0301 東京 Parisians!"
    # Bytes: "Café" 0..5 (é 2 bytes), "cafe" + U+0301 6..12, 東 13..16, 京 16..19,
    # "Parisians" 20..29, "!" 29..30. The decomposed accent's mark (10..12) is not in the
    # last piece's span (HF's normalizer drops it with its alignment); the precomposed é is.
    want = [("c", 0, 1, 0), ("##a", 1, 2, 0), ("##f", 2, 3, 0), ("##e", 3, 5, 0),
            ("c", 6, 7, 1), ("##a", 7, 8, 1), ("##f", 8, 9, 1), ("##e", 9, 10, 1),
            ("東", 13, 16, 2), ("京", 16, 19, 3),
            ("paris", 20, 25, 4), ("##ian", 25, 28, 4), ("##s", 28, 29, 4), ("!", 29, 30, 5)]
    got = tokenizer_ref.tokenize_with_offsets(tok, text)
    check("tokenizer offsets (accents, CJK, pieces)", got == want, "" if got == want else got)
    text = "Zz [SEP] x\u00a0y\x00z"
    want = [("z", 0, 1, 0), ("##z", 1, 2, 0), ("[SEP]", 3, 8, 1), ("x", 9, 10, 2), ("y", 12, 13, 3), ("##z", 14, 15, 3)]
    got = tokenizer_ref.tokenize_with_offsets(tok, text)
    check("tokenizer offsets (special in text, NBSP, NUL removed)", got == want, "" if got == want else got)
    # Hugging Face's own test of the fast tokenizer's offsets (characters; bytes here), with a
    # vocabulary of exactly its tokens so that WordPiece splits the same way.
    with open(os.path.join(HERE, "..", "data", "tokenizer", "hf-transformers-test_tokenization_bert.cases.json"),
              encoding="utf-8") as f:
        cases = [c for c in json.load(f)["cases"] if c["kind"] == "bert-base-uncased offsets (fast tokenizer)"]
    for c in cases:
        path = os.path.join(tmp, "hf_vocab.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(tokenizer_ref.SPECIALS + tuple(t for t in c["expected_tokens"]
                                                            if t not in tokenizer_ref.SPECIALS)) + "\n")
        tok = tokenizer_ref.FullTokenizer(path)
        text = c["input"]
        byte = lambda k: len(text[:k].encode("utf-8"))  # noqa: E731
        want = [(t, byte(b), byte(e)) for t, (b, e) in zip(c["expected_tokens"][1:-1], c["expected_offsets"][1:-1])]
        got = [(t, b, e) for t, b, e, _ in tokenizer_ref.tokenize_with_offsets(tok, text)]
        check("tokenizer offsets = HF's published %r" % text, got == want, "" if got == want else got)


def check_rank():
    got = P.rank([0.5, 0.9, 0.5, 0.9, 0.1])
    check("rerank order stable on ties", got == [1, 3, 0, 2, 4], got)
    check("rerank top_k", P.rank([0.5, 0.9, 0.5, 0.9, 0.1], 3) == [1, 3, 0])


def make_models(tmp):
    dirs = {}
    for task in ("ner", "qa", "rerank"):
        d = os.path.join(tmp, task)
        subprocess.run([sys.executable, os.path.join(HERE, "make_task_bert.py"), "--task", task, "--out", d],
                       check=True, capture_output=True)
        dirs[task] = d
    return dirs


def check_models(dirs):
    ner = P.Pipelines(dirs["ner"])
    with open(os.path.join(dirs["ner"], "expected_tasks.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    check("ner expected_tasks.json reproduces", all(
        ner.ner(c["args"]["text"], c["args"]["aggregation"]) == c["output"] for c in cases))
    groups = {e["label"] for c in cases if c["args"]["aggregation"] == "simple" for e in c["output"]["entities"]}
    tags = {e["label"][:2] for c in cases if c["args"]["aggregation"] == "none" for e in c["output"]["entities"]}
    multi = sum(len(e["text"].split()) > 1 for c in cases if c["args"]["aggregation"] == "simple"
                for e in c["output"]["entities"])
    check("ner model: several entity groups, B- and I- tags, multi-word entities",
          len(groups) >= 3 and tags == {"B-", "I-"} and multi >= 1, "%s %s %d" % (sorted(groups), sorted(tags), multi))
    qa = P.Pipelines(dirs["qa"])
    with open(os.path.join(dirs["qa"], "expected_tasks.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    ok = True
    most = 0
    for c in cases:
        a = c["args"]
        try:
            out = qa.qa(a["question"], a["context"], a["top_k"], a["max_answer_len"], a["doc_stride"], a["max_seq_len"])
            most = max(most, len(P.qa_window_inputs(qa.tok, a["question"], a["context"], a["max_seq_len"],
                                                    a["doc_stride"])))
        except ValueError as e:
            out = {"error": str(e)}
        ok = ok and out == c["output"]
    check("qa expected_tasks.json reproduces", ok)
    check("qa cases use several windows", most >= 3, "%d windows at most" % most)
    rr = P.Pipelines(dirs["rerank"])
    with open(os.path.join(dirs["rerank"], "expected_tasks.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    check("rerank expected_tasks.json reproduces", all(
        rr.rerank(c["args"]["query"], c["args"]["passages"]) == c["output"] for c in cases))
    return ner, qa


def check_torch(ner, qa):
    import torch

    from test_reference_selfcheck import torch_bert

    def heads(pipes, ids, types, name):
        W = {k: torch.tensor(v) for k, v in pipes.bert.w.items()}
        seq = torch_bert(pipes.bert.config, pipes.bert.w, [ids], [types], [[1] * len(ids)])["sequence_output"][0]
        return torch.nn.functional.linear(seq, W[name + ".weight"], W[name + ".bias"])

    worst = 0.0
    for text in make_task_bert.NER_TEXTS:
        ids = ner.tok.encode(text)
        z_t = heads(ner, ids, [0] * len(ids), "classifier").numpy()
        z_n = ner.bert.encode(ids) @ ner.bert.w["classifier.weight"].T + ner.bert.w["classifier.bias"]
        worst = max(worst, np.abs(z_t - z_n).max())
    check("token-classification logits vs torch", worst < 1e-12, "%.2g" % worst)

    # QA: logits, then span choice as HF's decode_spans does it (a scores matrix), in torch.
    worst, agree, total = 0.0, 0, 0
    for q, c in make_task_bert.QA_CASES[:2]:
        for ids, types, toks in P.qa_window_inputs(qa.tok, q, c, 32, 8):
            z_t = heads(qa, ids, types, "qa_outputs")
            z_n = qa.bert.encode(ids, types) @ qa.bert.w["qa_outputs.weight"].T + qa.bert.w["qa_outputs.bias"]
            worst = max(worst, np.abs(z_t.numpy() - z_n).max())
            ctx = torch.tensor([t is not None for t in toks])
            keep = ctx.clone()
            keep[0] = True
            z = z_t.float()
            ps = torch.softmax(torch.where(keep, z[:, 0], torch.tensor(-10000.0)), 0)
            pe = torch.softmax(torch.where(keep, z[:, 1], torch.tensor(-10000.0)), 0)
            ps[0] = pe[0] = 0.0
            for k, L in ((1, 15), (3, 4)):
                m = torch.tril(torch.triu(torch.outer(ps, pe)), L - 1)
                m = m * ctx[:, None] * ctx[None, :]
                flat = m.flatten()
                order = torch.argsort(-flat, stable=True)[:k].tolist()
                want = [(i // len(ids), i % len(ids)) for i in order]
                got = [(s, e) for s, e, _ in P.select_spans(z_n[:, 0], z_n[:, 1], [t is not None for t in toks], k, L)]
                total += 1
                agree += got == want
    check("qa logits vs torch", worst < 1e-12, "%.2g" % worst)
    check("qa spans vs HF-style score matrix in torch", agree == total, "%d/%d windows" % (agree, total))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-torch", action="store_true")
    a = ap.parse_args()
    check_ner_golden()
    check_qa_golden()
    check_rank()
    with tempfile.TemporaryDirectory() as tmp:
        check_offsets(tmp)
        ner, qa = check_models(make_models(tmp))
        if not a.no_torch:
            check_torch(ner, qa)
    failed = RESULTS.count(False)
    print("%d passed, %d failed" % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
