// Runs transformers.js's pipelines on the ONNX exports written by xcheck_transformers_js.py.
// Not part of the build or of ctest; the Python script calls it:
//   node xcheck_transformers_js.mjs NODE_DIR JOB.json OUT.json
// NODE_DIR is a scratch folder where `npm install @huggingface/transformers` was run (outside
// the repository). JOB.json names the model folders (under job.models_root) and the inputs;
// OUT.json gets the tokenizer's ids, the raw head outputs and the pipelines' outputs.
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';
import { pathToFileURL } from 'url';

const [, , nodeDir, jobPath, outPath] = process.argv;
const require = createRequire(path.join(path.resolve(nodeDir), 'package.json'));
const tjs = await import(pathToFileURL(require.resolve('@huggingface/transformers')).href);
const { env, pipeline } = tjs;

const job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
env.localModelPath = job.models_root;
env.allowRemoteModels = false;
env.allowLocalModels = true;

const num = (a) => (Array.isArray(a) ? a.map(num) : typeof a === 'bigint' ? Number(a) : a);
const plain = (x) => JSON.parse(JSON.stringify(x, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
const opts = { dtype: 'fp32', device: 'cpu' };

async function decodeAll(tokenizer, requests) {
    return (requests ?? []).map((ids) => tokenizer.decode(ids, { skip_special_tokens: true }));
}

// version of an installed package: walk up from its resolved entry to its package.json
function versionOf(name, from) {
    let dir = path.dirname(createRequire(from).resolve(name));
    for (;;) {
        const f = path.join(dir, 'package.json');
        if (fs.existsSync(f)) {
            const p = JSON.parse(fs.readFileSync(f, 'utf8'));
            if (p.name === name) return { version: p.version, dir };
        }
        if (path.dirname(dir) === dir) return { version: '?', dir: null };
        dir = path.dirname(dir);
    }
}
const tjsPkg = versionOf('@huggingface/transformers', path.join(path.resolve(nodeDir), 'package.json'));
const out = {
    versions: {
        transformers_js: tjsPkg.version,
        onnxruntime_node: versionOf('onnxruntime-node', path.join(tjsPkg.dir, 'package.json')).version,
        node: process.version,
    },
};

if (job.ner) {
    const ner = await pipeline('token-classification', job.ner.model, opts);
    const tok = ner.tokenizer;
    out.ner = [];
    for (const text of job.ner.texts) {
        const enc = tok([text], { padding: true, truncation: true });
        const logits = (await ner.model(enc)).logits;
        out.ner.push({
            text,
            ids: num(enc.input_ids.tolist()[0]),
            logits: logits[0].tolist(),
            none: plain(await ner(text)),
            none_all: plain(await ner(text, { ignore_labels: [] })),
            simple: plain(await ner(text, { aggregation_strategy: 'simple' })),
        });
    }
    for (const agg of ['first', 'average', 'max']) {
        try {
            await ner(job.ner.texts[0], { aggregation_strategy: agg });
            out['ner_' + agg] = 'accepted';
        } catch (e) {
            out['ner_' + agg] = String(e.message ?? e);
        }
    }
    out.ner_decode = await decodeAll(tok, job.ner.decode);
}

if (job.qa) {
    const qa = await pipeline('question-answering', job.qa.model, opts);
    const tok = qa.tokenizer;
    out.qa = [];
    for (const c of job.qa.cases) {
        const full = tok(c.question, { text_pair: c.context });
        const enc = tok(c.question, { text_pair: c.context, padding: true, truncation: true });
        const o = await qa.model(enc);
        const r = { full_ids: num(full.input_ids.tolist()[0]), ids: num(enc.input_ids.tolist()[0]),
                    start_logits: o.start_logits[0].tolist(), end_logits: o.end_logits[0].tolist() };
        for (const k of c.top_ks) r['top_' + k] = plain(await qa(c.question, c.context, { top_k: k }));
        out.qa.push(r);
    }
    out.qa_decode = await decodeAll(tok, job.qa.decode);
}

if (job.rerank) {
    const cls = await pipeline('text-classification', job.rerank.model, opts);
    const tok = cls.tokenizer;
    out.rerank = [];
    for (const q of job.rerank.queries) {
        const rows = [];
        for (const p of job.rerank.passages) {
            const enc = tok(q, { text_pair: p, padding: true, truncation: true });
            rows.push({ ids: num(enc.input_ids.tolist()[0]), logits: (await cls.model(enc)).logits[0].tolist() });
        }
        out.rerank.push({ query: q, rows, pipeline_on_query: plain(await cls(q)) });
    }
}

fs.writeFileSync(outPath, JSON.stringify(out));
