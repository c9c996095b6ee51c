#!/usr/bin/env python3
"""Writes a random-weight BERT as a Hugging Face checkpoint directory, with the
outputs of the independent numpy reference (bert_ref.py) for a set of inputs.

  make_random_bert.py --out DIR --layers L --hidden H --heads A --intermediate I --vocab V
      --max-pos P --type-vocab T [--labels N [--multi-label]] [--mlm] [--nsp] [--no-pooler]
      [--act gelu|gelu_new|relu] [--dtype f32|f16|bf16] [--seed S] [--scale trained|init]
      [--outlier-dims 308,381 --outlier-factor 20 [--outlier-sites attention,ffn]]
      [--specials standard|first]
      [--max-case-len N] [--no-expected] [--torch | --torch-legacy] [--no-safetensors]
      [--arch bert|distilbert|electra [--embedding-size E]] [--tokenizer-files minilm|bge|e5|gte]

Run with Debian's /usr/bin/python3 (numpy; --torch/--torch-legacy also need torch).

Writes DIR/config.json (HF format), DIR/model.safetensors, DIR/vocab.txt,
DIR/tokenizer_config.json and DIR/expected.json (see README.md in this folder).

--scale trained (default): matrices and embeddings N(0, 0.02) as BERT's
  initialisation, but biases non-zero (N(0, 0.02); LayerNorm betas N(0, 0.05)) and
  LayerNorm gammas N(1, 0.1), classifier/NSP weights N(0, 0.2): an approximation of a
  trained BERT's parameter statistics, so that activations have realistic ranges.
--scale init: BERT's initialisation (N(0, 0.02), zero biases, LayerNorm 1/0).
--outlier-dims/--outlier-factor: a function-preserving transform that makes those
  hidden dimensions FACTOR times larger where post-LN BERT allows it exactly (see
  README.md: Q and V outputs, the attention context, the residual stream after each
  attention LayerNorm, i.e. the FFN input, and two pass-through FFN units per dimension);
  the largest output difference to the untransformed model is recorded in expected.json.
--arch distilbert: DistilBertModel / ...ForSequenceClassification (--labels: pre_classifier +
  classifier) / ...ForMaskedLM (--mlm: vocab_transform, vocab_layer_norm, vocab_projector tied,
  its weight left out of the safetensors as transformers does) under DistilBERT's names and
  config keys (dim, hidden_dim, n_layers, n_heads, activation); no token types, no pooler.
--arch electra: ElectraModel / ElectraForSequenceClassification (--labels: classifier.dense +
  classifier.out_proj) under electra.*, embedding tables --embedding-size wide (default
  --hidden) with embeddings_project when it differs from --hidden; no pooler.
--tokenizer-files: tokenizer_config.json and special_tokens_map.json as published with
  all-MiniLM-L6-v2, bge-small-en-v1.5, e5-small-v2 or gte-small.
"""
import argparse
import json
import os
import string
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_ref  # noqa: E402
import safetensors_io  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ["the", "a", "play", "some", "jazz", "by", "music", "what", "is", "weather", "in", "paris",
         "book", "table", "for", "two", "rate", "this", "novel", "stars", "add", "song", "to", "my",
         "playlist", "show", "movie", "times", "near", "me", "un", "##want", "##ed", "run", "##ning"]


