"""Reads and writes safetensors files with numpy only (no safetensors package).

Format: u64 little-endian header length N, N bytes of JSON header
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
then the tensors' bytes (offsets relative to the end of the header, little-endian,
row-major). The header is padded with spaces to a multiple of 8 bytes, as the
safetensors library does.

  save(path, {name: array}, dtype="F32"|"F16"|"BF16"|"F64", metadata=None)
      floating arrays are written as `dtype`; integer/bool arrays keep their own
      type (I64, I32, ...). BF16 is float32 rounded to nearest-even on the upper
      16 bits.
  load(path) -> {name: array}        (BF16 is returned as float32, exactly)
  load_with_metadata(path) -> ({name: array}, metadata dict or {}, {name: dtype string})
"""
import json
import struct

import numpy as np

_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8,
    "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8, "BOOL": np.bool_,
}
_SIZES = {"BF16": 2, **{k: np.dtype(v).itemsize for k, v in _DTYPES.items()}}


def float32_to_bf16_bits(a):
    """float32 -> bfloat16 bit patterns (uint16), round to nearest, ties to even; NaN stays NaN."""
    bits = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(np.asarray(a, dtype=np.float32))
    return np.where(nan, ((bits >> 16) | 0x40).astype(np.uint16), rounded)


def bf16_to_float32(bits):
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


# Older name kept for callers.
_to_bf16_bits = float32_to_bf16_bits


def save(path, tensors, dtype="F32", metadata=None):
    """tensors: name -> numpy array (floating arrays written as `dtype`: F32, F16, BF16 or F64)."""
    header = {}
    blobs = []
    offset = 0
    for name, a in tensors.items():
        a = np.asarray(a)
        if a.dtype.kind == "f":
            if dtype == "BF16":
                raw = float32_to_bf16_bits(a).tobytes()
            else:
                raw = np.ascontiguousarray(a, dtype=np.dtype(_DTYPES[dtype]).newbyteorder("<")).tobytes()
            dt = dtype
        else:
            dt = {np.dtype(v): k for k, v in _DTYPES.items()}[a.dtype]
            raw = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def load_with_metadata(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("%s: shorter than the 8-byte header length" % path)
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError("%s: header length %d past the end of the file" % (path, n))
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out, dtypes = {}, {}
    metadata = header.pop("__metadata__", None) or {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        dt, shape = info["dtype"], info["shape"]
        if dt not in _SIZES:
            raise ValueError("%s: tensor %s has unsupported dtype %s" % (path, name, dt))
        count = int(np.prod(shape, dtype=np.int64))
        if not (0 <= b <= e <= len(data) - base) or e - b != count * _SIZES[dt]:
            raise ValueError("%s: tensor %s has bad data_offsets %s for %s%s" % (path, name, [b, e], dt, shape))
        raw = data[base + b: base + e]
        if dt == "BF16":
            a = bf16_to_float32(np.frombuffer(raw, dtype="<u2"))
        else:
            a = np.frombuffer(raw, dtype=np.dtype(_DTYPES[dt]).newbyteorder("<"))
        out[name] = a.reshape(shape)
        dtypes[name] = dt
    return out, metadata, dtypes


def load(path):
    """name -> numpy array (BF16 converted to float32)."""
    return load_with_metadata(path)[0]
