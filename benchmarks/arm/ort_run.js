// One ONNX Runtime session under the ARM instruments (benchmarks/arm/ort_peer.sh):
// creates a session on an exported BERT (benchmarks/compare/export_onnx.py,
// quantize_onnx.py), 1 intra-op thread, sequential execution, all graph
// optimizations, then calls run() CALLS times on the same input and exits.
// ort_peer.sh counts a run with CALLS=1 and one with CALLS=2 and subtracts,
// so everything but one run() cancels; the code here is kept minimal and
// deterministic (same input, no timing, no output but one line at the end)
// for that. Run it with node --jitless --single-threaded: no JIT code, no
// V8 helper threads.
//   node ort_run.js MODEL.onnx SEQ_LEN CALLS
'use strict';
const ort = require('onnxruntime-node');

const [model, seqArg, callsArg] = process.argv.slice(2);
const n = Number(seqArg);
const calls = Number(callsArg);
if (!model || !(n >= 2) || !(calls >= 1)) {
  console.error('usage: node ort_run.js MODEL.onnx SEQ_LEN CALLS');
  process.exit(2);
}

// The same ids as benchmarks/compare/bench_ort.js: [CLS] random ids [SEP].
function feeds(len, vocab) {
  const ids = new BigInt64Array(len);
  let x = 12345 + len;
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    ids[i] = BigInt(1000 + (x % (vocab - 1000)));
  }
  ids[0] = 101n;
  ids[len - 1] = 102n;
  return {
    input_ids: new ort.Tensor('int64', ids, [1, len]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(len).fill(1n), [1, len]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(len), [1, len]),
  };
}

async function main() {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const f = feeds(n, 30522);
  let out = null;
  for (let i = 0; i < calls; i++) out = await session.run(f);
  console.log(JSON.stringify({ seq_len: n, calls, logits: Array.from(out.logits.data) }));
}

main().catch((e) => { console.error(e); process.exit(1); });
