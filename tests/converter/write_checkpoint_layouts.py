#!/usr/bin/env python3
"""Rewrites a Hugging Face BERT directory as the checkpoints other frameworks save,
for testing bert-convert's TensorFlow and MindSpore readers and layout adapters.

The files are written from the format specifications -- LevelDB table_format.md
(the .index SSTable), TensorFlow tensor_bundle.proto (BundleHeaderProto,
BundleEntryProto, the data shards) and MindSpore checkpoint.proto -- by this
script alone: neither TensorFlow nor MindSpore is imported or needed.

  /usr/bin/python3 tests/converter/write_checkpoint_layouts.py --hf DIR --layout LAYOUT
      --out OUTDIR [--shards N] [--snappy] [--ms-old-names] [--seed S]

DIR is made by tests/reference/make_random_bert.py (config.json, model.safetensors,
vocab.txt). LAYOUT:
  tf1        google-research/bert: bert_model.ckpt.index, bert_model.ckpt.data-0000i-of-0000N,
             bert_config.json, vocab.txt; Adam slots (<name>/adam_m, adam_v) and global_step;
             qa_outputs as run_squad's cls/squad/output_weights, output_bias
  tf2        tf.train.Checkpoint(encoder=BertEncoder): ckpt-1.index, ckpt-1.data-*,
             bert_config.json, vocab.txt; save_counter and _CHECKPOINTABLE_OBJECT_GRAPH
  keras      Keras model (BertEncoderV2 + Dense head) save_weights: model.index, model.data-*,
             bert_config.json, vocab.txt; a few .OPTIMIZER_SLOT entries and optimizer/iter
  mindspore  model-zoo BERT: bert.ckpt (word table split over two records), config.yaml,
             vocab.txt; moment1./moment2. slots, global_step, learning_rate; qa_outputs as
             BertSquad's bert.dense1 (with its total_num, start_num, end_num counters)
--shards N splits the TF tensors over N data files; --snappy compresses the .index
blocks with Snappy (literal-only elements, valid Snappy); --ms-old-names uses the older
MindSpore embedding names. Output is deterministic (optimizer noise from --seed).
"""
import argparse
import json
import os
import shutil
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import safetensors_io  # noqa: E402

# ---------------------------------------------------------------- crc32c, protobuf, snappy

def save(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


_CRC_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ (0x82F63B78 if _c & 1 else 0)
    _CRC_TABLE.append(_c)


def crc32c(data, crc=0):
    """CRC-32C (Castagnoli, reflected), extendable: crc32c(b, crc32c(a)) == crc32c(a + b)."""
    c = crc ^ 0xFFFFFFFF
    table = _CRC_TABLE
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


assert crc32c(bytes(32)) == 0x8A9136AA and crc32c(b"123456789") == 0xE3069283  # RFC 3720


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def pb_varint(field, v):
    return varint(field << 3) + varint(v)


def pb_bytes(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def pb_fixed32(field, v):
    return varint(field << 3 | 5) + struct.pack("<I", v)


def snappy_literals(data):
    """A valid Snappy stream of literal elements only (no back-references)."""
    out = bytearray(varint(len(data)))
    for start in range(0, len(data), 65536):
        chunk = data[start:start + 65536]
        n = len(chunk) - 1
        if n < 60:
            out.append(n << 2)
        else:
            nbytes = (n.bit_length() + 7) // 8
            out.append((59 + nbytes) << 2)
            out += n.to_bytes(nbytes, "little")
        out += chunk
    return bytes(out)


# ---------------------------------------------------------------- LevelDB table (.index)

def sstable_block(entries, restart_interval):
    """Prefix-compressed entries, then the restart array and its count."""
    out, restarts, prev = bytearray(), [], b""
    for i, (key, value) in enumerate(entries):
        shared = 0
        if i % restart_interval == 0:
            restarts.append(len(out))
        else:
            while shared < min(len(prev), len(key)) and prev[shared] == key[shared]:
                shared += 1
        out += varint(shared) + varint(len(key) - shared) + varint(len(value)) + key[shared:] + value
        prev = key
    restarts = restarts or [0]
    return bytes(out) + b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))


