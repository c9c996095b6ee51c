#!/usr/bin/env python3
"""One BERT in every checkpoint layout bert-convert reads gives one model (issue 5).

A random BERT is written as a Hugging Face directory (tests/reference/make_random_bert.py),
then the same weights in Google's TF1 layout (1 and 2 shards, Snappy index blocks), as a
TF2 object checkpoint of a Model Garden encoder, as a Keras classifier (encoder + Dense
head) and as a MindSpore model-zoo checkpoint (new and old embedding names) by
write_checkpoint_layouts.py, which writes those formats from their specifications. Each is
converted by bert-convert (the format and layout detected, the configuration and
vocabulary found beside the weights) and compared with the conversion of the Hugging Face
directory, read back with embert_dump:

  * every tensor the layout carries: same dtype, shape, scales and bytes (int8 weights
    included: the same floats in, the same quantization out); no tensor missing;
  * configuration, tokenizer (vocabulary index), labels and score function equal;
  * embert classify on sample texts prints identical lines (labels, logits, probabilities);
  * task heads (Model.heads) equal, and for an extractive QA head (a run_squad TF1
    checkpoint, a MindSpore BertSquad one, from tests/reference/make_task_bert.py --task qa)
    embert qa prints identical answers, with one window and with several.

Then broken inputs, each a clear bert-convert error (exit 1, a message naming the
problem), never a crash: a missing shard, a truncated shard, a flipped tensor byte (crc32c),
a configuration that is missing, a directory with two checkpoints.

  test_checkpoint_layouts.py --convert BIN [--embert BIN] --dump BIN --root SOURCE_DIR --work DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

ARGS = None
FAILURES = []
TEXTS = ["play some jazz by miles davis", "what is the weather in paris", "un ##want rate this novel",
         "book a table for two"]


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("  FAIL " + what)
    return cond


def work(*p):
    return os.path.join(ARGS.work, *p)


def make_hf(name, *extra):
    d = work(name)
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(ARGS.root, "tests", "reference", "make_random_bert.py"), "--out", d,
                    "--layers", "2", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--vocab", "150",
                    "--max-pos", "40", "--seed", "7", "--no-expected", *extra], check=True, stdout=subprocess.DEVNULL)
    return d


def write_layout(hf, name, layout, *extra):
    d = work(name)
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(ARGS.root, "tests", "converter", "write_checkpoint_layouts.py"),
                    "--hf", hf, "--layout", layout, "--out", d, *extra], check=True, stdout=subprocess.DEVNULL)
    return d


def convert(src, out, *extra):
    return subprocess.run([ARGS.convert, src, "-o", out, "--quiet", *extra], capture_output=True, text=True)


def dump(path):
    d = json.loads(subprocess.run([ARGS.dump, path], capture_output=True, text=True, check=True).stdout)
    data = open(path, "rb").read()
    tensors = {}
    for name, t in d["tensors"].items():
        if t is None:  # absent (e.g. a tied MLM decoder)
            tensors[name] = None
            continue
        off, size = d["buffers"][t["buffer"]]
        tensors[name] = (t["dtype"], t["shape"], t["scales"], t["layout"], data[off:off + size])
    return d, tensors


def make_task(name, task):
    d = work(name)
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(ARGS.root, "tests", "reference", "make_task_bert.py"), "--task", task,
                    "--out", d, "--layers", "2", "--hidden", "32", "--heads", "2", "--intermediate", "64",
                    "--max-pos", "64", "--no-expected"], check=True, stdout=subprocess.DEVNULL)
    return d


def answers(path):
    """embert qa on make_task_bert's questions: one window, then several (stride 8, top 3)."""
    sys.path.insert(0, os.path.join(ARGS.root, "tests", "reference"))
    import make_task_bert  # noqa: E402 (numpy only)
    out = []
    for q, c in make_task_bert.QA_CASES:
        for extra in ([], ["--max-seq-len", "32", "--doc-stride", "8", "--top-k", "3"]):
            r = subprocess.run([ARGS.embert, "qa", "--model", path, "--question", q, "--context", c, "--jsonl", *extra],
                               capture_output=True, text=True)
            out.append((r.returncode, r.stdout, r.stderr))
    return out


def classify(path):
    return [subprocess.run([ARGS.embert, "classify", "--model", path, "--text", t, "--jsonl"], capture_output=True,
                           text=True, check=True).stdout for t in TEXTS]


