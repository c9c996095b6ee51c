"""Reads and writes safetensors files with numpy only (no safetensors package).

Format: u64 little-endian header length, a JSON header
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}},
then the tensors' bytes.
"""
import json
import struct

import numpy as np

_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64,
    "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_,
}


def _to_bf16_bits(a):
    """float32 -> bfloat16 bit patterns, round to nearest even."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    return ((bits + rounding) >> 16).astype(np.uint16)


def bf16_to_float32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def save(path, tensors, dtype="F32", metadata=None):
    """tensors: name -> numpy array (written as `dtype`: F32, F16 or BF16 for floats)."""
    header = {}
    blobs = []
    offset = 0
    for name, a in tensors.items():
        a = np.asarray(a)
        if a.dtype.kind == "f":
            if dtype == "BF16":
                raw = _to_bf16_bits(a).tobytes()
                dt = "BF16"
            else:
                np_dt = {"F32": np.float32, "F16": np.float16, "F64": np.float64}[dtype]
                raw = np.ascontiguousarray(a, dtype=np_dt).tobytes()
                dt = dtype
        else:
            dt = {np.dtype(v): k for k, v in _DTYPES.items()}[a.dtype]
            raw = np.ascontiguousarray(a).tobytes()
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def load(path):
    """name -> numpy array (BF16 converted to float32)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = data[base + b: base + e]
        if info["dtype"] == "BF16":
            a = bf16_to_float32(np.frombuffer(raw, dtype=np.uint16))
        else:
            a = np.frombuffer(raw, dtype=_DTYPES[info["dtype"]])
        out[name] = a.reshape(info["shape"])
    return out