def write_sstable(path, entries, snappy=False, restart_interval=4, block_size=1024):
    """entries: [(key bytes, value bytes)] sorted by key. Several data blocks of about
    block_size bytes; every block (data, metaindex, index) compressed when snappy."""
    f = bytearray()

    def put_block(contents):
        kind = 0
        if snappy:
            contents, kind = snappy_literals(contents), 1
        handle = varint(len(f)) + varint(len(contents))
        f.extend(contents + bytes([kind]) + struct.pack("<I", masked(crc32c(contents + bytes([kind])))))
        return handle

    keys = [k for k, _ in entries]
    assert keys == sorted(keys) and len(set(keys)) == len(keys), "keys must be sorted and unique"
    index, pending, size = [], [], 0
    for key, value in entries:
        pending.append((key, value))
        size += len(key) + len(value) + 3
        if size >= block_size:
            index.append((key, put_block(sstable_block(pending, restart_interval))))  # last key: a separator
            pending, size = [], 0
    if pending:
        index.append((pending[-1][0], put_block(sstable_block(pending, restart_interval))))
    meta_handle = put_block(sstable_block([], 1))
    index_handle = put_block(sstable_block(index, 1))
    footer = (meta_handle + index_handle).ljust(40, b"\0") + struct.pack("<Q", 0xDB4775248B80FB57)
    save(path, bytes(f) + footer)


# ---------------------------------------------------------------- TensorFlow tensor bundle

DT_FLOAT, DT_INT32, DT_STRING, DT_INT64 = 1, 3, 7, 9
_TF_DTYPES = {np.dtype(np.float32): DT_FLOAT, np.dtype(np.int32): DT_INT32, np.dtype(np.int64): DT_INT64}


def string_tensor(strings):
    """tensor_bundle's DT_STRING encoding: varint lengths, masked crc32c of the lengths
    (as uint32), the bytes; the entry's crc covers lengths (uint32), that crc and bytes."""
    lengths = b"".join(varint(len(s)) for s in strings)
    crc = 0
    for s in strings:
        crc = crc32c(struct.pack("<I", len(s)), crc)
    length_crc = struct.pack("<I", masked(crc))
    crc = crc32c(length_crc, crc)
    for s in strings:
        crc = crc32c(s, crc)
    return lengths + length_crc + b"".join(strings), crc


def write_bundle(prefix, tensors, shards=1, snappy=False):
    """tensors: name -> numpy array (float32/int32/int64) or bytes (a DT_STRING scalar).
    Keys sorted by bytes; tensor i of n goes to shard i * shards // n (no alignment)."""
    names = sorted(tensors, key=lambda s: s.encode())
    data = [bytearray() for _ in range(shards)]
    header = pb_varint(1, shards) + pb_bytes(3, pb_varint(1, 1))  # endianness 0 = LITTLE (default)
    entries = [(b"", header)]
    for i, name in enumerate(names):
        shard = i * shards // len(names)
        value = tensors[name]
        if isinstance(value, bytes):
            (dtype, shape), (raw, crc) = (DT_STRING, ()), string_tensor([value])
        else:
            a = np.asarray(value)  # (ascontiguousarray would make a scalar 1-d)
            dtype, shape = _TF_DTYPES[a.dtype], a.shape
            raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
            crc = crc32c(raw)
        dims = b"".join(pb_bytes(2, pb_varint(1, d) if d else b"") for d in shape)
        entry = pb_varint(1, dtype) + pb_bytes(2, dims)
        entry += (pb_varint(3, shard) if shard else b"") + (pb_varint(4, len(data[shard])) if data[shard] else b"")
        entry += pb_varint(5, len(raw)) + pb_fixed32(6, masked(crc))
        entries.append((name.encode(), entry))
        data[shard] += raw
    write_sstable(prefix + ".index", entries, snappy=snappy)
    for i, d in enumerate(data):
        save("%s.data-%05d-of-%05d" % (prefix, i, shards), bytes(d))


# ---------------------------------------------------------------- the Hugging Face source

