#!/usr/bin/env python3
"""Cross-checks bert_ref.py's DistilBERT and ELECTRA against PyTorch's own modules (by hand,
not in ctest; Debian's /usr/bin/python3 has torch, no transformers).

The checkpoint is read under its published names and run through torch.nn.Embedding,
nn.LayerNorm, nn.Linear and nn.TransformerEncoderLayer (post-LN, batch_first, dropout 0):
a second implementation of the same architecture that shares no code with bert_ref.py.

  xcheck_torch_families.py DIR [DIR...]   (make_random_bert.py --arch distilbert|electra)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_ref  # noqa: E402


def torch_forward(model_dir, ids, mask):
    c = json.load(open(os.path.join(model_dir, "config.json")))
    w = {k: torch.tensor(v, dtype=torch.float64) for k, v in bert_ref.load_weights(model_dir).items()}
    distil = c["model_type"] == "distilbert"
    if distil:
        H, A, I, L, act, eps = c["dim"], c["n_heads"], c["hidden_dim"], c["n_layers"], c["activation"], 1e-12
        body, layer = "distilbert.", "distilbert.transformer.layer.%d."
        names = ["attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin", "sa_layer_norm",
                 "ffn.lin1", "ffn.lin2", "output_layer_norm"]
    else:
        H, A, I, L = c["hidden_size"], c["num_attention_heads"], c["intermediate_size"], c["num_hidden_layers"]
        act, eps = c["hidden_act"], c["layer_norm_eps"]
        body, layer = "electra.", "electra.encoder.layer.%d."
        names = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                 "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"]
    ids_t = torch.tensor([ids])
    n = len(ids)
    x = F.embedding(ids_t, w[body + "embeddings.word_embeddings.weight"])
    x = x + w[body + "embeddings.position_embeddings.weight"][:n]
    if not distil:
        x = x + w[body + "embeddings.token_type_embeddings.weight"][0]
    E = x.shape[-1]
    x = F.layer_norm(x, (E,), w[body + "embeddings.LayerNorm.weight"], w[body + "embeddings.LayerNorm.bias"], eps)
    if body + "embeddings_project.weight" in w:
        x = F.linear(x, w[body + "embeddings_project.weight"], w[body + "embeddings_project.bias"])
    pad = torch.tensor([[m == 0 for m in mask]])
    for i in range(L):
        t = torch.nn.TransformerEncoderLayer(H, A, I, dropout=0.0, activation=act if act != "relu" else "relu",
                                             layer_norm_eps=eps, batch_first=True, norm_first=False,
                                             dtype=torch.float64)
        p = layer % i
        g = lambda k: w[p + k]  # noqa: E731
        q, k, v, o, n1, l1, l2, n2 = names
        with torch.no_grad():
            t.self_attn.in_proj_weight.copy_(torch.cat([g(q + ".weight"), g(k + ".weight"), g(v + ".weight")]))
            t.self_attn.in_proj_bias.copy_(torch.cat([g(q + ".bias"), g(k + ".bias"), g(v + ".bias")]))
            t.self_attn.out_proj.weight.copy_(g(o + ".weight"))
            t.self_attn.out_proj.bias.copy_(g(o + ".bias"))
            t.norm1.weight.copy_(g(n1 + ".weight"))
            t.norm1.bias.copy_(g(n1 + ".bias"))
            t.linear1.weight.copy_(g(l1 + ".weight"))
            t.linear1.bias.copy_(g(l1 + ".bias"))
            t.linear2.weight.copy_(g(l2 + ".weight"))
            t.linear2.bias.copy_(g(l2 + ".bias"))
            t.norm2.weight.copy_(g(n2 + ".weight"))
            t.norm2.bias.copy_(g(n2 + ".bias"))
        t.eval()
        with torch.no_grad():
            x = t(x, src_key_padding_mask=pad)
    h = x[0]
    logits = None
    if "pre_classifier.weight" in w:
        logits = F.linear(F.relu(F.linear(h[0], w["pre_classifier.weight"], w["pre_classifier.bias"])),
                          w["classifier.weight"], w["classifier.bias"])
    elif "classifier.dense.weight" in w:
        logits = F.linear(F.gelu(F.linear(h[0], w["classifier.dense.weight"], w["classifier.dense.bias"])),
                          w["classifier.out_proj.weight"], w["classifier.out_proj.bias"])
    return h.numpy(), None if logits is None else logits.numpy()


def main():
    worst = 0.0
    for d in sys.argv[1:]:
        ref = bert_ref.Bert(d)
        rng = np.random.default_rng(3)
        for n, padded in ((1, 0), (9, 0), (17, 5)):
            ids = [int(t) for t in rng.integers(5, ref.config["vocab_size"], size=n)]
            mask = [1] * (n - padded) + [0] * padded
            h, z = torch_forward(d, ids, mask)
            r = ref.encode(ids, None, mask)
            keep = np.array(mask, dtype=bool)
            e = float(np.abs(h[keep] - r[keep]).max())
            if z is not None:
                e = max(e, float(np.abs(z - ref.logits(r)).max()))
            worst = max(worst, e)
            print("%s n=%d padded=%d: max |torch - bert_ref| %.3g" % (os.path.basename(d), n, padded, e))
    print("largest difference %.3g" % worst)
    return 0 if worst < 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
