#!/usr/bin/env python3
"""bert-convert on good checkpoints, checked from the outside.

Random BERTs are made with tests/reference/make_random_bert.py in every layout
bert-convert reads (safetensors f32/f16/bf16, sharded, torch zip and legacy,
names with and without "bert.", legacy gamma/beta, tied and untied MLM
decoders, NSP, added tokens...), converted, and each written file is read
back through embert_dump (which runs flatbuffers::Verifier and reports
positions, shapes and scales) and checked here with numpy against the
source weights:

  * identifier, schema version, buffer 0 empty, one buffer per tensor, every
    buffer inside the file and 64-byte aligned, sizes consistent with shapes;
  * the checksum: XXH64 (xxh64_ref.py) of the file with its 8 bytes zeroed;
  * fp32 tensors byte-equal to the source; int8 tensors: scale = rowmax/127
    (1 for a zero row) and q = nearest-even(W/scale) recomputed here, and
    |W - q*scale| <= scale/2;
  * which tensors are int8 (encoder linears, pooler, MLM transform, word
    embeddings) and which stay fp32 (the rest);
  * config, labels, score function, tokenizer fields, provenance (sizes and
    hashlib SHA-256 of the source files), the SDK loads the file.

  test_convert_outputs.py --convert BIN --dump BIN --root SOURCE_DIR --work DIR
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import safetensors_io  # noqa: E402
from xxh64_ref import xxh64  # noqa: E402

ARGS = None
FAILURES = []
CHECKS = [0]
SMALL = ["--layers", "2", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--vocab", "120",
         "--max-pos", "32"]
INT8_WEIGHTS = re.compile(r"^(embeddings\.word|layers\.\d+\.(query|key|value|attention_output|intermediate|output)"
                          r"\.weight|pooler\.weight|masked_lm\.transform\.weight|masked_lm\.decoder)$")


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILURES.append(what)
        print("  FAIL " + what)
    return cond


def work(name):
    return os.path.join(ARGS.work, name)


def make(name, *args):
    d = work(name)
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(ARGS.root, "tests", "reference", "make_random_bert.py"),
                    "--out", d, "--no-expected", *args], check=True)
    return d


def convert(d, out, *extra):
    for f in os.listdir(ARGS.work):
        if f.startswith(os.path.basename(out)):
            os.remove(os.path.join(ARGS.work, f))
    return subprocess.run([ARGS.convert, d, "-o", out, *extra], capture_output=True, text=True)


def leftovers(out):
    return [f for f in os.listdir(os.path.dirname(out)) if f.startswith(os.path.basename(out))]


def dump(path):
    r = subprocess.run([ARGS.dump, path], capture_output=True, text=True)
    if not check(r.returncode == 0, "%s: embert_dump failed: %s" % (path, r.stderr.strip())):
        return None
    return json.loads(r.stdout)


def edit_json(path, **changes):
    c = {}
    if os.path.exists(path):
        with open(path) as f:
            c = json.load(f)
    c.update(changes)
    for k, v in list(c.items()):
        if v is Ellipsis:
            del c[k]
    with open(path, "w") as f:
        json.dump(c, f)


def hf_to_embert(layers):
    """The test's own map from Hugging Face names (bert. prefix) to the file's tensor names."""
    m = {}

    def lin(hf, e):
        m[hf + ".weight"] = e + ".weight"
        m[hf + ".bias"] = e + ".bias"

    def norm(hf, e):
        m[hf + ".weight"] = e + ".gamma"
        m[hf + ".bias"] = e + ".beta"

    m["bert.embeddings.word_embeddings.weight"] = "embeddings.word"
    m["bert.embeddings.position_embeddings.weight"] = "embeddings.position"
    m["bert.embeddings.token_type_embeddings.weight"] = "embeddings.token_type"
    norm("bert.embeddings.LayerNorm", "embeddings.norm")
    for i in range(layers):
        p, e = "bert.encoder.layer.%d." % i, "layers.%d." % i
        lin(p + "attention.self.query", e + "query")
        lin(p + "attention.self.key", e + "key")
        lin(p + "attention.self.value", e + "value")
        lin(p + "attention.output.dense", e + "attention_output")
        norm(p + "attention.output.LayerNorm", e + "attention_norm")
        lin(p + "intermediate.dense", e + "intermediate")
        lin(p + "output.dense", e + "output")
        norm(p + "output.LayerNorm", e + "output_norm")
    lin("bert.pooler.dense", "pooler")
    lin("classifier", "classifier")
    lin("cls.predictions.transform.dense", "masked_lm.transform")
    norm("cls.predictions.transform.LayerNorm", "masked_lm.transform_norm")
    m["cls.predictions.bias"] = "masked_lm.decoder_bias"
    m["cls.predictions.decoder.weight"] = "masked_lm.decoder"
    lin("cls.seq_relationship", "next_sentence")
    return m


def check_file(out, d):
    """Structure of the written file, independent of what it holds."""
    with open(out, "rb") as f:
        data = f.read()
    check(d["size"] == len(data), "%s: size" % out)
    check(data[4:8] == b"EMBT" and d["identifier"] == "EMBT", "%s: identifier %r" % (out, data[4:8]))
    check(d["schema_version"] == 1, "%s: schema_version %s" % (out, d["schema_version"]))
    check(d["sdk_load"] == "ok", "%s: the SDK refuses it: %s" % (out, d["sdk_load"]))
    bufs = d["buffers"]
    check(len(bufs) >= 1 and bufs[0][1] == 0, "%s: buffer 0 is not empty" % out)
    for i, (off, size) in enumerate(bufs[1:], 1):
        check(size > 0 and off % 64 == 0 and off + size <= len(data),
              "%s: buffer %d at %d (+%d) not 64-aligned or outside the file" % (out, i, off, size))
    vi_off, vi_size = d["tokenizer"]["vocab_index"]
    check(vi_size > 0 and vi_off % 64 == 0, "%s: vocab_index at %d not 64-aligned" % (out, vi_off))
    used = []
    for name, t in d["tensors"].items():
        if t is None:
            continue
        n = int(np.prod(t["shape"]))
        b = t["buffer"]
        used.append(b)
        if not check(0 < b < len(bufs), "%s: %s buffer %d" % (out, name, b)):
            continue
        check(t["layout"] == 0, "%s: %s layout" % (out, name))
        if t["dtype"] == "FLOAT32":
            check(bufs[b][1] == 4 * n and t["scales"] is None, "%s: %s fp32 size %d for %s" % (out, name, bufs[b][1],
                                                                                               t["shape"]))
        elif t["dtype"] == "INT8":
            sc = t["scales"]
            check(bufs[b][1] == n and len(t["shape"]) == 2 and sc is not None and len(sc) == t["shape"][0],
                  "%s: %s int8 size/scales" % (out, name))
            check(all(np.isfinite(sc)) and min(sc) > 0, "%s: %s scales not finite and positive" % (out, name))
        else:
            check(False, "%s: %s unexpected dtype %s" % (out, name, t["dtype"]))
    check(len(used) == len(set(used)) and sorted(used) == list(range(1, len(bufs))),
          "%s: tensors and buffers are not one to one" % out)
    # The checksum: XXH64 of the whole file with its own 8 bytes read as zero.
    off = d["checksum"]["offset"]
    zeroed = data[:off] + bytes(8) + data[off + 8:]
    stored = int.from_bytes(data[off:off + 8], "little")
    check(stored == int(d["checksum"]["xxh64"], 16) and stored == xxh64(zeroed, 0),
          "%s: checksum %016x, XXH64 of the file %016x" % (out, stored, xxh64(zeroed, 0)))
    return data


def check_weights(out, d, data, source, int8, tied=True):
    """Every source tensor in the file, as itself (fp32) or quantized as specified (int8)."""
    layers = d["config"]["num_layers"]
    names = hf_to_embert(layers)
    expected_names = set()
    for hf, w in source.items():
        if "position_ids" in hf:
            continue
        e = names[hf]
        if e == "masked_lm.decoder" and tied:
            continue
        expected_names.add(e)
        t = d["tensors"].get(e)
        if not check(t is not None, "%s: %s (from %s) missing" % (out, e, hf)):
            continue
        w = np.asarray(w).astype(np.float32)
        check(list(t["shape"]) == list(w.shape), "%s: %s shape %s, source %s" % (out, e, t["shape"], w.shape))
        off, size = d["buffers"][t["buffer"]]
        want_int8 = int8 and bool(INT8_WEIGHTS.match(e))
        check(t["dtype"] == ("INT8" if want_int8 else "FLOAT32"), "%s: %s is %s" % (out, e, t["dtype"]))
        if t["dtype"] == "FLOAT32":
            check(data[off:off + size] == w.tobytes(), "%s: %s bytes differ from the source" % (out, e))
        elif t["dtype"] == "INT8":
            q = np.frombuffer(data, dtype=np.int8, count=size, offset=off).reshape(w.shape)
            scales = np.array(t["scales"], dtype=np.float32)
            rowmax = np.max(np.abs(w), axis=1)
            want_scales = (rowmax / np.float32(127)).astype(np.float32)
            # Zero (or denormal) rows get scale 1: finite and positive, all q = 0.
            want_scales = np.where(want_scales >= np.finfo(np.float32).tiny, want_scales, np.float32(1))
            check(np.array_equal(scales, want_scales),
                  "%s: %s scales differ from rowmax/127 (max diff %g)" % (out, e, np.max(np.abs(scales - want_scales))))
            want_q = np.clip(np.rint(w.astype(np.float64) / want_scales[:, None].astype(np.float64)),
                             -127, 127).astype(np.int8)
            check(np.array_equal(q, want_q), "%s: %s: %d values differ from nearest-even(W/scale)" %
                  (out, e, int(np.sum(q != want_q))))
            err = np.abs(w.astype(np.float64) - q.astype(np.float64) * scales[:, None].astype(np.float64))
            bound = scales[:, None].astype(np.float64) / 2 * (1 + 1e-12)
            check(np.all(err <= bound), "%s: %s dequantized more than scale/2 away" % (out, e))
    present = {n for n, t in d["tensors"].items() if t is not None}
    check(present == expected_names, "%s: tensors not from the source %s, missing %s" %
          (out, sorted(present - expected_names), sorted(expected_names - present)))
    for name, lin in d["linears"].items():
        check(lin["input_smoothing"] is None, "%s: %s has input_smoothing" % (out, name))


def check_config(out, d, src):
    with open(os.path.join(src, "config.json")) as f:
        c = json.load(f)
    k = d["config"]
    for a, b in [("vocab_size", "vocab_size"), ("hidden_size", "hidden_size"), ("num_hidden_layers", "num_layers"),
                 ("num_attention_heads", "num_heads"), ("intermediate_size", "intermediate_size"),
                 ("max_position_embeddings", "max_position_embeddings"), ("type_vocab_size", "type_vocab_size")]:
        check(c[a] == k[b], "%s: config %s %s != %s" % (out, b, k[b], c[a]))
    check(np.float32(c.get("layer_norm_eps", 1e-12)) == np.float32(k["layer_norm_eps"]), "%s: layer_norm_eps" % out)
    act = {"gelu": "GELU", "gelu_new": "GELU_TANH", "relu": "RELU"}[c.get("hidden_act", "gelu")]
    check(k["hidden_act"] == act, "%s: hidden_act %s" % (out, k["hidden_act"]))


def check_provenance(out, d, src, fmt, files):
    p = d["provenance"]
    check(p["source_format"] == fmt, "%s: source_format %r, expected %r" % (out, p["source_format"], fmt))
    got = {f["path"]: f for f in p["source_files"]}
    check(sorted(got) == sorted(files), "%s: source files %s, expected %s" % (out, sorted(got), sorted(files)))
    for name in files:
        if name not in got:
            continue
        with open(os.path.join(src, name), "rb") as f:
            raw = f.read()
        check(got[name]["size"] == len(raw) and got[name]["sha256"] == hashlib.sha256(raw).hexdigest(),
              "%s: provenance of %s" % (out, name))
    check(p["converter_version"].startswith("bert-convert "), "%s: converter_version %r" % (out, p["converter_version"]))
    check(out in p["command_line"] and " -o " in p["command_line"], "%s: command_line %r" % (out, p["command_line"]))


def convert_ok(src, name, *extra):
    out = work(name + ".embert")
    r = convert(src, out, "--quiet", *extra)
    if not check(r.returncode == 0, "%s: exit %d: %s" % (name, r.returncode, r.stderr.strip())):
        return None, (None, None), r
    check(leftovers(out) == [os.path.basename(out)], "%s: left %s" % (name, leftovers(out)))
    check(r.stdout == "", "%s: --quiet printed %r" % (name, r.stdout[:200]))
    d = dump(out)
    if d is None:
        return None, (None, None), r
    data = check_file(out, d)
    check_config(out, d, src)
    return out, (d, data), r


def vocab_of(src):
    with open(os.path.join(src, "vocab.txt"), encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


def source_of(src, name="model.safetensors"):
    return safetensors_io.load(os.path.join(src, name))


# --- The cases ----------------------------------------------------------------

def case_classifier_int8_and_fp32():
    src = make("cls", *SMALL, "--labels", "3", "--seed", "11")
    w = {k: v.copy() for k, v in source_of(src).items()}
    # A zero output channel (a pruned neuron): its scale must stay finite.
    w["bert.encoder.layer.0.attention.self.query.weight"][5, :] = 0
    safetensors_io.save(os.path.join(src, "model.safetensors"), w)
    # id2label in file order 2, 0, 1: labels must come out ordered by id.
    edit_json(os.path.join(src, "config.json"), id2label={"2": "c", "0": "a", "1": "b"},
              label2id={"c": 2, "a": 0, "b": 1})
    files = ["config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"]

    out, (d, data), _ = convert_ok(src, "cls-int8")
    if out:
        check_weights(out, d, data, w, int8=True)
        check(d["quantization"] == {"weights": "INT8_PER_CHANNEL", "activations": "DYNAMIC_PER_TOKEN"},
              "cls-int8: quantization %s" % d["quantization"])
        t = d["tensors"]["layers.0.query.weight"]
        check(t["scales"][5] == 1.0, "cls-int8: zero row scale %s" % t["scales"][5])
        check(d["classifier"] == {"labels": ["a", "b", "c"], "score": "SOFTMAX"}, "cls-int8: %s" % d["classifier"])
        check(d["pooler"] and d["masked_lm"] is None and not d["next_sentence"], "cls-int8: heads")
        check(d["activation_stats"] == 0, "cls-int8: activation_stats %s" % d["activation_stats"])
        check_provenance(out, d, src, "huggingface-safetensors", files)
        tok = d["tokenizer"]
        vocab = vocab_of(src)
        check(tok["vocab"] == vocab, "cls-int8: vocabulary differs from vocab.txt")
        ids = {s: vocab.index(s) for s in ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]}
        check([tok["unk_id"], tok["cls_id"], tok["sep_id"], tok["pad_id"], tok["mask_id"]] ==
              [ids["[UNK]"], ids["[CLS]"], ids["[SEP]"], ids["[PAD]"], ids["[MASK]"]], "cls-int8: special ids")
        check(sorted(tok["special_ids"]) == sorted(ids.values()), "cls-int8: special_ids %s" % tok["special_ids"])
        check(tok["max_seq_len"] == 32 and tok["do_lower_case"] and tok["strip_accents"] == "FOLLOW_LOWER_CASE" and
              tok["tokenize_chinese_chars"], "cls-int8: tokenizer flags %s" % {k: v for k, v in tok.items()
                                                                                  if k != "vocab"})
        with open(os.path.join(ARGS.root, "sdk", "src", "format", "vocab_index.h")) as f:
            fmt = int(re.search(r"kVocabIndexFormat = (\d+);", f.read()).group(1))
        check(tok["vocab_index_format"] == fmt, "cls-int8: vocab_index_format %s" % tok["vocab_index_format"])

    out, (d, data), _ = convert_ok(src, "cls-fp32", "--quantize", "fp32")
    if out:
        check_weights(out, d, data, w, int8=False)
        check(d["quantization"] == {"weights": "NONE", "activations": "NONE"}, "cls-fp32: %s" % d["quantization"])

    # The summary (without --quiet): one line per tensor with its error, and the file size.
    out = work("cls-summary.embert")
    r = convert(src, out)
    check(r.returncode == 0 and "layers.1.output.weight" in r.stdout and "int8" in r.stdout and
          str(os.path.getsize(out)) + " bytes" in r.stdout, "summary: %s" % r.stdout[-400:])

    # Options: --labels, --max-seq-len (clamped to the position table).
    labels = work("labels.txt")
    with open(labels, "w") as f:
        f.write("neg\nneutral\npos\n")
    out, (d, _), _ = convert_ok(src, "cls-labels", "--labels", labels, "--max-seq-len", "16")
    if out:
        check(d["classifier"]["labels"] == ["neg", "neutral", "pos"], "--labels: %s" % d["classifier"])
        check(d["tokenizer"]["max_seq_len"] == 16, "--max-seq-len 16: %s" % d["tokenizer"]["max_seq_len"])
    out, (d, _), r = convert_ok(src, "cls-long", "--max-seq-len", "1000")
    if out:
        check(d["tokenizer"]["max_seq_len"] == 32, "--max-seq-len 1000 > 32 positions: %s" %
              d["tokenizer"]["max_seq_len"])
        check("max-seq-len" in r.stderr, "--max-seq-len 1000: no warning: %r" % r.stderr)
    with open(labels, "w") as f:
        f.write("neg\npos\n")
    out = work("cls-badlabels.embert")
    r = convert(src, out, "--labels", labels)
    check(r.returncode == 1 and r.stderr.startswith("bert-convert: error:") and "labels" in r.stderr and
          not leftovers(out), "--labels with 2 names for 3 logits: exit %d %r" % (r.returncode, r.stderr))


def case_tokenizer_model_max_length():
    src = make("maxlen", *SMALL, "--labels", "2", "--seed", "12")
    edit_json(os.path.join(src, "tokenizer_config.json"), model_max_length=24)
    out, (d, _), _ = convert_ok(src, "maxlen")
    if out:
        check(d["tokenizer"]["max_seq_len"] == 24, "model_max_length 24: %s" % d["tokenizer"]["max_seq_len"])
    # Hugging Face's "no limit" sentinel falls back to the position table.
    edit_json(os.path.join(src, "tokenizer_config.json"), model_max_length=1000000000000000019884624838656)
    out, (d, _), _ = convert_ok(src, "maxlen-huge")
    if out:
        check(d["tokenizer"]["max_seq_len"] == 32, "model_max_length 1e30: %s" % d["tokenizer"]["max_seq_len"])


def case_single_and_multi_label_use_sigmoid():
    for name, extra in [("one-label", ["--labels", "1"]), ("multi-label", ["--labels", "4", "--multi-label"])]:
        src = make(name, *SMALL, *extra, "--seed", "13")
        out, (d, data), _ = convert_ok(src, name)
        if out:
            check(d["classifier"]["score"] == "SIGMOID", "%s: score %s" % (name, d["classifier"]["score"]))
            check_weights(out, d, data, source_of(src), int8=True)


def case_f16_masked_lm_untied_decoder():
    src = make("mlm-f16", *SMALL, "--mlm", "--dtype", "f16", "--seed", "14")
    w = source_of(src)
    rng = np.random.default_rng(0)
    w["cls.predictions.decoder.weight"] = rng.normal(0, 0.02, size=(120, 32)).astype(np.float16)
    w["cls.predictions.decoder.bias"] = w["cls.predictions.bias"]  # HF saves the tied bias twice
    safetensors_io.save(os.path.join(src, "model.safetensors"), w, "F16")
    out, (d, data), r = convert_ok(src, "mlm-f16")
    if out:
        del w["cls.predictions.decoder.bias"]
        check_weights(out, d, data, w, int8=True, tied=False)
        check(d["masked_lm"] == {"decoder_present": True} and d["classifier"] is None, "mlm-f16: heads")
        check("warning" not in r.stderr, "mlm-f16: unexpected warning %r" % r.stderr)


def case_bf16_pretraining_tied_decoder():
    src = make("pretrain-bf16", *SMALL, "--mlm", "--nsp", "--dtype", "bf16", "--seed", "15")
    w = source_of(src)
    w["cls.predictions.decoder.weight"] = w["bert.embeddings.word_embeddings.weight"].copy()  # tied
    safetensors_io.save(os.path.join(src, "model.safetensors"), w, "BF16")
    out, (d, data), _ = convert_ok(src, "pretrain-bf16")
    if out:
        check_weights(out, d, data, w, int8=True, tied=True)
        check(d["masked_lm"] == {"decoder_present": False}, "pretrain-bf16: tied decoder written")
        check(d["next_sentence"] and d["pooler"], "pretrain-bf16: heads")


def case_bare_names_legacy_norms_and_tokenizer_files():
    src = make("bare", *SMALL, "--seed", "16")
    w = source_of(src)
    renamed = {}
    for k, v in w.items():
        k = k[len("bert."):]
        k = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        renamed[k] = v
    renamed["embeddings.position_ids"] = np.arange(32, dtype=np.int64).reshape(1, 32)
    renamed["extra.unused.weight"] = np.ones(3, dtype=np.float32)
    safetensors_io.save(os.path.join(src, "model.safetensors"), renamed)
    with open(os.path.join(src, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": False, "strip_accents": True, "tokenize_chinese_chars": False}, f)
    extra_special = vocab_of(src)[-1]
    with open(os.path.join(src, "special_tokens_map.json"), "w") as f:
        json.dump({"unk_token": "[UNK]", "additional_special_tokens": [{"content": extra_special, "special": True}]}, f)
    out, (d, data), r = convert_ok(src, "bare")
    if out:
        check_weights(out, d, data, w, int8=True)
        check("extra.unused.weight" in r.stderr and "position_ids" not in r.stderr,
              "bare: unused-tensor warning %r" % r.stderr)
        tok = d["tokenizer"]
        vocab = vocab_of(src)
        check(not tok["do_lower_case"] and tok["strip_accents"] == "STRIP" and not tok["tokenize_chinese_chars"],
              "bare: tokenizer flags")
        check(vocab.index(extra_special) in tok["special_ids"], "bare: additional special token missing")
        check(tok["max_seq_len"] == 32, "bare: max_seq_len %s" % tok["max_seq_len"])
        check_provenance(out, d, src, "huggingface-safetensors",
                         ["config.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json",
                          "model.safetensors"])
    with open(os.path.join(src, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "strip_accents": False}, f)
    out, (d, _), _ = convert_ok(src, "bare-keep")
    if out:
        check(d["tokenizer"]["strip_accents"] == "KEEP", "strip_accents false: %s" % d["tokenizer"]["strip_accents"])


def case_added_tokens_extend_the_vocabulary():
    # tokenizer.add_tokens + resize_token_embeddings: vocab.txt keeps the base
    # vocabulary, added_tokens.json holds the rest, config counts both.
    src = make("added", *SMALL[:-4], "--vocab", "122", "--max-pos", "32", "--labels", "2", "--seed", "17")
    vocab = vocab_of(src)[:120]
    with open(os.path.join(src, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    with open(os.path.join(src, "added_tokens.json"), "w") as f:
        json.dump({"<ent>": 120, "</ent>": 121}, f)
    out, (d, data), _ = convert_ok(src, "added")
    if out:
        check(d["tokenizer"]["vocab"] == vocab + ["<ent>", "</ent>"], "added: vocabulary %s" %
              d["tokenizer"]["vocab"][118:])
        check({120, 121} <= set(d["tokenizer"]["special_ids"]), "added: added tokens not kept whole")
        check_weights(out, d, data, source_of(src), int8=True)
        check_provenance(out, d, src, "huggingface-safetensors",
                         ["config.json", "vocab.txt", "tokenizer_config.json", "added_tokens.json",
                          "model.safetensors"])
    # The same tokens in tokenizer_config.json's added_tokens_decoder (transformers >= 4.34).
    os.remove(os.path.join(src, "added_tokens.json"))
    edit_json(os.path.join(src, "tokenizer_config.json"), added_tokens_decoder={
        "0": {"content": "[PAD]", "special": True}, "121": {"content": "</ent>", "special": True},
        "120": {"content": "<ent>", "special": False}})
    out, (d, _), _ = convert_ok(src, "added-decoder")
    if out:
        check(d["tokenizer"]["vocab"] == vocab + ["<ent>", "</ent>"], "added_tokens_decoder: vocabulary")
        check({120, 121} <= set(d["tokenizer"]["special_ids"]), "added_tokens_decoder: special ids")


def case_sharded_safetensors():
    src = make("sharded", *SMALL, "--labels", "2", "--seed", "18")
    w = source_of(src)
    os.remove(os.path.join(src, "model.safetensors"))
    names = list(w)
    shards = {"model-00001-of-00002.safetensors": names[:len(names) // 2],
              "model-00002-of-00002.safetensors": names[len(names) // 2:]}
    for fname, part in shards.items():
        safetensors_io.save(os.path.join(src, fname), {n: w[n] for n in part})
    with open(os.path.join(src, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": {n: fn for fn, p in shards.items() for n in p}}, f)
    out, (d, data), _ = convert_ok(src, "sharded")
    if out:
        check_weights(out, d, data, w, int8=True)
        check_provenance(out, d, src, "huggingface-safetensors-sharded",
                         ["config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors.index.json",
                          *shards])


def case_torch_formats_and_safetensors_preference():
    ref = make("torch-ref", *SMALL, "--labels", "2", "--mlm", "--seed", "19")
    w = source_of(ref)
    for fmt, flag in [("torch-zip", "--torch"), ("torch-legacy", "--torch-legacy")]:
        src = make(fmt, *SMALL, "--labels", "2", "--mlm", "--seed", "19", flag, "--no-safetensors")
        out, (d, data), _ = convert_ok(src, fmt)
        if out:
            check_weights(out, d, data, w, int8=True)
            check_provenance(out, d, src, "huggingface-" + fmt,
                             ["config.json", "vocab.txt", "tokenizer_config.json", "pytorch_model.bin"])
    # Both present: model.safetensors wins (pytorch_model.bin here holds other weights).
    src = work("both")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(ref, src)
    other = make("torch-other", *SMALL, "--labels", "2", "--mlm", "--seed", "20", "--torch", "--no-safetensors")
    shutil.copy(os.path.join(other, "pytorch_model.bin"), os.path.join(src, "pytorch_model.bin"))
    out, (d, data), _ = convert_ok(src, "both")
    if out:
        check_weights(out, d, data, w, int8=True)
        check(d["provenance"]["source_format"] == "huggingface-safetensors", "both: %s" % d["provenance"])


def case_usage_errors():
    src = work("cls")
    for args in [[], [src], [src, "-o"], [src, "-o", work("u.embert"), "--quantize", "int4"],
                 [src, "-o", work("u.embert"), "--frobnicate"], [src, src, "-o", work("u.embert")]]:
        r = subprocess.run([ARGS.convert, *args], capture_output=True, text=True)
        check(r.returncode == 2 and r.stderr.startswith("bert-convert: ") and "usage:" in r.stderr,
              "usage error %s: exit %d %r" % (args, r.returncode, r.stderr[:200]))
    check(not os.path.exists(work("u.embert")), "usage error left an output file")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--convert", required=True)
    ap.add_argument("--dump", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ARGS = ap.parse_args()
    ARGS.work = os.path.abspath(ARGS.work)
    os.makedirs(ARGS.work, exist_ok=True)
    cases = [v for k, v in globals().items() if k.startswith("case_")]
    for case in cases:
        before = len(FAILURES)
        print(case.__name__)
        try:
            case()
        except Exception as e:  # a crash in one case must not hide the others
            FAILURES.append("%s raised %r" % (case.__name__, e))
            print("  FAIL raised %r" % e)
        print("  %s" % ("ok" if len(FAILURES) == before else "FAILED"))
    print("%d checks, %d failed" % (CHECKS[0], len(FAILURES)))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
