#!/usr/bin/env python3
"""Real checkpoints' quirks (issue 17), each decided as transformers behaves:

  * a vocab.txt (or added tokens) longer than the embedding table converts with a
    warning naming the extra entries; they still split words as transformers does
    (matched whole), but the SDK's tokenizer reads them as [UNK], never an id past
    the table;
  * [UNK] / [CLS] / [SEP] beyond the table: an error; [PAD] beyond it: a warning
    (embert never pads); [MASK] beyond it: an error with a masked-LM head, else a
    warning; config.json's pad_token_id outside the table: an error (torch's
    nn.Embedding refuses such a padding_idx);
  * model_max_length beyond max_position_embeddings: a warning, clamped;
  * type_vocab_size 1: single texts run, a text pair is a clear error;
  * a config.json without model_type and architectures (pytorch-transformers, 2019)
    converts when the tensor names are a BERT's, with a note saying what was
    inferred, and gives the same answers as the same checkpoint with the fields;
    with another family's names it is an error.

Fixtures are random BERTs written by tests/reference/make_random_bert.py, edited here.

  test_checkpoint_quirks.py --convert BIN [--embert BIN] --root SOURCE_DIR --work DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import safetensors_io  # noqa: E402

ARGS = None
FAILURES = []
VOCAB = 240  # make_random_bert's vocabulary: [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103; ## letters
EXTRA = ["jazzband", "##zzq", "qqqq", "[NEWTOK]", "wx", "yy", "zz"]  # vocab.txt lines 240..246


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("  FAIL " + what)
    return cond


def work(*p):
    return os.path.join(ARGS.work, *p)


def make(name, *extra):
    d = work(name)
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(ARGS.root, "tests", "reference", "make_random_bert.py"), "--out", d,
                    "--layers", "1", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--vocab",
                    str(VOCAB), "--max-pos", "32", "--seed", "11", "--no-expected", *extra], check=True,
                   stdout=subprocess.DEVNULL)
    return d


def copy(src, name):
    d = work(name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(src, d)
    return d


def edit_json(d, name, drop=(), **changes):
    p = os.path.join(d, name)
    c = {}
    if os.path.exists(p):
        with open(p) as f:
            c = json.load(f)
    for k in drop:
        c.pop(k, None)
    c.update(changes)
    with open(p, "w") as f:
        json.dump(c, f)


def append_vocab(d, lines):
    with open(os.path.join(d, "vocab.txt"), "a") as f:
        f.write("".join(t + "\n" for t in lines))


def convert(d, *extra):
    out = d + ".embert"
    if os.path.exists(out):
        os.remove(out)
    run = subprocess.run([ARGS.convert, d, "-o", out, *extra], capture_output=True, text=True)
    return run, out


def converts(d, *extra):
    run, out = convert(d, *extra)
    check(run.returncode == 0 and os.path.exists(out), "%s: bert-convert failed: %s" % (d, run.stderr.strip()))
    return run.stderr, out


def fails(d, expected, *extra):
    run, out = convert(d, *extra)
    ok = check(run.returncode == 1 and not os.path.exists(out), "%s: exit %d, expected 1" % (d, run.returncode))
    for e in expected:
        ok = check(e in run.stderr, "%s: the error does not name %r: %s" % (d, e, run.stderr.strip())) and ok
    if ok:
        print("ok   %s: %s" % (os.path.basename(d), run.stderr.strip().splitlines()[-1]))


def embert(*args):
    return subprocess.run([ARGS.embert, *args], capture_output=True, text=True)


def tokenize(model, text):
    run = embert("tokenize", "--model", model, "--text", text, "--jsonl")
    check(run.returncode == 0, "tokenize %r: %s" % (text, run.stderr.strip()))
    return json.loads(run.stdout) if run.returncode == 0 else {"tokens": [], "input_ids": [], "offsets": []}


def test_vocab_longer_than_table(base):
    d = copy(base, "vocab_longer")
    append_vocab(d, EXTRA)
    err, out = converts(d)
    check('240 "jazzband", 241 "##zzq", 242 "qqqq", 243 "[NEWTOK]", 244 "wx" and 2 more' in err and
          "247 entries" in err and "240 rows" in err, "vocab_longer: the warning does not name the extra entries: " + err)
    print("ok   vocab_longer: " + err.strip())
    if not ARGS.embert:
        return
    base_out = converts(base)[1]
    text = "jazzband qqqq play jazz wxyz jazzq"
    got = tokenize(out, text)
    # transformers: jazzband -> 240, qqqq -> 242, wxyz -> 244 ##y ##z; here 240.. read as [UNK] (100).
    check(got["tokens"] == ["[CLS]", "[UNK]", "[UNK]", "play", "jazz", "[UNK]", "##y", "##z", "jazz", "##q", "[SEP]"],
          "vocab_longer: tokens %s" % got["tokens"])
    check(all(0 <= i < VOCAB for i in got["input_ids"]), "vocab_longer: ids past the table %s" % got["input_ids"])
    check(got["offsets"][1] == [0, 8] and got["offsets"][5] == [24, 26], "vocab_longer: offsets %s" % got["offsets"])
    # Without the extra entries the same words split into pieces of the table.
    plain = tokenize(base_out, text)
    check(plain["tokens"][1:3] == ["jazz", "##b"], "vocab_longer: the plain vocabulary gives %s" % plain["tokens"])
    # Texts without the extra entries: the same answers as the plain checkpoint.
    for t in ["play some jazz", "book a table for two"]:
        a = embert("classify", "--model", out, "--text", t)
        b = embert("classify", "--model", base_out, "--text", t)
        check(a.returncode == 0 and a.stdout == b.stdout, "vocab_longer: classify %r: %s vs %s" % (t, a, b))
    # Entries past the table have no embedding row: embert_set_tokens refuses them
    # (the CLI has no raw ids; the C API test covers it), and info reports the table.
    info = json.loads(embert("info", "--model", out).stdout)
    check(info["config"]["vocab_size"] == VOCAB, "vocab_longer: info says %s" % info["config"])


def test_added_token_beyond_table(base):
    d = copy(base, "added_beyond")
    with open(os.path.join(d, "added_tokens.json"), "w") as f:
        json.dump({"<ent>": VOCAB, "<loc>": VOCAB + 1}, f)
    err, out = converts(d)
    check('240 "<ent>", 241 "<loc>")' in err, "added_beyond: the warning does not name the added tokens: " + err)
    print("ok   added_beyond: " + err.strip())
    if ARGS.embert:
        got = tokenize(out, "play <ent> jazz")
        # Matched whole, as transformers' added tokens are, then [UNK].
        check(got["tokens"] == ["[CLS]", "play", "[UNK]", "jazz", "[SEP]"] and got["offsets"][2] == [5, 10],
              "added_beyond: %s %s" % (got["tokens"], got["offsets"]))


def test_special_tokens_beyond_table(base, mlm):
    # [PAD] without a row: not needed (embert never pads): a warning, pad_id dropped.
    d = copy(base, "pad_beyond")
    append_vocab(d, ["[XPAD]"])
    edit_json(d, "special_tokens_map.json", pad_token="[XPAD]")
    err, out = converts(d)
    check('[PAD] token is 240 "[XPAD]"' in err, "pad_beyond: no warning: " + err)
    if ARGS.embert:
        got = tokenize(out, "play [XPAD] jazz")
        check(got["tokens"] == ["[CLS]", "play", "[UNK]", "jazz", "[SEP]"], "pad_beyond: %s" % got["tokens"])
    # [MASK] without a row: a warning without a masked-LM head, an error with one.
    d = copy(base, "mask_beyond")
    append_vocab(d, ["[XMASK]"])
    edit_json(d, "tokenizer_config.json", mask_token="[XMASK]")
    err, _ = converts(d)
    check('[MASK] token is 240 "[XMASK]"' in err and "no masked-LM head" in err, "mask_beyond: no warning: " + err)
    d = copy(mlm, "mask_beyond_mlm")
    append_vocab(d, ["[XMASK]"])
    edit_json(d, "tokenizer_config.json", mask_token="[XMASK]")
    fails(d, ['[MASK] token is 240 "[XMASK]"', "masked-LM head"])
    # [UNK], [CLS], [SEP] without a row: errors.
    for name, key in (("unk", "unk_token"), ("cls", "cls_token"), ("sep", "sep_token")):
        d = copy(base, name + "_beyond")
        append_vocab(d, ["[X%s]" % name.upper()])
        edit_json(d, "special_tokens_map.json", **{key: "[X%s]" % name.upper()})
        fails(d, ['[%s] token is 240 "[X%s]"' % (name.upper(), name.upper()), "240 rows"])
    # config.json's pad_token_id is BertEmbeddings' padding_idx: torch refuses one outside the table.
    d = copy(base, "pad_token_id_outside")
    edit_json(d, "config.json", pad_token_id=VOCAB)
    fails(d, ["pad_token_id 240", "vocab_size 240"])
    # A vocab.txt shorter than the table (a table padded for the GPU) converts, as transformers
    # loads it: the rows without a token get placeholders no text produces.
    d = copy(base, "vocab_shorter")
    with open(os.path.join(d, "vocab.txt")) as f:
        lines = f.read().splitlines()
    with open(os.path.join(d, "vocab.txt"), "w") as f:
        f.write("".join(t + "\n" for t in lines[:-3]))
    err, out = converts(d)
    check("237 tokens" in err and "rows 237..239 have no token" in err, "vocab_shorter: no warning: " + err)
    if ARGS.embert:
        ref = copy(base, "vocab_shorter_ref")
        _, ref_out = converts(ref)
        for text in ("the cat sat on the mat", lines[-1] + " " + lines[-2], "[embert:row 238]"):
            a, b = tokenize(out, text), tokenize(ref_out, text)
            # The three dropped entries are no longer whole tokens: only texts without them agree.
            if text == "the cat sat on the mat":
                check(a["input_ids"] == b["input_ids"], "vocab_shorter: %r tokenizes differently" % text)
            check(all(i < 237 for i in a["input_ids"]), "vocab_shorter: %r produced a padded row: %s" % (text, a))


def test_model_max_length(base):
    d = copy(base, "model_max_length")
    edit_json(d, "tokenizer_config.json", model_max_length=512)
    err, out = converts(d)
    check("model_max_length 512 exceeds the model's 32 positions" in err, "model_max_length: no warning: " + err)
    if ARGS.embert:
        info = json.loads(embert("info", "--model", out).stdout)
        check(info["config"]["max_seq_len"] == 32, "model_max_length: max_seq_len %s" % info["config"])
    # Hugging Face's "no limit" (1e30) is silent.
    d = copy(base, "model_max_length_unlimited")
    edit_json(d, "tokenizer_config.json", model_max_length=1e30)
    err, _ = converts(d)
    check("model_max_length" not in err, "model_max_length_unlimited: " + err)


def test_one_token_type():
    d = make("one_type", "--labels", "2", "--type-vocab", "1")
    _, out = converts(d)
    if not ARGS.embert:
        return
    one = embert("classify", "--model", out, "--text", "play some jazz")
    check(one.returncode == 0, "one_type: single text: " + one.stderr)
    pair = embert("classify", "--model", out, "--text", "play some jazz", "--pair", "by miles davis")
    check(pair.returncode != 0 and "type_vocab_size 1" in pair.stderr and "pair" in pair.stderr,
          "one_type: a pair: exit %d, %s" % (pair.returncode, pair.stderr.strip()))
    print("ok   one_type pair: " + pair.stderr.strip().splitlines()[-1] if pair.stderr.strip() else "")


def test_config_without_model_type(base, mlm):
    texts = ["play some jazz", "what is the weather in paris", "un ##want rate this novel"]
    for src, name in ((base, "untyped"), (mlm, "untyped_mlm")):
        d = copy(src, name)
        edit_json(d, "config.json", drop=("model_type", "architectures"))
        err, out = converts(d)
        check("note: " in err and "names neither model_type nor architectures" in err and
              "bert.embeddings.word_embeddings.weight" in err and 'model_type "bert"' in err,
              "%s: no note of what was inferred: %s" % (name, err))
        print("ok   %s: %s" % (name, err.strip()))
        # The files differ only in provenance (the config's hash): compare answers.
        ref = converts(src)[1]
        if not ARGS.embert:
            continue
        for t in texts:
            masked = " ".join(t.split()[:-1] + ["[MASK]"])
            cmd = ("fill-mask", "--text", masked) if src == mlm else ("classify", "--text", t)
            x = embert(cmd[0], "--model", out, *cmd[1:])
            y = embert(cmd[0], "--model", ref, *cmd[1:])
            check(x.returncode == 0 and x.stdout == y.stdout, "%s: %s %r differs: %s vs %s" % (name, cmd[0], t, x, y))
    # BertModel.save_pretrained: no "bert." prefix.
    d = copy(base, "untyped_no_prefix")
    edit_json(d, "config.json", drop=("model_type", "architectures"))
    w = safetensors_io.load(os.path.join(d, "model.safetensors"))
    w = {k[len("bert."):]: v for k, v in w.items() if k.startswith("bert.")}
    safetensors_io.save(os.path.join(d, "model.safetensors"), w)
    err, _ = converts(d)
    check("(embeddings.word_embeddings.weight, encoder.layer.0.attention.self.query.weight)" in err,
          "untyped_no_prefix: " + err)
    # The same through --config (the generic path).
    d = copy(base, "untyped_config_option")
    edit_json(d, "config.json", drop=("model_type", "architectures"))
    err, _ = converts(d, "--config", os.path.join(d, "config.json"))
    check('model_type "bert"' in err, "untyped_config_option: " + err)
    # Another family's names: an error naming the tensor.
    d = copy(base, "untyped_roberta")
    edit_json(d, "config.json", drop=("model_type", "architectures"))
    w = safetensors_io.load(os.path.join(d, "model.safetensors"))
    safetensors_io.save(os.path.join(d, "model.safetensors"), {k.replace("bert.", "roberta."): v for k, v in w.items()})
    fails(d, ["names neither model_type nor architectures", "roberta.embeddings.word_embeddings.weight"])
    # Names that are nobody's BERT: an error saying what was expected.
    d = copy(base, "untyped_unknown")
    edit_json(d, "config.json", drop=("model_type", "architectures"))
    safetensors_io.save(os.path.join(d, "model.safetensors"),
                        {"transformer.h.%d.weight" % i: v for i, v in enumerate(w.values())})
    fails(d, ["names neither model_type nor architectures", "bert.encoder.layer.0.attention.self.query.weight"])


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--convert", required=True)
    ap.add_argument("--embert", default="")
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ARGS = ap.parse_args()
    os.makedirs(ARGS.work, exist_ok=True)
    base = make("base", "--labels", "3")
    mlm = make("mlm", "--mlm")
    test_vocab_longer_than_table(base)
    test_added_token_beyond_table(base)
    test_special_tokens_beyond_table(base, mlm)
    test_model_max_length(base)
    test_one_token_type()
    test_config_without_model_type(base, mlm)
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
