#!/usr/bin/env bash
# embert side by side with ONNX Runtime (int8 dynamic, fp32) and PyTorch
# (fp32, quantize_dynamic int8) on the same BERT weights, in one run; prints
# a table of median latencies with ratios and writes a plot.
#
#   benchmarks/compare/compare.sh [--build DIR] [--out DIR] [--configs base,small]
#                                 [--threads 1,2] [--seqs 8,16,32,64,128,256] [--iterations 20]
#
# The peers are installed here on demand, never needed by the build or CI:
# python3-onnx and python3-matplotlib from Debian (apt, needs root), and
# onnxruntime-node 1.30.0 from npm into ${EMBERT_CACHE:-~/.cache/embert}/peers.
# Models: random weights drawn like a trained BERT's (tests/reference/
# make_random_bert.py), BERT-base (L12 H768 A12 I3072) and small (L4 H256 A4
# I1024), 2 labels; embert converts them with bert-convert (int8), the peers
# load the same safetensors through benchmarks/compare/torch_bert.py.
# Every system times its own in-process run call (token ids to logits,
# batch 1, after warm-up); systems run one after another, never at once.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build out=$root/build/compare configs=base,small threads=1,2 seqs=8,16,32,64,128,256 iterations=20
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --configs) configs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --seqs) seqs=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    *) echo "usage: compare.sh [--build DIR] [--out DIR] [--configs base,small] [--threads 1,2] [--seqs ...] [--iterations K]" >&2; exit 2 ;;
  esac
done
py=/usr/bin/python3
mkdir -p "$out"
out=$(cd "$out" && pwd)

# --- peers -------------------------------------------------------------------
# Only what is missing: a machine may already have Node.js from elsewhere
# (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
missing=()
$py -c "import onnx" 2> /dev/null || missing+=(python3-onnx)
$py -c "import matplotlib" 2> /dev/null || missing+=(python3-matplotlib)
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
  # The package ships the CPU binaries; its install step would fetch CUDA ones.
  (cd "$peers" && npm install --silent onnxruntime-node@1.30.0 --onnxruntime-node-install=skip)
fi
export NODE_PATH=$peers/node_modules

# --- models ------------------------------------------------------------------
[ -x "$build/bin/embert" ] && [ -x "$build/bin/bert-convert" ] ||
  { echo "no embert build in $build (cmake --build $build first, or --build DIR)" >&2; exit 1; }
declare -A shape=([base]="--layers 12 --hidden 768 --heads 12 --intermediate 3072 --seed 3"
                  [small]="--layers 4 --hidden 256 --heads 4 --intermediate 1024 --seed 4")
for c in ${configs//,/ }; do
  m=$out/$c
  if [ ! -f "$m-hf/model.safetensors" ]; then
    # shellcheck disable=SC2086
    $py "$root/tests/reference/make_random_bert.py" --out "$m-hf" ${shape[$c]} --vocab 30522 --max-pos 512 \
      --labels 2 --no-expected > /dev/null
  fi
  [ -f "$m.embert" ] || "$build/bin/bert-convert" "$m-hf" -o "$m.embert" --quiet
  [ -f "$m-fp32.onnx" ] || $py "$here/export_onnx.py" "$m-hf" "$m-fp32.onnx" > /dev/null 2>&1
  [ -f "$m-int8.onnx" ] || $py "$here/quantize_onnx.py" "$m-fp32.onnx" "$m-int8.onnx" > /dev/null
  # Same function everywhere: the peers' module against the numpy reference.
  $py "$here/check_outputs.py" --hf "$m-hf" --onnx "$m-fp32.onnx" "$m-int8.onnx"
done

# --- the grid ------------------------------------------------------------------
results=$out/results.jsonl
: > "$results"
for t in ${threads//,/ }; do
  for c in ${configs//,/ }; do
    m=$out/$c
    for n in ${seqs//,/ }; do
      "$build/bin/embert" bench --model "$m.embert" --seq-len "$n" --threads "$t" --iterations "$iterations" --jsonl |
        $py -c "import json,sys; r=json.loads(sys.stdin.read()); r.update(system='embert-int8', config='$c'); print(json.dumps(r))" >> "$results"
    done
    for q in int8 fp32; do
      node "$here/bench_ort.js" --model "$m-$q.onnx" --system "ort-$q" --config "$c" --threads "$t" \
        --seqs "$seqs" --iterations "$iterations" >> "$results"
    done
    $py "$here/bench_torch.py" --hf "$m-hf" --config "$c" --threads "$t" --seqs "$seqs" \
      --iterations "$iterations" >> "$results" 2> /dev/null
    echo "== $c, $t thread(s): done" >&2
  done
done
$py "$here/summarize.py" "$results" --plot "$out/latency.png"
