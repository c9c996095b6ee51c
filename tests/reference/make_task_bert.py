#!/usr/bin/env python3
"""Writes a random-weight BERT task checkpoint (Hugging Face directory) for issue #17's
pipelines, with pipeline_ref.py's outputs for a fixed set of inputs.

  make_task_bert.py --task ner|qa|rerank --out DIR [--layers 2 --hidden 64 --heads 4
      --intermediate 128 --max-pos 128] [--seed S] [--no-expected]

  ner     BertForTokenClassification: classifier.weight [L, H], classifier.bias, no pooler;
          id2label O, B-PER, I-PER, B-LOC, I-LOC, B-ORG, I-ORG, B-MISC, I-MISC.
  qa      BertForQuestionAnswering: qa_outputs.weight [2, H], qa_outputs.bias [2], no pooler.
  rerank  cross-encoder: BertForSequenceClassification with one label (pooler + classifier).

The encoder is make_random_bert.build's ("trained" scale); the vocabulary is a small
English one embedded below (whole words, "##" pieces that split inflected forms into
sub-words, single letters so that any ASCII word tokenizes, a few CJK characters), so
the directory does not depend on files outside the repository. The heads are not
random: they are computed from the encoder's states on this file's inputs
(calibrate_heads: principal directions, centred, logit std 2 or 3) so that labels, spans
and scores change from input to input with margins that survive int8; the NER head adds a
prior for "O". The heads come from float64 computations on the generated encoder, so the
same arguments give the same bytes on one machine but possibly not across BLAS builds;
tests generate and compare in one run.

DIR/expected_tasks.json: {"task", "cases": [{"args": {...}, "output": {...}}]} where
output is pipeline_ref.py's JSON for the inputs in args (ner: text and aggregation; qa:
question, context, top_k, max_answer_len, doc_stride, max_seq_len; rerank: query,
passages).
"""
import argparse
import json
import os
import string
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_random_bert  # noqa: E402
import pipeline_ref  # noqa: E402
import safetensors_io  # noqa: E402

NER_LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
WORDS = """the a an and or of to in on at for with from by is was are were be has have had
it he she they we you i my his her their this that what who where when which how why
john smith anna maria peter paul mary james george london paris berlin tokyo new york
city river street bank company google apple microsoft university museum team club
played play work live born meet visit capital france germany japan england america
year day time people world music book film song game house school river mountain
president minister king queen doctor student city north south east west old big small
first second last one two three four five ten hundred yes no not very also only then""".split()
PIECES = ["##s", "##es", "##ed", "##ing", "##er", "##ers", "##ly", "##ion", "##ian", "##ia", "##land",
          "##burg", "##ton", "##son", "##man", "##o", "##a", "##i", "##e", "##n"]
CJK = list("東京中国日本北上海大学人")


def vocabulary():
    """Specials first (ids 0..4), then words, pieces, characters; every entry once."""
    out = list(make_random_bert.SPECIALS)
    for t in (WORDS + PIECES + list(string.ascii_lowercase + string.digits + string.punctuation)
              + ["##" + c for c in string.ascii_lowercase + string.digits] + CJK):
        if t not in out:
            out.append(t)
    return out


NER_TEXTS = [
    "John Smith played in London.",
    "Anna Maria visited the Museum of Tokyo and Berlin.",
    "Google and Microsoft hired Peter Paulson in New York City.",
    "The Cafés of Paris, naïve visitors and the Louvre.",
    "Mary lives at 10 Downing Street, London, England.",
    "東京大学 and 北京 are in Japan and China.",
    "Parisian workers played the playing game.",
    "Unknownly, Georgeton met Mariaburg at the riverbank.",
]
QA_CASES = [
    ("who played in london?", "John Smith played in London with his team in the year 1990, and Anna Maria "
     "visited the museum of Tokyo. The company Google was born in America, and Microsoft in the north. "
     "Peter and Paul live in the old city of Berlin, where the river is very big and the people play music."),
    ("where is the museum?", "The museum is in Paris. Peter visited it in the first year; the city of "
     "Berlin has a bigger museum near the river, and Tokyo has three."),
    ("what city?", "London."),
    ("who is the king of england and france and germany and japan and america now?", "George, the king."),
]

RERANK_QUERIES = ["what is the capital of france?", "who played in london?", "where is the museum?"]
RERANK_PASSAGES = ["John Smith played in London.", "The capital of France is Paris.", "Paris",
                   "Tokyo has a big museum near the river.", "The capital of France is Paris.",
                   "Music, books and films.", ""]  # a repeated passage: equal scores keep input order


def make_weights(a, rng):
    ns = types.SimpleNamespace(hidden=a.hidden, intermediate=a.intermediate, vocab=a.vocab_size,
                               max_pos=a.max_pos, type_vocab=2, layers=a.layers, scale="trained",
                               no_pooler=a.task != "rerank", labels=1 if a.task == "rerank" else 0,
                               mlm=False, nsp=False)
    w = make_random_bert.build(ns, rng)
    if a.task == "rerank":
        # With BERT's N(0, 0.02) attention weights the [CLS] state hardly depends on the other
        # tokens (its pooled output varies by ~1e-3 between inputs); larger value and output
        # projections let the pair's content reach it, so that scores differ between passages.
        for i in range(a.layers):
            for m in ("attention.self.value", "attention.output.dense"):
                w["bert.encoder.layer.%d.%s.weight" % (i, m)] *= np.float32(5.0)
    return w