def load_hf(hf_dir):
    """(config dict, {HF name: float32 array}) with the "bert." prefix and weight/bias leaves
    restored where a file omits them; the tied MLM decoder and integer buffers dropped."""
    with open(os.path.join(hf_dir, "config.json")) as f:
        config = json.load(f)
    weights = {}
    for name, a in safetensors_io.load(os.path.join(hf_dir, "model.safetensors")).items():
        if a.dtype.kind != "f" or name.startswith("cls.predictions.decoder."):
            continue
        if name.split(".")[0] in ("embeddings", "encoder", "pooler"):
            name = "bert." + name
        for old, new in ((".gamma", ".weight"), (".beta", ".bias")):
            name = name[:-len(old)] + new if name.endswith(old) else name
        weights[name] = np.ascontiguousarray(a, dtype=np.float32)
    return config, weights


def google_config(config):
    """google-research/bert's bert_config.json (no model_type)."""
    keys = [("vocab_size", None), ("hidden_size", None), ("num_hidden_layers", None), ("num_attention_heads", None),
            ("intermediate_size", None), ("hidden_act", "gelu"), ("hidden_dropout_prob", 0.1),
            ("attention_probs_dropout_prob", 0.1), ("max_position_embeddings", None), ("type_vocab_size", 2),
            ("initializer_range", 0.02)]
    out = {k: config[k] if default is None else config.get(k, default) for k, default in keys}
    if config.get("layer_norm_eps", 1e-12) != 1e-12:
        out["layer_norm_eps"] = config["layer_norm_eps"]
    return out


def copy_side_files(hf_dir, out_dir, config):
    shutil.copyfile(os.path.join(hf_dir, "vocab.txt"), os.path.join(out_dir, "vocab.txt"))
    if config is not None:
        save(os.path.join(out_dir, "bert_config.json"), json.dumps(google_config(config), indent=2) + "\n")


# ---------------------------------------------------------------- TF1 (google-research/bert)

def tf1_tensors(w, config, rng):
    t = {}

    def dense(tf, hf):  # TF kernels are [in, out]
        t[tf + "/kernel"] = w[hf + ".weight"].T.copy()
        t[tf + "/bias"] = w[hf + ".bias"]

    def norm(tf, hf):
        t[tf + "/gamma"], t[tf + "/beta"] = w[hf + ".weight"], w[hf + ".bias"]

    for kind in ("word", "position", "token_type"):
        t["bert/embeddings/%s_embeddings" % kind] = w["bert.embeddings.%s_embeddings.weight" % kind]
    norm("bert/embeddings/LayerNorm", "bert.embeddings.LayerNorm")
    for n in range(config["num_hidden_layers"]):
        tf, hf = "bert/encoder/layer_%d/" % n, "bert.encoder.layer.%d." % n
        for x in ("query", "key", "value"):
            dense(tf + "attention/self/" + x, hf + "attention.self." + x)
        dense(tf + "attention/output/dense", hf + "attention.output.dense")
        norm(tf + "attention/output/LayerNorm", hf + "attention.output.LayerNorm")
        dense(tf + "intermediate/dense", hf + "intermediate.dense")
        dense(tf + "output/dense", hf + "output.dense")
        norm(tf + "output/LayerNorm", hf + "output.LayerNorm")
    if "bert.pooler.dense.weight" in w:
        dense("bert/pooler/dense", "bert.pooler.dense")
    if "classifier.weight" in w:  # run_classifier: [labels, hidden], used with transpose_b
        t["output_weights"], t["output_bias"] = w["classifier.weight"], w["classifier.bias"]
    if "qa_outputs.weight" in w:  # run_squad: cls/squad/output_weights [2, hidden], used with transpose_b
        t["cls/squad/output_weights"], t["cls/squad/output_bias"] = w["qa_outputs.weight"], w["qa_outputs.bias"]
    if "cls.predictions.bias" in w:
        dense("cls/predictions/transform/dense", "cls.predictions.transform.dense")
        norm("cls/predictions/transform/LayerNorm", "cls.predictions.transform.LayerNorm")
        t["cls/predictions/output_bias"] = w["cls.predictions.bias"]
    if "cls.seq_relationship.weight" in w:
        t["cls/seq_relationship/output_weights"] = w["cls.seq_relationship.weight"]
        t["cls/seq_relationship/output_bias"] = w["cls.seq_relationship.bias"]
    for name in list(t):  # optimizer noise a reader must ignore
        t[name + "/adam_m"] = rng.normal(0, 0.01, t[name].shape).astype(np.float32)
        t[name + "/adam_v"] = rng.random(t[name].shape).astype(np.float32)
    t["global_step"] = np.array(12345, dtype=np.int64)
    return t


