#!/usr/bin/env python3
"""embert's task commands (ner, qa, rerank) against the independent Python reference
(tests/reference/pipeline_ref.py), on random-weight checkpoints written by
tests/reference/make_task_bert.py and converted by bert-convert to fp32 and int8:

 * fp32 files: the same entities / answers / ranking (labels, begin, end, text, order)
   as the reference on every input, scores within 1e-4;
 * int8 files: the fraction of inputs with identical entities (NER, every aggregation)
   and identical top answer (QA) must be >= --int8-min (0.97). Rerank: the fraction of
   queries with an identical ranking of their 14 passages is printed; what must be >= 0.97
   is the fraction of passage pairs ranked in the same order (over all queries), since a
   whole ranking flips on any one near tie (int8 moves these scores by ~0.01-0.03).

  test_task_parity.py --convert BERT_CONVERT --embert EMBERT --work DIR [--engine auto]

The CLI contract (issue #17 spec): `embert ner --model M --input FILE --aggregation A
--jsonl` -> {"entities": [...]}; `embert qa --model M --input FILE (question<TAB>context)
--top-k K --max-answer-len N --doc-stride S --max-seq-len N --jsonl` -> {"answers": [...]};
`embert rerank --model M --query Q --input PASSAGES --jsonl` -> {"results": [...]}.

--emulate-with-probe EMBERT_PROBE checks this harness before the CLI exists: the encoder
runs in embert (through embert_probe) and the heads and decoding in pipeline_ref. It is
not a test of embert's task code.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "reference")
sys.path.insert(0, REF)
import make_task_bert as M  # noqa: E402
import pipeline_ref as P  # noqa: E402

QA_SETTINGS = [  # (top_k, max_answer_len, doc_stride, max_seq_len): several windows, and one
    (1, 15, 8, 32), (3, 15, 8, 32), (3, 4, 8, 32), (2, 15, 64, 128)]


def ner_texts(rng, n=40):
    """The generator's sentences plus random ones: capitalised words, sub-words, accents, CJK."""
    words = M.WORDS + ["Café", "naïve", "Zoë", "東京", "大学", "Parisian", "Londoners", "playing", "Georgeton"]
    out = list(M.NER_TEXTS)
    for _ in range(n):
        w = [x.capitalize() if rng.random() < 0.4 else x for x in rng.choice(words, rng.integers(3, 14))]
        out.append(" ".join(w) + rng.choice([".", "!", "?", ""]))
    return out


def qa_pairs(rng, n=12):
    out = [(q, c) for q, c in M.QA_CASES if len(q.split()) < 10]  # (the long question leaves no room at 32)
    for _ in range(n):
        q = " ".join(rng.choice(M.WORDS, rng.integers(2, 6))) + "?"
        c = ". ".join(" ".join(rng.choice(M.WORDS, rng.integers(4, 12))).capitalize() for _ in range(rng.integers(2, 7)))
        out.append((q, c + "."))
    return out


def rerank_queries(rng, n=7):
    return [" ".join(rng.choice(M.WORDS, rng.integers(2, 7))) + "?" for _ in range(n)]


