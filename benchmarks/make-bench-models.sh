#!/usr/bin/env bash
# Writes the benchmark models (random weights drawn like a trained BERT's):
#   BERT-base (L12 H768 A12 I3072, vocab 30522, 512 positions, 2 labels) and
#   small (L4 H256 A4 I1024), as int8 and fp32 .embert files.
#   benchmarks/make-bench-models.sh [build-dir=build]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out="$build/bench"
mkdir -p "$out"
py=/usr/bin/python3
$py tests/reference/make_random_bert.py --out "$out/bert-base-hf" --layers 12 --hidden 768 --heads 12 \
  --intermediate 3072 --vocab 30522 --max-pos 512 --labels 2 --seed 3
$py tests/reference/make_random_bert.py --out "$out/small-hf" --layers 4 --hidden 256 --heads 4 \
  --intermediate 1024 --vocab 30522 --max-pos 512 --labels 2 --seed 4
for m in bert-base small; do
  "$build/bin/bert-convert" "$out/$m-hf" -o "$out/$m.embert" --quiet
  "$build/bin/bert-convert" "$out/$m-hf" -o "$out/$m-fp32.embert" --quantize fp32 --quiet
done
ls -la "$out"/*.embert
