#!/usr/bin/env bash
# ARM performance model of embert without ARM hardware (benchmarks/arm/README.md):
# exact dynamic instruction counts per basic block (qemu-aarch64 + bbcount.so)
# and cycles from llvm-mca 19 over the hot blocks, for the Cortex-A76 (Pi 5,
# -mcpu=neoverse-n1, 2.4 GHz) and the Cortex-A72 (Pi 4, 1.8 GHz).
#
#   benchmarks/arm/model.sh [options]
#     --build DIR        aarch64 Release build (default build-aarch64-bench; configured if missing)
#     --host-build DIR   x86 build making the benchmark models if they are missing (default build)
#     --models-dir DIR   where bert-base.embert and small.embert are (default HOST-BUILD/bench)
#     --out DIR          results (default BUILD/arm-model)
#     --models "..."     default "bert-base small"
#     --lengths "..."    default "16 32 128"
#     --batch K          K inputs of each length packed into one run (embert bench --batch;
#                        results in MODEL-LEN-bK, MACs of all K; no summary tables)
#     --cpus "..."       default "a76 a72"
#     --shapes "..."     GEMM shapes MxKxN (default "128x768x768 128x768x3072")
#     --engines "..."    kernel_driver engines on those shapes (default "best xnnpack": embert's
#                        BestKernels() and the peer, XNNPACK's qc8 operator from the sysroot)
#     --no-install       do not install missing packages
#     --reuse-counts     keep block counts already in OUT (same build and models): only remodel
#     --traffic-args "..."  weight_traffic.py options for the GEMM's access order
#                        (default "--order embert-arm": the SDK's ARM levels as they are)
#
# Every count is of exactly one pass: each program runs twice under the
# plugin, with one pass and with two (embert bench --warmup 0/1 --iterations 1;
# kernel_driver CALLS = 1/2), and mca_model.py subtracts the first run's
# block counts from the second's, so loading, context creation, process
# start and exit cancel exactly. Runs are sequential; llvm-mca uses 2 workers.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=benchmarks/arm/cores.sh
. benchmarks/arm/cores.sh

build=build-aarch64-bench
host_build=build
models_dir=""
out=""
models="bert-base small"
lengths="16 32 128"
cpus="a76 a72"
shapes="128x768x768 128x768x3072"
engines="best xnnpack"
install=1
traffic_args="--order embert-arm"
reuse=0
batch=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --host-build) host_build=$2; shift 2 ;;
    --models-dir) models_dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --lengths) lengths=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --shapes) shapes=$2; shift 2 ;;
    --engines) engines=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --reuse-counts) reuse=1; shift ;;
    --traffic-args) traffic_args=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "model.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
models_dir=${models_dir:-$host_build/bench}
out=${out:-$build/arm-model}
say() { echo "== model.sh: $*" >&2; }
llvm=/usr/lib/llvm-19/bin

# --- tools -----------------------------------------------------------------------
need_install=0
for t in "$llvm/llvm-mca" "$llvm/llvm-mc" "$llvm/llvm-symbolizer" "$llvm/llvm-cxxfilt" "$llvm/llvm-readelf"; do
  [ -x "$t" ] || need_install=1
done
for t in qemu-aarch64 aarch64-linux-gnu-g++ cc cmake ninja python3; do
  command -v "$t" >/dev/null || need_install=1
done
if [ $need_install = 1 ]; then
  [ $install = 1 ] || { echo "model.sh: tools missing and --no-install given" >&2; exit 1; }
  say "installing host tools (platforms/linux/install-deps.sh --dev)"
  platforms/linux/install-deps.sh --dev
fi
if ! qemu-aarch64 -h 2>&1 | grep -q -- "-plugin"; then
  echo "model.sh: this qemu-aarch64 has no plugin support (-plugin)" >&2
  exit 1
fi
say "aarch64 sysroot (platforms/raspberry-pi/setup-sysroot.sh)"
sysroot=$(platforms/raspberry-pi/setup-sysroot.sh aarch64 | tail -n 1)
[ -d "$sysroot" ] || { echo "model.sh: no sysroot at '$sysroot'" >&2; exit 1; }

# --- the plugin (a host .so) -------------------------------------------------------
mkdir -p "$out"
out=$(cd "$out" && pwd)
plugin=$out/bbcount.so
build_plugin "$plugin"

# --- the aarch64 build -----------------------------------------------------------------
if [ ! -f "$build/build.ninja" ]; then
  say "configuring $build (aarch64 Release)"
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE=platforms/raspberry-pi/aarch64.cmake -DEMBERT_SYSROOT="$sysroot" \
    -DEMBERT_BUILD_TESTS=OFF -DEMBERT_BUILD_BENCHMARKS=ON -DEMBERT_BUILD_CONVERTER=OFF \
    -DEMBERT_BUILD_FIRMWARE_EXAMPLE=OFF >/dev/null
