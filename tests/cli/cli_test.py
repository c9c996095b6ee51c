#!/usr/bin/env python3
"""Behaviour of the embert tool: exit statuses, messages, output shapes.

    cli_test.py --embert build/bin/embert                    usage and load errors
    cli_test.py --embert build/bin/embert --model M.embert   every command on M

Prints one line per failed check and "N passed, N failed"; exits 1 on failure.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

PASSED = 0
FAILED = 0


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print(f"FAILED: {what}")
    return cond


class Run:
    def __init__(self, embert, args, stdin=None):
        self.args = args
        p = subprocess.run([embert] + args, input=stdin, capture_output=True, timeout=300)
        self.code = p.returncode
        self.out = p.stdout.decode("utf-8")  # must always be valid UTF-8
        self.err = p.stderr.decode("utf-8", errors="replace")

    def __str__(self):
        return f"embert {' '.join(self.args)} -> {self.code}\n  stdout: {self.out[:500]!r}\n  stderr: {self.err[:500]!r}"

    def lines(self):
        return self.out.splitlines()

    def json_lines(self):
        return [json.loads(line, parse_constant=reject_constant) for line in self.lines()]


def reject_constant(name):
    raise ValueError(f"bare {name} in JSON output")


def expect(run, code, stderr_part=None, what=""):
    ok = check(run.code == code, f"{what}: exit {run.code}, expected {code}\n{run}")
    if stderr_part is not None:
        ok = check(stderr_part in run.err, f"{what}: stderr lacks {stderr_part!r}\n{run}") and ok
    return ok


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


# --------------------------------------------------------------------------- #
# Without a model                                                              #
# --------------------------------------------------------------------------- #

def test_usage(embert, tmp):
    r = Run(embert, [])
    expect(r, 2, "no command", "no arguments")
    check(r.out == "", f"usage errors print nothing on stdout\n{r}")
    check("--help" in r.err, f"usage errors point to --help\n{r}")

    for args in (["--help"], ["-h"], ["help"], ["classify", "--help"]):
        r = Run(embert, args)
        expect(r, 0, what=" ".join(args))
        check(r.out.startswith("Usage: embert"), f"{args}: usage on stdout\n{r}")
        for cmd in ("info", "tokenize", "classify", "embed", "fill-mask", "bench"):
            check(cmd in r.out, f"usage mentions {cmd}")

    r = Run(embert, ["--version"])
    expect(r, 0, what="--version")
    check(r.out.startswith("embert ") and "schema" in r.out, f"--version output\n{r}")

    model = os.path.join(tmp, "absent.embert")
    bad = [
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["classify", "--model", model, "--text", "a", "--frobnicate"], "unknown option '--frobnicate'"),
        (["classify", "--model"], "--model needs a value"),
        (["classify", "--model", model, "--text"], "--text needs a value"),
        (["classify", "--text", "a"], "--model is required"),
        (["classify", "--model", model], "exactly one of --text and --input"),
        (["classify", "--model", model, "--text", "a", "--input", "f"], "exactly one of --text and --input"),
        (["classify", "--model", model, "--input", "f", "--pair", "b"], "--pair goes with --text"),
        (["classify", "--model", model, "--text", "a", "--top-k", "3"], "does not apply"),
        (["classify", "--model", model, "--text", "a", "--threads", "two"], "invalid value 'two' for --threads"),
        (["classify", "--model", model, "--text", "a", "--threads", "2x"], "--threads"),
        (["classify", "--model", model, "--text", "a", "--threads", "-2"], "--threads"),
        (["classify", "--model", model, "--text", "a", "--threads", "18446744073709551617"], "--threads"),
        (["classify", "--model", model, "--text", "a", "--max-seq-len", "0"], "--max-seq-len"),
        (["classify", "--model", model, "--text", "a", "--max-seq-len", " 12"], "--max-seq-len"),
        (["classify", "--model", model, "--text", "a", "--engine", "gpu"], "--engine"),
        (["embed", "--model", model, "--text", "a", "--pooling", "max"], "--pooling"),
        (["fill-mask", "--model", model, "--text", "a", "--top-k", "65"], "--top-k"),
        (["bench", "--model", model, "--iterations", "0"], "--iterations"),
        (["bench", "--model", model, "--seq-len", "1e3"], "--seq-len"),
        (["info", "--model", model, "--model", model], "more than once"),
        (["info", "--model", model, "--jsonl=1"], "takes no value"),
    ]
    for args, message in bad:
        r = Run(embert, args)
        expect(r, 2, message, " ".join(args))
        check(r.out == "", f"usage errors print nothing on stdout\n{r}")

    # Runtime errors: the model cannot be loaded.
    r = Run(embert, ["info", "--model", model])
    expect(r, 1, "cannot load model", "missing model")
    check("I/O error" in r.err and model in r.err, f"missing model: status and path in the message\n{r}")

    junk = os.path.join(tmp, "junk.embert")
    with open(junk, "wb") as f:
        f.write(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    r = Run(embert, ["classify", "--model", junk, "--text", "play jazz"])
    expect(r, 1, "invalid model", "junk model")
    check(r.out == "", f"junk model: nothing on stdout\n{r}")


# --------------------------------------------------------------------------- #
# With a model                                                                 #
# --------------------------------------------------------------------------- #

def test_info(embert, model):
    r = Run(embert, ["info", "--model", model])
    if not expect(r, 0, what="info"):
        return None
    info = json.loads(r.out, parse_constant=reject_constant)
    check(len(r.lines()) > 5, "info without --jsonl is pretty-printed")
    for key in ("model", "library_version", "schema_version", "config", "quantization", "heads", "labels",
                "arena_sizes", "context", "engine"):
        check(key in info, f"info has {key}")
    cfg = info.get("config", {})
    for key in ("vocab_size", "hidden_size", "num_layers", "num_heads", "intermediate_size", "max_seq_len"):
        check(isinstance(cfg.get(key), int) and cfg[key] > 0, f"info config.{key} is a positive integer")
    check(isinstance(info["quantization"].get("is_quantized"), bool), "quantization.is_quantized is a bool")
    heads = info["heads"]
    check(heads["num_labels"] == len(info["labels"]), "one label per logit")
    check(all(isinstance(label, str) and label for label in info["labels"]), "labels are non-empty strings")
    sizes = info["arena_sizes"]
    lengths = [s["max_seq_len"] for s in sizes]
    check(lengths == sorted(set(lengths)) and lengths[-1] == cfg["max_seq_len"],
          f"arena sizes ascend up to the model maximum: {lengths}")
    check(lengths[0] == min(16, cfg["max_seq_len"]), f"arena sizes start at 16: {lengths}")
    bytes_ = [s["bytes"] for s in sizes]
    check(all(b > 0 for b in bytes_) and bytes_ == sorted(bytes_), f"arena sizes grow with max_seq_len: {bytes_}")
    check(isinstance(info["engine"], str) and info["engine"], "engine description")
    check(info["context"]["arena_bytes"] % 64 == 0, "the arena is a multiple of the alignment")
    check(info["library_version"].count(".") == 2, "library version MAJOR.MINOR.PATCH")

    r = Run(embert, ["info", "--model", model, "--jsonl", "--max-seq-len", "24", "--engine", "reference"])
    expect(r, 0, what="info --jsonl")
    check(len(r.lines()) == 1, "info --jsonl is one line")
    compact = json.loads(r.out)
    check(24 in [s["max_seq_len"] for s in compact["arena_sizes"]], "info lists --max-seq-len")
    check(compact["context"]["max_seq_len"] == 24 and compact["context"]["engine_option"] == "reference",
          "info's context uses the options")
    check(compact["engine"].startswith("reference"), f"reference engine description: {compact['engine']}")

    r = Run(embert, ["info", "--model", model, "--max-seq-len", str(cfg["max_seq_len"] + 1)])
    expect(r, 1, "exceeds", "info --max-seq-len above the model's")
    return info


def test_tokenize(embert, model, tmp):
    r = Run(embert, ["tokenize", "--model", model, "--text", "Play some Jazz!", "--jsonl"])
    if not expect(r, 0, what="tokenize"):
        return
    (t,) = r.json_lines()
    n = len(t["tokens"])
    check(t["tokens"][0] == "[CLS]" and t["tokens"][-1] == "[SEP]", f"tokens framed by [CLS]/[SEP]: {t['tokens']}")
    check(len(t["input_ids"]) == n and len(t["token_type_ids"]) == n and len(t["offsets"]) == n,
          "tokens, ids, types and offsets align")
    check(set(t["token_type_ids"]) == {0}, "one text: all token types 0")
    check(t["offsets"][0] == [0, 0] and t["offsets"][-1] == [0, 0], f"special tokens have no offsets: {t}")
    check(t["offsets"][1][0] == 0 and 0 < t["offsets"][1][1] <= 4, f"'Play' starts the text: {t['offsets']}")
    check(all(0 <= b <= e <= len("Play some Jazz!") for b, e in t["offsets"]), "offsets inside the text")
    check(t["truncated"] == 0, "nothing truncated")
    check(t["tokens"][-2] in ("!", "[UNK]"), f"punctuation split off: {t['tokens']}")
    check(all(tok == tok.lower() for tok in t["tokens"][1:-1]), f"lower-cased: {t['tokens']}")

    r = Run(embert, ["tokenize", "--model", model, "--text", "Play some Jazz!"])
    expect(r, 0, what="tokenize human")
    check(r.out == " ".join(t["tokens"]) + "\n", f"human tokens line\n{r}")

    r = Run(embert, ["tokenize", "--model", model, "--text", "play jazz", "--pair", "in the kitchen", "--jsonl"])
    expect(r, 0, what="tokenize pair")
    (p,) = r.json_lines()
    check(p["tokens"].count("[SEP]") == 2 and p["token_type_ids"][-1] == 1 and p["token_type_ids"][0] == 0,
          f"pair: two [SEP], types 0 then 1: {p}")

    # JSON escaping of awkward token strings: quotes, backslashes, non-ASCII.
    r = Run(embert, ["tokenize", "--model", model, "--text", 'say "hi" \\ caf\u00e9 \u4e2d', "--jsonl"])
    expect(r, 0, what="tokenize escapes")
    (e,) = r.json_lines()
    check('"' in e["tokens"] or "[UNK]" in e["tokens"], f"quote token survives JSON: {e['tokens']}")
    check("\\" in e["tokens"] or "[UNK]" in e["tokens"], f"backslash token survives JSON: {e['tokens']}")

    # Truncation to --max-seq-len.
    r = Run(embert, ["tokenize", "--model", model, "--text", "a b c d e f g h i j k l", "--max-seq-len", "6",
                     "--jsonl"])
    expect(r, 0, what="tokenize truncated")
    (tr,) = r.json_lines()
    check(len(tr["tokens"]) == 6 and tr["tokens"][-1] == "[SEP]" and tr["truncated"] == 8, f"truncated: {tr}")

    # --input: CRLF, TAB pairs, empty lines, invalid UTF-8, stdin.
    def tokens_of(text):
        run = Run(embert, ["tokenize", "--model", model, "--text", text, "--jsonl"])
        return run.json_lines()[0] if run.code == 0 else None

    path = os.path.join(tmp, "lines.txt")
    with open(path, "wb") as f:
        f.write(b"play jazz\r\n\nfirst\tsecond\nbad \xff byte\nlast line without newline")
    r = Run(embert, ["tokenize", "--model", model, "--input", path, "--jsonl"])
    expect(r, 1, "line 4: invalid UTF-8", "a bad line fails the run")
    out = r.json_lines()
    check(len(out) == 5, f"one output line per input line\n{r}")
    if len(out) == 5:
        check(out[0] == tokens_of("play jazz"), f"CRLF stripped: {out[0]}")
        check(out[1]["tokens"] == ["[CLS]", "[SEP]"], f"empty line: {out[1]}")
        check(out[2]["token_type_ids"][-1] == 1, f"TAB makes a pair: {out[2]}")
        check(set(out[3]) == {"error", "status", "line"} and out[3]["line"] == 4 and
              out[3]["status"] == "invalid UTF-8", f"error object: {out[3]}")
        check(out[4] == tokens_of("last line without newline"), f"last line without newline: {out[4]}")
    check("1 input line(s) failed" in r.err, f"failure count on stderr\n{r}")

    with open(path, "rb") as f:
        data = f.read()
    r2 = Run(embert, ["tokenize", "--model", model, "--input", "-", "--jsonl"], stdin=data)
    check(r2.code == 1 and r2.out == r.out, f"--input - reads stdin like a file\n{r2}")

    r = Run(embert, ["tokenize", "--model", model, "--input", path])
    expect(r, 1, "line 4", "human mode bad line")
    check(len(r.lines()) == 4, f"human mode: failed lines only on stderr\n{r}")

    r = Run(embert, ["tokenize", "--model", model, "--input", os.path.join(tmp, "nope.txt")])
    expect(r, 1, "cannot open input", "missing input file")

    empty = os.path.join(tmp, "empty.txt")
    open(empty, "wb").close()
    r = Run(embert, ["tokenize", "--model", model, "--input", empty, "--jsonl"])
    check(r.code == 0 and r.out == "", f"empty input: no output, success\n{r}")


def test_classify(embert, model, info, tmp):
    labels = info["labels"]
    if not labels:
        r = Run(embert, ["classify", "--model", model, "--text", "a"])
        expect(r, 1, "no sequence classification head", "classify without a classifier")
        return
    text = "play some jazz by miles davis"
    r = Run(embert, ["classify", "--model", model, "--text", text, "--jsonl"])
    if not expect(r, 0, what="classify"):
        return
    (c,) = r.json_lines()
    check(set(c) == {"label", "index", "logits", "probs"}, f"classify keys: {sorted(c)}")
    check(len(c["logits"]) == len(labels) and len(c["probs"]) == len(labels), "one logit and score per label")
    check(all(is_number(x) for x in c["logits"] + c["probs"]), "finite numbers")
    check(c["label"] == labels[c["index"]], "label matches index")
    check(c["index"] == max(range(len(labels)), key=lambda i: c["logits"][i]), "index is the top logit")
    if not info["heads"]["multi_label"] and len(labels) > 1:
        check(abs(sum(c["probs"]) - 1) < 1e-4, f"softmax sums to 1: {sum(c['probs'])}")
    print(f"classify: {text!r} -> {c['label']} {c['probs'][c['index']]:.3f}")

    r = Run(embert, ["classify", "--model", model, "--text", text])
    expect(r, 0, what="classify human")
    label, score = r.out.rstrip("\n").split(" ")
    check(label == c["label"] and abs(float(score) - c["probs"][c["index"]]) < 1e-3 and len(r.lines()) == 1,
          f"human line '<label> <score>'\n{r}")

    # --text and --input give the same numbers; engines agree on the label.
    path = os.path.join(tmp, "classify.txt")
    with open(path, "w") as f:
        f.write(text + "\r\n" + "add this song to my playlist\n")
    r = Run(embert, ["classify", "--model", model, "--input", path, "--jsonl", "--threads", "2"])
    expect(r, 0, what="classify --input")
    out = r.json_lines()
    check(len(out) == 2 and out[0] == c, f"--input line 1 equals --text (CRLF stripped, 2 threads)\n{r}")
    for engine in ("reference", "xnnpack"):
        r = Run(embert, ["classify", "--model", model, "--text", text, "--jsonl", "--engine", engine])
        if engine == "xnnpack" and r.code == 1 and "unsupported" in r.err:
            continue  # a build without XNNPACK
        expect(r, 0, what=f"classify --engine {engine}")
        if r.code == 0:
            check(r.json_lines()[0]["label"] == c["label"], f"{engine} engine agrees on the label")


def test_embed(embert, model, info):
    hidden = info["config"]["hidden_size"]
    for pooling in ("cls", "mean", "cls-raw"):
        r = Run(embert, ["embed", "--model", model, "--text", "play jazz", "--pooling", pooling, "--normalize",
                         "--jsonl"])
        if not expect(r, 0, what=f"embed {pooling}"):
            continue
        (e,) = r.json_lines()
        v = e["embedding"]
        check(set(e) == {"embedding"} and len(v) == hidden, f"embedding of hidden_size floats ({pooling})")
        check(abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-3, f"--normalize gives unit length ({pooling})")
    r = Run(embert, ["embed", "--model", model, "--text", "play jazz", "--pooling", "mean"])
    expect(r, 0, what="embed human")
    check(len(r.out.split()) == hidden, "human embed: hidden_size numbers on one line")


def test_fill_mask(embert, model, info):
    text = "play some [MASK] by miles [MASK]"
    if not info["heads"]["masked_lm"]:
        r = Run(embert, ["fill-mask", "--model", model, "--text", text])
        expect(r, 1, "no masked-LM head", "fill-mask without the head")
        check(r.out == "", "fill-mask without the head prints nothing")
        return
    r = Run(embert, ["fill-mask", "--model", model, "--text", text, "--top-k", "3", "--jsonl"])
    if not expect(r, 0, what="fill-mask"):
        return
    (p,) = r.json_lines()
    check(len(p["predictions"]) == 2 and all(len(m) == 3 for m in p["predictions"]), f"2 masks x top 3: {p}")
    r = Run(embert, ["tokenize", "--model", model, "--text", text, "--jsonl"])
    tokens = r.json_lines()[0]["tokens"] if r.code == 0 else []
    check(len(p["positions"]) == 2 and all(tokens[i] == "[MASK]" for i in p["positions"]),
          f"positions point at the [MASK] tokens: {p['positions']} in {tokens}")
    r = Run(embert, ["fill-mask", "--model", model, "--text", text, "--top-k", "2"])
    expect(r, 0, what="fill-mask human")
    check(r.out.count(" | ") == 1 and r.out.count(", ") == 2, f"human fill-mask line\n{r}")
    r = Run(embert, ["fill-mask", "--model", model, "--text", "no mask here", "--jsonl"])
    expect(r, 0, what="fill-mask without [MASK]")
    check(r.json_lines() == [{"positions": [], "predictions": []}], f"no [MASK]: empty lists\n{r}")
    for m in p["predictions"]:
        scores = [x["score"] for x in m]
        check(scores == sorted(scores, reverse=True), "best first")
        check(all(isinstance(x["token"], str) and isinstance(x["id"], int) and 0 <= x["score"] <= 1 for x in m),
              "token strings, ids and probabilities")


def test_bench(embert, model, info):
    r = Run(embert, ["bench", "--model", model, "--seq-len", "16", "--iterations", "5", "--warmup", "1", "--jsonl"])
    if not expect(r, 0, what="bench"):
        return
    (b,) = r.json_lines()
    for key in ("seq_len", "threads", "engine", "task", "iterations", "median_ms", "p90_ms", "min_ms"):
        check(key in b, f"bench has {key}")
    check(b["seq_len"] == 16 and b["iterations"] == 5, "bench echoes its options")
    check(0 < b["min_ms"] <= b["median_ms"] <= b["p90_ms"], f"min <= median <= p90: {b}")
    check(b["task"] == ("classify" if info["labels"] else "hidden_states"), "bench task")
    # The mapped model is resident while it runs (the file is read in full by
    # verification), so the peak cannot be below the file's size.
    check(b["peak_rss_bytes"] >= os.path.getsize(model), f"peak RSS at least the model file: {b}")
    r = Run(embert, ["bench", "--model", model, "--seq-len", "8", "--iterations", "2"])
    expect(r, 0, what="bench human")
    check("median" in r.out and "ms" in r.out, f"human bench line\n{r}")
    too_long = info["config"]["max_seq_len"] + 1
    r = Run(embert, ["bench", "--model", model, "--seq-len", str(too_long), "--iterations", "1"])
    expect(r, 1, "--seq-len", "bench longer than the model allows")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--embert", required=True)
    ap.add_argument("--model")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if a.model is None:
            test_usage(a.embert, tmp)
        else:
            info = test_info(a.embert, a.model)
            if info is not None:
                test_tokenize(a.embert, a.model, tmp)
                test_classify(a.embert, a.model, info, tmp)
                test_embed(a.embert, a.model, info)
                test_fill_mask(a.embert, a.model, info)
                test_bench(a.embert, a.model, info)
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