def pairs_in_order(got, want):
    """(pairs of passages ranked in the same relative order, all pairs) of two rankings."""
    pos = {r["index"]: i for i, r in enumerate(got)}
    idx = [r["index"] for r in want]
    if sorted(pos) != sorted(idx):
        return 0, max(1, len(idx) * (len(idx) - 1) // 2)
    good = sum(pos[idx[i]] < pos[idx[j]] for i in range(len(idx)) for j in range(i + 1, len(idx)))
    return good, len(idx) * (len(idx) - 1) // 2


def run(cmd, stdin=None):
    r = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("FAIL %s: exit %d\n%s" % (" ".join(cmd), r.returncode, r.stderr[-2000:]))
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


class Cli:
    def __init__(self, embert, model, engine):
        self.embert, self.model, self.engine = embert, model, engine

    def base(self, task):
        return [self.embert, task, "--model", self.model, "--engine", self.engine, "--jsonl"]

    def ner(self, texts, agg):
        return run(self.base("ner") + ["--input", "-", "--aggregation", agg], "\n".join(texts) + "\n")

    def qa(self, pairs, k, mal, stride, msl):
        return run(self.base("qa") + ["--input", "-", "--top-k", str(k), "--max-answer-len", str(mal),
                                      "--doc-stride", str(stride), "--max-seq-len", str(msl)],
                   "\n".join("%s\t%s" % p for p in pairs) + "\n")

    def rerank(self, query, passages_file):
        return run(self.base("rerank") + ["--query", query, "--input", passages_file])[0]


class ProbeEmulation:
    """The encoder in embert (embert_probe), heads and decoding in pipeline_ref."""

    def __init__(self, probe, model, engine, pipes):
        self.probe, self.model, self.engine, self.p = probe, model, engine, pipes

    def hidden(self, seqs):
        lines = ["%s;%s;" % (",".join(map(str, i)), ",".join(map(str, t))) for i, t in seqs]
        r = subprocess.run([self.probe, self.model, "--engine", self.engine], input="\n".join(lines) + "\n",
                           capture_output=True, text=True, check=True)
        return [np.array(json.loads(l)["sequence_output"]).reshape(len(s[0]), -1)
                for l, s in zip(r.stdout.splitlines(), seqs)]

    def ner(self, texts, agg):
        p, out = self.p, []
        seqs = [[P.special(p.tok, "[CLS]")] + P.tokens_of(p.tok, t) + [P.special(p.tok, "[SEP]")] for t in texts]
        for t, s, h in zip(texts, seqs, self.hidden([([x["id"] for x in s], [0] * len(s)) for s in seqs])):
            out.append({"entities": P.ner_decode(t, s, P.softmax32(p.head(h, "classifier")), p.bert.labels, agg)})
        return out

    def qa(self, pairs, k, mal, stride, msl):
        out = []
        for q, c in pairs:
            wins = P.qa_window_inputs(self.p.tok, q, c, msl, stride)
            hs = self.hidden([(ids, types) for ids, types, _ in wins])
            zs = [self.p.head(h, "qa_outputs") for h in hs]
            out.append({"answers": P.qa_decode(c, [(t, z[:, 0], z[:, 1]) for (_, _, t), z in zip(wins, zs)], k, mal)})
        return out

    def rerank(self, query, passages_file):
        passages = P.read_lines(passages_file)
        seqs = [self.p.tok.encode_with_types(query, x, max_len=self.p.max_pos) for x in passages]
        w = self.p.bert.w
        scores = []
        for h in self.hidden(seqs):
            z = self.p.bert.pooled(h) @ w["classifier.weight"].T + w["classifier.bias"]
            scores.append(float(1.0 / (1.0 + np.exp(-z[0]))))
        return {"results": [{"index": i, "text": passages[i], "score": scores[i]} for i in P.rank(scores)]}


def same(got, want, keys, tol):
    """Lists of dicts equal on keys, scores within tol (None: scores not compared)."""
    if len(got) != len(want):
        return False
    return all(all(g.get(k) == w[k] for k in keys) and (tol is None or abs(g["score"] - w["score"]) <= tol)
               for g, w in zip(got, want))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--convert", required=True)
    ap.add_argument("--embert", help="the embert CLI")
    ap.add_argument("--emulate-with-probe", help="embert_probe: check the harness without the task CLI")
    ap.add_argument("--work", required=True)
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--int8-min", type=float, default=0.97)
    a = ap.parse_args()
    if not a.embert and not a.emulate_with_probe:
        ap.error("--embert or --emulate-with-probe")
    rng = np.random.default_rng(23)
    texts, pairs = ner_texts(rng), qa_pairs(rng)
    passages = [p for p in M.RERANK_PASSAGES if p] + M.NER_TEXTS  # no empty line in a file of lines
    pfile = os.path.join(a.work, "passages.txt")
    os.makedirs(a.work, exist_ok=True)
    with open(pfile, "w", encoding="utf-8") as f:
        f.write("\n".join(passages) + "\n")
    failures = []
    agree = {}
    for task in ("ner", "qa", "rerank"):
        hf = os.path.join(a.work, task, "hf")
        subprocess.run([sys.executable, os.path.join(REF, "make_task_bert.py"), "--task", task, "--out", hf,
                        "--no-expected"], check=True, capture_output=True)
        ref = P.Pipelines(hf)
        want = {}  # the reference's outputs, per (command, setting)
        if task == "ner":
            for agg in P.STRATEGIES:
                want[agg] = [ref.ner(t, agg) for t in texts]
        elif task == "qa":
            for s in QA_SETTINGS:
                want[s] = [ref.qa(q, c, *s) for q, c in pairs]
        else:
            for q in M.RERANK_QUERIES + rerank_queries(rng):
                want[q] = ref.rerank(q, passages)
        for quant in ("fp32", "int8"):
            model = os.path.join(a.work, task, quant + ".embert")
            subprocess.run([a.convert, hf, "-o", model, "--quantize", quant, "--quiet"], check=True)
            cli = (Cli(a.embert, model, a.engine) if a.embert else
                   ProbeEmulation(a.emulate_with_probe, model, a.engine, ref))
            tol = 1e-4 if quant == "fp32" else None
            n = ok = 0
            pair_ok = pair_n = 0
            for setting, refs in want.items():
                if task == "ner":
                    gots = cli.ner(texts, setting)
                    pairs_ = [(g["entities"], r["entities"], ("label", "text", "begin", "end")) for g, r in zip(gots, refs)]
                elif task == "qa":
                    gots = cli.qa(pairs, *setting)
                    if quant == "fp32":
                        pairs_ = [(g["answers"], r["answers"], ("text", "begin", "end")) for g, r in zip(gots, refs)]
                    else:  # int8: the top answer
                        pairs_ = [(g["answers"][:1], r["answers"][:1], ("text", "begin", "end")) for g, r in zip(gots, refs)]
                else:
                    got = cli.rerank(setting, pfile)
                    pairs_ = [(got["results"], refs["results"], ("index", "text"))]
                    good, total = pairs_in_order(got["results"], refs["results"])
                    pair_ok += good
                    pair_n += total
                if len(pairs_) != len(refs if task != "rerank" else [refs]):
                    failures.append("%s %s %s: %d outputs" % (task, quant, setting, len(pairs_)))
                for k, (g, r, keys) in enumerate(pairs_):
                    n += 1
                    good = same(g, r, keys, tol)
                    ok += good
                    if not good and quant == "fp32" and len(failures) < 20:
                        failures.append("%s fp32 %s input %d: got %s, want %s" % (task, setting, k, g, r))
            agree[(task, quant)] = (ok, n)
            print("%s %s: %d/%d inputs identical (%.4f)" % (task, quant, ok, n, ok / max(n, 1)))
            if quant == "fp32" and ok != n:
                failures.append("%s fp32: %d of %d inputs differ from the reference" % (task, n - ok, n))
            if task == "rerank":
                print("rerank %s: %d/%d passage pairs in the same order (%.4f)" % (quant, pair_ok, pair_n,
                                                                                   pair_ok / max(pair_n, 1)))
            frac = pair_ok / max(pair_n, 1) if task == "rerank" else ok / max(n, 1)
            if quant == "int8" and frac < a.int8_min:
                failures.append("%s int8: %.4f identical < %.2f" % (task, frac, a.int8_min))
    for f in failures:
        print("FAIL " + f)
    print("%d checks, %d failed" % (len(agree), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
