// Corpus throughput of ONNX Runtime (onnxruntime-node) on a BERT exported by
// benchmarks/compare/export_onnx.py --dynamic-batch, in padded batches: the
// corpus's token ids (one JSON object with input_ids per line, as
// `embert tokenize --jsonl` prints them) in input order, B inputs per
// session.run, each batch padded to its longest member (pad id 0,
// attention_mask 0 on padding, token_type_ids 0). The feeds are built before
// timing; a repetition times the session.run calls over the whole corpus
// (the encoder, plus the model's pooler and classifier on [CLS]: its output is
// logits; no tokenization, no pooling of the hidden states).
// One JSON line per batch size, with the median and every repetition's lines/s.
//
//   node ort_throughput.js --model M.onnx --ids IDS.jsonl --threads T --batches 1,4,8 [--repeats R]
//                          [--system NAME] [--config NAME]
//   node ort_throughput.js --model M.onnx --ids IDS.jsonl --check-only
//
// Before timing, the first 8 inputs as one padded batch are checked against
// each run alone (pad_check: largest logit difference), so that padding is
// masked: ~1e-6 with an fp32 model; an int8 model differs more because
// DynamicQuantizeLinear takes one scale over the whole batch.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

function feeds(seqs) {
  const b = seqs.length;
  const n = Math.max(...seqs.map((s) => s.length));
  const ids = new BigInt64Array(b * n);  // 0 = [PAD]
  const mask = new BigInt64Array(b * n);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < seqs[i].length; j++) {
      ids[i * n + j] = BigInt(seqs[i][j]);
      mask[i * n + j] = 1n;
    }
  }
  return {
    input_ids: new ort.Tensor('int64', ids, [b, n]),
    attention_mask: new ort.Tensor('int64', mask, [b, n]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(b * n), [b, n]),
  };
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main() {
  const threads = Number(arg('threads', '1'));
  const repeats = Number(arg('repeats', '5'));
  const seqs = fs.readFileSync(arg('ids'), 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l).input_ids);
  const tokens = seqs.reduce((a, s) => a + s.length, 0);
  const session = await ort.InferenceSession.create(arg('model'), {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });

  // Padding must not change a result: batch of 8 against one at a time.
  const probe = seqs.slice(0, 8);
  const together = (await session.run(feeds(probe))).logits;
  const width = together.dims[1];
  let padCheck = 0;
  for (let i = 0; i < probe.length; i++) {
    const alone = (await session.run(feeds([probe[i]]))).logits.data;
    for (let k = 0; k < width; k++) padCheck = Math.max(padCheck, Math.abs(alone[k] - together.data[i * width + k]));
  }
  if (process.argv.includes('--check-only')) {
    console.log(JSON.stringify({ model: arg('model'), pad_check: padCheck }));
    return;
  }

  for (const b of arg('batches', '1,4,8,16,32,64,128').split(',').map(Number)) {
    const batches = [];
    let padded = 0;
    for (let i = 0; i < seqs.length; i += b) {
      const f = feeds(seqs.slice(i, i + b));
      padded += f.input_ids.dims[0] * f.input_ids.dims[1];
      batches.push(f);
    }
    let checksum = 0;
    const corpus = async () => {
      for (const f of batches) checksum += (await session.run(f)).logits.data[0];
    };
    await corpus();  // warm-up, as embed_throughput
    const rates = [];
    for (let r = 0; r < repeats; r++) {
      const s = process.hrtime.bigint();
      await corpus();
      rates.push(seqs.length / (Number(process.hrtime.bigint() - s) / 1e9));
    }
    console.log(JSON.stringify({
      system: arg('system', 'ort-int8'), config: arg('config'), model: arg('model'), threads, batch: b,
      texts: seqs.length, tokens, padded_tokens: padded, runs: batches.length,
      lines_per_s: Number(median(rates).toFixed(2)), all: rates.map((x) => Number(x.toFixed(2))),
      pad_check: padCheck, checksum,
    }));
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
