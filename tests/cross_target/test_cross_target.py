#!/usr/bin/env python3
"""The same model gives the same answers on the host (x86-64) and on the target.

The host's bert-convert converts the demo model (int8 and fp32) once; the
host's embert and the cross-built embert (run under qemu-user by the Python
wrapper of the cross build) classify every dev utterance with both files.
Checked: identical top label for every text, and logits within tolerance:
  int8: 1e-4. The int8 matrix products are bit-exact across engines
        (sdk/QUANTIZATION.md); what may differ is the last bits of the fp32
        parts (exp, erf, LayerNorm sums vectorised differently).
  fp32: 1e-3. XNNPACK's fp32 kernels sum in a different order on each ISA.
Also reports the largest differences seen, so the tolerances can be judged.
"""
import argparse
import json
import os
import subprocess
import sys


def classify(embert, model, texts):
    run = subprocess.run([embert, "classify", "--model", model, "--input", "-", "--jsonl"],
                         input="\n".join(texts) + "\n", capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("%s classify failed (%d): %s" % (embert, run.returncode, run.stderr))
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    if len(rows) != len(texts):
        sys.exit("%s: %d results for %d texts" % (embert, len(rows), len(texts)))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host-tools", required=True)
    ap.add_argument("--target-embert", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--texts", required=True, help="TSV with a header; the first column is the text")
    ap.add_argument("--work", required=True)
    a = ap.parse_args()

    with open(a.texts, encoding="utf-8") as f:
        texts = [line.rstrip("\n").split("\t")[0] for line in f.readlines()[1:] if line.strip()]
    failures = 0
    for quant, tol in (("int8", 1e-4), ("fp32", 1e-3)):
        model = os.path.join(a.work, "snips-intent-host-%s.embert" % quant)
        subprocess.run([os.path.join(a.host_tools, "bert-convert"), a.model_dir, "-o", model,
                        "--quantize", quant, "--quiet"], check=True)
        host = classify(os.path.join(a.host_tools, "embert"), model, texts)
        target = classify(a.target_embert, model, texts)
        labels_differ = [i for i, (h, t) in enumerate(zip(host, target)) if h["label"] != t["label"]]
        worst = max(abs(x - y) for h, t in zip(host, target) for x, y in zip(h["logits"], t["logits"]))
        ok = not labels_differ and worst <= tol
        failures += not ok
        print("%s %s: %d texts, %d top labels differ, max |logit diff| %.3g (tolerance %g)"
              % ("ok  " if ok else "FAIL", quant, len(texts), len(labels_differ), worst, tol))
        for i in labels_differ[:10]:
            print("  %r: host %s, target %s" % (texts[i], host[i]["label"], target[i]["label"]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
