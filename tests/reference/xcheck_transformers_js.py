#!/usr/bin/env python3
"""Cross-checks pipeline_ref.py (issue #17's NER / QA / rerank reference) against
transformers.js, an independent implementation of Hugging Face's pipelines, run on an
ONNX export of make_task_bert.py's checkpoints. Run by hand; not part of the build or ctest.

  # once, in a scratch folder outside the repository (the npm registry is enough; the
  # install script of onnxruntime-node only fetches CUDA binaries, the CPU ones are bundled):
  mkdir -p /work/xcheck-node && cd /work/xcheck-node && npm init -y && \
      npm install --ignore-scripts @huggingface/transformers
  # then, from the repository:
  /usr/bin/python3 tests/reference/xcheck_transformers_js.py --node-dir /work/xcheck-node [--work DIR]

Needs Debian's /usr/bin/python3 with numpy, torch and onnx (python3-onnx), and node >= 18.

Steps: make_task_bert.py writes the ner, qa and rerank checkpoints; each is exported to
ONNX with a float32 PyTorch BERT written here (inputs input_ids, attention_mask,
token_type_ids; outputs logits, or start_logits and end_logits) beside a tokenizer.json
written from vocab.txt (BertNormalizer lowercase, BertPreTokenizer, WordPiece "##",
TemplateProcessing); xcheck_transformers_js.mjs runs transformers.js's token-classification,
question-answering and text-classification pipelines and returns its tokenizer's ids,
the raw head outputs and the pipelines' outputs; this script compares them with
pipeline_ref.py on the same checkpoints and prints every agreement and difference with
its explanation. Exit status 1 if a difference is left unexplained.

transformers.js gives no character offsets (its outputs are decoded words), so spans are
compared as token indices (NER 'none' gives the token index) or as the decoded text of
the reference's tokens (decoded by transformers.js's own tokenizer).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_task_bert  # noqa: E402
import pipeline_ref  # noqa: E402
import tokenizer_ref  # noqa: E402

TOL = 1e-4
UNEXPLAINED = []

# Extra NER inputs beyond make_task_bert.py's: characters outside the vocabulary ([UNK]).
EXTRA_NER_TEXTS = ["Zoë met Ωmega and Δelta in Москва.", "John played with Пётр in Tokyo."]


def say(kind, what, detail=""):
    print("%-9s %s%s" % (kind, what, (": " + detail) if detail else ""))
    if kind == "DIFF??":
        UNEXPLAINED.append(what)


# -- export ------------------------------------------------------------------------------

def torch_module(config, weights, task):
    import math
    import torch
    import torch.nn.functional as F

    class TorchBert(torch.nn.Module):
        """Float32 BERT in torch.nn.functional ops (as test_reference_selfcheck.torch_bert,
        made traceable), with the task's head."""

        def __init__(self):
            super().__init__()
            self.names = {}
            for k, v in weights.items():
                key = k.replace(".", "__")
                self.register_buffer(key, torch.tensor(np.asarray(v, dtype=np.float32)))
                self.names[k] = key
            self.pre = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""

        def W(self, name):
            return getattr(self, self.names[name])

        def lin(self, t, name):
            return F.linear(t, self.W(name + ".weight"), self.W(name + ".bias"))

        def ln(self, t, name):
            return F.layer_norm(t, (config["hidden_size"],), self.W(name + ".weight"), self.W(name + ".bias"),
                                config.get("layer_norm_eps", 1e-12))

        def forward(self, input_ids, attention_mask, token_type_ids):
            pre = self.pre
            H, A = config["hidden_size"], config["num_attention_heads"]
            d = H // A
            B, n = input_ids.shape[0], input_ids.shape[1]
            pos = self.W(pre + "embeddings.position_embeddings.weight")[:n]
            x = (F.embedding(input_ids, self.W(pre + "embeddings.word_embeddings.weight")) + pos.unsqueeze(0)
                 + F.embedding(token_type_ids, self.W(pre + "embeddings.token_type_embeddings.weight")))
            x = self.ln(x, pre + "embeddings.LayerNorm")
            ext = (1.0 - attention_mask.to(torch.float32))[:, None, None, :] * torch.finfo(torch.float32).min
            for i in range(config["num_hidden_layers"]):
                p = pre + "encoder.layer.%d." % i
                q, k, v = [self.lin(x, p + "attention.self." + m).view(B, n, A, d).permute(0, 2, 1, 3)
                           for m in ("query", "key", "value")]
                s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + ext
                ctx = torch.matmul(F.softmax(s, dim=-1), v).permute(0, 2, 1, 3).reshape(B, n, H)
                x = self.ln(self.lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
                x = self.ln(self.lin(F.gelu(self.lin(x, p + "intermediate.dense")), p + "output.dense") + x,
                            p + "output.LayerNorm")
            if task == "ner":
                return self.lin(x, "classifier")
            if task == "qa":
                z = self.lin(x, "qa_outputs")
                return z[..., 0], z[..., 1]
            return self.lin(torch.tanh(self.lin(x[:, 0], pre + "pooler.dense")), "classifier")

    return TorchBert().eval()


def export_onnx(model_dir, out_dir, task):
    import torch
    import bert_ref
    bert = bert_ref.Bert(model_dir)
    weights = {k: v.astype(np.float32) for k, v in bert.w.items()}
    m = torch_module(bert.config, weights, task)
    outputs = ["start_logits", "end_logits"] if task == "qa" else ["logits"]
    ids = torch.tensor([[2, 10, 11, 12, 3]])
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
           "token_type_ids": {0: "batch", 1: "seq"}}
    for o in outputs:
        dyn[o] = {0: "batch", 1: "seq"} if task != "rerank" else {0: "batch"}
    os.makedirs(os.path.join(out_dir, "onnx"), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(m, args, os.path.join(out_dir, "onnx", "model.onnx"),
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=outputs, dynamic_axes=dyn, opset_version=14)
    # the float32 torch module against the float64 reference on one input
    ids = [2] + list(range(10, 40)) + [3]
    with torch.no_grad():
        t = m(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long), torch.zeros(1, len(ids), dtype=torch.long))
    h = bert.encode(ids)
    head = {"ner": "classifier", "qa": "qa_outputs"}.get(task)
    ref = h @ bert.w[head + ".weight"].T + bert.w[head + ".bias"] if head else bert.logits(h)
    got = torch.stack(t, -1)[0].numpy() if task == "qa" else t[0].numpy()
    return float(np.abs(got - ref).max())


