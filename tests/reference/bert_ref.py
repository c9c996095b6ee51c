#!/usr/bin/env python3
"""An independent reference of the original BERT forward pass in numpy (float64).

Written from the architecture (Devlin et al. 2019) with Hugging Face's BertModel
parameter names, not from embert's C++ code, so that tests can check the SDK
against it. Everything is computed in float64 from the checkpoint's weights
(float16/bfloat16/float32 weights are widened exactly):

  embeddings  LayerNorm(word[ids] + position[0..n) + token_type[types])
  layer       (post-LN) Q, K, V = x W^T + b, split into heads;
              softmax(Q K^T / sqrt(d_head) + (1 - mask) * float32_min) V;
              x = LayerNorm(x + dense(context));
              x = LayerNorm(x + dense(act(dense(x))))   act: gelu (erf), gelu_new (tanh), relu
  pooler      tanh(dense(h[CLS]))
  heads       classifier(pooled) -> logits, softmax (sigmoid for one label or multi-label);
              MLM: LayerNorm(act(dense(h))) @ decoder^T + cls.predictions.bias
                   (decoder = cls.predictions.decoder.weight or the tied word embeddings);
              NSP: cls.seq_relationship(pooled)
  mean pool   mean of the last hidden states over the attended positions (mask 1)

Parameter names with or without the `bert.` prefix; LayerNorm weight/bias or gamma/beta.
Batches: input_ids [B, n] with attention_mask [B, n] (0 = padding).

DistilBERT and ELECTRA (config model_type "distilbert" / "electra"), from their papers and
Hugging Face's module structure (DistilBertModel, ElectraModel), read under their own names
and renamed here to the BERT names above (family_to_bert):
  DistilBERT  embeddings LayerNorm(word[ids] + position[0..n)): no token types (a pair's
              types are ignored); config dim, hidden_dim, n_layers, n_heads, activation;
              every LayerNorm eps 1e-12; the layer is BERT's post-LN layer under other names;
              sequence classifier: classifier(relu(pre_classifier(h[CLS]))), no pooler;
              MLM: vocab_projector(LayerNorm(act(vocab_transform(h)))), tied to the word table
  ELECTRA     BERT's body under electra., embedding tables embedding_size wide and
              embeddings_project (E -> H, no activation) after the embedding LayerNorm;
              sequence classifier: out_proj(gelu(dense(h[CLS]))) (erf GELU whatever
              hidden_act), no pooler

Usage (run with Debian's /usr/bin/python3, which has numpy):
  bert_ref.py --model DIR --ids 101,2023,102 [--types 0,0,0] [--mask 1,1,1]
        one sequence: prints a JSON object with every output the checkpoint has
  bert_ref.py --model DIR --text "play some jazz" [--pair "second sentence"]
        the same after tokenize_ref's BERT tokenizer (vocab.txt of DIR)
  bert_ref.py --model DIR --ids-json FILE [--out OUT.json]
        FILE: a list of {"input_ids", "token_type_ids"?, "attention_mask"?} or an object with
        "cases" (e.g. make_random_bert.py's expected.json). Writes the cases with all outputs
        (expected.json's case format) to OUT or stdout; when FILE already holds outputs, also
        prints the largest difference per output to stderr
  bert_ref.py --model DIR --tsv FILE [--max-len 64]
        accuracy of the classifier on text<TAB>label lines (first line a header)
"""
import argparse
import signal
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import safetensors_io  # noqa: E402

_erf = np.frompyfunc(math.erf, 1, 1)
F32_MIN = float(np.finfo(np.float32).min)


