#!/usr/bin/env bash
# ONNX Runtime's linux-arm64 library (onnxruntime-node 1.30.0 from npm) measured
# with the ARM instruments exactly like embert (benchmarks/arm/README.md, "The
# peer: ONNX Runtime arm64"): the same BERT-base and small weights, exported to
# ONNX and quantized by benchmarks/compare/{export_onnx,quantize_onnx}.py, run
# by Debian bookworm's arm64 Node.js under qemu-aarch64 with the bbcount plugin,
# once with 1 session.run() and once with 2; mca_model.py subtracts the counts
# block by block and models the difference (one inference) with llvm-mca for
# the Cortex-A76 (Pi 5) and the Cortex-A72 (Pi 4).
#
#   benchmarks/arm/ort_peer.sh [options]
#     --host-build DIR   x86 build whose bench/{bert-base,small}-hf are the weights
#                        (default build; made with make-bench-models.sh if missing)
#     --out DIR          results, the model.sh output dir (default build-aarch64-bench/arm-model)
#     --models "..."     default "bert-base small"
#     --lengths "..."    int8 model, default "16 32 128"
#     --fp32-lengths "..."  also the fp32 model at these lengths (default none)
#     --cpus "..."       default "a76 a72"
#     --no-install       do not install missing packages
#     --reuse-counts     keep block counts already in OUT: only remodel
#
# Writes OUT/<cpu>/ort-<int8|fp32>-<model>-<len>/{counts-1.txt,counts-2.txt,
# model.json,model.md,run-*.out} and OUT/ort-summary.md (summarize.py: the ORT
# rows beside embert's where model.sh's results are in OUT too).
#
# What it installs when missing: qemu-user, llvm-19 and compilers
# (platforms/linux/install-deps.sh --dev), python3-torch, python3-onnx,
# python3-numpy, nodejs and npm (Debian, for the host side), onnxruntime-node
# into ${EMBERT_CACHE:-~/.cache/embert}/peers/node (npm, its CUDA download
# skipped), and a private arm64 root with Debian's nodejs and everything it
# depends on, C library included (apt-get download through a private apt
# state like platforms/raspberry-pi/setup-sysroot.sh; the host's dpkg is never
# told about arm64), in $EMBERT_CACHE/node-root-arm64.
#
# CPU detection: ORT (pytorch cpuinfo) reads /proc/cpuinfo and
# /sys/devices/system/cpu/*. qemu-user passes those to the host's files (x86:
# cpuinfo then crashes ORT's initialisation) unless the -L root holds a file
# of the same path, so each CPU gets its own root (hard links of the arm64
# root) with a Pi 5 (A76, Features with asimddp) or Pi 4 (A72, no asimddp)
# /proc/cpuinfo and a 4-core /sys/devices/system/cpu tree. The ISA features
# ORT acts on come from the auxiliary vector (AT_HWCAP) that qemu -cpu sets.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=benchmarks/arm/cores.sh
. benchmarks/arm/cores.sh
repo=$(pwd)

host_build=build
out=""
models="bert-base small"
lengths="16 32 128"
fp32_lengths=""
cpus="a76 a72"
install=1
reuse=0
while [ $# -gt 0 ]; do
  case "$1" in
    --host-build) host_build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --lengths) lengths=$2; shift 2 ;;
    --fp32-lengths) fp32_lengths=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --reuse-counts) reuse=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "ort_peer.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
out=${out:-build-aarch64-bench/arm-model}
say() { echo "== ort_peer.sh: $*" >&2; }
die() { echo "ort_peer.sh: $*" >&2; exit 1; }
llvm=/usr/lib/llvm-19/bin
py=/usr/bin/python3
cache=${EMBERT_CACHE:-$HOME/.cache/embert}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

# --- host tools --------------------------------------------------------------------
need_install=0
for t in "$llvm/llvm-mca" "$llvm/llvm-mc" "$llvm/llvm-symbolizer" "$llvm/llvm-cxxfilt" "$llvm/llvm-readelf"; do
  [ -x "$t" ] || need_install=1
done
for t in qemu-aarch64 cc cmake ninja; do command -v "$t" >/dev/null || need_install=1; done
[ -x "$py" ] || need_install=1
if [ $need_install = 1 ]; then
  [ $install = 1 ] || die "tools missing and --no-install given"
  say "installing host tools (platforms/linux/install-deps.sh --dev)"
  platforms/linux/install-deps.sh --dev