def write_tokenizer(model_dir, out_dir, max_len):
    vocab = tokenizer_ref.load_vocab(os.path.join(model_dir, "vocab.txt"))
    specials = [s for s in tokenizer_ref.SPECIALS if s in vocab]
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for s in specials],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {s: {"id": s, "ids": [vocab[s]], "tokens": [s]} for s in ("[CLS]", "[SEP]")}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True, "strip_accents": None,
                   "tokenize_chinese_chars": True, "model_max_length": max_len, "clean_up_tokenization_spaces": True,
                   "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
                   "mask_token": "[MASK]"}, f, indent=1)


def prepare(work, task):
    src = os.path.join(work, task)
    run = subprocess.run([sys.executable, os.path.join(HERE, "make_task_bert.py"), "--task", task, "--out", src],
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit("make_task_bert.py --task %s failed:\n%s" % (task, run.stderr))
    dst = os.path.join(work, "js", task)
    os.makedirs(dst, exist_ok=True)
    shutil.copy(os.path.join(src, "config.json"), dst)
    with open(os.path.join(src, "config.json")) as f:
        max_len = json.load(f)["max_position_embeddings"]
    write_tokenizer(src, dst, max_len)
    diff = export_onnx(src, dst, task)
    say("ok" if diff < 1e-4 else "DIFF??", "%s: float32 torch module for the ONNX export vs bert_ref" % task,
        "max |diff| %.2g" % diff)
    return src


# -- NER ---------------------------------------------------------------------------------

def ner_reference(pipes, text):
    """Per-token reference: seq tokens (with [CLS]/[SEP]), float32 logits and scores, and the
    pipeline outputs for 'none' and 'simple'."""
    toks = pipeline_ref.tokens_of(pipes.tok, text)[:pipes.max_pos - 2]
    seq = [pipeline_ref.special(pipes.tok, "[CLS]")] + toks + [pipeline_ref.special(pipes.tok, "[SEP]")]
    logits = pipes.head(pipes.bert.encode([t["id"] for t in seq]), "classifier")
    return {"seq": seq, "ids": [t["id"] for t in seq], "logits": logits, "scores": pipeline_ref.softmax32(logits),
            "none": pipes.ner(text, "none")["entities"], "simple": pipes.ner(text, "simple")["entities"]}


def span_tokens(seq, begin, end):
    return [j for j, t in enumerate(seq) if not t.get("special") and t["begin"] >= begin and t["end"] <= end]


def js_simple_semantics(ref, labels):
    """transformers.js's 'simple': drop tokens whose label is in ignore_labels ("O"), specials
    and [UNK] (decoded to '') FIRST, then group the rest with B-/I- (and E-/S-) tags
    -> [(group, [token idx], score)]."""
    toks = []
    for j, t in enumerate(ref["seq"]):
        if t.get("special") or t["token"] == "[UNK]":
            continue
        k = int(np.argmax(ref["logits"][j]))
        if labels[k] == "O":
            continue
        toks.append((j, labels[k], float(ref["scores"][j][k])))
    groups, open_tag = [], None
    for j, lab, s in toks:
        pre, tag = (lab[0], lab[2:]) if len(lab) > 1 and lab[1] == "-" and lab[0] in "BIES" else ("I", lab)
        if open_tag == tag and pre not in "BS":
            groups[-1][1].append(j)
            groups[-1][2].append(s)
            if pre == "E":
                open_tag = None
        else:
            groups.append([tag, [j], [s]])
            open_tag = None if pre == "S" else tag
    return [(g, idx, sum(ss) / len(ss)) for g, idx, ss in groups]


def compare_ner(refs, js, decoded, labels):
    worst_logit = 0.0
    for ref, got in zip(refs, js["ner"]):
        text = ref["text"]
        name = "ner %r" % text
        if got["ids"] != ref["ids"]:
            say("DIFF??", name + ": token ids", "js %s ref %s" % (got["ids"], ref["ids"]))
            continue
        worst_logit = max(worst_logit, float(np.abs(np.array(got["logits"]) - ref["logits"]).max()))
        # none, all labels (ignore_labels=[]): every non-special token
        per_tok = {e["index"]: e for e in got["none_all"]}
        want_idx = [j for j, t in enumerate(ref["seq"]) if not t.get("special")]
        # transformers.js skips tokens whose decoded word is empty: the specials, and [UNK]
        # (an added special token in tokenizer.json, decoded with skip_special_tokens)
        unk = [j for j in want_idx if ref["seq"][j]["token"] == "[UNK]"]
        bad, worst = [], 0.0
        for j in want_idx:
            if j in unk:
                continue
            e = per_tok.get(j)
            k = int(np.argmax(ref["scores"][j]))
            if e is None or e["entity"] != labels[k] or e["word"] != ref["seq"][j]["token"]:
                bad.append(j)
                continue
            worst = max(worst, abs(e["score"] - float(ref["scores"][j][k])))
        missing_unk = [j for j in unk if j in per_tok]
        extra = sorted(set(per_tok) - set(want_idx))
        if bad or extra or missing_unk or worst > TOL:
            say("DIFF??", name + " none(all tokens)", "bad %s extra %s unk kept %s score %.2g" % (bad, extra, missing_unk, worst))
        else:
            say("ok", name + " none(all labels)", "%d tokens: label, token, score (max |diff| %.2g)%s" % (
                len(want_idx) - len(unk), worst, "; %d [UNK] token(s) dropped by transformers.js" % len(unk) if unk else ""))
        if unk:
            say("DIFF", name + " [UNK] tokens", "reference keeps token(s) %s as entities/words ([UNK] is not special "
                "in HF's gather_pre_entities); transformers.js drops them: decode(skip_special_tokens) gives ''"
                % unk)
        # none (default ignore O): entity list
        want = []
        for e in ref["none"]:
            (j,) = span_tokens(ref["seq"], e["begin"], e["end"])
            want.append((j, e["label"], e["score"]))
        have = [(e["index"], e["entity"], e["score"]) for e in got["none"]]
        want_nounk = [w for w in want if w[0] not in unk]
        if [w[:2] for w in want_nounk] == [h[:2] for h in have] and all(
                abs(a[2] - b[2]) <= TOL for a, b in zip(want_nounk, have)):
            say("ok", name + " none", "%d entities (token index, tag, score)%s" % (
                len(have), "" if len(want) == len(want_nounk) else ", less the [UNK] ones"))
        else:
            say("DIFF??", name + " none", "js %s ref %s" % (have, want))
        # simple
        have = [(g["entity_group"], g["word"], g["score"]) for g in got["simple"]]
        want = [(e["label"], decoded[i], e["score"]) for e, i in zip(ref["simple"], ref["simple_dec"])]
        jsem = [(g, decoded[i], s) for (g, idx, s), i in zip(ref["js_semantics"], ref["js_dec"])]

        def same(a, b):
            return len(a) == len(b) and all(x[:2] == y[:2] and abs(x[2] - y[2]) <= TOL for x, y in zip(a, b))
        if same(have, want):
            say("ok", name + " simple", "%d groups (entity_group, decoded word, mean score)" % len(have))
        elif same(have, jsem):
            say("DIFF", name + " simple", "transformers.js %s; reference %s. Explained: transformers.js drops "
                "'O' (ignore_labels) before grouping, so B-X/I-X tokens separated by O (or [UNK]) merge into one "
                "group; HF's pipeline groups first and drops 'O' groups after%s" % (
                    have, want, "; and [UNK] tokens are dropped too" if unk else ""))
        else:
            say("DIFF??", name + " simple", "js %s ref %s js-semantics %s" % (have, want, jsem))
    say("ok" if worst_logit < TOL else "DIFF??", "ner: transformers.js (onnxruntime float32) logits vs reference",
        "max |diff| %.2g" % worst_logit)
    for agg in ("first", "average", "max"):
        say("n/a", "ner aggregation %s" % agg, "transformers.js refuses it (%s)" % js["ner_" + agg])


# -- QA ----------------------------------------------------------------------------------

def qa_spans(pipes, q, c, top_k, max_answer_len, stride, max_seq_len):
    """pipeline_ref's QA with the tokens kept: [(score, window ids, s, e, answer)] best first,
    checked against Pipelines.qa's output."""
    cands = []
    for ids, types, toks in pipeline_ref.qa_window_inputs(pipes.tok, q, c, max_seq_len, stride):
        z = pipes.head(pipes.bert.encode(ids, types), "qa_outputs")
        for s, e, score in pipeline_ref.select_spans(z[:, 0], z[:, 1], [t is not None for t in toks],
                                                     top_k, max_answer_len):
            b, en = pipeline_ref.align_to_words(toks, s, e)
            cands.append((score, ids, s, e, {"begin": b, "end": en}))
    cands = sorted(cands, key=lambda x: x[0], reverse=True)[:top_k]
    full = pipes.qa(q, c, top_k, max_answer_len, stride, max_seq_len)["answers"]
    assert [(x[4]["begin"], x[4]["end"], x[0]) for x in cands] == [(a["begin"], a["end"], a["score"]) for a in full]
    return cands


def qa_js_semantics(pipes, ids, top_k):
    """transformers.js's QA on the reference's model: one input cut at model_max_length (the
    cut drops the final [SEP]), question/[SEP]/specials masked with -inf, no limit on the
    answer length, top_k over all spans of that one input."""
    sep, specials = pipes.tok.vocab["[SEP]"], {pipes.tok.vocab[s] for s in pipes.tok.specials}
    first = ids.index(sep)
    types = [0] * (first + 1) + [1] * (len(ids) - first - 1)
    z = pipes.head(pipes.bert.encode(ids, types), "qa_outputs")
    ctx = [i > first and ids[i] not in specials for i in range(len(ids))]
    spans = pipeline_ref.select_spans(z[:, 0], z[:, 1], ctx, top_k, max_answer_len=len(ids))
    return z, spans


def compare_qa(cases, js, decoded):
    worst_logit = 0.0
    for case, got in zip(cases, js["qa"]):
        name = "qa %r" % case["question"]
        if got["full_ids"] != case["full_ids"]:
            say("DIFF??", name + ": pair token ids", "js %s ref %s" % (got["full_ids"], case["full_ids"]))
            continue
        if got["ids"] != case["js_ids"]:
            say("DIFF??", name + ": truncated ids", "")
            continue
        worst_logit = max(worst_logit, float(np.abs(np.array(got["start_logits"]) - case["js_z"][:, 0]).max()),
                          float(np.abs(np.array(got["end_logits"]) - case["js_z"][:, 1]).max()))
        for k in case["top_ks"]:
            res = got["top_%d" % k]
            res = [res] if k == 1 else res
            have = [(a["answer"], a["score"]) for a in res]
            want = [(decoded[i], x[0]) for x, i in zip(case["ref"][k], case["ref_dec"][k])]
            jsem = [(decoded[i], sc) for (s, e, sc), i in zip(case["jsem"][k], case["jsem_dec"][k])]
            texts = [case["context"].encode()[x[4]["begin"]:x[4]["end"]].decode() for x in case["ref"][k]]

            def same(a, b):
                return len(a) == len(b) and all(x[0] == y[0] and abs(x[1] - y[1]) <= TOL for x, y in zip(a, b))
            what = "%s top_k %d" % (name, k)
            pad = [x for x in have[len(want):] if x[1] == 0.0]
            if len(have) > len(want) and len(pad) == len(have) - len(want) and same(have[:len(want)], want):
                say("DIFF", what, "transformers.js %s; reference %s. Explained: only %d spans have a non-zero "
                    "score and transformers.js fills top_k with zero-score spans starting at [CLS] (into the "
                    "question); the reference returns the %d context spans (the spec's candidates). HF <= 4.52 "
                    "would also pad, with zero-score spans picked by np.argpartition and kept when start and end "
                    "are [CLS] or context tokens (e.g. \"\" for [CLS]-[CLS])" % (
                        [(a, round(s, 6)) for a, s in have], [(a, round(s, 6)) for a, s in want], len(want), len(want)))
            elif same(have, want):
                say("ok", what, "answers (decoded tokens) and scores equal: %s (reference text %s)" % (
                    [(a, round(s, 6)) for a, s in have], texts))
            elif same(have, jsem):
                why = []
                if case["windows"] > 1:
                    why.append("the context needs %d windows of %d tokens (stride %d) and transformers.js reads "
                               "only the first, cut at model_max_length (dropping the final [SEP])"
                               % (case["windows"], case["max_seq_len"], case["stride"]))
                if any(e - s + 1 > case["max_answer_len"] for s, e, _ in case["jsem"][k]):
                    why.append("transformers.js has no max_answer_len: its answer(s) span up to %d tokens > %d"
                               % (max(e - s + 1 for s, e, _ in case["jsem"][k]), case["max_answer_len"]))
                say("DIFF", what, "transformers.js %s; reference %s. Explained: %s" % (
                    [(a, round(s, 6)) for a, s in have], [(a, round(s, 6)) for a, s in want],
                    "; ".join(why) or "?"))
                if not why:
                    UNEXPLAINED.append(what)
            else:
                say("DIFF??", what, "js %s ref %s js-semantics %s" % (have, want, jsem))
    say("ok" if worst_logit < TOL else "DIFF??", "qa: transformers.js start/end logits vs reference on its input",
        "max |diff| %.2g" % worst_logit)


# -- rerank ------------------------------------------------------------------------------

def compare_rerank(pipes, js):
    worst = worst_logit = 0.0
    for r in js["rerank"]:
        q = r["query"]
        want = pipes.rerank(q, make_task_bert.RERANK_PASSAGES)["results"]
        ref_scores = {w["index"]: w["score"] for w in want}
        scores, explained = [], []
        for i, (p, row) in enumerate(zip(make_task_bert.RERANK_PASSAGES, r["rows"])):
            ids, types = pipes.tok.encode_with_types(q, p, max_len=pipes.max_pos)
            s = 1.0 / (1.0 + np.exp(-row["logits"][0]))
            scores.append(s)
            if row["ids"] != ids:
                # transformers.js (@huggingface/tokenizers' tokenize_helper: text_pair || null) takes an
                # empty passage for "no pair": [CLS] q [SEP] without the pair's [SEP]
                if p == "" and row["ids"] == ids[:-1]:
                    z = pipes.bert.logits(pipes.bert.encode(row["ids"], [0] * len(row["ids"])))
                    worst_logit = max(worst_logit, abs(row["logits"][0] - z[0]))
                    explained.append(i)
                    say("DIFF", "rerank %r with passage %d (empty): input ids" % (q, i),
                        "transformers.js %s, reference %s: transformers.js's tokenizer treats text_pair \"\" as no "
                        "pair, as HF's Python fast tokenizer does in a single call ([(text, text_pair)] if text_pair "
                        "else [text]: the text-classification pipeline's path); a batched call (sentence-transformers' "
                        "CrossEncoder) keeps the pair template as the reference does; score %.6f vs reference %.6f; on "
                        "transformers.js's ids the reference's logit agrees within %.2g" % (
                            row["ids"], ids, s, ref_scores[i], abs(row["logits"][0] - z[0])))
                else:
                    say("DIFF??", "rerank %r %r: ids" % (q, p), "js %s ref %s" % (row["ids"], ids))
                continue
            z = pipes.bert.logits(pipes.bert.encode(ids, types))
            worst_logit = max(worst_logit, abs(row["logits"][0] - z[0]))
            worst = max(worst, abs(s - ref_scores[i]))
        order = pipeline_ref.rank(scores)
        ref_order = [w["index"] for w in want]
        if order == ref_order:
            say("ok", "rerank %r" % q, "order %s equal; sigmoid(logit) of transformers.js's model within %.2g%s" % (
                order, worst, " (passage(s) %s excluded: other input ids)" % explained if explained else ""))
        elif explained and [i for i in order if i not in explained] == [i for i in ref_order if i not in explained]:
            say("DIFF", "rerank %r" % q, "order %s vs reference %s: differs only by the empty passage's place "
                "(other input ids, above)" % (order, ref_order))
        else:
            say("DIFF??", "rerank %r" % q, "js order %s ref %s" % (order, ref_order))
        pq = r["pipeline_on_query"]
        pq = pq[0] if isinstance(pq, list) else pq
        say("n/a", "rerank %r via the text-classification pipeline" % q,
            "it takes no text pair, and with one label it applies softmax (score %s for any input) where HF's "
            "pipeline applies sigmoid; compared above on the model's logits instead" % pq["score"])
    say("ok" if worst_logit < TOL and worst < TOL else "DIFF??", "rerank: logits and scores vs reference",
        "max |logit diff| %.2g, max |score diff| %.2g" % (worst_logit, worst))


# -- main --------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--node-dir", default="/work/xcheck-node", help="folder with node_modules/@huggingface/transformers")
    ap.add_argument("--work", help="keep the checkpoints, exports and outputs here (default: a temporary folder)")
    ap.add_argument("--node", default="node")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="xcheck-tjs-")
    os.makedirs(work, exist_ok=True)
    import torch
    print("torch %s, numpy %s, work %s" % (torch.__version__, np.__version__, work))
    dirs = {t: prepare(work, t) for t in ("ner", "qa", "rerank")}
    job = {"models_root": os.path.join(work, "js") + os.sep}

    # NER: reference first (with the decode requests for transformers.js's tokenizer)
    ner = pipeline_ref.Pipelines(dirs["ner"])
    labels = ner.bert.labels
    decode, refs = [], []

    def req(ids):
        decode.append(ids)
        return len(decode) - 1
    for text in make_task_bert.NER_TEXTS + EXTRA_NER_TEXTS:
        r = ner_reference(ner, text)
        r["text"] = text
        r["simple_dec"] = [req([r["ids"][j] for j in span_tokens(r["seq"], e["begin"], e["end"])])
                           for e in r["simple"]]
        r["js_semantics"] = js_simple_semantics(r, labels)
        r["js_dec"] = [req([r["ids"][j] for j in idx]) for _, idx, _ in r["js_semantics"]]
        refs.append(r)
    job["ner"] = {"model": "ner", "texts": [r["text"] for r in refs], "decode": decode}

    # QA: HF semantics at max_seq_len = model_max_length, default stride and answer length
    qa = pipeline_ref.Pipelines(dirs["qa"])
    msl, stride, mal = qa.max_pos, min(qa.max_pos // 2, 128), 15
    qdec, cases = [], []
    for q, c in make_task_bert.QA_CASES:
        qids = [t["id"] for t in pipeline_ref.tokens_of(qa.tok, q)]
        cids = [t["id"] for t in pipeline_ref.tokens_of(qa.tok, c)]
        full = [qa.tok.vocab["[CLS]"]] + qids + [qa.tok.vocab["[SEP]"]] + cids + [qa.tok.vocab["[SEP]"]]
        case = {"question": q, "context": c, "top_ks": [1, 3, 5], "full_ids": full, "js_ids": full[:msl],
                "max_seq_len": msl, "stride": stride, "max_answer_len": mal,
                "windows": len(pipeline_ref.qa_windows(len(qids), len(cids), msl, stride)),
                "ref": {}, "ref_dec": {}, "jsem": {}, "jsem_dec": {}}
        for k in case["top_ks"]:
            case["ref"][k] = qa_spans(qa, q, c, k, mal, stride, msl)
            case["ref_dec"][k] = [len(qdec) + i for i in range(len(case["ref"][k]))]
            qdec += [x[1][x[2]:x[3] + 1] for x in case["ref"][k]]
            case["js_z"], case["jsem"][k] = qa_js_semantics(qa, case["js_ids"], k)
            case["jsem_dec"][k] = [len(qdec) + i for i in range(len(case["jsem"][k]))]
            qdec += [case["js_ids"][s:e + 1] for s, e, _ in case["jsem"][k]]
        cases.append(case)
    job["qa"] = {"model": "qa", "cases": [{"question": x["question"], "context": x["context"], "top_ks": x["top_ks"]}
                                          for x in cases], "decode": qdec}
    job["rerank"] = {"model": "rerank", "queries": make_task_bert.RERANK_QUERIES,
                     "passages": make_task_bert.RERANK_PASSAGES}

    job_path, out_path = os.path.join(work, "job.json"), os.path.join(work, "js_out.json")
    with open(job_path, "w", encoding="utf-8") as f:
        json.dump(job, f, ensure_ascii=False)
    run = subprocess.run([a.node, os.path.join(HERE, "xcheck_transformers_js.mjs"), a.node_dir, job_path, out_path],
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit("node failed:\n%s\n%s" % (run.stdout, run.stderr))
    with open(out_path, encoding="utf-8") as f:
        js = json.load(f)
    print("transformers.js %(transformers_js)s, onnxruntime-node %(onnxruntime_node)s, node %(node)s" % js["versions"])
    compare_ner(refs, js, js["ner_decode"], labels)
    compare_qa(cases, js, js["qa_decode"])
    compare_rerank(pipeline_ref.Pipelines(dirs["rerank"]), js)
    print("%d unexplained difference(s)%s" % (len(UNEXPLAINED), (": " + "; ".join(UNEXPLAINED)) if UNEXPLAINED else ""))
    if not a.work:
        shutil.rmtree(work)
    return 1 if UNEXPLAINED else 0


if __name__ == "__main__":
    sys.exit(main())