def principal_heads(feats, rows, rng, std=2.0):
    """Head weights [rows, H] and bias whose logits over feats [N, H] have mean 0 and std
    `std`, each a random mix of feats' 5 largest principal directions (whitened).

    Random features share a large common component, so a random head gives almost every
    input the same answer; and int8 errors are roughly isotropic, so a head that reads the
    directions in which inputs differ most keeps the most margin against them."""
    mu = feats.mean(0)
    lam, vec = np.linalg.eigh(np.cov((feats - mu).T))
    vec = vec * np.sign(vec[np.abs(vec).argmax(0), np.arange(vec.shape[1])])  # LAPACK's sign is arbitrary
    top = vec[:, ::-1][:, :5] / np.sqrt(lam[::-1][:5])
    W = rng.normal(0.0, 1.0, size=(rows, top.shape[1])) @ top.T
    z = (feats - mu) @ W.T
    W *= (std / z.std(0))[:, None]
    return W, -(mu @ W.T)


def calibrate_heads(task, config, w, vocab_path, rng):
    """Adds the head of `task` computed from the hidden states of this file's inputs:
    ner: per-token states of NER_TEXTS, prior +1 for "O" so that entities are separated by
    "O" as in real text; qa: states of QA contexts after their question; rerank: pooled
    outputs of query/passage pairs."""
    import bert_ref
    import tokenizer_ref
    tok = tokenizer_ref.FullTokenizer(vocab_path)
    bert = bert_ref.Bert(config=config, weights=w)
    if task == "ner":
        feats = np.concatenate([bert.encode(tok.encode(t))[1:-1] for t in NER_TEXTS])  # [CLS]/[SEP] never count
        W, b = principal_heads(feats, len(NER_LABELS), rng)
        b[0] += 1.0
        name = "classifier"
    elif task == "qa":
        feats = []
        for q, c in QA_CASES:
            ids, types_ = tok.encode_with_types(q, c, max_len=config["max_position_embeddings"])
            feats.append(bert.encode(ids, types_)[types_.index(1):-1])
        W, b = principal_heads(np.concatenate(feats), 2, rng, 3.0)
        name = "qa_outputs"
    else:
        feats = []
        for q in RERANK_QUERIES:
            for p in RERANK_PASSAGES + NER_TEXTS:
                ids, types_ = tok.encode_with_types(q, p, max_len=config["max_position_embeddings"])
                feats.append(bert.pooled(bert.encode(ids, types_)))
        W, b = principal_heads(np.array(feats), 1, rng)
        name = "classifier"
    w[name + ".weight"] = W.astype(np.float32)
    w[name + ".bias"] = b.astype(np.float32)


def make_config(a):
    arch = {"ner": "BertForTokenClassification", "qa": "BertForQuestionAnswering",
            "rerank": "BertForSequenceClassification"}[a.task]
    c = {"architectures": [arch], "model_type": "bert", "vocab_size": a.vocab_size, "hidden_size": a.hidden,
         "num_hidden_layers": a.layers, "num_attention_heads": a.heads, "intermediate_size": a.intermediate,
         "max_position_embeddings": a.max_pos, "type_vocab_size": 2, "hidden_act": "gelu",
         "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
         "initializer_range": 0.02, "pad_token_id": 0, "position_embedding_type": "absolute"}
    labels = NER_LABELS if a.task == "ner" else ["LABEL_0"] if a.task == "rerank" else []
    if labels:
        c["id2label"] = {str(i): l for i, l in enumerate(labels)}
        c["label2id"] = {l: i for i, l in enumerate(labels)}
        c["num_labels"] = len(labels)
    return c


def expected_cases(task, pipes):
    cases = []
    if task == "ner":
        for text in NER_TEXTS:
            for agg in pipeline_ref.STRATEGIES:
                cases.append(({"text": text, "aggregation": agg}, pipes.ner(text, agg)))
    elif task == "qa":
        for q, c in QA_CASES:
            for k, mal, stride, msl in ((1, 15, 8, 32), (3, 15, 8, 32), (3, 4, 8, 32), (2, 15, 128, 128)):
                args = {"question": q, "context": c, "top_k": k, "max_answer_len": mal,
                        "doc_stride": stride, "max_seq_len": msl}
                try:
                    out = pipes.qa(q, c, k, mal, stride, msl)
                except ValueError as e:  # question longer than the window: an error case
                    out = {"error": str(e)}
                cases.append((args, out))
    else:
        for query in RERANK_QUERIES:
            cases.append(({"query": query, "passages": RERANK_PASSAGES}, pipes.rerank(query, RERANK_PASSAGES)))
    return [{"args": a, "output": o} for a, o in cases]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", required=True, choices=["ner", "qa", "rerank"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=128)
    ap.add_argument("--max-pos", type=int, default=128)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--no-expected", action="store_true")
    a = ap.parse_args()
    vocab = vocabulary()
    a.vocab_size = len(vocab)
    os.makedirs(a.out, exist_ok=True)
    weights = make_weights(a, np.random.default_rng(a.seed))
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(make_config(a), f, indent=2)
    with open(os.path.join(a.out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    with open(os.path.join(a.out, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "model_max_length": a.max_pos}, f)
    calibrate_heads(a.task, make_config(a), weights, os.path.join(a.out, "vocab.txt"),
                    np.random.default_rng(a.seed + 1))
    safetensors_io.save(os.path.join(a.out, "model.safetensors"), weights, "F32")
    if a.no_expected:
        return
    cases = expected_cases(a.task, pipeline_ref.Pipelines(a.out))
    with open(os.path.join(a.out, "expected_tasks.json"), "w", encoding="utf-8") as f:
        json.dump({"task": a.task, "generator": {k: v for k, v in vars(a).items() if k != "out"},
                   "cases": cases}, f, ensure_ascii=False, indent=1)
    print("%s: %s, %d cases" % (a.out, a.task, len(cases)))


if __name__ == "__main__":
    main()
