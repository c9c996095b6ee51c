"""What the agreement tests share: classify texts with an embert command and
compare two runs' top labels and logits."""
import json
import subprocess
import sys


def read_texts(path, count=None):
    """The first column of a TSV with a header, up to count lines."""
    with open(path, encoding="utf-8") as f:
        texts = [line.rstrip("\n").split("\t")[0] for line in f.readlines()[1:] if line.strip()]
    return texts[:count] if count else texts


def classify(cmd, model, texts):
    """cmd: the embert program, as a list (it may start with an emulator)."""
    run = subprocess.run(cmd + ["classify", "--model", model, "--input", "-", "--jsonl"],
                         input="\n".join(texts) + "\n", capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("%s classify failed (%d): %s" % (" ".join(cmd), run.returncode, run.stderr[-2000:]))
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    if len(rows) != len(texts):
        sys.exit("%s: %d results for %d texts" % (" ".join(cmd), len(rows), len(texts)))
    return rows


def agree(name, texts, ref, got, tolerance, ref_name="host", got_name="target"):
    """Prints one line (and up to 10 differing labels); True when every top
    label is equal and every logit within tolerance."""
    labels_differ = [i for i, (r, g) in enumerate(zip(ref, got)) if r["label"] != g["label"]]
    worst = max(abs(x - y) for r, g in zip(ref, got) for x, y in zip(r["logits"], g["logits"]))
    ok = not labels_differ and worst <= tolerance
    print("%s %s: %d texts, %d top labels differ, max |logit diff| %.3g (tolerance %g)"
          % ("ok  " if ok else "FAIL", name, len(texts), len(labels_differ), worst, tolerance))
    for i in labels_differ[:10]:
        print("  %r: %s %s, %s %s" % (texts[i], ref_name, ref[i]["label"], got_name, got[i]["label"]))
    return ok
