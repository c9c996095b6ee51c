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
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agreement import agree, classify, read_texts  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host-tools", required=True)
    ap.add_argument("--target-embert", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--texts", required=True, help="TSV with a header; the first column is the text")
    ap.add_argument("--work", required=True)
    a = ap.parse_args()

    texts = read_texts(a.texts)
    failures = 0
    for quant, tol in (("int8", 1e-4), ("fp32", 1e-3)):
        model = os.path.join(a.work, "snips-intent-host-%s.embert" % quant)
        subprocess.run([os.path.join(a.host_tools, "bert-convert"), a.model_dir, "-o", model,
                        "--quantize", quant, "--quiet"], check=True)
        host = classify([os.path.join(a.host_tools, "embert")], model, texts)
        target = classify([a.target_embert], model, texts)
        failures += not agree(quant, texts, host, target, tol)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