fi
say "building embert and kernel_driver in $build"
cmake --build "$build" -j2 --target embert_cli kernel_driver >/dev/null

# --- benchmark models ------------------------------------------------------------------
missing_model=0
for m in $models; do [ -f "$models_dir/$m.embert" ] || missing_model=1; done
if [ $missing_model = 1 ]; then
  if [ "$models_dir" != "$host_build/bench" ]; then
    echo "model.sh: models missing in $models_dir" >&2
    exit 1
  fi
  say "making the benchmark models with the host build $host_build"
  [ -f "$host_build/build.ninja" ] || cmake -S . -B "$host_build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$host_build" -j2 --target bert-convert >/dev/null
  benchmarks/make-bench-models.sh "$host_build" >/dev/null
fi

# --- runs ----------------------------------------------------------------------------------

# count CPU OUTFILE PROGRAM ARGS...: one run under the plugin
count() {
  local cpu=$1 file=$2
  shift 2
  if [ $reuse = 1 ] && [ -s "$file" ]; then return; fi
  platforms/raspberry-pi/qemu/qemu-run.sh aarch64 "$sysroot" "$(qemu_cpu "$cpu")" \
    -plugin "$plugin,out=$file.tmp" "$@" >"$file.log" 2>&1 || {
    echo "model.sh: run failed: $* (log: $file.log)" >&2
    cat "$file.log" >&2
    exit 1
  }
  [ -s "$file.tmp" ] || { echo "model.sh: the plugin wrote nothing to $file.tmp" >&2; exit 1; }
  mv "$file.tmp" "$file"
}


mca() { python3 benchmarks/arm/mca_model.py --jobs 2 --cache-dir "$out/mca-cache" "$@" >/dev/null; }

for cpu in $cpus; do
  for m in $models; do
    for len in $lengths; do
      d=$out/$cpu/$m-$len
      what="$len tokens"
      if [ "$batch" != 1 ]; then d=$d-b$batch what="$batch inputs of $len tokens packed"; fi
      mkdir -p "$d"
      say "$cpu: embert bench $m, $what, 1 thread (1 and 2 passes)"
      for w in 0 1; do
        count "$cpu" "$d/counts-$((w + 1)).txt" "$build/bin/embert" bench --model "$models_dir/$m.embert" \
          --seq-len "$len" --batch "$batch" --threads 1 --warmup "$w" --iterations 1
      done
      mca "$d/counts-2.txt" --baseline "$d/counts-1.txt" --cpu "$(mca_cpu "$cpu")" --ghz "$(ghz "$cpu")" \
        --macs "$(encoder_macs "$m" "$len" "$batch")" --title "$m, $what, 1 thread, $cpu" \
        --out-json "$d/model.json" --out-md "$d/model.md"
    done
  done
  for s in $shapes; do
    IFS=x read -r M K N <<<"$s"
    for engine in $engines; do
      d=$out/$cpu/gemm-$engine-$s
      mkdir -p "$d"
      say "$cpu: kernel_driver $M x $K x $N $engine (1 and 2 calls)"
      for c in 1 2; do
        count "$cpu" "$d/counts-$c.txt" "$build/bin/kernel_driver" "$M" "$K" "$N" "$c" "$engine"
      done
      mca "$d/counts-2.txt" --baseline "$d/counts-1.txt" --cpu "$(mca_cpu "$cpu")" --ghz "$(ghz "$cpu")" \
        --macs $((M * K * N)) --title "$engine: GEMM + quantize ${M}x${K}x${N} (MxKxN), $cpu" \
        --out-json "$d/model.json" --out-md "$d/model.md"
    done
  done
done

if [ "$batch" != 1 ]; then
  for cpu in $cpus; do for m in $models; do for len in $lengths; do
    head -12 "$out/$cpu/$m-$len-b$batch/model.md"
  done; done; done
  exit 0
fi
say "summary: $out/summary.md"
python3 benchmarks/arm/summarize.py "$out" --cpus "$cpus" --models "$models" --lengths "$lengths" \
  --shapes "$shapes" --engines "$engines" >"$out/summary.md"
# The memory side, which the block model cannot see: weight bytes from beyond
# L1 for the GEMM's access order (--traffic-args).
# shellcheck disable=SC2086  # lists of words
if [ -n "$models" ]; then
  {
    echo
    python3 benchmarks/arm/weight_traffic.py $traffic_args --models $models --lengths $lengths \
      --json "$out/weight-traffic.json"
    # 1 and 4 threads (a Pi's cores) from the 1-thread models, split as the SDK splits the work.
    echo
    python3 benchmarks/arm/threads_model.py "$out" --models $models --lengths $lengths --cpus $cpus --threads 4 \
      --json "$out/threads.json"
  } >>"$out/summary.md"
fi
cat "$out/summary.md"
