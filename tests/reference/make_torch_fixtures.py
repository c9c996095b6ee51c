#!/usr/bin/env python3
"""Writes the checkpoint-reader fixtures in tests/data/checkpoint-formats/generated
with real torch (Debian 12 python3-torch) and numpy, so that the C++ readers
are compared with values torch itself produced:

  bert_tiny.zip.pt, bert_tiny.legacy.pt, bert_tiny.safetensors,
  bert_tiny.shard-{1,2}-of-2.safetensors + bert_tiny.safetensors.index.json
      one BERT-shaped state dict (HF names) in torch.save's zip format, its legacy
      format (_use_new_zipfile_serialization=False), safetensors and sharded
      safetensors; the torch files keep torch's own layout: the tied decoder
      weight shares the word embeddings' storage, a transposed view has strides,
      a row slice has a storage offset, plus F16/BF16/I64 tensors, a scalar and
      an empty tensor. The safetensors files are written here (there is no
      safetensors package in Debian) from each tensor's contiguous bytes.
  bert_tiny.expected.json
      name, dtype, shape and every value (as float32) of each tensor, taken from
      the torch tensors before saving, in state-dict order.
  checkpoint_nested.zip.pt
      a training checkpoint {"epoch", "state_dict", "optimizer", ...}: tensors
      are expected under "state_dict." and "optimizer.state.0.", the rest ignored.
  hostile_*.pt
      files torch.save wrote for objects that must be refused: os.system in the
      pickle (would run a command on a naive torch.load), a 4 TB tensor on a
      16-byte storage, a storage offset of 2^62 (overflows naive bounds checks).

  /usr/bin/python3 tests/reference/make_torch_fixtures.py [--out DIR]
"""
import argparse
import collections
import json
import os
import struct

import numpy as np
import torch

# A BERT of the smallest useful shape: 2 layers, hidden 8, 2 heads.
VOCAB, HIDDEN, LAYERS, INTERMEDIATE, MAX_POS, TYPES = 30, 8, 2, 16, 16, 2
ST_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
             torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
             torch.bool: "BOOL"}
PWNED = "/tmp/embert-readers-pwned"  # the hostile pickle's command would create this file


def bert_state_dict():
    g = torch.Generator().manual_seed(20240607)

    def w(*shape):
        return (torch.randn(*shape, generator=g) * 0.05).float()

    sd = collections.OrderedDict()
    sd["bert.embeddings.position_ids"] = torch.arange(MAX_POS, dtype=torch.int64).unsqueeze(0)
    sd["bert.embeddings.word_embeddings.weight"] = w(VOCAB, HIDDEN)
    sd["bert.embeddings.position_embeddings.weight"] = w(MAX_POS, HIDDEN)
    sd["bert.embeddings.token_type_embeddings.weight"] = w(TYPES, HIDDEN)
    sd["bert.embeddings.LayerNorm.weight"] = 1 + w(HIDDEN)
    sd["bert.embeddings.LayerNorm.bias"] = w(HIDDEN)
    for i in range(LAYERS):
        p = "bert.encoder.layer.%d." % i
        for m in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            sd[p + m + ".weight"] = w(HIDDEN, HIDDEN)
            sd[p + m + ".bias"] = w(HIDDEN)
        sd[p + "attention.output.LayerNorm.weight"] = 1 + w(HIDDEN)
        sd[p + "attention.output.LayerNorm.bias"] = w(HIDDEN)
        sd[p + "intermediate.dense.weight"] = w(INTERMEDIATE, HIDDEN)
        sd[p + "intermediate.dense.bias"] = w(INTERMEDIATE)
        sd[p + "output.dense.weight"] = w(HIDDEN, INTERMEDIATE)
        sd[p + "output.dense.bias"] = w(HIDDEN)
        sd[p + "output.LayerNorm.weight"] = 1 + w(HIDDEN)
        sd[p + "output.LayerNorm.bias"] = w(HIDDEN)
    sd["bert.pooler.dense.weight"] = w(HIDDEN, HIDDEN)
    sd["bert.pooler.dense.bias"] = w(HIDDEN)
    sd["cls.predictions.transform.dense.weight"] = w(HIDDEN, HIDDEN)
    sd["cls.predictions.transform.dense.bias"] = w(HIDDEN)
    sd["cls.predictions.transform.LayerNorm.weight"] = 1 + w(HIDDEN)
    sd["cls.predictions.transform.LayerNorm.bias"] = w(HIDDEN)
    sd["cls.predictions.bias"] = w(VOCAB)
    # Tied weights as HF saves them: the same storage under two names.
    sd["cls.predictions.decoder.weight"] = sd["bert.embeddings.word_embeddings.weight"]
    sd["cls.predictions.decoder.bias"] = sd["cls.predictions.bias"]
    # Layouts a converter must materialize: strides, a storage offset.
    sd["test.transposed_view"] = sd["bert.pooler.dense.weight"].t()
    sd["test.row_slice"] = sd["bert.embeddings.position_embeddings.weight"][3:6]
    sd["test.column_slice"] = sd["bert.embeddings.token_type_embeddings.weight"][:, 2:5]
    # Other dtypes, a 0-d and an empty tensor.
    sd["test.half"] = w(3, 4).half()
    sd["test.bfloat16"] = w(5).bfloat16()
    sd["test.float64"] = w(2, 3).double()
    sd["test.scalar"] = torch.tensor(2.5)
    sd["test.empty"] = torch.zeros(0, HIDDEN)
    return sd


