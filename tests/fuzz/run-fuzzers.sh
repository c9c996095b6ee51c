#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time on a copy of its seed corpus; exits non-zero on any finding.
#   tests/fuzz/run-fuzzers.sh [seconds-per-target=30] [build-dir=build-fuzz]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
build=${2:-build-fuzz}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DEMBERT_BUILD_FUZZERS=ON \
  -DEMBERT_SANITIZE=address,undefined -DEMBERT_BUILD_TESTS=ON -DEMBERT_BUILD_BENCHMARKS=OFF \
  -DEMBERT_BUILD_CLI=OFF -DEMBERT_WITH_XNNPACK=OFF > /dev/null
targets="tokenizer_fuzz model_load_fuzz batch_fuzz decode_fuzz safetensors_fuzz torch_fuzz tf_bundle_fuzz mindspore_fuzz json_fuzz config_fuzz layouts_fuzz"
cmake --build "$build" --target $targets bert_convert
# batch_fuzz runs the batch calls on the demo model.
"$build/bin/bert-convert" models/snips-intent -o "$build/fuzz-demo.embert" --quiet
export EMBERT_FUZZ_MODEL="$PWD/$build/fuzz-demo.embert"
for t in $targets; do
  corpus="$build/fuzz-corpus/${t%_fuzz}"
  mkdir -p "$corpus"
  cp -n tests/fuzz/corpus/"${t%_fuzz}"/* "$corpus"/ 2>/dev/null || true
  rm -f "$build/$t-"*
  echo "== $t: ${seconds}s"
  "$build/bin/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$build/$t-" "$corpus" 2>&1 | grep -E "^(#[0-9]+.*DONE|==|SUMMARY|ERROR)|Done" || true
  if ls "$build/$t-"* > /dev/null 2>&1; then
    echo "FAILED: $t found a crash: $(ls "$build/$t-"*)"
    exit 1
  fi
done
echo "fuzzers: no findings"