# ---------------------------------------------------------------- TF2 objects (Model Garden)

VAR = "/.ATTRIBUTES/VARIABLE_VALUE"
OBJECT_GRAPH = b"\x0a\x00 written by write_checkpoint_layouts.py (stand-in for a TrackableObjectGraph)"


def tf2_block(w, n, heads):
    """One TransformerEncoderBlock's variables (relative names): EinsumDense Q/K/V kernels
    [H, A, D], biases [A, D]; the attention output kernel [A, D, H]."""
    hf = "bert.encoder.layer.%d." % n
    H = w[hf + "attention.self.query.weight"].shape[1]
    A, D = heads, H // heads
    t = {}
    for tf, name in (("_query_dense", "query"), ("_key_dense", "key"), ("_value_dense", "value")):
        t["_attention_layer/%s/kernel" % tf] = w[hf + "attention.self.%s.weight" % name].T.reshape(H, A, D).copy()
        t["_attention_layer/%s/bias" % tf] = w[hf + "attention.self.%s.bias" % name].reshape(A, D)
    t["_attention_layer/_output_dense/kernel"] = w[hf + "attention.output.dense.weight"].T.reshape(A, D, H).copy()
    t["_attention_layer/_output_dense/bias"] = w[hf + "attention.output.dense.bias"]
    for tf, name in (("_attention_layer_norm", "attention.output.LayerNorm"),
                     ("_output_layer_norm", "output.LayerNorm")):
        t[tf + "/gamma"], t[tf + "/beta"] = w[hf + name + ".weight"], w[hf + name + ".bias"]
    for tf, name in (("_intermediate_dense", "intermediate.dense"), ("_output_dense", "output.dense")):
        t[tf + "/kernel"], t[tf + "/bias"] = w[hf + name + ".weight"].T.copy(), w[hf + name + ".bias"]
    return t


def tf2_tensors(w, config, rng, keras):
    """keras False: tf.train.Checkpoint(encoder=BertEncoder), sublayers numbered
    layer_with_weights-K; save_counter. keras True: a Keras model (BertEncoderV2 with named
    sublayers + a Dense head) saved with save_weights; a few Adam slots and optimizer/iter."""
    L = config["num_hidden_layers"]
    if keras:
        E, block, pooler = "layer_with_weights-0/", "_transformer_layers/%d/", "_pooler_layer/"
        emb = ["_embedding_layer/embeddings", "_position_embedding_layer/embeddings",
               "_type_embedding_layer/embeddings", "_embedding_norm_layer/gamma", "_embedding_norm_layer/beta"]
    else:
        E, block, pooler = "encoder/", "layer_with_weights-%d/", "layer_with_weights-%d/" % (4 + L)
        emb = ["layer_with_weights-0/embeddings", "layer_with_weights-1/embeddings",
               "layer_with_weights-2/embeddings", "layer_with_weights-3/gamma", "layer_with_weights-3/beta"]
    hf = ["bert.embeddings.%s_embeddings.weight" % x for x in ("word", "position", "token_type")]
    t = {E + k: w[h] for k, h in zip(emb, hf + ["bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias"])}
    for n in range(L):
        for name, a in tf2_block(w, n, config["num_attention_heads"]).items():
            t[E + block % (n if keras else 4 + n) + name] = a
    if "bert.pooler.dense.weight" in w:
        t[E + pooler + "kernel"] = w["bert.pooler.dense.weight"].T.copy()
        t[E + pooler + "bias"] = w["bert.pooler.dense.bias"]
    if keras and "classifier.weight" in w:  # Keras Dense: [hidden, labels]
        t["layer_with_weights-1/kernel"] = w["classifier.weight"].T.copy()
        t["layer_with_weights-1/bias"] = w["classifier.bias"]
    out = {k + VAR: v for k, v in t.items()}
    out["_CHECKPOINTABLE_OBJECT_GRAPH"] = OBJECT_GRAPH
    if not keras:
        out["save_counter" + VAR] = np.array(1, dtype=np.int64)
        return out
    for k in sorted(t)[:3] + [k for k in t if k.startswith("layer_with_weights-1/")]:
        for slot in ("m", "v"):
            out[k + "/.OPTIMIZER_SLOT/optimizer/%s" % slot + VAR] = rng.normal(0, 0.01, t[k].shape).astype(np.float32)
    out["optimizer/iter" + VAR] = np.array(1000, dtype=np.int64)
    return out


