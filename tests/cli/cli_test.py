#!/usr/bin/env python3
"""Behaviour of the embert tool: exit statuses, messages, output shapes.

    cli_test.py --embert build/bin/embert                    usage and load errors
    cli_test.py --embert build/bin/embert --model M.embert   every command on M
    cli_test.py ... --model M.embert --expect-head ner|qa|rerank   and M must have that head

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
        for cmd in ("info", "tokenize", "classify", "embed", "fill-mask", "bench", "ner", "qa", "rerank", "similarity", "search",
                    "--aggregation", "--question", "--context", "--max-answer-len", "--doc-stride", "--query"):
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
        (["embed", "--model", model, "--text", "a", "--pooling", "min"], "--pooling"),
        (["fill-mask", "--model", model, "--text", "a", "--top-k", "65"], "--top-k"),
        (["bench", "--model", model, "--iterations", "0"], "--iterations"),
        (["bench", "--model", model, "--seq-len", "1e3"], "--seq-len"),
        (["info", "--model", model, "--model", model], "more than once"),
        (["info", "--model", model, "--jsonl=1"], "takes no value"),
        (["ner", "--model", model], "exactly one of --text and --input"),
        (["ner", "--model", model, "--text", "a", "--aggregation", "mean"], "invalid value 'mean' for --aggregation"),
        (["ner", "--model", model, "--text", "a", "--pair", "b"], "does not apply"),
        (["qa", "--model", model, "--context", "c"], "--question is required"),
        (["qa", "--model", model, "--question", "q"], "--context is required"),
        (["qa", "--model", model, "--input", "f", "--question", "q"], "without --input"),
        (["qa", "--model", model, "--question", "q", "--context", "c", "--top-k", "0"],
         "invalid value '0' for --top-k"),
        (["qa", "--model", model, "--question", "q", "--context", "c", "--top-k", "65"], "--top-k"),
        (["qa", "--model", model, "--question", "q", "--context", "c", "--max-answer-len", "0"], "--max-answer-len"),
        (["qa", "--model", model, "--question", "q", "--context", "c", "--doc-stride", "x"], "--doc-stride"),
        (["rerank", "--model", model, "--input", "p"], "--query is required"),
        (["rerank", "--model", model, "--query", "q"], "--input PASSAGES is required"),
        (["rerank", "--model", model, "--query", "q", "--input", "p", "--top-k", "0"], "invalid value '0' for --top-k"),
        (["rerank", "--model", model, "--query", "q", "--text", "p"], "does not apply"),
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
    check(info["config"]["embedding_size"] == info["config"]["hidden_size"], "a plain BERT embeds hidden_size floats")
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
    for pooling in ("cls", "mean", "cls-raw", "max", "mean-sqrt-len", "model"):
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
    # Without --pooling: the file's; a plain BERT file pools with mean, unnormalised.
    r2 = Run(embert, ["embed", "--model", model, "--text", "play jazz"])
    expect(r2, 0, what="embed default pooling")
    check(r2.out == r.out, "embed without --pooling on a plain BERT file = --pooling mean")

    r = Run(embert, ["similarity", "--model", model, "--text", "play jazz", "--pair", "play jazz", "--jsonl"])
    if expect(r, 0, what="similarity"):
        (e,) = r.json_lines()
        check(set(e) == {"similarity"} and abs(e["similarity"] - 1) < 1e-5, f"a text is similar to itself: {e}")
    r = Run(embert, ["similarity", "--model", model, "--text", "play jazz", "--pair", "what is the weather"])
    expect(r, 0, what="similarity human")
    check(-1 <= float(r.out) <= 1, f"similarity: one number in [-1, 1]: {r.out!r}")
    lines = b"book a table for two\nplay some jazz\nwhat is the weather in paris\n"
    r = Run(embert, ["search", "--model", model, "--query", "play some jazz", "--input", "-", "--jsonl", "--top-k",
                     "2"], stdin=lines)
    if expect(r, 0, what="search"):
        (e,) = r.json_lines()
        res = e["results"]
        check(len(res) == 2 and res[0]["index"] == 1 and res[0]["text"] == "play some jazz" and
              abs(res[0]["score"] - 1) < 1e-5 and res[0]["score"] >= res[1]["score"], f"search ranks best first: {e}")


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


def write_bytes(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def test_ner(embert, model, info, tmp, expect_head):
    heads = info["heads"]
    has_head = heads.get("token_classifier", False)
    if expect_head:
        check(has_head, f"{model} has a token classification head (bert-convert support for it)")
    if not has_head:
        r = Run(embert, ["ner", "--model", model, "--text", "Miles Davis"])
        expect(r, 1, "no token classification head", "ner without the head")
        check(r.out == "", f"ner without the head prints nothing\n{r}")
        return
    tags = info.get("token_labels", [])
    check(len(tags) == heads["num_token_labels"] and all(isinstance(t, str) and t for t in tags),
          f"info: one token label per logit: {tags}")
    groups = {t[2:] if t[:2] in ("B-", "I-") else t for t in tags}
    texts = ["play some jazz by miles davis in paris", 'Caf\u00e9 Zo\u00eb in Z\u00fcrich \u4e2d\u6587 "quoted" \\ back',
             "", "a", "unwanted running " * 8]
    found = 0
    for aggregation in (None, "none", "simple", "first", "average", "max"):
        for text in texts:
            args = ["ner", "--model", model, "--text", text, "--jsonl"]
            if aggregation is not None:
                args += ["--aggregation", aggregation]
            r = Run(embert, args)
            if not expect(r, 0, what=f"ner --aggregation {aggregation} {text!r}"):
                continue
            (o,) = r.json_lines()
            check(set(o) == {"entities"} and isinstance(o["entities"], list), f"ner object: {o}")
            b = text.encode("utf-8")
            begin = 0
            for e in o["entities"]:
                found += 1
                if not check(set(e) == {"label", "text", "begin", "end", "score"}, f"entity keys: {e}"):
                    continue
                check(0 <= e["begin"] <= e["end"] <= len(b), f"entity inside the text: {e} in {text!r}")
                check(e["begin"] >= begin, f"entities in text order: {o}")
                begin = e["begin"]
                check(e["text"] == b[e["begin"]:e["end"]].decode("utf-8"), f"text is text[begin:end]: {e}")
                check(is_number(e["score"]) and 0 <= e["score"] <= 1, f"entity score: {e}")
                if aggregation == "none":
                    check(e["label"] in tags and e["label"] != "O", f"none: the label is a tag, not O: {e}")
                else:
                    check(e["label"] in groups and e["label"] != "O", f"entity group: {e} of {sorted(groups)}")
            if aggregation is None and text == texts[0]:
                default = o
            if aggregation == "simple" and text == texts[0]:
                check(o == default, "simple is the default aggregation")
    check(found > 0, "the random token classifier tags something (labels change across tokens)")

    # The human-readable line: LABEL "text" score; ...
    r = Run(embert, ["ner", "--model", model, "--text", texts[1]])
    j = Run(embert, ["ner", "--model", model, "--text", texts[1], "--jsonl"])
    if expect(r, 0, what="ner human") and j.code == 0:
        ents = j.json_lines()[0]["entities"]
        want = "; ".join(f"{e['label']} {json.dumps(e['text'], ensure_ascii=False)} {e['score']:.3f}" for e in ents)
        check(r.out == (want or "(no entities)") + "\n", f"human ner line, expected {want!r}\n{r}")

    # --input: a line is one text (TABs included); a bad line fails alone.
    path = write_bytes(tmp, "ner.txt", b"play jazz in paris\r\nmiles\tdavis\nbad \xff byte\n\n")
    r = Run(embert, ["ner", "--model", model, "--input", path, "--jsonl"])
    expect(r, 1, "line 3: invalid UTF-8", "ner --input with a bad line")
    out = r.json_lines()
    if check(len(out) == 4, f"ner: one output line per input line\n{r}"):
        for i, text in ((0, "play jazz in paris"), (1, "miles\tdavis")):
            one = Run(embert, ["ner", "--model", model, "--text", text, "--jsonl"])
            check(one.code == 0 and out[i] == one.json_lines()[0], f"ner --input line {i + 1} equals --text\n{one}")
        check(out[2].get("line") == 3 and out[2].get("status") == "invalid UTF-8", f"error object: {out[2]}")
        check(out[3] == {"entities": []}, f"empty line: no entities: {out[3]}")
    check("1 input line(s) failed" in r.err, f"failure count on stderr\n{r}")


def test_qa(embert, model, info, tmp, expect_head):
    has_head = info["heads"].get("question_answering", False)
    if expect_head:
        check(has_head, f"{model} has a question answering head (bert-convert support for it)")
    if not has_head:
        r = Run(embert, ["qa", "--model", model, "--question", "who?", "--context", "Miles Davis plays."])
        expect(r, 1, "no extractive question answering head", "qa without the head")
        check(r.out == "", f"qa without the head prints nothing\n{r}")
        return
    model_max = info["config"]["max_seq_len"]

    def answers(run, context, k):
        if run.code != 0:
            return None
        (o,) = run.json_lines()
        check(set(o) == {"answers"} and 1 <= len(o["answers"]) <= k, f"qa object with 1..{k} answers: {o}")
        b = context.encode("utf-8")
        for a in o["answers"]:
            if not check(set(a) == {"text", "begin", "end", "score"}, f"answer keys: {a}"):
                return None
            check(0 <= a["begin"] <= a["end"] <= len(b), f"answer inside the context: {a}")
            check(a["text"] == b[a["begin"]:a["end"]].decode("utf-8"), f"text is context[begin:end]: {a}")
            check(is_number(a["score"]) and 0 <= a["score"] <= 1, f"answer score: {a}")
        scores = [a["score"] for a in o["answers"]]
        check(scores == sorted(scores, reverse=True), f"best first: {scores}")
        return o["answers"]

    question = "who plays jazz in paris?"
    context = "miles davis plays some jazz in paris. the weather is nice: caf\u00e9 \u4e2d."
    r = Run(embert, ["qa", "--model", model, "--question", question, "--context", context, "--jsonl"])
    expect(r, 0, what="qa")
    best = answers(r, context, 1)
    r = Run(embert, ["qa", "--model", model, "--question", question, "--context", context, "--jsonl", "--top-k", "5",
                     "--max-answer-len", "4"])
    expect(r, 0, what="qa --top-k 5")
    five = answers(r, context, 5)
    r = Run(embert, ["qa", "--model", model, "--question", question, "--context", context, "--top-k", "5"])
    expect(r, 0, what="qa human")
    r5 = Run(embert, ["qa", "--model", model, "--question", question, "--context", context, "--top-k", "5", "--jsonl"])
    if r.code == 0 and r5.code == 0:
        top = answers(r5, context, 5) or []
        want = "; ".join(f"{json.dumps(a['text'], ensure_ascii=False)} {a['score']:.3f}" for a in top)
        check(r.out == want + "\n", f"human qa line, expected {want!r}\n{r}")
        check(best is not None and top[:1] == best, f"--top-k 1 is the best of --top-k 5: {best} vs {top[:1]}")
    if five is not None:
        check(all(len(a["text"].split()) <= 4 for a in five), f"--max-answer-len 4 tokens: {five}")

    # A context longer than a window: several windows, stride as given or by default.
    long_context = " ".join(["the weather in paris is nice", "miles davis plays some jazz"] * 20)
    for extra in ([], ["--doc-stride", "8"], ["--doc-stride", "0"], ["--max-seq-len", str(min(48, model_max))]):
        r = Run(embert, ["qa", "--model", model, "--question", question, "--context", long_context, "--jsonl",
                         "--top-k", "3"] + extra)
        expect(r, 0, what=f"qa long context {extra}")
        answers(r, long_context, 3)
    r = Run(embert, ["qa", "--model", model, "--question", question, "--context", long_context, "--jsonl",
                     "--max-document-tokens", "16"])
    expect(r, 0, "warning", "qa --max-document-tokens cuts the context, with a warning")
    cut = answers(r, long_context, 1)
    if cut:
        check(cut[0]["end"] <= len("the weather in paris is nice miles davis plays some jazz the weather in"),
              f"answers from the first 16 tokens only: {cut}")

    # Clear errors, nothing crashes.
    r = Run(embert, ["qa", "--model", model, "--question", question, "--context", long_context, "--doc-stride",
                     str(model_max)])
    expect(r, 1, "invalid argument", "qa --doc-stride not smaller than the window")
    r = Run(embert, ["qa", "--model", model, "--question", question, "--context", ""])
    expect(r, 1, "invalid argument", "qa with an empty context")
    check(r.out == "", f"failed qa prints nothing without --jsonl\n{r}")
    r = Run(embert, ["qa", "--model", model, "--question", "who " * model_max, "--context", context])
    expect(r, 1, "sequence too long", "qa with a question longer than the window")
    r = Run(embert, ["qa", "--model", model, "--question", question, "--context", context, "--max-seq-len",
                     str(model_max + 1)])
    expect(r, 1, "cannot", "qa --max-seq-len above the model's")

    # --input: question<TAB>context lines; a line without a TAB fails alone.
    path = write_bytes(tmp, "qa.txt", (question + "\t" + context + "\r\n" + "no tab on this line\n" +
                                       "who?\tmiles\tdavis plays\n").encode("utf-8") + b"\xff?\tjazz\n" +
                       (question + "\t\n").encode("utf-8"))
    r = Run(embert, ["qa", "--model", model, "--input", path, "--jsonl"])
    expect(r, 1, "line 2: expected question<TAB>context", "qa --input with a line without a TAB")
    out = r.json_lines()
    if check(len(out) == 5, f"qa: one output line per input line\n{r}"):
        one = Run(embert, ["qa", "--model", model, "--question", question, "--context", context, "--jsonl"])
        check(one.code == 0 and out[0] == one.json_lines()[0], f"qa --input line 1 equals the options\n{one}")
        check(set(out[1]) == {"error", "line"} and out[1]["line"] == 2, f"no-TAB line's error object: {out[1]}")
        check("answers" in out[2], f"a TAB inside the context is the context's: {out[2]}")
        if "answers" in out[2]:
            b = "miles\tdavis plays".encode("utf-8")
            check(all(a["text"] == b[a["begin"]:a["end"]].decode() for a in out[2]["answers"]),
                  f"offsets into the context after the first TAB: {out[2]}")
        check(out[3].get("line") == 4 and out[3].get("status") == "invalid UTF-8", f"bad UTF-8 line: {out[3]}")
        check(out[4].get("line") == 5 and out[4].get("status") == "invalid argument", f"empty context: {out[4]}")
    check("3 input line(s) failed" in r.err, f"failure count on stderr\n{r}")
    r = Run(embert, ["qa", "--model", model, "--input", path])
    expect(r, 1, "line 2", "qa human mode with bad lines")
    check(len(r.lines()) == 2, f"human mode: failed lines only on stderr\n{r}")


def test_rerank(embert, model, info, tmp, expect_head):
    labels = info["labels"]
    if expect_head:
        check(len(labels) >= 1, f"{model} has a sequence classification head (a cross-encoder)")
    passages = ["play some jazz", "what is the weather in paris", "play some jazz", "book a table for two",
                "caf\u00e9 \u4e2d \"quoted\" \\ back", "a\tpassage with a tab"]
    path = write_bytes(tmp, "passages.txt", ("\r\n".join(passages) + "\n").encode("utf-8"))
    query = "play music by miles davis"
    if not labels:
        r = Run(embert, ["rerank", "--model", model, "--query", query, "--input", path])
        expect(r, 1, "no sequence classification head", "rerank without a classifier")
        check(r.out == "", f"rerank without the head prints nothing\n{r}")
        return
    r = Run(embert, ["rerank", "--model", model, "--query", query, "--input", path, "--jsonl"])
    if not expect(r, 0, what="rerank"):
        return
    check(len(r.lines()) == 1, f"rerank prints one object\n{r}")
    (o,) = r.json_lines()
    res = o.get("results", [])
    check(set(o) == {"results"} and len(res) == len(passages), f"rerank: every passage once: {o}")
    check(sorted(x["index"] for x in res) == list(range(len(passages))), f"indexes are the lines: {res}")
    for x in res:
        check(set(x) == {"index", "text", "score"} and x["text"] == passages[x["index"]], f"result: {x}")
        check(is_number(x["score"]) and 0 <= x["score"] <= 1, f"score is a probability: {x}")
    scores = [x["score"] for x in res]
    check(scores == sorted(scores, reverse=True), f"best first: {scores}")
    for a, b in zip(res, res[1:]):
        if a["score"] == b["score"]:
            check(a["index"] < b["index"], f"ties keep the input order: {res}")
    # The score is the classifier's on the (query, passage) pair: the last
    # label's probability (a sigmoid for one logit).
    for x in res[:3]:
        c = Run(embert, ["classify", "--model", model, "--text", query, "--pair", x["text"], "--jsonl"])
        if c.code == 0 and "\t" not in x["text"]:
            (c,) = c.json_lines()
            want = c["probs"][-1] if len(labels) > 1 else 1 / (1 + math.exp(-c["logits"][0]))
            check(abs(x["score"] - want) < 1e-5, f"rerank score {x['score']} = classify's {want}")

    r = Run(embert, ["rerank", "--model", model, "--query", query, "--input", path, "--jsonl", "--top-k", "2"])
    expect(r, 0, what="rerank --top-k 2")
    check(r.code == 0 and r.json_lines()[0]["results"] == res[:2], f"--top-k 2 keeps the best two\n{r}")
    r = Run(embert, ["rerank", "--model", model, "--query", query, "--input", path, "--top-k", "1000"])
    expect(r, 0, what="rerank human")
    want = "".join(f"{x['index']} {x['score']:.3f} {x['text']}\n" for x in res)
    check(r.out == want, f"human rerank lines '<index> <score> <passage>', expected {want!r}\n{r}")
    with open(path, "rb") as f:
        data = f.read()
    r = Run(embert, ["rerank", "--model", model, "--query", query, "--input", "-", "--jsonl"], stdin=data)
    check(r.code == 0 and r.json_lines() == [o], f"--input - reads stdin like a file\n{r}")

    # A bad passage fails its line only.
    bad = write_bytes(tmp, "bad-passages.txt", b"play some jazz\nbad \xff byte\nbook a table for two\n")
    r = Run(embert, ["rerank", "--model", model, "--query", query, "--input", bad, "--jsonl"])
    expect(r, 1, "line 2: invalid UTF-8", "rerank with a bad passage")
    if r.code == 1 and r.out:
        (b,) = r.json_lines()
        check(sorted(x["index"] for x in b["results"]) == [0, 2], f"the good passages are ranked: {b}")
        check(b.get("errors") == [{"index": 1, "line": 2, "error": b["errors"][0]["error"], "status": "invalid UTF-8"}],
              f"errors list the bad line: {b}")
    check("1 input line(s) failed" in r.err, f"failure count on stderr\n{r}")
    empty = write_bytes(tmp, "no-passages.txt", b"")
    r = Run(embert, ["rerank", "--model", model, "--query", query, "--input", empty, "--jsonl"])
    check(r.code == 0 and r.json_lines() == [{"results": []}], f"no passages: empty results\n{r}")
    r = Run(embert, ["rerank", "--model", model, "--query", query, "--input", os.path.join(tmp, "nope.txt")])
    expect(r, 1, "cannot open input", "rerank with a missing input file")


def test_batches(embert, model, info, tmp):
    """--input lines packed into runs (--batch-tokens) give the same output, line for line and
    failure for failure, as one line per run."""
    if not info["labels"]:
        return
    words = "play some jazz by miles davis in the morning book a table for two tomorrow".split()
    lines = [" ".join(words[i % 7: i % 7 + 1 + (i * 5) % 11]) for i in range(60)]
    lines[17] = ""  # an empty line
    lines[31] = b"bad \xc3\x28 utf8".decode("latin-1")  # invalid UTF-8, written as bytes below
    lines[44] = " ".join(words * 8)  # longer than max_seq_len: cut, alone and packed
    path = os.path.join(tmp, "batches.txt")
    with open(path, "wb") as f:
        f.write(("\n".join(lines) + "\n").encode("latin-1"))
    for command in (["classify"], ["embed", "--pooling", "mean"]):
        base = Run(embert, command + ["--model", model, "--input", path, "--jsonl", "--batch-tokens", "0"])
        check(base.code == 1 and "line 32" in base.err, f"{command[0]}: one bad line fails\n{base}")
        for tokens in ("", "64", "100", "3000"):
            extra = ["--batch-tokens", tokens] if tokens else []
            r = Run(embert, command + ["--model", model, "--input", path, "--jsonl"] + extra)
            check(r.code == base.code and r.out == base.out and r.err == base.err,
                  f"{command[0]} --batch-tokens {tokens or 'default'} differs from one line per run\n{r}")
    r = Run(embert, ["classify", "--model", model, "--input", path, "--batch-tokens", "-1"])
    expect(r, 2, "--batch-tokens", "a negative --batch-tokens")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--embert", required=True)
    ap.add_argument("--model")
    ap.add_argument("--expect-head", choices=["ner", "qa", "rerank"], help="fail if the model lacks this head")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if a.model is None:
            test_usage(a.embert, tmp)
        else:
            info = test_info(a.embert, a.model)
            if info is not None:
                test_tokenize(a.embert, a.model, tmp)
                test_classify(a.embert, a.model, info, tmp)
                test_batches(a.embert, a.model, info, tmp)
                test_embed(a.embert, a.model, info)
                test_fill_mask(a.embert, a.model, info)
                test_bench(a.embert, a.model, info)
                test_ner(a.embert, a.model, info, tmp, a.expect_head == "ner")
                test_qa(a.embert, a.model, info, tmp, a.expect_head == "qa")
                test_rerank(a.embert, a.model, info, tmp, a.expect_head == "rerank")
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
