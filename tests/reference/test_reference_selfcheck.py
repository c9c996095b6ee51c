#!/usr/bin/env python3
"""Checks the numpy reference (bert_ref.py) against a separate PyTorch implementation
written here with torch.nn.functional ops, and checks make_random_bert.py and
safetensors_io.py. Needs Debian's /usr/bin/python3 (numpy and torch):

  /usr/bin/python3 tests/reference/test_reference_selfcheck.py [--keep DIR]

Prints each check with its measured number and closes with 'N passed, N failed';
exits 1 on a failure.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bert_ref  # noqa: E402
import make_random_bert  # noqa: E402
import safetensors_io  # noqa: E402

torch.set_num_threads(1)
RESULTS = []


def check(name, ok, value):
    RESULTS.append(bool(ok))
    print("%s %s: %s" % ("ok  " if ok else "FAIL", name, value))


# --- an independent PyTorch BERT (float64), Hugging Face's parameter names --------------------
def torch_bert(config, weights, ids, types, mask):
    """Returns dict of torch tensors: sequence [B,n,H], pooled, logits, mlm (all positions), nsp."""
    W = {k: torch.tensor(np.asarray(v), dtype=torch.float64) for k, v in weights.items()}
    pre = "bert." if "bert.embeddings.word_embeddings.weight" in W else ""
    eps = config.get("layer_norm_eps", 1e-12)
    H, A = config["hidden_size"], config["num_attention_heads"]
    act = {"gelu": lambda t: F.gelu(t), "gelu_new": lambda t: F.gelu(t, approximate="tanh"),
           "relu": F.relu}[config.get("hidden_act", "gelu")]

    def lin(t, name):
        return F.linear(t, W[name + ".weight"], W[name + ".bias"])

    def ln(t, name):
        g = W.get(name + ".weight", W.get(name + ".gamma"))
        b = W.get(name + ".bias", W.get(name + ".beta"))
        return F.layer_norm(t, (t.shape[-1],), g, b, eps)

    ids = torch.tensor(ids)
    types = torch.tensor(types)
    mask = torch.tensor(mask, dtype=torch.float64)
    B, n = ids.shape
    x = (F.embedding(ids, W[pre + "embeddings.word_embeddings.weight"])
         + W[pre + "embeddings.position_embeddings.weight"][torch.arange(n)].unsqueeze(0)
         + F.embedding(types, W[pre + "embeddings.token_type_embeddings.weight"]))
    x = ln(x, pre + "embeddings.LayerNorm")
    ext = (1.0 - mask)[:, None, None, :] * torch.finfo(torch.float32).min
    d = H // A
    for i in range(config["num_hidden_layers"]):
        p = pre + "encoder.layer.%d." % i
        heads = [lin(x, p + "attention.self." + m).view(B, n, A, d).permute(0, 2, 1, 3)
                 for m in ("query", "key", "value")]
        scores = torch.matmul(heads[0], heads[1].transpose(-1, -2)) / math.sqrt(d) + ext
        ctx = torch.matmul(F.softmax(scores, dim=-1), heads[2]).permute(0, 2, 1, 3).reshape(B, n, H)
        x = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        x = ln(lin(act(lin(x, p + "intermediate.dense")), p + "output.dense") + x, p + "output.LayerNorm")
    out = {"sequence_output": x}
    if pre + "pooler.dense.weight" in W:
        out["pooled_output"] = torch.tanh(lin(x[:, 0], pre + "pooler.dense"))
        if "classifier.weight" in W:
            out["logits"] = lin(out["pooled_output"], "classifier")
        if "cls.seq_relationship.weight" in W:
            out["nsp_logits"] = lin(out["pooled_output"], "cls.seq_relationship")
    if "cls.predictions.transform.dense.weight" in W:
        t = ln(act(lin(x, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm")
        dec = W.get("cls.predictions.decoder.weight", W[pre + "embeddings.word_embeddings.weight"])
        out["mlm"] = F.linear(t, dec, W["cls.predictions.bias"])
    m = mask[..., None]
    out["mean_pooled"] = (x * m).sum(1) / m.sum(1)
    return out


def make(tmp, name, args):
    d = os.path.join(tmp, name)
    t = time.time()
    run = subprocess.run([sys.executable, os.path.join(HERE, "make_random_bert.py"), "--out", d] + args,
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit("make_random_bert.py %s failed:\n%s" % (" ".join(args), run.stderr))
    return d, time.time() - t


def batch_inputs(config, rng, lengths):
    V, T = config["vocab_size"], config["type_vocab_size"]
    n = max(lengths)
    ids = np.zeros((len(lengths), n), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros((len(lengths), n), dtype=np.int64)
    for r, L in enumerate(lengths):
        ids[r, :L] = rng.integers(0, V, size=L)
        types[r, L // 2:L] = 1 if T > 1 else 0
        mask[r, :L] = 1
    return ids, types, mask


SHAPES = [
    ("tiny-all-heads", "--layers 2 --hidden 64 --heads 4 --intermediate 128 --vocab 200 --max-pos 64 "
                       "--labels 3 --mlm --nsp --seed 11"),
    ("relu-no-pooler", "--layers 1 --hidden 48 --heads 3 --intermediate 96 --vocab 150 --max-pos 32 "
                       "--act relu --no-pooler --mlm --seed 12"),
    ("gelu-new-f16", "--layers 3 --hidden 32 --heads 2 --intermediate 64 --vocab 120 --max-pos 48 "
                     "--act gelu_new --labels 1 --dtype f16 --seed 13"),
    ("multilabel-bf16-init", "--layers 2 --hidden 40 --heads 5 --intermediate 80 --vocab 90 --max-pos 40 "
                             "--labels 4 --multi-label --dtype bf16 --scale init --type-vocab 1 --seed 14"),
]


def check_shape(tmp, name, args):
    d, secs = make(tmp, name, args.split())
    bert = bert_ref.Bert(d)
    with open(os.path.join(d, "expected.json")) as f:
        exp = json.load(f)
    rng = np.random.default_rng(5)
    P = bert.config["max_position_embeddings"]
    lengths = [1, 3, P // 2, P]
    ids, types, mask = batch_inputs(bert.config, rng, lengths)
    h = bert.encode_batch(ids, types, mask)
    t = torch_bert(bert.config, bert.w, ids, types, mask)
    keep = mask.astype(bool)
    diffs = {"sequence_output": np.abs(h[keep] - t["sequence_output"].numpy()[keep]).max(),
             "mean_pooled": np.abs(bert.mean_pooled(h, mask) - t["mean_pooled"].numpy()).max()}
    if bert.has_pooler:
        diffs["pooled_output"] = np.abs(bert.pooled(h) - t["pooled_output"].numpy()).max()
    if bert.has_classifier:
        diffs["logits"] = np.abs(bert.logits(h) - t["logits"].numpy()).max()
    if bert.has_nsp:
        diffs["nsp_logits"] = np.abs(bert.nsp_logits(h) - t["nsp_logits"].numpy()).max()
    if bert.has_mlm:
        diffs["mlm_logits"] = max(np.abs(bert.mlm_logits(h[r], range(L)) - t["mlm"].numpy()[r, :L]).max()
                                  for r, L in enumerate(lengths))
    worst = max(diffs.values())
    check("%s: numpy vs torch (float64, batch of lengths %s with padding), max |diff|" % (name, lengths),
          worst < 1e-9, "%.3g %s" % (worst, {k: "%.2g" % v for k, v in diffs.items()}))
    # one sequence at a time equals the padded batch
    single = max(np.abs(bert.encode(ids[r, :L], types[r, :L]) - h[r, :L]).max() for r, L in enumerate(lengths))
    check("%s: batch with padding vs one sequence at a time, max |diff|" % name, single < 1e-9, "%.3g" % single)
    # expected.json: the torch model on the same cases, at the 9 digits written
    worst = 0.0
    for c in exp["cases"]:
        n = len(c["input_ids"])
        tt = torch_bert(bert.config, bert.w, [c["input_ids"]], [c["token_type_ids"]], [c["attention_mask"]])
        k = np.array(c["attention_mask"], dtype=bool)
        e = np.abs(np.array(c["sequence_output"])[k] - tt["sequence_output"].numpy()[0][k]).max()
        scale = np.abs(tt["sequence_output"].numpy()).max()
        worst = max(worst, e / scale)
        for key in ("pooled_output", "logits", "nsp_logits", "mean_pooled"):
            if key in c:
                worst = max(worst, np.abs(np.array(c[key]) - tt[key].numpy()[0]).max())
        if "mlm_logits" in c and c["mlm_logits"]["positions"]:
            pr = torch.softmax(tt["mlm"][0, c["mlm_logits"]["positions"]], -1).numpy()
            top = [list(np.argsort(-row, kind="stable")[:5]) for row in pr]
            if top != c["mlm_logits"]["top5_ids"]:
                worst = float("inf")
        assert n == len(c["sequence_output"])
    check("%s: expected.json (%d cases) vs torch, max |diff| (sequence relative)" % (name, len(exp["cases"])),
          worst < 1e-7, "%.3g" % worst)
    padded = [c for c in exp["cases"] if "unpadded_max_abs_diff" in c]
    pd = max(c["unpadded_max_abs_diff"] for c in padded) if padded else float("inf")
    check("%s: padded case equals the unpadded run at real positions" % name, pd < 1e-9, "%.3g" % pd)
    names = [c["name"] for c in exp["cases"]]
    need = ["length_1", "length_%d" % P] + (["pair_24"] if bert.config["type_vocab_size"] > 1 else [])
    check("%s: cases %s" % (name, names), all(x in names for x in need) and padded, "written in %.1f s" % secs)
    return d


def check_vocab_layout(tmp):
    v = make_random_bert.vocabulary(300)
    ok = [v[i] for i in (0, 100, 101, 102, 103)] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    small = make_random_bert.vocabulary(90)
    ok = ok and small[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] and len(set(v)) == 300
    check("vocab.txt: specials at 0/100/101/102/103 when V > 103, first otherwise", ok, "V=300 and V=90")


def check_names(tmp, d):
    """No `bert.` prefix and legacy gamma/beta LayerNorm names give the same outputs."""
    bert = bert_ref.Bert(d)
    w = {}
    for k, v in bert.w.items():
        k = k[len("bert."):] if k.startswith("bert.") else k
        if "LayerNorm" in k:
            k = k.replace(".weight", ".gamma").replace(".bias", ".beta")
        w[k] = v
    other = bert_ref.Bert(config=bert.config, weights=w)
    ids = [2, 10, 11, 12, 3]
    h1, h2 = bert.encode(ids), other.encode(ids)
    e = np.abs(h1 - h2).max() + np.abs(bert.logits(h1) - other.logits(h2)).max()
    check("parameter names without `bert.` and with gamma/beta: same outputs", e == 0.0, e)


def naive_outlier(w, layers, dims, f):
    """The transform that scales every LayerNorm's output dims (embedding, attention output,
    output) and divides the consuming columns; not function-preserving (see README)."""
    w = {k: v.astype(np.float64).copy() for k, v in w.items()}
    lns = ["bert.embeddings.LayerNorm"] + ["bert.encoder.layer.%d.%s" % (i, s) for i in range(layers)
                                          for s in ("attention.output.LayerNorm", "output.LayerNorm")]
    for n in lns:
        w[n + ".weight"][dims] *= f
        w[n + ".bias"][dims] *= f
    for i in range(layers):
        p = "bert.encoder.layer.%d." % i
        for m in ("attention.self.query", "attention.self.key", "attention.self.value", "intermediate.dense"):
            w[p + m + ".weight"][:, dims] /= f
    w["bert.pooler.dense.weight"][:, dims] /= f
    return w


def check_outliers_exact():
    """In float64 (no rounding of the stored weights) the transform changes nothing but rounding."""
    import argparse as _a

    worst = 0.0
    for act in ("gelu", "gelu_new", "relu"):
        a = _a.Namespace(hidden=64, intermediate=128, vocab=200, max_pos=32, type_vocab=2, layers=2,
                         no_pooler=False, labels=3, mlm=True, nsp=True, scale="trained")
        w = make_random_bert.build(a, np.random.default_rng(1))
        dims = [5, 40]
        make_random_bert.kill_reserved_units(w, 2, 128, dims)
        cfg = dict(hidden_size=64, num_attention_heads=4, num_hidden_layers=2, max_position_embeddings=32,
                   hidden_act=act, layer_norm_eps=1e-12, id2label={str(i): str(i) for i in range(3)})
        base = bert_ref.Bert(config=cfg, weights=w)
        tr = bert_ref.Bert(config=cfg, weights=make_random_bert.outlier_transform(w, 2, 128, dims, 20.0, np.float64))
        ids = list(range(5, 37))
        h1, h2 = base.encode(ids), tr.encode(ids)
        worst = max(worst, np.abs(h1 - h2).max(), np.abs(base.logits(h1) - tr.logits(h2)).max(),
                    np.abs(base.mlm_logits(h1, range(32)) - tr.mlm_logits(h2, range(32))).max())
    check("outlier transform in float64 (gelu, gelu_new, relu): max |output diff|", worst < 1e-11, "%.3g" % worst)


def check_outliers(tmp):
    args = ("--layers 2 --hidden 768 --heads 12 --intermediate 3072 --vocab 300 --max-pos 64 --labels 3 --mlm "
            "--max-case-len 32 --seed 21 --outlier-dims 308,381 --outlier-factor 20").split()
    d, secs = make(tmp, "outlier-base-width", args)
    with open(os.path.join(d, "expected.json")) as f:
        exp = json.load(f)
    diff = exp["outlier"]["max_abs_diff_vs_base"]
    check("outlier transform (dims 308,381 x20, H768 A12, f32 file): max |output diff| vs untransformed",
          diff < 1e-4, "%.3g (written in %.1f s)" % (diff, secs))
    # the transformed model does have the outliers: |x| of the attention LayerNorm output
    bert = bert_ref.Bert(d)
    W = bert.w
    c = exp["cases"][-2]
    ids = c["input_ids"]
    x = bert.norm(W["bert.embeddings.word_embeddings.weight"][ids] +
                  W["bert.embeddings.position_embeddings.weight"][:len(ids)] +
                  W["bert.embeddings.token_type_embeddings.weight"][c["token_type_ids"]], "embeddings.LayerNorm")
    p = "encoder.layer.0."
    n, A, dh = len(ids), bert.heads, bert.hidden // bert.heads
    q, k, v = [bert.dense(x, p + "attention.self." + m).reshape(n, A, dh).transpose(1, 0, 2)
               for m in ("query", "key", "value")]
    ctx = (bert_ref.softmax(q @ k.transpose(0, 2, 1) / math.sqrt(dh)) @ v).transpose(1, 0, 2).reshape(n, -1)
    mid = bert.norm(x + bert.dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
    others = np.delete(np.abs(mid), [308, 381], axis=1)
    ratio = np.abs(mid[:, [308, 381]]).mean() / others.mean()
    cratio = np.abs(ctx[:, [308, 381]]).mean() / np.delete(np.abs(ctx), [308, 381], axis=1).mean()
    check("outlier dims in the FFN input (attention LayerNorm output) and the context: mean |x| ratio",
          ratio > 10 and cratio > 10, "FFN input %.1fx, context %.1fx" % (ratio, cratio))
    # the naive transform (every LayerNorm's output scaled) is not function-preserving
    base_args = [a for a in args if a not in ("--outlier-dims", "308,381", "--outlier-factor", "20")]
    bd, _ = make(tmp, "outlier-naive-base", base_args + ["--no-expected"])
    base = bert_ref.Bert(bd)
    naive = bert_ref.Bert(config=base.config, weights=naive_outlier(base.w, base.layers, [308, 381], 20.0))
    ids = exp["cases"][3]["input_ids"]
    e = np.abs(base.logits(base.encode(ids)) - naive.logits(naive.encode(ids))).max()
    print("info naive transform (all LayerNorm outputs scaled, consumers divided): logits change by %.3g" % e)


def check_safetensors(tmp):
    rng = np.random.default_rng(3)
    a = rng.normal(size=(7, 5)).astype(np.float32) * np.float32(100)
    a[0, :4] = [0.0, -0.0, np.inf, 1e-40]
    ints = np.arange(-3, 9, dtype=np.int64).reshape(3, 4)
    ok = True
    for dt in ("F32", "F16", "BF16"):
        path = os.path.join(tmp, "t_%s.safetensors" % dt)
        safetensors_io.save(path, {"a": a, "i": ints}, dt, {"format": "pt"})
        w, meta, dts = safetensors_io.load_with_metadata(path)
        tdt = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}[dt]
        want = torch.from_numpy(a).to(tdt).float().numpy()  # torch rounds to nearest even too
        ok = ok and np.array_equal(w["a"], want) and np.array_equal(w["i"], ints) and meta == {"format": "pt"}
        ok = ok and dts == {"a": dt, "i": "I64"}
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
            ok = ok and n % 8 == 0
    check("safetensors F32/F16/BF16/I64 round trip, BF16/F16 rounding equal to torch's", ok, "3 files")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", help="write the checkpoints here instead of a temporary folder")
    ap.add_argument("--quick", action="store_true", help="skip the H768 outlier model")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = a.keep or tmp
        check_safetensors(tmp)
        check_vocab_layout(tmp)
        dirs = [check_shape(tmp, name, args) for name, args in SHAPES]
        check_names(tmp, dirs[0])
        check_outliers_exact()
        if not a.quick:
            check_outliers(tmp)
    failed = RESULTS.count(False)
    print("%d passed, %d failed" % (len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