# ---------------------------------------------------------------- MindSpore model zoo

def ms_record(tag, dims, tensor_type, content):
    """One Checkpoint.value: Value{tag = 1, tensor = 2: TensorProto{dims = 1 (proto2, one
    varint per dim), tensor_type = 2, tensor_content = 3}}."""
    tensor = b"".join(pb_varint(1, d) for d in dims) + pb_bytes(2, tensor_type.encode()) + pb_bytes(3, content)
    return pb_bytes(1, pb_bytes(1, tag.encode()) + pb_bytes(2, tensor))


def mindspore_params(w, config, old_names):
    """[(MindSpore name, array)] in BertCLS / BertNetworkWithLoss order; nn.Dense weights
    are [out, in] as in PyTorch, LayerNorm parameters gamma/beta."""
    B = "bert.bert."
    p = []

    def dense(ms, hf):
        p.extend([(ms + ".weight", w[hf + ".weight"]), (ms + ".bias", w[hf + ".bias"])])

    def norm(ms, hf):
        p.extend([(ms + ".gamma", w[hf + ".weight"]), (ms + ".beta", w[hf + ".bias"])])

    post = B + "bert_embedding_postprocessor."
    p.append((B + "bert_embedding_lookup.embedding_table", w["bert.embeddings.word_embeddings.weight"]))
    p.append((post + ("embedding_table" if old_names else "token_type_embedding.embedding_table"),
              w["bert.embeddings.token_type_embeddings.weight"]))
    p.append((post + ("full_position_embeddings" if old_names else "full_position_embedding.embedding_table"),
              w["bert.embeddings.position_embeddings.weight"]))
    norm(post + "layernorm", "bert.embeddings.LayerNorm")
    for n in range(config["num_hidden_layers"]):
        ms, hf = B + "bert_encoder.layers.%d." % n, "bert.encoder.layer.%d." % n
        for x in ("query", "key", "value"):
            dense(ms + "attention.attention.%s_layer" % x, hf + "attention.self." + x)
        dense(ms + "attention.output.dense", hf + "attention.output.dense")
        norm(ms + "attention.output.layernorm", hf + "attention.output.LayerNorm")
        dense(ms + "intermediate", hf + "intermediate.dense")
        dense(ms + "output.dense", hf + "output.dense")
        norm(ms + "output.layernorm", hf + "output.LayerNorm")
    if "bert.pooler.dense.weight" in w:
        dense(B + "dense", "bert.pooler.dense")
    if "classifier.weight" in w:
        dense("bert.dense_1", "classifier")
    if "qa_outputs.weight" in w:  # BertSquad(bert=BertSquadModel(bert=BertModel, dense1=Dense(hidden, 2)))
        dense("bert.dense1", "qa_outputs")
        p.extend((n, np.zeros([1], np.float32)) for n in ("total_num", "start_num", "end_num"))  # BertSquad's counters
    if "cls.predictions.bias" in w:
        dense("bert.cls1.dense", "cls.predictions.transform.dense")
        norm("bert.cls1.layernorm", "cls.predictions.transform.LayerNorm")
        p.append(("bert.cls1.output_bias", w["cls.predictions.bias"]))
    if "cls.seq_relationship.weight" in w:
        dense("bert.cls2.dense", "cls.seq_relationship")
    return p


def write_mindspore(path, params, rng):
    """The parameters (the word table split by rows over two records with the same tag,
    each carrying the full dims, as MindSpore splits large tensors), then, as MindSpore
    saves a training network, global_step (Int32 [1]), learning_rate (Float32 scalar:
    dims [0], one element) and the Adam moments of every parameter."""
    f32 = lambda a: np.ascontiguousarray(a, dtype="<f4").tobytes()  # noqa: E731
    records = []
    for name, a in params:
        if name.endswith("bert_embedding_lookup.embedding_table"):
            half = a.shape[0] // 2
            records += [ms_record(name, a.shape, "Float32", f32(a[:half])),
                        ms_record(name, a.shape, "Float32", f32(a[half:]))]
        else:
            records.append(ms_record(name, a.shape, "Float32", f32(a)))
    records.append(ms_record("global_step", [1], "Int32", np.array([1875], dtype="<i4").tobytes()))
    records.append(ms_record("learning_rate", [0], "Float32", f32(np.array([5e-5]))))
    for slot in ("moment1.", "moment2."):
        for name, a in params:
            records.append(ms_record(slot + name, a.shape, "Float32", f32(rng.normal(0, 0.01, a.shape))))
    save(path, b"".join(records))