def vocabulary(size, layout="standard"):
    """[PAD] [UNK] [CLS] [SEP] [MASK] at bert-base-uncased's ids 0, 100, 101, 102, 103 when the
    vocabulary has more than 103 tokens (ids 1..99 are [unused0]..[unused98]), else first."""
    rest = []
    for t in WORDS + list(string.ascii_lowercase + string.digits + string.punctuation) + [
            "##" + c for c in string.ascii_lowercase + string.digits]:
        if t not in rest:  # every token once
            rest.append(t)
    if layout == "standard" and size > 103:
        vocab = ["[PAD]"] + ["[unused%d]" % i for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"] + rest
    else:
        vocab = SPECIALS + rest
    i = 0
    while len(vocab) < size:
        vocab.append("w%d" % i)
        i += 1
    return vocab[:size]


def build(a, rng):
    """name -> float32 array. The draw order is fixed (committed fixtures depend on it)."""
    H, I, V = a.hidden, a.intermediate, a.vocab
    init = a.scale == "init"
    w = {}

    def mat(name, rows, cols, std=0.02):
        w[name] = rng.normal(0.0, 0.02 if init else std, size=(rows, cols)).astype(np.float32)

    def vec(name, n, mean=0.0, std=0.02):
        w[name] = (np.full(n, mean, dtype=np.float32) if init else
                   (mean + rng.normal(0.0, std, size=(n,))).astype(np.float32))

    def linear(name, out, inp):
        mat(name + ".weight", out, inp)
        vec(name + ".bias", out)

    def norm(name, n):
        vec(name + ".weight", n, 1.0, 0.1)
        vec(name + ".bias", n, 0.0, 0.05)

    E = getattr(a, "embedding_size", 0) or H
    mat("bert.embeddings.word_embeddings.weight", V, E)
    mat("bert.embeddings.position_embeddings.weight", a.max_pos, E)
    if getattr(a, "arch", "bert") != "distilbert":
        mat("bert.embeddings.token_type_embeddings.weight", a.type_vocab, E)
    norm("bert.embeddings.LayerNorm", E)
    if E != H:
        linear("bert.embeddings_project", H, E)
    for i in range(a.layers):
        p = "bert.encoder.layer.%d." % i
        linear(p + "attention.self.query", H, H)
        linear(p + "attention.self.key", H, H)
        linear(p + "attention.self.value", H, H)
        linear(p + "attention.output.dense", H, H)
        norm(p + "attention.output.LayerNorm", H)
        linear(p + "intermediate.dense", I, H)
        linear(p + "output.dense", H, I)
        norm(p + "output.LayerNorm", H)
    if not a.no_pooler:
        linear("bert.pooler.dense", H, H)
    if a.labels and getattr(a, "arch", "bert") != "bert":  # [CLS] -> dense -> ReLU/GELU -> out_proj
        linear("classifier.dense", H, H)
        mat("classifier.out_proj.weight", a.labels, H, 0.2)
        vec("classifier.out_proj.bias", a.labels, 0.0, 0.1)
    elif a.labels:
        mat("classifier.weight", a.labels, H, 0.2)
        vec("classifier.bias", a.labels, 0.0, 0.1)
    if a.mlm:
        linear("cls.predictions.transform.dense", H, H)
        norm("cls.predictions.transform.LayerNorm", H)
        vec("cls.predictions.bias", V)
    if a.nsp:
        mat("cls.seq_relationship.weight", 2, H, 0.2)
        vec("cls.seq_relationship.bias", 2, 0.0, 0.1)
    return w


DISTIL_NAMES = [("attention.self.query.", "attention.q_lin."), ("attention.self.key.", "attention.k_lin."),
                ("attention.self.value.", "attention.v_lin."), ("attention.output.dense.", "attention.out_lin."),
                ("attention.output.LayerNorm.", "sa_layer_norm."), ("intermediate.dense.", "ffn.lin1."),
                ("output.dense.", "ffn.lin2."), ("output.LayerNorm.", "output_layer_norm.")]


def to_family(arch, w):
    """The weights under DistilBERT's or ELECTRA's published Hugging Face names."""
    if arch == "bert":
        return w
    out = {}
    for k, v in w.items():
        n = k
        if arch == "electra":
            n = "electra." + n[5:] if n.startswith("bert.") else n
        elif n.startswith("bert.encoder.layer."):
            n = "distilbert.transformer.layer." + n[len("bert.encoder.layer."):]
            for a, b in DISTIL_NAMES:
                if a in n:
                    n = n.replace(a, b)
                    break
        elif n.startswith("bert."):
            n = "distilbert." + n[5:]
        elif n.startswith("classifier.dense."):
            n = "pre_classifier." + n[len("classifier.dense."):]
        elif n.startswith("classifier.out_proj."):
            n = "classifier." + n[len("classifier.out_proj."):]
        elif n.startswith("cls.predictions.transform.dense."):
            n = "vocab_transform." + n[len("cls.predictions.transform.dense."):]
        elif n.startswith("cls.predictions.transform.LayerNorm."):
            n = "vocab_layer_norm." + n[len("cls.predictions.transform.LayerNorm."):]
        elif n == "cls.predictions.bias":
            n = "vocab_projector.bias"
        out[n] = v
    return out


# tokenizer_config.json / special_tokens_map.json of published BERT-architecture embedders
# (the Hugging Face repositories' files, model_max_length 512, BertTokenizer, uncased).
_SPECIAL_MAP = {"cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]", "sep_token": "[SEP]",
                "unk_token": "[UNK]"}
TOKENIZER_FILES = {
    "minilm": ({"clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "do_basic_tokenize": True,
                "do_lower_case": True, "mask_token": "[MASK]", "max_length": 128, "model_max_length": 512,
                "never_split": None, "pad_to_multiple_of": None, "pad_token": "[PAD]", "pad_token_type_id": 0,
                "padding_side": "right", "sep_token": "[SEP]", "stride": 0, "strip_accents": None,
                "tokenize_chinese_chars": True, "tokenizer_class": "BertTokenizer", "truncation_side": "right",
                "truncation_strategy": "longest_first", "unk_token": "[UNK]"}, _SPECIAL_MAP),
    "bge": ({"clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "do_basic_tokenize": True,
             "do_lower_case": True, "mask_token": "[MASK]", "model_max_length": 512, "never_split": None,
             "pad_token": "[PAD]", "sep_token": "[SEP]", "strip_accents": None, "tokenize_chinese_chars": True,
             "tokenizer_class": "BertTokenizer", "unk_token": "[UNK]"}, _SPECIAL_MAP),
    "e5": ({"clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "do_basic_tokenize": True,
            "do_lower_case": True, "mask_token": "[MASK]", "model_max_length": 512, "never_split": None,
            "pad_token": "[PAD]", "sep_token": "[SEP]", "strip_accents": None, "tokenize_chinese_chars": True,
            "tokenizer_class": "BertTokenizer", "unk_token": "[UNK]"}, _SPECIAL_MAP),
    "gte": ({"clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "do_basic_tokenize": True,
             "do_lower_case": True, "mask_token": "[MASK]", "model_max_length": 512, "never_split": None,
             "pad_token": "[PAD]", "sep_token": "[SEP]", "strip_accents": None, "tokenize_chinese_chars": True,
             "tokenizer_class": "BertTokenizer", "unk_token": "[UNK]"}, _SPECIAL_MAP),
}


def reserved_units(intermediate, dims):
    """The FFN units the outlier transform uses as pass-through pairs: the last 2*len(dims)."""
    return list(range(intermediate - 2 * len(dims), intermediate))


def kill_reserved_units(w, layers, intermediate, dims):
    """Base model for the outlier transform: the reserved FFN units contribute nothing."""
    r = reserved_units(intermediate, dims)
    for i in range(layers):
        w["bert.encoder.layer.%d.output.dense.weight" % i][:, r] = 0.0


def outlier_transform(w, layers, intermediate, dims, f, dtype=np.float32, sites=("attention", "ffn")):
    """Returns new weights computing the same function with dims D scaled by f where exact.

    Post-LN BERT feeds every LayerNorm output x into the next LayerNorm through the residual
    add, and LayerNorm's mean and variance change when some input dims are scaled, so a
    residual stream scaled by f cannot be compensated by weights alone. What is exact:
      * Q rows d x f, K rows d / f: scores unchanged, Q has outlier dims;
      * V rows d x f, attention output dense columns d / f: the context (input of the
        attention output GEMM) has outlier dims;
      * attention.output.LayerNorm gamma/beta d x f: the mid-layer residual stream x' (the
        FFN input) carries the factor; FFN intermediate columns d / f read it unchanged, and
        the residual into output.LayerNorm is brought back from f x_d to x_d by two reserved
        FFN units per dim: u+ = x'_d, u- = -x'_d, act(u+) - act(u-) = u exactly for gelu
        (u Phi(u) + u Phi(-u) = u), gelu_new and relu; output dense column weights
        -(f-1)/f and +(f-1)/f on row d add -(f-1) x_d. These units' activations (|f x_d|)
        are outliers of the FFN output GEMM's input.
    """
    w = {k: v.astype(np.float64).copy() for k, v in w.items()}
    D = list(dims)
    r = reserved_units(intermediate, D)
    regular = [u for u in range(intermediate) if u not in set(r)]
    for i in range(layers):
        p = "bert.encoder.layer.%d." % i
        if "attention" in sites:
            for name, s in (("attention.self.query", f), ("attention.self.key", 1.0 / f),
                            ("attention.self.value", f)):
                w[p + name + ".weight"][D, :] *= s
                w[p + name + ".bias"][D] *= s
            w[p + "attention.output.dense.weight"][:, D] /= f
        if "ffn" not in sites:
            continue
        w[p + "attention.output.LayerNorm.weight"][D] *= f
        w[p + "attention.output.LayerNorm.bias"][D] *= f
        w1, b1 = w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]
        w2 = w[p + "output.dense.weight"]
        for u in regular:
            w1[u, D] /= f
        for k, d in enumerate(D):
            up, um = r[2 * k], r[2 * k + 1]
            w1[up, :] = 0.0
            w1[um, :] = 0.0
            w1[up, d] = 1.0
            w1[um, d] = -1.0
            b1[up] = b1[um] = 0.0
            w2[:, up] = 0.0
            w2[:, um] = 0.0
            w2[d, up] = -(f - 1.0) / f
            w2[d, um] = (f - 1.0) / f
    return {k: v.astype(dtype) for k, v in w.items()}