def compare(ref_path, got_path, what, absent=()):
    ref, rt = dump(ref_path)
    got, gt = dump(got_path)
    want_names = {n for n in rt if not any(n.startswith(a) for a in absent)}
    check(set(gt) == want_names, "%s: tensors differ: missing %s, extra %s"
          % (what, sorted(want_names - set(gt)), sorted(set(gt) - want_names)))
    same = 0
    for n in sorted(want_names & set(gt)):
        same += check(gt[n] == rt[n], "%s: tensor %s differs (dtype/shape/scales/layout/bytes)" % (what, n))
    check(got["config"] == ref["config"], "%s: config %s vs %s" % (what, got["config"], ref["config"]))
    tok_keys = [k for k in ref["tokenizer"] if k != "vocab_index"]
    check({k: got["tokenizer"][k] for k in tok_keys} == {k: ref["tokenizer"][k] for k in tok_keys},
          "%s: tokenizer settings differ" % what)
    vi_r, vi_g = ref["tokenizer"]["vocab_index"], got["tokenizer"]["vocab_index"]
    check(open(ref_path, "rb").read()[vi_r[0]:vi_r[0] + vi_r[1]] == open(got_path, "rb").read()[vi_g[0]:vi_g[0] + vi_g[1]],
          "%s: vocabulary index differs" % what)
    outputs = ""
    if not absent or "classifier" not in absent:
        check(got["classifier"] == ref["classifier"], "%s: classifier %s vs %s" % (what, got["classifier"],
                                                                                   ref["classifier"]))
        if ref["classifier"] is not None and ARGS.embert:
            same_out = classify(got_path) == classify(ref_path)
            check(same_out, "%s: classify output differs" % what)
            outputs = ", classify output identical" if same_out else ""
    check(got["heads"] == ref["heads"], "%s: task heads %s vs %s" % (what, got["heads"], ref["heads"]))
    if "question_answering" in ref["heads"] and ARGS.embert:
        ref_answers = answers(ref_path)
        check(sum(rc == 0 and '"answers"' in o for rc, o, _ in ref_answers) >= 4,
              "%s: the reference answers nothing: %s" % (what, ref_answers))
        same_out = answers(got_path) == ref_answers
        check(same_out, "%s: qa output differs" % what)
        outputs += ", qa output identical" if same_out else ""
    print("%-34s %d/%d tensors identical%s; source format %s" % (what, same, len(want_names), outputs,
                                                                got["provenance"]["source_format"]))


