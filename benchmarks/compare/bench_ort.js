// In-process latency of ONNX Runtime (onnxruntime-node) session.run on a BERT
// exported by export_onnx.py, batch 1, from token ids to logits; session
// creation timed apart. One JSON line per sequence length.
//   node bench_ort.js --model M.onnx --system NAME --config NAME --threads T --seqs 8,16 [--iterations K]
//   node bench_ort.js --model M.onnx --logits 101,2023,102      (prints the logits of one input)
'use strict';
const ort = require('onnxruntime-node');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

function feeds(n, vocab) {
  // The same kind of ids as bench_torch.py: [CLS] random ids [SEP].
  const ids = new BigInt64Array(n);
  let x = 12345 + n;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    ids[i] = BigInt(1000 + (x % (vocab - 1000)));
  }
  ids[0] = 101n;
  ids[n - 1] = 102n;
  return {
    input_ids: new ort.Tensor('int64', ids, [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [1, n]),
  };
}

async function main() {
  const threads = Number(arg('threads', '1'));
  const iterations = Number(arg('iterations', '20'));
  const t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(arg('model'), {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const sessionMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (arg('logits')) {
    const ids = arg('logits').split(',').map((v) => BigInt(v));
    const n = ids.length;
    const out = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [1, n]),
    });
    console.log(JSON.stringify(Array.from(out.logits.data)));
    return;
  }
  for (const n of arg('seqs', '8,16,32,64,128,256').split(',').map(Number)) {
    const f = feeds(n, 30522);
    for (let i = 0; i < 3; i++) await session.run(f);
    const times = [];
    for (let i = 0; i < iterations; i++) {
      const s = process.hrtime.bigint();
      await session.run(f);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    times.sort((a, b) => a - b);
    const median = times.length % 2 ? times[(times.length - 1) / 2]
                                    : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    console.log(JSON.stringify({
      system: arg('system'), config: arg('config'), seq_len: n, threads, median_ms: median,
      p90_ms: times[Math.min(times.length - 1, Math.floor(0.9 * times.length))], session_ms: sessionMs,
    }));
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
