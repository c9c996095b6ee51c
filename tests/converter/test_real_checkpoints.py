#!/usr/bin/env python3
"""The checkpoint readers on real files written by torch.save and by
safetensors (tests/data/checkpoint-formats, see each PROVENANCE.md): every
tensor's name, dtype, shape and values must be those in the file's
expected.json (recorded by other tools and cross-checked with torch.load).

  test_real_checkpoints.py --dump PATH --data tests/data/checkpoint-formats
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np

TORCH_DTYPES = {"float32": "F32", "float16": "F16", "bfloat16": "BF16", "float64": "F64", "int64": "I64",
                "bool": "BOOL", "int32": "I32", "int16": "I16", "int8": "I8", "uint8": "U8"}
NUMPY = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32,
         "I16": np.int16, "I8": np.int8, "U8": np.uint8, "U16": np.uint16, "U32": np.uint32, "BOOL": np.bool_}


def dump(tool, kind, path):
    run = subprocess.run([tool, kind, path], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip())
    return {t["name"]: t for t in map(json.loads, run.stdout.splitlines())}


def check(tool, kind, path, expected, failures):
    got = dump(tool, kind, path)
    names = [t["name"] for t in expected["tensors"]]
    if sorted(got) != sorted(names):
        failures.append("%s: tensors %s, expected %s" % (path, sorted(got), sorted(names)))
        return
    for t in expected["tensors"]:
        g = got[t["name"]]
        dtype = TORCH_DTYPES.get(t["dtype"], t["dtype"])
        where = "%s:%s" % (os.path.basename(path), t["name"])
        if g["dtype"] != dtype or g["shape"] != t["shape"]:
            failures.append("%s: %s %s, expected %s %s" % (where, g["dtype"], g["shape"], dtype, t["shape"]))
            continue
        # The readers hand the converter float32: compare in float32, exactly.
        values = np.array(g["values"], dtype=np.float64).astype(np.float32)
        first = np.array(t.get("first_values", []), dtype=np.float64).astype(np.float32)
        if len(first) and not np.array_equal(values[: len(first)], first):
            failures.append("%s: first values %s, expected %s" % (where, values[: len(first)], first))
        if "sum" in t and not np.isclose(values.astype(np.float64).sum(), t["sum"], rtol=1e-5, atol=1e-5):
            failures.append("%s: sum %r, expected %r" % (where, values.sum(), t["sum"]))
        # The raw bytes' sha256, rebuilt from the values: possible where float32
        # holds every value of the dtype exactly.
        exact = dtype in ("F32", "F16", "BF16", "I8", "U8", "I16", "U16", "BOOL") or (
            dtype in ("I32", "I64", "U32") and np.all(np.abs(values) < 2 ** 24))
        if dtype == "BF16" and "data_sha256" in t:
            raw = (values.view(np.uint32) >> 16).astype(np.uint16).tobytes()
            if hashlib.sha256(raw).hexdigest() != t["data_sha256"]:
                failures.append("%s: data sha256 differs" % where)
        elif exact and dtype in NUMPY and "data_sha256" in t:
            raw = values.astype(NUMPY[dtype]).tobytes()
            if hashlib.sha256(raw).hexdigest() != t["data_sha256"]:
                failures.append("%s: data sha256 differs" % where)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", required=True)
    ap.add_argument("--data", required=True)
    a = ap.parse_args()
    failures = []
    files = 0
    for folder, kind in (("safetensors/burn-multi-layer", "safetensors"),
                         ("safetensors/hf-safetensors-samples-2022", "safetensors"),
                         ("torch/burn-reader-fixtures", "torch")):
        with open(os.path.join(a.data, folder, "expected.json")) as f:
            expected = json.load(f)
        if "tensors" in expected:
            expected = {expected["file"]: expected}
        for name, e in sorted(expected.items()):
            files += 1
            try:
                check(a.dump, kind, os.path.join(a.data, folder, name), e, failures)
            except RuntimeError as err:
                failures.append("%s: %s" % (name, err))
    for f in failures:
        print("FAIL " + f)
    print("%d files, %d passed, %d failed" % (files, files - len({f.split(':')[0] for f in failures}), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