fi
qemu-aarch64 -h 2>&1 | grep -q -- "-plugin" || die "this qemu-aarch64 has no plugin support (-plugin)"
missing=()
$py -c "import torch" 2>/dev/null || missing+=(python3-torch)
$py -c "import onnx" 2>/dev/null || missing+=(python3-onnx)
$py -c "import numpy" 2>/dev/null || missing+=(python3-numpy)
# A machine may have Node.js from elsewhere (NodeSource's bundles npm).
command -v npm >/dev/null || { command -v node >/dev/null || missing+=(nodejs); missing+=(npm); }
if [ ${#missing[@]} -gt 0 ]; then
  [ $install = 1 ] || die "missing ${missing[*]} and --no-install given"
  say "installing ${missing[*]} (apt)"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- onnxruntime-node (its linux/arm64 binaries) -----------------------------------------
peers=$cache/peers/node
ort_dir=$peers/node_modules/onnxruntime-node
if [ ! -f "$ort_dir/bin/napi-v6/linux/arm64/libonnxruntime.so.1" ]; then
  [ $install = 1 ] || die "onnxruntime-node missing in $peers and --no-install given"
  say "npm install onnxruntime-node@1.30.0 into $peers"
  mkdir -p "$peers"
  [ -f "$peers/package.json" ] || echo '{"name":"embert-peers","private":true}' >"$peers/package.json"
  # Same as benchmarks/compare/compare.sh: the package ships the CPU binaries of
  # every platform; its install step would fetch CUDA ones.
  (cd "$peers" && npm install --silent onnxruntime-node@1.30.0 --onnxruntime-node-install=skip)
fi
ort_version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ort_dir/package.json" | head -n 1)
[ "$ort_version" = 1.30.0 ] || die "$ort_dir is onnxruntime-node $ort_version, not 1.30.0"
ort_lib=$ort_dir/bin/napi-v6/linux/arm64/libonnxruntime.so.1
[ -f "$ort_lib" ] || die "$ort_lib missing"

# --- the arm64 Node.js root --------------------------------------------------------------
node_root=$cache/node-root-arm64
root_format="embert-node-root 1 arm64 nodejs"
if [ ! -f "$node_root/.embert-node-root" ] || [ "$(head -n 1 "$node_root/.embert-node-root")" != "$root_format" ]; then
  [ $install = 1 ] || die "no arm64 Node.js root in $node_root and --no-install given"
  aptdir=$cache/apt-node-arm64
  mkdir -p "$aptdir/state/lists/partial" "$aptdir/cache/archives/partial"
  : >"$aptdir/state/status"
  apt_opts=(
    -o "Dir::State=$aptdir/state" -o "Dir::State::status=$aptdir/state/status"
    -o "Dir::Cache=$aptdir/cache" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Architecture=arm64" -o "APT::Architectures=arm64"
    -o "APT::Sandbox::User=root" -o "Acquire::Languages=none"
    -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
  )
  if [ -n "${EMBERT_APT_SOURCES:-}" ]; then
    apt_opts+=(-o "Dir::Etc::SourceList=$EMBERT_APT_SOURCES" -o "Dir::Etc::SourceParts=/nonexistent")
  fi
  listed() { apt-cache "${apt_opts[@]}" policy nodejs libnode108 2>/dev/null | grep -c "Candidate: [^(]" || true; }
  say "fetching arm64 package lists (private apt state in $aptdir)"
  for attempt in 1 2 3; do
    # An unrelated index failing makes apt-get update exit non-zero: enough if nodejs is listed.
    apt-get "${apt_opts[@]}" -qq update >&2 || true
    [ "$(listed)" = 2 ] && break
    [ "$attempt" = 3 ] && die "the arm64 package lists have no nodejs / libnode108"
    sleep $((attempt * 5))
  done
  # nodejs and the closure of its dependencies (libc6 included: the root is
  # self-contained; the cross compiler's /usr/aarch64-linux-gnu is not used).
  mapfile -t pkgs < <(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances nodejs | grep -v '^[ <]' | sort -u)
  [ ${#pkgs[@]} -ge 5 ] || die "could not resolve nodejs's dependencies: ${pkgs[*]}"
  debs=$cache/debs-node-arm64
  rm -rf "$debs"
  mkdir -p "$debs"
  say "downloading ${pkgs[*]} (arm64)"
  (cd "$debs" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]}" >&2)
  tmp=$(mktemp -d "$node_root.new.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  for f in "$debs"/*.deb; do dpkg-deb -x "$f" "$tmp"; done
  while IFS= read -r -d '' link; do  # absolute symlinks would point into the host's /usr
    target=$(readlink "$link")
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$tmp$target")" "$link"
  done < <(find "$tmp" -type l -lname '/*' -print0)
  for f in usr/bin/node lib/ld-linux-aarch64.so.1 usr/lib/aarch64-linux-gnu/libnode.so.108; do
    [ -e "$tmp/$f" ] || die "the unpacked packages lack $f"
  done
  {
    echo "$root_format"
    for f in "$debs"/*.deb; do dpkg-deb -f "$f" Package Version Architecture | paste -sd' '; done
  } >"$tmp/.embert-node-root"
  chmod 755 "$tmp"
  rm -rf "$node_root"
  mv "$tmp" "$node_root"
  trap - EXIT
fi

# Per CPU: the root plus an ARM /proc/cpuinfo and /sys/devices/system/cpu.
# write_cpu_files ROOT CPU
write_cpu_files() {
  local r=$1 cpu=$2 features variant part revision model maxf minf l1d l1i l2 l2shared l3 i j d
  case $cpu in
    a76) features="fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp"
         variant=0x4 part=0xd0b revision=1 model="Raspberry Pi 5 Model B Rev 1.0" maxf=2400000 minf=1500000
         l1d=64K l1i=64K l2=512K l2shared=core l3=2048K ;;
    a72) features="fp asimd evtstrm crc32 cpuid"
         variant=0x0 part=0xd08 revision=3 model="Raspberry Pi 4 Model B Rev 1.4" maxf=1800000 minf=600000
         l1d=32K l1i=48K l2=1024K l2shared=all l3=- ;;
    *) die "unknown cpu $cpu" ;;
  esac
  rm -rf "$r/proc" "$r/sys"
  mkdir -p "$r/proc"
  for i in 0 1 2 3; do
    printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: %s\nCPU implementer\t: 0x41\nCPU architecture: 8\n' "$i" "$features"
    printf 'CPU variant\t: %s\nCPU part\t: %s\nCPU revision\t: %s\n\n' "$variant" "$part" "$revision"
  done >"$r/proc/cpuinfo"
  printf 'Revision\t: 0\nSerial\t\t: 0000000000000000\nModel\t\t: %s\n' "$model" >>"$r/proc/cpuinfo"
  d=$r/sys/devices/system/cpu
  mkdir -p "$d"
  echo 3 >"$d/kernel_max"
  for f in possible present online; do echo 0-3 >"$d/$f"; done
  for i in 0 1 2 3; do
    mkdir -p "$d/cpu$i/cpufreq" "$d/cpu$i/topology"
    echo "$maxf" >"$d/cpu$i/cpufreq/cpuinfo_max_freq"
    echo "$minf" >"$d/cpu$i/cpufreq/cpuinfo_min_freq"
    echo 0 >"$d/cpu$i/topology/physical_package_id"
    echo 0 >"$d/cpu$i/topology/cluster_id"
    echo "$i" >"$d/cpu$i/topology/core_id"
    for f in core_siblings_list package_cpus_list cluster_cpus_list; do echo 0-3 >"$d/cpu$i/topology/$f"; done
    for f in thread_siblings_list core_cpus_list; do echo "$i" >"$d/cpu$i/topology/$f"; done
    j=0
    # index: level type size shared
    while read -r level type size shared; do
      [ "$size" != - ] || continue
      mkdir -p "$d/cpu$i/cache/index$j"
      echo "$level" >"$d/cpu$i/cache/index$j/level"
      echo "$type" >"$d/cpu$i/cache/index$j/type"
      echo "$size" >"$d/cpu$i/cache/index$j/size"
      echo 64 >"$d/cpu$i/cache/index$j/coherency_line_size"
      if [ "$shared" = all ]; then echo 0-3; else echo "$i"; fi >"$d/cpu$i/cache/index$j/shared_cpu_list"
      j=$((j + 1))
    done <<EOF
1 Data $l1d core
1 Instruction $l1i core
2 Unified $l2 $l2shared
3 Unified $l3 all
EOF
  done
}

# --- the plugin -----------------------------------------------------------------------
mkdir -p "$out"
out=$(cd "$out" && pwd)
plugin=$out/bbcount.so
build_plugin "$plugin"

# --- models: ONNX fp32 and int8 from the benchmark weights --------------------------------
hf_missing=0
for m in $models; do [ -f "$host_build/bench/$m-hf/model.safetensors" ] || hf_missing=1; done
if [ $hf_missing = 1 ]; then
  say "making the benchmark models with the host build $host_build"
  [ -f "$host_build/build.ninja" ] || cmake -S . -B "$host_build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$host_build" -j2 --target bert-convert >/dev/null
  benchmarks/make-bench-models.sh "$host_build" >/dev/null
fi
onnx=$out/onnx
mkdir -p "$onnx"
for m in $models; do
  for m_ in bert-base small; do [ "$m" = "$m_" ] && continue 2; done
  die "unknown model $m (bert-base or small)"
done
for m in $models; do
  hf=$host_build/bench/$m-hf
  # Remade when the weights are newer than the export.
  if [ ! -f "$onnx/$m-fp32.onnx" ] || [ "$hf/model.safetensors" -nt "$onnx/$m-fp32.onnx" ]; then
    say "exporting $m to ONNX (benchmarks/compare/export_onnx.py)"
    $py benchmarks/compare/export_onnx.py "$hf" "$onnx/$m-fp32.onnx.tmp" >"$onnx/$m-export.log" 2>&1 ||
      { cat "$onnx/$m-export.log" >&2; die "export of $m failed"; }
    mv "$onnx/$m-fp32.onnx.tmp" "$onnx/$m-fp32.onnx"
    rm -f "$onnx/$m-int8.onnx"
  fi
  if [ ! -f "$onnx/$m-int8.onnx" ]; then
    say "quantizing $m (benchmarks/compare/quantize_onnx.py)"
    $py benchmarks/compare/quantize_onnx.py "$onnx/$m-fp32.onnx" "$onnx/$m-int8.onnx.tmp" >/dev/null
    mv "$onnx/$m-int8.onnx.tmp" "$onnx/$m-int8.onnx"
  fi
done

# --- runs --------------------------------------------------------------------------------

# count ROOT CPU DIR CALLS MODEL LEN: one run under the plugin
count() {
  local r=$1 cpu=$2 d=$3 calls=$4 model=$5 len=$6
  local file=$d/counts-$calls.txt
  if [ $reuse = 1 ] && [ -s "$file" ]; then return; fi
  # A clean environment: the same in both runs, nothing from the caller's shell.
  env -i HOME="$HOME" PATH=/usr/bin:/bin \
    qemu-aarch64 -cpu "$(qemu_cpu "$cpu")" -L "$r" \
      -E "LD_LIBRARY_PATH=$r/lib/aarch64-linux-gnu:$r/usr/lib/aarch64-linux-gnu" -E "NODE_PATH=$peers/node_modules" \
      -plugin "$plugin,out=$file.tmp" \
      "$r/usr/bin/node" --jitless --single-threaded "$repo/benchmarks/arm/ort_run.js" "$model" "$len" "$calls" \
      >"$d/run-$calls.out" 2>"$d/run-$calls.log" ||
    { cat "$d/run-$calls.log" >&2; die "run failed: $model $len tokens, $calls calls, $cpu (log: $d/run-$calls.log)"; }
  [ -s "$file.tmp" ] || die "the plugin wrote nothing to $file.tmp"
  mv "$file.tmp" "$file"
}

mca() { $py benchmarks/arm/mca_model.py --jobs 2 --cache-dir "$out/mca-cache" "$@" >/dev/null; }

for cpu in $cpus; do
  r=$cache/node-root-arm64-$cpu
  rm -rf "$r"
  cp -al "$node_root" "$r"
  write_cpu_files "$r" "$cpu"
  runs=""
  for n in $lengths; do runs="$runs int8:$n"; done
  for n in $fp32_lengths; do runs="$runs fp32:$n"; done
  for m in $models; do
    for run in $runs; do
      q=${run%%:*} len=${run#*:}
      d=$out/$cpu/ort-$q-$m-$len
      mkdir -p "$d"
      say "$cpu: ONNX Runtime $q $m, $len tokens, 1 thread (1 and 2 run() calls)"
      for calls in 1 2; do count "$r" "$cpu" "$d" "$calls" "$onnx/$m-$q.onnx" "$len"; done
      # The same input both times: the logits must be the same.
      l1=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["logits"])' "$d/run-1.out")
      l2=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["logits"])' "$d/run-2.out")
      [ "$l1" = "$l2" ] || die "$d: the runs gave different logits ($l1 / $l2)"
      mca "$d/counts-2.txt" --baseline "$d/counts-1.txt" --cpu "$(mca_cpu "$cpu")" --ghz "$(ghz "$cpu")" \
        --macs "$(encoder_macs "$m" "$len")" \
        --title "ONNX Runtime 1.30 arm64 $q: $m, $len tokens, 1 thread, $cpu" \
        --out-json "$d/model.json" --out-md "$d/model.md"
    done
  done
done

say "summary: $out/ort-summary.md"
precisions="int8"
[ -z "$fp32_lengths" ] || precisions="int8 fp32"
$py benchmarks/arm/summarize.py "$out" --peers-only --cpus "$cpus" --models "$models" \
  --lengths "$(echo "$lengths $fp32_lengths" | tr ' ' '\n' | sort -nu | paste -sd' ')" \
  --ort "$precisions" >"$out/ort-summary.md"
cat "$out/ort-summary.md"