def mindspore_yaml(config):
    """The model zoo's *_config.yaml: bert_network names the section to read; large_net_cfg
    holds other numbers (a reader must pick base_net_cfg)."""
    c = config

    def section(name, v, h, layers, heads, inter, pos, eps):
        keys = [("seq_length", 128), ("vocab_size", v), ("hidden_size", h), ("num_hidden_layers", layers),
                ("num_attention_heads", heads), ("intermediate_size", inter), ("hidden_act", '"%s"' % c["hidden_act"]),
                ("hidden_dropout_prob", 0.1), ("attention_probs_dropout_prob", 0.1), ("max_position_embeddings", pos),
                ("type_vocab_size", c.get("type_vocab_size", 2)), ("initializer_range", 0.02),
                ("use_relative_positions", "False"), ("dtype", "mstype.float32"), ("compute_type", "mstype.float16")]
        keys += [("layer_norm_eps", repr(eps))] if eps is not None else []
        return [name + ":"] + ["    %s: %s" % kv for kv in keys]

    lines = ["# Builtin Configurations (model zoo BERT style), written by write_checkpoint_layouts.py",
             "bert_network: 'base'"]
    lines += section("base_net_cfg", c["vocab_size"], c["hidden_size"], c["num_hidden_layers"],
                     c["num_attention_heads"], c["intermediate_size"], c["max_position_embeddings"],
                     c.get("layer_norm_eps"))
    lines += section("large_net_cfg", 30522, 1024, 24, 16, 4096, 512, None)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hf", required=True, help="Hugging Face BERT directory (make_random_bert.py)")
    ap.add_argument("--layout", required=True, choices=["tf1", "tf2", "keras", "mindspore"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--shards", type=int, default=1, help="TF data shards (default 1)")
    ap.add_argument("--snappy", action="store_true", help="Snappy-compress the .index blocks")
    ap.add_argument("--ms-old-names", action="store_true", help="older MindSpore embedding names")
    ap.add_argument("--seed", type=int, default=0, help="seed of the optimizer-state noise")
    a = ap.parse_args()
    if not 1 <= a.shards <= 99999:
        ap.error("--shards: 1..99999")
    config, w = load_hf(a.hf)
    if a.layout in ("tf2", "keras") and "qa_outputs.weight" in w:
        ap.error("%s has qa_outputs: no TF2 / Keras name for a span-labeling head is known (converter/README.md)"
                 % a.hf)
    rng = np.random.default_rng(a.seed)
    os.makedirs(a.out, exist_ok=True)
    if a.layout == "mindspore":
        write_mindspore(os.path.join(a.out, "bert.ckpt"), mindspore_params(w, config, a.ms_old_names), rng)
        save(os.path.join(a.out, "config.yaml"), mindspore_yaml(config))
        copy_side_files(a.hf, a.out, None)
        written = ["bert.ckpt", "config.yaml", "vocab.txt"]
    else:
        prefix = {"tf1": "bert_model.ckpt", "tf2": "ckpt-1", "keras": "model"}[a.layout]
        tensors = tf1_tensors(w, config, rng) if a.layout == "tf1" else tf2_tensors(w, config, rng, a.layout == "keras")
        if a.layout == "keras" and "classifier.weight" not in w:
            print("note: %s has no classifier: the Keras model has no Dense head" % a.hf, file=sys.stderr)
        write_bundle(os.path.join(a.out, prefix), tensors, a.shards, a.snappy)
        copy_side_files(a.hf, a.out, config)
        written = [prefix + ".index"] + ["%s.data-%05d-of-%05d" % (prefix, i, a.shards) for i in range(a.shards)]
        written += ["bert_config.json", "vocab.txt"]
    print("%s: %s" % (a.out, " ".join(written)))


if __name__ == "__main__":
    main()
