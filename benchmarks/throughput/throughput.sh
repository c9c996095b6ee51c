#!/usr/bin/env bash
# Corpus embedding throughput (issue 18): embert one text per run and packed
# runs beside ONNX Runtime int8 in padded batches, same models, same texts,
# same token ids, in one run; prints a table and writes results.jsonl.
#
#   benchmarks/throughput/throughput.sh [--build DIR] [--out DIR] [--models base,minilm]
#       [--threads 1,2] [--batch-tokens 128,256,512] [--batches 1,4,8,16,32,64,128]
#       [--repeats 5] [--texts 1000]
#
# Corpus: the first --texts utterances of tests/data/snips/train.tsv (column 1).
# Models: random weights drawn like a trained BERT's (tests/reference/
# make_random_bert.py), BERT-base (L12 H768 A12 I3072) and MiniLM-L6-shaped
# (L6 H384 A12 I1536), vocab 30522, 512 positions, with bert-base-uncased's
# real vocab.txt (a random vocabulary would split words into letters);
# embert: bert-convert int8; ONNX Runtime: benchmarks/compare/export_onnx.py
# --dynamic-batch and quantize_onnx.py (dynamic int8, as quantize_dynamic).
# Token ids for ONNX Runtime come from embert's tokenizer (embert tokenize).
#   embert: embed_throughput, tokenization + encoder + mean pooling per text;
#   ORT:    ort_throughput.js, session.run only (the encoder + pooler/classifier
#           on [CLS]) on ids tokenized and padded beforehand.
# Systems run one after another, never at once; `uptime` before each block.
# Peers as compare.sh: onnxruntime-node 1.30.0 in ${EMBERT_CACHE:-~/.cache/embert}/peers/node.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build out=$root/build/throughput models=base,minilm threads=1,2
batch_tokens=128,256,512 batches=1,4,8,16,32,64,128 repeats=5 ntexts=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --batch-tokens) batch_tokens=$2; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --texts) ntexts=$2; shift 2 ;;
    *) sed -n '6,8p' "$0" | sed 's/^# //' >&2; exit 2 ;;
  esac
done
py=/usr/bin/python3
mkdir -p "$out"
out=$(cd "$out" && pwd)
for b in embert bert-convert embed_throughput; do
  [ -x "$build/bin/$b" ] || { echo "no $b in $build/bin (ninja -C $build embed_throughput bert_convert embert_cli, or --build DIR)" >&2; exit 1; }
done

# --- peers (as compare.sh) -----------------------------------------------------
missing=()
$py -c "import onnx" 2> /dev/null || missing+=(python3-onnx)
$py -c "import torch" 2> /dev/null || missing+=(python3-torch)
$py -c "import numpy" 2> /dev/null || missing+=(python3-numpy)
command -v node > /dev/null || missing+=(nodejs)
command -v npm > /dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" > /dev/null
fi
peers=${EMBERT_CACHE:-$HOME/.cache/embert}/peers/node
if [ ! -d "$peers/node_modules/onnxruntime-node" ]; then
  mkdir -p "$peers"
  [ -f "$peers/package.json" ] || echo '{"name":"embert-peers","private":true}' > "$peers/package.json"
  (cd "$peers" && npm install --silent onnxruntime-node@1.30.0 --onnxruntime-node-install=skip)
fi
export NODE_PATH=$peers/node_modules

# --- corpus ----------------------------------------------------------------------
corpus=$out/corpus.txt
awk -F'\t' -v n="$ntexts" 'NR > 1 && NR <= n + 1 { print $1 }' "$root/tests/data/snips/train.tsv" > "$corpus"

# --- models ----------------------------------------------------------------------
declare -A shape=([base]="--layers 12 --hidden 768 --heads 12 --intermediate 3072 --seed 3"
                  [minilm]="--layers 6 --hidden 384 --heads 12 --intermediate 1536 --seed 6")
for c in ${models//,/ }; do
  m=$out/$c
  if [ ! -f "$m-hf/model.safetensors" ]; then
    # shellcheck disable=SC2086
    $py "$root/tests/reference/make_random_bert.py" --out "$m-hf" ${shape[$c]} --vocab 30522 --max-pos 512 \
      --labels 2 --no-expected > /dev/null
    cp "$root/tests/data/vocab/bert-base-uncased/vocab.txt" "$m-hf/vocab.txt"
  fi
  [ -f "$m.embert" ] || "$build/bin/bert-convert" "$m-hf" -o "$m.embert" --quiet
  [ -f "$m-fp32.onnx" ] || $py "$root/benchmarks/compare/export_onnx.py" "$m-hf" "$m-fp32.onnx" --dynamic-batch > /dev/null 2>&1
  [ -f "$m-int8.onnx" ] || $py "$root/benchmarks/compare/quantize_onnx.py" "$m-fp32.onnx" "$m-int8.onnx" > /dev/null
  "$build/bin/embert" tokenize --model "$m.embert" --input "$corpus" --jsonl > "$m-ids.jsonl"
  [ "$(wc -l < "$m-ids.jsonl")" = "$(wc -l < "$corpus")" ] || { echo "tokenize: not one line per text" >&2; exit 1; }
  # The ONNX model computes the function (numpy reference), and masks padding.
  $py "$root/benchmarks/compare/check_outputs.py" --hf "$m-hf" --onnx "$m-fp32.onnx" "$m-int8.onnx"
  for q in fp32 int8; do
    node "$here/ort_throughput.js" --model "$m-$q.onnx" --ids "$m-ids.jsonl" --check-only |
      $py -c "import json,sys; r=json.load(sys.stdin); print('pad check $c-$q: batch of 8 vs alone, max |logit diff| %.3g' % r['pad_check']); sys.exit(r['pad_check'] > 1e-3 and '$q' == 'fp32')"
  done
done

# --- the grid ----------------------------------------------------------------------
results=$out/results.jsonl
: > "$results"
load() {  # a JSON line with the load averages before a block
  $py -c "import json,os,sys; a=os.getloadavg(); print(json.dumps(dict(system='load', before=sys.argv[1], config=sys.argv[2], threads=int(sys.argv[3]), load1=a[0], load5=a[1], load15=a[2], uptime=sys.argv[4])))" \
    "$1" "$2" "$3" "$(uptime)" >> "$results"
}
tag() { $py -c "import json,sys; [print(json.dumps(dict(json.loads(l), config='$1'))) for l in sys.stdin if l.strip()]"; }
for t in ${threads//,/ }; do
  for c in ${models//,/ }; do
    m=$out/$c
    load embert "$c" "$t"
    for bt in 0 ${batch_tokens//,/ }; do
      "$build/bin/embed_throughput" --model "$m.embert" --texts "$corpus" --threads "$t" --batch-tokens "$bt" \
        --repeats "$repeats" | tag "$c" >> "$results"
    done
    load ort-int8 "$c" "$t"
    node "$here/ort_throughput.js" --model "$m-int8.onnx" --ids "$m-ids.jsonl" --threads "$t" --batches "$batches" \
      --repeats "$repeats" --system ort-int8 --config "$c" >> "$results"
    echo "== $c, $t thread(s): done" >&2
  done
done
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; results: $results"
$py "$here/summarize.py" "$results"
