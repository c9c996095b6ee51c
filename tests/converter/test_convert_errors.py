#!/usr/bin/env python3
"""bert-convert on broken checkpoints: each must fail with exit status 1, a
message naming the problem, and no output file (nor a temporary one) left.

  test_convert_errors.py --convert PATH --fixture tests/data/converter/tiny-safetensors --work DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import safetensors_io  # noqa: E402

MISSING = "bert.encoder.layer.0.output.dense.weight"


def case_missing_tensor(d):
    w = safetensors_io.load(os.path.join(d, "model.safetensors"))
    del w[MISSING]
    safetensors_io.save(os.path.join(d, "model.safetensors"), w)
    return MISSING


def case_wrong_shape(d):
    w = safetensors_io.load(os.path.join(d, "model.safetensors"))
    name = "bert.encoder.layer.0.intermediate.dense.weight"
    w[name] = w[name][:, :-1]
    safetensors_io.save(os.path.join(d, "model.safetensors"), w)
    return name


def case_nan_weight(d):
    w = safetensors_io.load(os.path.join(d, "model.safetensors"))
    name = "bert.encoder.layer.0.attention.self.key.weight"
    w[name] = w[name].copy()
    w[name][3, 4] = np.nan
    safetensors_io.save(os.path.join(d, "model.safetensors"), w)
    return name


def case_inf_weight(d):
    w = safetensors_io.load(os.path.join(d, "model.safetensors"))
    name = "bert.embeddings.word_embeddings.weight"
    w[name] = w[name].copy()
    w[name][0, 0] = np.inf
    safetensors_io.save(os.path.join(d, "model.safetensors"), w)
    return name


def edit_config(d, **changes):
    p = os.path.join(d, "config.json")
    with open(p) as f:
        c = json.load(f)
    c.update(changes)
    with open(p, "w") as f:
        json.dump(c, f)


def case_roberta_config(d):
    edit_config(d, model_type="roberta", architectures=["RobertaForSequenceClassification"])
    return "unsupported architecture"


def case_roberta_names(d):
    w = safetensors_io.load(os.path.join(d, "model.safetensors"))
    w = {k.replace("bert.", "roberta."): v for k, v in w.items()}
    safetensors_io.save(os.path.join(d, "model.safetensors"), w)
    return "roberta."


def case_unknown_layout(d):
    w = safetensors_io.load(os.path.join(d, "model.safetensors"))
    w = {"transformer.h.%d.weight" % i: v for i, v in enumerate(w.values())}
    safetensors_io.save(os.path.join(d, "model.safetensors"), w)
    return "unknown checkpoint layout"


def case_missing_vocab(d):
    os.remove(os.path.join(d, "vocab.txt"))
    return "vocab.txt"


def case_vocab_size(d):
    edit_config(d, vocab_size=101)
    return "vocab_size"


def case_truncated_weights(d):
    p = os.path.join(d, "model.safetensors")
    with open(p, "rb") as f:
        data = f.read()
    with open(p, "wb") as f:
        f.write(data[: len(data) // 2])
    return "model.safetensors"


def case_heads_do_not_divide(d):
    edit_config(d, num_attention_heads=3)
    return "num_attention_heads"


def case_no_weights(d):
    os.remove(os.path.join(d, "model.safetensors"))
    return "no weights"


def case_bad_json(d):
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write('{"model_type": "bert", ')
    return "config.json"


def case_added_token_gap(d):
    # An added token must follow vocab.txt directly (the fixture has 100 tokens).
    with open(os.path.join(d, "added_tokens.json"), "w") as f:
        json.dump({"<new>": 105}, f)
    return "<new>"


def case_labels_do_not_match_classifier(d):
    edit_config(d, id2label={"0": "a", "1": "b", "2": "c"}, label2id={"a": 0, "b": 1, "c": 2})
    return "classifier.weight"


def case_unsupported_activation(d):
    edit_config(d, hidden_act="silu")
    return "silu"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--convert", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    cases = [v for k, v in sorted(globals().items()) if k.startswith("case_")]
    failures = 0
    for case in cases:
        d = os.path.join(a.work, case.__name__)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(a.fixture, d)
        expected = case(d)
        out = os.path.join(a.work, case.__name__ + ".embert")
        if os.path.exists(out):
            os.remove(out)
        run = subprocess.run([a.convert, d, "-o", out, "--quiet"], capture_output=True, text=True)
        leftovers = [f for f in os.listdir(a.work) if f.startswith(case.__name__ + ".embert")]
        problems = []
        if run.returncode != 1:
            problems.append("exit status %d" % run.returncode)
        if expected not in run.stderr:
            problems.append("message does not name %r: %s" % (expected, run.stderr.strip()))
        if leftovers:
            problems.append("left %s" % leftovers)
        if problems:
            failures += 1
            print("FAIL %s: %s" % (case.__name__, "; ".join(problems)))
        else:
            print("ok   %s: %s" % (case.__name__, run.stderr.strip()))
    print("%d passed, %d failed" % (len(cases) - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