def gelu_erf(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


ACTIVATIONS = {"gelu": gelu_erf, "gelu_python": gelu_erf, "gelu_new": gelu_tanh, "gelu_pytorch_tanh": gelu_tanh,
               "relu": lambda x: np.maximum(x, 0.0)}


def softmax(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def load_weights(model_dir):
    """name -> float64 array from model.safetensors, or pytorch_model.bin (needs torch)."""
    st = os.path.join(model_dir, "model.safetensors")
    if os.path.exists(st):
        w = safetensors_io.load(st)
    else:
        import torch

        sd = torch.load(os.path.join(model_dir, "pytorch_model.bin"), map_location="cpu")
        w = {k: v.float().numpy() for k, v in sd.items() if hasattr(v, "float")}
    return {k: np.asarray(v, dtype=np.float64) for k, v in w.items()}


DISTIL_LAYER_NAMES = [("attention.q_lin.", "attention.self.query."), ("attention.k_lin.", "attention.self.key."),
                      ("attention.v_lin.", "attention.self.value."), ("attention.out_lin.", "attention.output.dense."),
                      ("sa_layer_norm.", "attention.output.LayerNorm."), ("ffn.lin1.", "intermediate.dense."),
                      ("ffn.lin2.", "output.dense."), ("output_layer_norm.", "output.LayerNorm.")]


def family_to_bert(family, w):
    """DistilBERT's / ELECTRA's Hugging Face parameter names -> BERT's (module by module)."""
    out = {}
    seq = "pre_classifier.weight" in w
    for k, v in w.items():
        n = k
        if family == "distilbert":
            n = n[len("distilbert."):] if n.startswith("distilbert.") else n
            if n.startswith("transformer.layer."):
                n = "encoder.layer." + n[len("transformer.layer."):]
                for a, b in DISTIL_LAYER_NAMES:
                    n = n.replace(a, b)
            if n.startswith(("embeddings.", "encoder.")):
                n = "bert." + n
            elif n.startswith("pre_classifier."):
                n = "classifier.dense." + n[len("pre_classifier."):]
            elif seq and n.startswith("classifier."):
                n = "classifier.out_proj." + n[len("classifier."):]
            elif n.startswith("vocab_transform."):
                n = "cls.predictions.transform.dense." + n[len("vocab_transform."):]
            elif n.startswith("vocab_layer_norm."):
                n = "cls.predictions.transform.LayerNorm." + n[len("vocab_layer_norm."):]
            elif n == "vocab_projector.weight":
                n = "cls.predictions.decoder.weight"
            elif n == "vocab_projector.bias":
                n = "cls.predictions.bias"
        elif family == "electra" and n.startswith("electra."):
            n = "bert." + n[len("electra."):]
        out[n] = v
    return out


class Bert:
    """Bert(model_dir) or Bert(config=dict, weights={name: array}); also DistilBERT and ELECTRA."""

    def __init__(self, model_dir=None, config=None, weights=None):
        if model_dir is not None:
            with open(os.path.join(model_dir, "config.json")) as f:
                config = json.load(f)
            weights = load_weights(model_dir)
        self.config = c = dict(config)
        self.family = c.get("model_type", "bert")
        if self.family == "distilbert":
            c.update(hidden_size=c["dim"], num_attention_heads=c["n_heads"], num_hidden_layers=c["n_layers"],
                     intermediate_size=c["hidden_dim"], hidden_act=c.get("activation", "gelu"), layer_norm_eps=1e-12)
        if self.family in ("distilbert", "electra"):
            weights = family_to_bert(self.family, weights)
        self.w = {k: np.asarray(v, dtype=np.float64) for k, v in weights.items()}
        self.prefix = "bert." if "bert.embeddings.word_embeddings.weight" in self.w else ""
        self.hidden = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.layers = c["num_hidden_layers"]
        self.eps = c.get("layer_norm_eps", 1e-12)
        self.act_name = c.get("hidden_act", "gelu")
        if self.act_name not in ACTIVATIONS:
            raise ValueError("unsupported hidden_act %r" % self.act_name)
        self.act = ACTIVATIONS[self.act_name]
        labels = c.get("id2label") or {}
        self.labels = [labels[str(i)] for i in range(len(labels))]
        self.multi_label = c.get("problem_type") == "multi_label_classification"
        self.has_pooler = self.has("pooler.dense.weight")
        # DistilBERT's pre_classifier + ReLU, ELECTRA's dense + GELU on h[CLS]: instead of the pooler.
        self.has_transform = "classifier.dense.weight" in self.w
        self.has_classifier = "classifier.weight" in self.w or self.has_transform
        self.has_mlm = "cls.predictions.transform.dense.weight" in self.w
        self.has_nsp = "cls.seq_relationship.weight" in self.w

    # -- parameters ---------------------------------------------------------
    def has(self, name, bert=True):
        return ((self.prefix if bert else "") + name) in self.w

    def p(self, name, bert=True):
        return self.w[(self.prefix if bert else "") + name]

    def norm(self, x, name, bert=True):
        pre = self.prefix if bert else ""
        if pre + name + ".weight" in self.w:
            g, b = self.w[pre + name + ".weight"], self.w[pre + name + ".bias"]
        else:
            g, b = self.w[pre + name + ".gamma"], self.w[pre + name + ".beta"]
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.eps) * g + b

    def dense(self, x, name, bert=True):
        return x @ self.p(name + ".weight", bert).T + self.p(name + ".bias", bert)

    def activation(self, x):
        return self.act(x)

    # -- encoder ------------------------------------------------------------
    def encode_batch(self, ids, types=None, mask=None):
        """Last hidden states [B, n, hidden] for input_ids [B, n] (mask: 1 = token, 0 = padding)."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim != 2:
            raise ValueError("input_ids must be [batch, length]")
        B, n = ids.shape
        types = np.zeros_like(ids) if types is None else np.asarray(types, dtype=np.int64).reshape(B, n)
        mask = np.ones((B, n)) if mask is None else np.asarray(mask, dtype=np.float64).reshape(B, n)
        if n > self.config["max_position_embeddings"]:
            raise ValueError("sequence of %d tokens > max_position_embeddings %d"
                             % (n, self.config["max_position_embeddings"]))
        x = self.p("embeddings.word_embeddings.weight")[ids] + self.p("embeddings.position_embeddings.weight")[:n][None]
        if self.family != "distilbert":  # DistilBERT has no token types
            x = x + self.p("embeddings.token_type_embeddings.weight")[types]
        x = self.norm(x, "embeddings.LayerNorm")
        if self.has("embeddings_project.weight"):  # ELECTRA: embedding_size -> hidden_size
            x = self.dense(x, "embeddings_project")
        A, d = self.heads, self.hidden // self.heads
        # Hugging Face adds float32's lowest value to the scores of masked keys.
        bias = ((1.0 - mask) * F32_MIN)[:, None, None, :]
        for i in range(self.layers):
            p = "encoder.layer.%d." % i

            def split(t):
                return t.reshape(B, n, A, d).transpose(0, 2, 1, 3)  # [B, A, n, d]

            q = split(self.dense(x, p + "attention.self.query"))
            k = split(self.dense(x, p + "attention.self.key"))
            v = split(self.dense(x, p + "attention.self.value"))
            probs = softmax(q @ k.transpose(0, 1, 3, 2) / math.sqrt(d) + bias)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(B, n, self.hidden)
            x = self.norm(x + self.dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            h = self.activation(self.dense(x, p + "intermediate.dense"))
            x = self.norm(x + self.dense(h, p + "output.dense"), p + "output.LayerNorm")
        return x

    def encode(self, ids, types=None, mask=None):
        """Last hidden states [n, hidden] of one sequence (mask: 0 = padding)."""
        ids = np.asarray(ids)[None]
        t = None if types is None else np.asarray(types)[None]
        m = None if mask is None else np.asarray(mask)[None]
        return self.encode_batch(ids, t, m)[0]

    # -- poolers and heads (h: [n, H] or [B, n, H]) ---------------------------
    def pooled(self, h):
        return np.tanh(self.dense(np.asarray(h)[..., 0, :], "pooler.dense"))

    @staticmethod
    def mean_pooled(h, mask=None):
        h = np.asarray(h)
        if mask is None:
            return h.mean(-2)
        m = np.asarray(mask, dtype=np.float64).reshape(h.shape[:-1])[..., None]
        return (h * m).sum(-2) / m.sum(-2)

    def logits(self, h):
        if self.has_transform:
            x = self.dense(np.asarray(h)[..., 0, :], "classifier.dense", False)
            x = np.maximum(x, 0.0) if self.family == "distilbert" else gelu_erf(x)
            return self.dense(x, "classifier.out_proj", False)
        return self.pooled(h) @ self.w["classifier.weight"].T + self.w["classifier.bias"]

    def probs(self, logits):
        logits = np.asarray(logits)
        if self.multi_label or logits.shape[-1] == 1:
            return 1.0 / (1.0 + np.exp(-logits))
        return softmax(logits)

    def mlm_logits(self, h, positions):
        """Vocabulary logits [len(positions), V] at the given positions of one sequence h [n, H]."""
        t = self.activation(self.dense(np.asarray(h)[list(positions)], "cls.predictions.transform.dense", False))
        t = self.norm(t, "cls.predictions.transform.LayerNorm", False)
        dec = self.w.get("cls.predictions.decoder.weight")
        if dec is None:
            dec = self.p("embeddings.word_embeddings.weight")
        bias = self.w.get("cls.predictions.bias")
        if bias is None:
            bias = self.w["cls.predictions.decoder.bias"]
        return t @ dec.T + bias

    def mlm_probs(self, h, position):
        return softmax(self.mlm_logits(h, [position])[0])

    def nsp_logits(self, h):
        return self.pooled(h) @ self.w["cls.seq_relationship.weight"].T + self.w["cls.seq_relationship.bias"]

    def nsp_probs(self, h):
        return softmax(self.nsp_logits(h))

    # -- everything for one case, in expected.json's format ---------------------
    def case_outputs(self, ids, types=None, mask=None, mlm_positions=None, mask_token_id=None):
        """All outputs the checkpoint has for one sequence, as plain lists (float64 values).

        mlm_positions default: the positions whose id is mask_token_id (the [MASK] id)."""
        n = len(ids)
        types = [0] * n if types is None else list(types)
        mask = [1] * n if mask is None else list(mask)
        h = self.encode(ids, types, mask)
        out = {"input_ids": list(map(int, ids)), "token_type_ids": list(map(int, types)),
               "attention_mask": list(map(int, mask)), "sequence_output": h.tolist(),
               "mean_pooled": self.mean_pooled(h, mask).tolist()}
        if self.has_pooler:
            out["pooled_output"] = self.pooled(h).tolist()
        if self.has_classifier:
            z = self.logits(h)
            out["logits"] = z.tolist()
            out["probs"] = self.probs(z).tolist()
        if self.has_mlm:
            if mlm_positions is None:
                mlm_positions = [i for i, t in enumerate(ids) if mask_token_id is not None and t == mask_token_id]
            top_ids, top_probs = [], []
            if mlm_positions:
                pr = softmax(self.mlm_logits(h, mlm_positions))
                for row in pr:
                    top = np.argsort(-row, kind="stable")[:5]
                    top_ids.append([int(t) for t in top])
                    top_probs.append(row[top].tolist())
            out["mlm_logits"] = {"positions": list(map(int, mlm_positions)), "top5_ids": top_ids,
                                 "top5_probs": top_probs}
        if self.has_nsp:
            z = self.nsp_logits(h)
            out["nsp_logits"] = z.tolist()
            out["nsp_probs"] = softmax(z).tolist()
        return out


def mask_token_id(model_dir):
    path = os.path.join(model_dir, "vocab.txt")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if line.rstrip("\n") == "[MASK]":
                return i
    return None


def max_diff(a, b):
    """Largest absolute difference between two nested lists/dicts of numbers (same structure)."""
    if isinstance(a, dict):
        return max([max_diff(a[k], b[k]) for k in a if k in b] or [0.0])
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        return float("inf")
    return float(np.abs(x - y).max()) if x.size else 0.0


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        next(f)
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]


def tsv_accuracy(bert, tokenizer, rows, max_len, batch=64):
    """(right, total) of the classifier on (text, label) rows, in padded batches."""
    right = 0
    for s in range(0, len(rows), batch):
        chunk = rows[s:s + batch]
        seqs = [tokenizer.encode(t, max_len=max_len) for t, _ in chunk]
        n = max(len(x) for x in seqs)
        ids = np.zeros((len(seqs), n), dtype=np.int64)
        mask = np.zeros((len(seqs), n))
        for r, x in enumerate(seqs):
            ids[r, :len(x)] = x
            mask[r, :len(x)] = 1
        z = bert.logits(bert.encode_batch(ids, None, mask))
        right += sum(bert.labels[int(np.argmax(zr))] == label for zr, (_, label) in zip(z, chunk))
    return right, len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="Hugging Face checkpoint directory")
    ap.add_argument("--ids", help="comma-separated token ids of one sequence")
    ap.add_argument("--types", help="comma-separated token type ids (default all 0)")
    ap.add_argument("--mask", help="comma-separated attention mask (default all 1)")
    ap.add_argument("--text", help="text to tokenize with tokenizer_ref and run")
    ap.add_argument("--pair", help="second text of a sentence pair (with --text)")
    ap.add_argument("--ids-json", help="JSON file of cases (list, or object with 'cases')")
    ap.add_argument("--out", help="with --ids-json: write the outputs here instead of stdout")
    ap.add_argument("--tsv", help="text<TAB>label file: print the classifier's accuracy")
    ap.add_argument("--max-len", type=int, help="truncate tokenized texts (default max_position_embeddings)")
    a = ap.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    bert = Bert(a.model)
    mask_id = mask_token_id(a.model)
    max_len = a.max_len or bert.config["max_position_embeddings"]
    did = False
    if a.ids:
        ints = lambda s: [int(x) for x in s.split(",")] if s else None  # noqa: E731
        print(json.dumps(bert.case_outputs(ints(a.ids), ints(a.types), ints(a.mask), mask_token_id=mask_id)))
        did = True
    if a.text:
        from tokenizer_ref import FullTokenizer

        tok = FullTokenizer(os.path.join(a.model, "vocab.txt"), do_lower_case=_lower(a.model))
        ids = tok.encode(a.text, a.pair, max_len=max_len)
        sep = ids.index(tok.vocab["[SEP]"])
        types = [0] * (sep + 1) + [1] * (len(ids) - sep - 1)
        out = bert.case_outputs(ids, types, mask_token_id=mask_id)
        out["tokens"] = [tok_inv for tok_inv in _inverse(tok.vocab, ids)]
        if bert.labels and "logits" in out:
            out["label"] = bert.labels[int(np.argmax(out["logits"]))]
        print(json.dumps(out))
        did = True
    if a.ids_json:
        with open(a.ids_json) as f:
            doc = json.load(f)
        cases = doc["cases"] if isinstance(doc, dict) else doc
        results = []
        worst = {}
        for i, c in enumerate(cases):
            mlm_pos = c.get("mlm_logits", {}).get("positions") if isinstance(c.get("mlm_logits"), dict) else None
            r = bert.case_outputs(c["input_ids"], c.get("token_type_ids"), c.get("attention_mask"),
                                  mlm_positions=mlm_pos, mask_token_id=mask_id)
            r = {"name": c.get("name", "case%d" % i), **r}
            for key in ("sequence_output", "pooled_output", "logits", "probs", "mean_pooled", "nsp_logits"):
                if key in c and key in r:
                    keep = np.asarray(r["attention_mask"], dtype=bool)
                    x, y = np.asarray(c[key]), np.asarray(r[key])
                    if key == "sequence_output":  # padded positions are not outputs
                        x, y = x[keep], y[keep]
                    worst[key] = max(worst.get(key, 0.0), max_diff(x, y))
            if isinstance(c.get("mlm_logits"), dict) and "mlm_logits" in r:
                same = c["mlm_logits"]["top5_ids"] == r["mlm_logits"]["top5_ids"]
                worst["mlm top5_ids differ"] = worst.get("mlm top5_ids differ", 0) + (not same)
                worst["mlm top5_probs"] = max(worst.get("mlm top5_probs", 0.0),
                                              max_diff(c["mlm_logits"]["top5_probs"], r["mlm_logits"]["top5_probs"]))
            results.append(r)
        text = json.dumps({"cases": results})
        if a.out:
            with open(a.out, "w") as f:
                f.write(text)
        else:
            print(text)
        if worst:
            sys.stderr.write("largest difference to %s: %s\n" % (a.ids_json, json.dumps(worst)))
        did = True
    if a.tsv:
        from tokenizer_ref import FullTokenizer

        tok = FullTokenizer(os.path.join(a.model, "vocab.txt"), do_lower_case=_lower(a.model))
        right, total = tsv_accuracy(bert, tok, read_tsv(a.tsv), max_len)
        print("accuracy %.4f (%d/%d)" % (right / total, right, total))
        did = True
    if not did:
        ap.error("give --ids, --text, --ids-json or --tsv")


def _lower(model_dir):
    path = os.path.join(model_dir, "tokenizer_config.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f).get("do_lower_case", True)
    return True


def _inverse(vocab, ids):
    inv = {i: t for t, i in vocab.items()}
    return [inv[i] for i in ids]


if __name__ == "__main__":
    main()