def rounded(x, digits=9):
    """Nested lists with floats rounded to `digits` significant digits (JSON size)."""
    if isinstance(x, dict):
        return {k: rounded(v, digits) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [rounded(v, digits) for v in x]
    if isinstance(x, float):
        return float("%.*g" % (digits, x))
    return x


def make_cases(a, vocab, rng):
    """(name, ids, types, mask) inputs: lengths 1..max, a pair, padding, [MASK]s."""
    ix = {t: i for i, t in enumerate(vocab)}
    cls, sep, pad = ix["[CLS]"], ix["[SEP]"], ix["[PAD]"]
    msk = ix["[MASK]"]
    ordinary = np.array([i for i, t in enumerate(vocab) if t not in SPECIALS])
    P = min(a.max_pos, a.max_case_len or a.max_pos)

    def words(n):
        return [int(t) for t in rng.choice(ordinary, size=max(n, 0))]

    cases = []
    lengths = sorted({n for n in (1, 2, 3, 8, 17, min(P // 2, 64), P) if 1 <= n <= P})
    for n in lengths:
        ids = [cls] if n == 1 else [cls] + words(n - 2) + [sep]
        cases.append(("length_%d" % n, ids, [0] * n, [1] * n))
    if a.type_vocab >= 2 and P >= 5:
        n = min(P, 24)
        first = (n - 3) // 2
        ids = [cls] + words(first) + [sep] + words(n - 3 - first) + [sep]
        cases.append(("pair_%d" % n, ids, [0] * (first + 2) + [1] * (n - first - 2), [1] * n))
    if P >= 4:
        real = min(P - 1, 12 if P >= 20 else max(2, P // 2))
        n = min(P, real + 7)
        ids = [cls] + words(real - 2) + [sep] + [pad] * (n - real)
        cases.append(("padded_%d_of_%d" % (real, n), ids, [0] * n, [1] * real + [0] * (n - real)))
    if a.mlm and P >= 3:
        n = min(P, 9)
        ids = [cls] + words(n - 2) + [sep]
        for pos in sorted({1, n // 2, n - 2}):
            if 0 < pos < n - 1:
                ids[pos] = msk
        cases.append(("fill_mask_%d" % n, ids, [0] * n, [1] * n))
    return cases, msk


def expected_outputs(bert, cases, mask_id):
    out = []
    for name, ids, types, mask in cases:
        c = bert.case_outputs(ids, types, mask, mask_token_id=mask_id)
        if 0 in mask:  # the same tokens without the padding give the same outputs at real positions
            real = mask.index(0)
            u = bert.case_outputs(ids[:real], types[:real], mask_token_id=mask_id)
            diffs = [np.abs(np.array(c["sequence_output"])[:real] - np.array(u["sequence_output"])).max()]
            for key in ("pooled_output", "logits", "probs", "mean_pooled", "nsp_logits"):
                if key in c:
                    diffs.append(bert_ref.max_diff(c[key], u[key]))
            c["real_length"] = real
            c["unpadded_max_abs_diff"] = float(max(diffs))
        out.append({"name": name, **c})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=200)
    ap.add_argument("--max-pos", type=int, default=64)
    ap.add_argument("--type-vocab", type=int, default=2)
    ap.add_argument("--labels", type=int, default=0, help="classifier labels (BertForSequenceClassification)")
    ap.add_argument("--multi-label", action="store_true", help="problem_type multi_label_classification")
    ap.add_argument("--mlm", action="store_true", help="masked-LM head (cls.predictions.*, decoder tied)")
    ap.add_argument("--nsp", action="store_true", help="next-sentence head (cls.seq_relationship)")
    ap.add_argument("--no-pooler", action="store_true")
    ap.add_argument("--act", default="gelu", choices=sorted(bert_ref.ACTIVATIONS))
    ap.add_argument("--dtype", default="f32", choices=["f32", "f16", "bf16"])
    ap.add_argument("--scale", default="trained", choices=["trained", "init"])
    ap.add_argument("--outlier-dims", default="", help="comma-separated hidden dims, e.g. 308,381")
    ap.add_argument("--outlier-factor", type=float, default=20.0)
    ap.add_argument("--outlier-sites", default="attention,ffn",
                    help="attention: Q/K/V and context; ffn: FFN input and pass-through units (default both)")
    ap.add_argument("--specials", default="standard", choices=["standard", "first"],
                    help="standard: [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103 when vocab > 103")
    ap.add_argument("--max-case-len", type=int, default=0, help="longest expected.json case (default max-pos)")
    ap.add_argument("--no-expected", action="store_true", help="do not write expected.json")
    ap.add_argument("--torch", action="store_true", help="also write pytorch_model.bin (zip format)")
    ap.add_argument("--torch-legacy", action="store_true", help="also write pytorch_model.bin (legacy format)")
    ap.add_argument("--no-safetensors", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--arch", default="bert", choices=["bert", "distilbert", "electra"])
    ap.add_argument("--embedding-size", type=int, default=0, help="electra: width of the embedding tables")
    ap.add_argument("--tokenizer-files", choices=sorted(TOKENIZER_FILES),
                    help="write that model's published tokenizer_config.json and special_tokens_map.json")
    a = ap.parse_args()
    if a.arch != "bert":
        a.no_pooler = True
        if a.nsp or a.outlier_dims or a.torch_legacy:
            ap.error("--arch %s: no --nsp, --outlier-dims or --torch-legacy" % a.arch)
        if a.mlm and a.arch == "electra":
            ap.error("--arch electra: discriminators only (no --mlm)")
    if a.embedding_size and a.arch != "electra":
        ap.error("--embedding-size is ELECTRA's")
    if a.arch == "distilbert":
        a.type_vocab = 1  # no token types (make_cases then writes no pair case)
    if a.hidden % a.heads:
        ap.error("--hidden must be a multiple of --heads")
    if a.no_pooler and (a.labels and a.arch == "bert" or a.nsp):
        ap.error("--labels and --nsp read the pooler: drop --no-pooler")
    dims = [int(d) for d in a.outlier_dims.split(",") if d.strip()]
    sites = [x for x in a.outlier_sites.split(",") if x]
    if dims:
        if not sites or any(x not in ("attention", "ffn") for x in sites):
            ap.error("--outlier-sites: attention, ffn or attention,ffn")
        if any(not 0 <= d < a.hidden for d in dims) or len(set(dims)) != len(dims):
            ap.error("--outlier-dims must be distinct dims below --hidden")
        if "ffn" in sites and a.intermediate < 2 * len(dims) + 1:
            ap.error("--intermediate must exceed 2 x the number of outlier dims")
        if a.outlier_factor <= 0:
            ap.error("--outlier-factor must be positive")
    start = time.time()
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    weights = build(a, rng)
    arch = "BertForSequenceClassification" if a.labels else (
        "BertForPreTraining" if a.mlm and a.nsp else "BertForMaskedLM" if a.mlm else
        "BertForNextSentencePrediction" if a.nsp else "BertModel")
    config = {
        "architectures": [arch], "model_type": "bert", "vocab_size": a.vocab, "hidden_size": a.hidden,
        "num_hidden_layers": a.layers, "num_attention_heads": a.heads, "intermediate_size": a.intermediate,
        "max_position_embeddings": a.max_pos, "type_vocab_size": a.type_vocab, "hidden_act": a.act,
        "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02, "pad_token_id": 0, "position_embedding_type": "absolute",
    }
    if a.labels:
        config["id2label"] = {str(i): "label_%d" % i for i in range(a.labels)}
        config["label2id"] = {"label_%d" % i: i for i in range(a.labels)}
        config["num_labels"] = a.labels
        if a.multi_label:
            config["problem_type"] = "multi_label_classification"
    vocab = vocabulary(a.vocab, a.specials)
    outlier = None
    if dims:
        if "ffn" in sites:
            kill_reserved_units(weights, a.layers, a.intermediate, dims)
        base = weights
        weights = outlier_transform(base, a.layers, a.intermediate, dims, a.outlier_factor, sites=sites)
        outlier = {"dims": dims, "factor": a.outlier_factor, "sites": sites,
                   "reserved_intermediate_units": reserved_units(a.intermediate, dims) if "ffn" in sites else []}
    dtype = {"f32": "F32", "f16": "F16", "bf16": "BF16"}[a.dtype]
    if a.arch == "distilbert":  # DistilBertConfig's own keys, as its config.json holds them
        arch = {"BertForSequenceClassification": "DistilBertForSequenceClassification",
                "BertForMaskedLM": "DistilBertForMaskedLM"}.get(arch, "DistilBertModel")
        config = {"architectures": [arch], "model_type": "distilbert", "vocab_size": a.vocab, "dim": a.hidden,
                  "n_layers": a.layers, "n_heads": a.heads, "hidden_dim": a.intermediate,
                  "max_position_embeddings": a.max_pos, "activation": a.act, "sinusoidal_pos_embds": False,
                  "dropout": 0.1, "attention_dropout": 0.1, "qa_dropout": 0.1, "seq_classif_dropout": 0.2,
                  "initializer_range": 0.02, "pad_token_id": 0, "tie_weights_": True,
                  **{k: v for k, v in config.items() if k in ("id2label", "label2id", "num_labels", "problem_type")}}
    elif a.arch == "electra":
        config["model_type"] = "electra"
        config["architectures"] = ["ElectraForSequenceClassification" if a.labels else "ElectraModel"]
        config["embedding_size"] = a.embedding_size or a.hidden
        config.update(summary_type="first", summary_use_proj=True, summary_activation="gelu",
                      summary_last_dropout=0.1)
    native = to_family(a.arch, weights)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(a.out, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    if a.tokenizer_files:
        tc, sm = TOKENIZER_FILES[a.tokenizer_files]
        with open(os.path.join(a.out, "tokenizer_config.json"), "w") as f:
            json.dump(tc, f, indent=2)
        with open(os.path.join(a.out, "special_tokens_map.json"), "w") as f:
            json.dump(sm, f, indent=2)
    else:
        with open(os.path.join(a.out, "tokenizer_config.json"), "w") as f:
            json.dump({"do_lower_case": True, "model_max_length": a.max_pos}, f)
    if not a.no_safetensors:
        safetensors_io.save(os.path.join(a.out, "model.safetensors"), native, dtype)
    if a.torch or a.torch_legacy:
        import torch

        tdt = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}[a.dtype]
        sd = {k: torch.from_numpy(v.copy()).to(tdt) for k, v in native.items()}
        torch.save(sd, os.path.join(a.out, "pytorch_model.bin"), _use_new_zipfile_serialization=not a.torch_legacy)
    if a.no_expected:
        return

    def stored(w):  # the weights exactly as written (rounded to the file's dtype)
        if dtype == "F16":
            return {k: v.astype(np.float16).astype(np.float64) for k, v in w.items()}
        if dtype == "BF16":
            return {k: safetensors_io.bf16_to_float32(safetensors_io.float32_to_bf16_bits(v)) for k, v in w.items()}
        return w

    bert = bert_ref.Bert(config=config, weights=stored(native))
    cases, mask_id = make_cases(a, vocab, np.random.default_rng(a.seed + 1000))
    results = expected_outputs(bert, cases, mask_id)
    doc = {"config": config,
           "generator": {"args": {k: v for k, v in vars(a).items() if k != "out"},
                         "weights_dtype": dtype, "special_ids": {t: vocab.index(t) for t in SPECIALS}},
           "cases": results}
    if outlier:
        ref = bert_ref.Bert(config=config, weights=stored(base))
        worst = 0.0
        for c in expected_outputs(ref, cases, mask_id):
            r = next(x for x in results if x["name"] == c["name"])
            for key in ("sequence_output", "pooled_output", "logits", "probs", "mean_pooled", "nsp_logits"):
                if key in c:
                    keep = np.array(c["attention_mask"], dtype=bool)
                    x, y = np.array(c[key]), np.array(r[key])
                    worst = max(worst, bert_ref.max_diff(x[keep] if key == "sequence_output" else x,
                                                         y[keep] if key == "sequence_output" else y))
            if "mlm_logits" in c:
                worst = max(worst, bert_ref.max_diff(c["mlm_logits"]["top5_probs"], r["mlm_logits"]["top5_probs"]))
        outlier["max_abs_diff_vs_base"] = worst
        doc["outlier"] = outlier
    with open(os.path.join(a.out, "expected.json"), "w") as f:
        json.dump(rounded(doc), f, separators=(",", ":"))
    msg = "%s: %d cases in %.1f s" % (a.out, len(results), time.time() - start)
    if outlier:
        msg += "; outlier transform max |diff| vs base %.3g" % outlier["max_abs_diff_vs_base"]
    print(msg)


if __name__ == "__main__":
    main()
