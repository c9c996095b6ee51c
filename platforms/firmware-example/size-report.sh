#!/usr/bin/env bash
# Sizes (`size`: text, data, bss) of libembert.a and of firmware_example for
# x86-64 and aarch64 under several optimisation settings; prints a Markdown
# table (the "Binary size" section of benchmarks/RESULTS.md).
#
#   platforms/firmware-example/size-report.sh [WORK_DIR]     (default /tmp/embert-size)
#
# Each variant is its own build of only the SDK and the example (no tests,
# converter, CLI or benchmarks). The model linked into the example is
# converted once by a host build in WORK_DIR/host. aarch64 uses the
# Raspberry Pi toolchain file (runs setup-sysroot.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=${1:-/tmp/embert-size}
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$work"

# The demo model, converted by the host's bert-convert.
cmake -S . -B "$work/host" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBERT_BUILD_TESTS=OFF \
  -DEMBERT_BUILD_BENCHMARKS=OFF -DEMBERT_BUILD_CLI=OFF > /dev/null
cmake --build "$work/host" -j "$jobs" --target bert_convert > /dev/null
model=$work/snips-intent.embert
"$work/host/bin/bert-convert" models/snips-intent -o "$model" --quiet
model_bytes=$(stat -c %s "$model")

# name|cmake arguments
variants=(
  "Release (-O3)|-DCMAKE_BUILD_TYPE=Release"
  "MinSizeRel (-Os)|-DCMAKE_BUILD_TYPE=MinSizeRel"
  "-Os + LTO|-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON"
  "-Os + LTO + EMBERT_STRIP_ERROR_STRINGS|-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON -DEMBERT_STRIP_ERROR_STRINGS=ON"
  "-Os + LTO + strip strings, EMBERT_WITH_XNNPACK=OFF|-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON -DEMBERT_STRIP_ERROR_STRINGS=ON -DEMBERT_WITH_XNNPACK=OFF"
)

sizes_with() {  # SIZE_TOOL FILE -> "text data bss" (summed over an archive's members)
  "$1" -t "$2" | awk 'END { print $1, $2, $3 }'
}

echo "| target | settings | libembert.a text | data | bss | firmware_example text | data | bss | text without the model |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for target in x86-64 aarch64; do
  toolchain=()
  size_tool=size
  if [ "$target" = aarch64 ]; then
    sysroot=$(platforms/raspberry-pi/setup-sysroot.sh aarch64)
    toolchain=("-DCMAKE_TOOLCHAIN_FILE=$root/platforms/raspberry-pi/aarch64.cmake" "-DEMBERT_SYSROOT=$sysroot")
    size_tool=aarch64-linux-gnu-size
  fi
  i=0
  for v in "${variants[@]}"; do
    name=${v%%|*}
    # shellcheck disable=SC2206  # the arguments are split on purpose
    args=(${v#*|})
    dir=$work/$target-$i
    i=$((i + 1))
    cmake -S . -B "$dir" -G Ninja "${toolchain[@]}" "${args[@]}" -DEMBERT_BUILD_TESTS=OFF \
      -DEMBERT_BUILD_BENCHMARKS=OFF -DEMBERT_BUILD_CLI=OFF -DEMBERT_BUILD_CONVERTER=OFF \
      -DEMBERT_FIRMWARE_MODEL="$model" > "$dir.log" 2>&1 || { cat "$dir.log" >&2; exit 1; }
    cmake --build "$dir" -j "$jobs" --target embert firmware_example >> "$dir.log" 2>&1 ||
      { tail -n 40 "$dir.log" >&2; exit 1; }
    read -r lt ld lb < <(sizes_with "$size_tool" "$dir/lib/libembert.a")
    read -r ft fd fb < <(sizes_with "$size_tool" "$dir/bin/firmware_example")
    lib="$lt | $ld | $lb"
    if grep -q -- '-DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON' <<< "${args[*]}"; then
      lib="(LTO bytecode) | | "
    fi
    echo "| $target | $name | $lib | $ft | $fd | $fb | $((ft - model_bytes)) |"
  done
done
echo
echo "firmware_example's text includes the linked-in model: $model_bytes bytes (models/snips-intent, int8)."