def float32_text(x):
    """Shortest decimal that reads back (via a double) as exactly this float32."""
    s = np.format_float_scientific(np.float32(x), unique=True, trim="-")
    assert np.float32(float(s)) == np.float32(x), s
    return s


def write_expected(path, sd):
    lines = []
    for name, t in sd.items():
        values = t.detach().to(torch.float32).contiguous().reshape(-1).numpy()
        lines.append('{"name":%s,"dtype":"%s","shape":%s,"values":[%s]}' % (
            json.dumps(name), ST_DTYPES[t.dtype], json.dumps(list(t.shape)),
            ",".join(float32_text(v) for v in values)))
    with open(path, "w") as f:
        f.write('{"generator":"tests/reference/make_torch_fixtures.py (torch %s)",\n"tensors":[\n' % torch.__version__)
        f.write(",\n".join(lines))
        f.write("\n]}\n")


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        raw = tensor_bytes(t)
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)  # data 8-byte aligned, as safetensors writes it
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


class RunsCommand:
    """Pickles as os.system(...): what a malicious pytorch_model.bin contains."""

    def __reduce__(self):
        return (os.system, ("touch " + PWNED,))


class DeclaredTensor:
    """Pickles as _rebuild_tensor_v2 with the given (lying) layout over a real storage."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride)

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args + (False, collections.OrderedDict()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "checkpoint-formats",
                                                  "generated"))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)

    sd = bert_state_dict()
    write_expected(os.path.join(out, "bert_tiny.expected.json"), sd)
    torch.save(sd, os.path.join(out, "bert_tiny.zip.pt"))
    torch.save(sd, os.path.join(out, "bert_tiny.legacy.pt"), _use_new_zipfile_serialization=False)
    write_safetensors(os.path.join(out, "bert_tiny.safetensors"), sd, {"format": "pt"})
    names = list(sd)
    half = len(names) // 2
    weight_map = {}
    for i, part in enumerate((names[:half], names[half:]), 1):
        shard = "bert_tiny.shard-%d-of-2.safetensors" % i
        write_safetensors(os.path.join(out, shard), collections.OrderedDict((n, sd[n]) for n in part))
        weight_map.update({n: shard for n in part})
    with open(os.path.join(out, "bert_tiny.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": sum(len(tensor_bytes(t)) for t in sd.values())},
                   "weight_map": weight_map}, f, indent=1)

    small = collections.OrderedDict((n, sd[n]) for n in ("bert.pooler.dense.weight", "bert.pooler.dense.bias"))
    torch.save({"epoch": 3, "best_accuracy": 0.875, "note": "nested", "flags": [True, None],
                "state_dict": small,
                "optimizer": {"state": {0: {"momentum_buffer": small["bert.pooler.dense.bias"] * 0.5}},
                              "param_groups": [{"lr": 0.01, "params": [0, 1], "nesterov": False}]}},
               os.path.join(out, "checkpoint_nested.zip.pt"))

    storage = torch.arange(4, dtype=torch.float32).storage()
    hostile = {
        "os_system": {"w": sd["bert.pooler.dense.bias"], "payload": RunsCommand()},
        "huge_tensor": {"w": DeclaredTensor(storage, 0, (1 << 20, 1 << 20), (1 << 20, 1))},
        "offset_overflow": {"w": DeclaredTensor(storage, 1 << 62, (4,), (1,))},
    }
    for name, obj in hostile.items():
        torch.save(obj, os.path.join(out, "hostile_%s.zip.pt" % name))
        torch.save(obj, os.path.join(out, "hostile_%s.legacy.pt" % name), _use_new_zipfile_serialization=False)
    assert not os.path.exists(PWNED)


if __name__ == "__main__":
    main()