def expect_error(what, src, needle, *extra):
    r = convert(src, work("broken.embert"), *extra)
    ok = check(r.returncode == 1 and needle in r.stderr and "error" in r.stderr,
               "%s: exit %d, stderr %r (expected exit 1 naming %r)" % (what, r.returncode, r.stderr.strip(), needle))
    if ok:
        print("%-34s %s" % (what, r.stderr.strip().splitlines()[-1][:150]))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    for name in ("--convert", "--dump", "--root", "--work"):
        ap.add_argument(name, required=True)
    ap.add_argument("--embert", help="the CLI, for the classify comparison (skipped without it)")
    ARGS = ap.parse_args()
    os.makedirs(ARGS.work, exist_ok=True)

    cls = make_hf("hf-cls", "--labels", "3")
    pre = make_hf("hf-pretrain", "--mlm", "--nsp")
    qa = make_task("hf-qa", "qa")  # BertForQuestionAnswering: qa_outputs [2, H], no pooler
    labels = work("labels.txt")
    with open(labels, "w") as f:
        f.write("".join(n + "\n" for n in json.load(open(os.path.join(cls, "config.json")))["id2label"].values()))
    ref_cls, ref_pre, ref_qa = work("ref-cls.embert"), work("ref-pretrain.embert"), work("ref-qa.embert")
    for src, out in ((cls, ref_cls), (pre, ref_pre), (qa, ref_qa)):
        r = convert(src, out)
        check(r.returncode == 0, "reference conversion of %s: %s" % (src, r.stderr))

    cases = [
        ("tf1 classifier", cls, "tf1", [], ["--labels", labels], lambda d: d, ref_cls, ()),
        ("tf1 prefix, 2 shards, snappy", cls, "tf1", ["--shards", "2", "--snappy"], ["--labels", labels],
         lambda d: os.path.join(d, "bert_model.ckpt"), ref_cls, ()),
        ("tf1 pretraining (MLM + NSP)", pre, "tf1", [], [], lambda d: os.path.join(d, "bert_model.ckpt.index"),
         ref_pre, ()),
        ("tf2 Model Garden encoder", cls, "tf2", [], [], lambda d: d, ref_cls, ("classifier",)),
        ("keras encoder + Dense head", cls, "keras", [], ["--labels", labels], lambda d: d, ref_cls, ()),
        ("mindspore classifier", cls, "mindspore", [], ["--labels", labels], lambda d: os.path.join(d, "bert.ckpt"),
         ref_cls, ()),
        ("mindspore old names, pretraining", pre, "mindspore", ["--ms-old-names"], [], lambda d: d, ref_pre, ()),
        # Extractive QA heads: run_squad's cls/squad/output_weights [2, H] and the model
        # zoo's BertSquad (bert.dense1) read as qa_outputs.
        ("tf1 run_squad (QA head)", qa, "tf1", [], [], lambda d: d, ref_qa, ()),
        ("mindspore BertSquad (QA head)", qa, "mindspore", [], [], lambda d: d, ref_qa, ()),
    ]
    for i, (what, hf, layout, wargs, cargs, pick, ref, absent) in enumerate(cases):
        d = write_layout(hf, "layout-%d-%s" % (i, layout), layout, *wargs)
        out = work("layout-%d.embert" % i)
        r = convert(pick(d), out, *cargs)
        if check(r.returncode == 0, "%s: bert-convert failed: %s" % (what, r.stderr.strip())):
            compare(ref, out, what, absent)

    # A TF Hub style SavedModel directory: variables/ and assets/vocab.txt, no
    # configuration file (the sizes are read off the tensors).
    d = write_layout(cls, "keras-for-savedmodel", "keras")
    sm = work("savedmodel")
    shutil.rmtree(sm, ignore_errors=True)
    os.makedirs(os.path.join(sm, "variables"))
    os.makedirs(os.path.join(sm, "assets"))
    open(os.path.join(sm, "saved_model.pb"), "wb").close()
    for f in os.listdir(d):
        if f.startswith("model."):
            shutil.copy(os.path.join(d, f), os.path.join(sm, "variables", f.replace("model.", "variables.", 1)))
    shutil.copy(os.path.join(d, "vocab.txt"), os.path.join(sm, "assets", "vocab.txt"))
    out = work("savedmodel.embert")
    r = convert(sm, out, "--labels", labels)
    if check(r.returncode == 0, "SavedModel: bert-convert failed: %s" % r.stderr.strip()):
        check("from the tensors" in r.stderr, "SavedModel: the inferred configuration is not reported: %r" % r.stderr)
        compare(ref_cls, out, "SavedModel, configuration inferred")

    # Broken inputs.
    d = write_layout(cls, "broken-tf1", "tf1", "--shards", "2")
    os.rename(os.path.join(d, "bert_model.ckpt.data-00001-of-00002"), os.path.join(d, "moved"))
    expect_error("missing shard", d, "data-00001-of-00002")
    os.rename(os.path.join(d, "moved"), os.path.join(d, "bert_model.ckpt.data-00001-of-00002"))
    shard = os.path.join(d, "bert_model.ckpt.data-00000-of-00002")
    data = bytearray(open(shard, "rb").read())
    data[0] ^= 0x40  # the first tensor in key order: bert/embeddings/LayerNorm/beta, which is read
    open(shard, "wb").write(data)
    expect_error("flipped byte in a shard", d, "crc32c")
    open(shard, "wb").write(data[:len(data) // 3])
    expect_error("truncated shard", d, "bert_model.ckpt")
    d = write_layout(cls, "no-config", "tf1")
    os.remove(os.path.join(d, "bert_config.json"))
    expect_error("TF1 without bert_config.json", d, "--config")
    d = write_layout(cls, "two-checkpoints", "tf1")
    for f in os.listdir(d):
        if f.startswith("bert_model.ckpt"):
            shutil.copy(os.path.join(d, f), os.path.join(d, f.replace("bert_model", "other_model")))
    expect_error("two checkpoints in a directory", d, "several TensorFlow checkpoints")
    d = write_layout(cls, "ms-no-config", "mindspore")
    os.remove(os.path.join(d, "config.yaml"))
    expect_error("MindSpore without a config", d, "--config")

    print("%d failures" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
