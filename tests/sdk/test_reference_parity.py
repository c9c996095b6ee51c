#!/usr/bin/env python3
"""embert against the independent numpy reference (tests/reference/bert_ref.py).

Runs the SDK (through the embert_probe tool, i.e. the C API) on token ids and
compares every output with bert_ref computed from the Hugging Face checkpoint
the .embert file was converted from:

  fp32 file: logits/probabilities within 1e-4, sequence output within 1e-3
             (absolute; --seq-tol), also with padding masks and sentence pairs
  int8 file: the bound stated in sdk/QUANTIZATION.md: sequence outputs with
             cosine >= 0.99 to the reference, top label equal, logits within
             --int8-logit-tol

  test_reference_parity.py --probe PATH --hf DIR --model FILE.embert [--int8] [--engine E]
      [--seq-tol T] [--max-len N]

DistilBERT and ELECTRA checkpoints too (bert_ref reads their names); --max-len bounds the
longest case (published 512-position shapes).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import bert_ref  # noqa: E402


def cases(bert, rng, cls_id, max_len=0):
    V = bert.config["vocab_size"]
    P = bert.config["max_position_embeddings"]
    P = min(P, max_len) if max_len else P
    out = []
    for n in (1, 2, 5, 16, min(P, 40), P):
        ids = rng.integers(5, V, size=n)
        ids[0] = cls_id
        out.append((ids.tolist(), [0] * n, None))
    n = min(P, 24)  # a sentence pair
    out.append((rng.integers(5, V, size=n).tolist(), [0] * (n // 2) + [1] * (n - n // 2), None))
    n = min(P, 20)  # padding: the last 7 positions masked
    out.append((rng.integers(5, V, size=n).tolist(), [0] * n, [1] * (n - 7) + [0] * 7))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    ap.add_argument("--hf", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--int8", action="store_true")
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--threads", default="1")
    ap.add_argument("--int8-logit-tol", type=float, default=0.1)
    ap.add_argument("--seq-tol", type=float, default=1e-3, help="fp32: largest |sequence output error|")
    ap.add_argument("--max-len", type=int, default=0, help="longest case (default max_position_embeddings)")
    a = ap.parse_args()
    bert = bert_ref.Bert(a.hf)
    vocab = open(os.path.join(a.hf, "vocab.txt"), encoding="utf-8").read().split("\n")
    ids_of = {t: i for i, t in enumerate(vocab)}
    mask_id, cls_id, sep_id = ids_of.get("[MASK]", -1), ids_of.get("[CLS]", 2), ids_of.get("[SEP]", 3)
    rng = np.random.default_rng(7)
    cs = cases(bert, rng, cls_id, a.max_len)
    lines = []
    for ids, types, mask in cs:
        lines.append("%s;%s;%s" % (",".join(map(str, ids)), ",".join(map(str, types)),
                                   ",".join(map(str, mask)) if mask else ""))

    def probe(threads):
        run = subprocess.run([a.probe, a.model, "--engine", a.engine, "--threads", threads],
                             input="\n".join(lines) + "\n", capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(run.stderr)
        outs = [json.loads(l) for l in run.stdout.splitlines()]
        assert len(outs) == len(cs), (len(outs), len(cs))
        return outs

    outs = probe(a.threads)
    failures = 0
    if a.threads != "1":
        # Threads split channels, heads and rows, never a sum: the outputs
        # must be those of one thread to the bit.
        for k, (l1, ln) in enumerate(zip(probe("1"), outs)):
            if any(l1[key] != ln[key] for key in l1 if key != "engine"):
                failures += 1
                print("FAIL %s threads differ from 1 thread on case %d (n=%d)" % (a.threads, k, len(cs[k][0])))
    worst = {"seq": 0.0, "logit": 0.0, "cos": 1.0}
    H = bert.hidden
    for (ids, types, mask), got in zip(cs, outs):
        h = bert.encode(ids, types, mask)
        keep = np.array(mask, dtype=bool) if mask else np.ones(len(ids), dtype=bool)
        seq = np.array(got["sequence_output"]).reshape(len(ids), H)
        err = np.abs(seq[keep] - h[keep]).max()
        cos = min(float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))
                  for x, y in zip(seq[keep], h[keep]))
        worst["seq"] = max(worst["seq"], err)
        worst["cos"] = min(worst["cos"], cos)
        mean = h[keep].mean(0)
        mean_err = np.abs(np.array(got["mean_pooled"]) - mean).max()
        checks = []
        if a.int8:
            checks.append(("sequence cosine", cos >= 0.99, cos))
        else:
            checks.append(("sequence output", err <= a.seq_tol, err))
            checks.append(("mean pooled", mean_err <= a.seq_tol, mean_err))
        if "pooled_output" in got:
            perr = np.abs(np.array(got["pooled_output"]) - bert.pooled(h)).max()
            if not a.int8:
                checks.append(("pooled", perr <= 1e-4, perr))
        if "logits" in got:
            z = bert.logits(h)
            lerr = np.abs(np.array(got["logits"]) - z).max()
            tol = a.int8_logit_tol if a.int8 else 1e-4
            worst["logit"] = max(worst["logit"], lerr)
            perr = np.abs(np.array(got["probs"]) - bert.probs(z)).max()
            checks.append(("logits", lerr <= tol, lerr))
            # int8 may swap two labels whose reference logits are closer than
            # the stated logit error bound; any other disagreement fails.
            srt = np.sort(z)[::-1]
            margin = srt[0] - srt[1] if len(z) > 1 else np.inf
            near_tie = a.int8 and margin < 2 * tol
            checks.append(("top label", got["index"] == int(np.argmax(z)) or near_tie, got["index"]))
            if not a.int8:
                checks.append(("probabilities", perr <= 1e-4, perr))
        if "nsp_is_next" in got and not a.int8:
            e = abs(got["nsp_is_next"] - bert.nsp_probs(h)[0])
            checks.append(("next sentence", e <= 1e-4, e))
        if "mlm_positions" in got and not a.int8:
            checks.append(("no [MASK] in random ids", got["mlm_positions"] == [p for p, t in enumerate(ids) if t == mask_id], 0))
        for name, ok, value in checks:
            if not ok:
                failures += 1
                print("FAIL %s (n=%d, mask=%s): %s" % (name, len(ids), bool(mask), value))
    # fill-mask: put [MASK] in a sequence and compare the top 5.
    if mask_id >= 0 and bert.has_mlm:
        ids = [cls_id, 10, mask_id, 11, 12, mask_id, sep_id]
        run = subprocess.run([a.probe, a.model, "--engine", a.engine], input=",".join(map(str, ids)) + ";;\n",
                             capture_output=True, text=True)
        got = json.loads(run.stdout)
        h = bert.encode(ids)
        for k, pos in enumerate(got["mlm_positions"]):
            p = bert.mlm_probs(h, pos)
            top = list(np.argsort(-p)[:5])
            if not a.int8:
                if got["mlm_top5_ids"][5 * k:5 * k + 5] != [int(t) for t in top]:
                    failures += 1
                    print("FAIL fill-mask top-5 at %d: %s vs %s" % (pos, got["mlm_top5_ids"][5 * k:5 * k + 5], top))
                e = np.abs(np.array(got["mlm_top5_probs"][5 * k:5 * k + 5]) - p[top]).max()
                if e > 1e-4:
                    failures += 1
                    print("FAIL fill-mask probabilities at %d: %g" % (pos, e))
            elif got["mlm_top5_ids"][5 * k] != int(top[0]):
                failures += 1
                print("FAIL int8 fill-mask top-1 at %d" % pos)
    print("%s %s: max |seq err| %.3g, min cosine %.6f, max |logit err| %.3g" % (
        os.path.basename(a.model), outs[0]["engine"], worst["seq"], worst["cos"], worst["logit"]))
    print("%d passed, %d failed" % (len(cs) - min(failures, len(cs)), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
