#!/usr/bin/env bash
# Cross-builds embert for a Raspberry Pi target and runs the whole ctest
# suite under qemu-user, once per CPU model given; exits non-zero on any
# failure.
#
#   platforms/raspberry-pi/test-under-qemu.sh aarch64 [CPU...]   CPU: cortex-a72 (default) | cortex-a76 | ...
#   platforms/raspberry-pi/test-under-qemu.sh armhf [CPU...]     CPU: cortex-a15 (default) | cortex-a7 | max
#                                                                (cortex-a53/a72/a76 run as max)
#
# One build (build-<arch> in the repository, or $EMBERT_QEMU_BUILD_DIR), then
# for each CPU model: `ctest` with every target program run by
# qemu/qemu-run.sh under `-cpu CPU` (C/C++ tests through
# CMAKE_CROSSCOMPILING_EMULATOR, the Python-driven tests through
# qemu/python3-qemu.sh), and the firmware example, whose results must be
# identical under every model (cortex-a72: NEON without dot product;
# cortex-a76: dot product and fp16).
#
# Environment:
#   EMBERT_CACHE            sysroot and package cache (default ~/.cache/embert)
#   EMBERT_QEMU_BUILD_DIR   build directory (default build-<arch>)
#   EMBERT_ARM_CPU          -mcpu of the build (default: generic), see README.md
#   EMBERT_QEMU_BENCHMARKS  ON to cross-build the benchmarks too (default OFF)
#   EMBERT_QEMU_JOBS        parallel jobs (default: nproc)
#   EMBERT_HOST_BUILD       native build giving the x86-64 reference tools
#                           (default build-host-tools; CI passes its own build)
#
# Left out under emulation: the install area (install.consumer), which
# installs the build and then compiles and runs a consumer program with the
# host's shell and CMake without the toolchain file or an emulator (it runs in
# the native suite).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

arch=${1:-}
case "$arch" in
  aarch64) default_cpu=cortex-a72 ;;
  armhf) default_cpu=cortex-a15 ;;
  *) echo "usage: test-under-qemu.sh aarch64|armhf [CPU...]" >&2; exit 2 ;;
esac
shift
cpus=()
for cpu in "$@"; do
  # qemu-arm models no ARMv8 core by name; `max` is an ARMv8 core in AArch32 state.
  if [ "$arch" = armhf ] && [[ $cpu =~ ^cortex-a(53|57|72|76)$ ]]; then
    echo "note: qemu-arm has no $cpu model; using -cpu max (ARMv8 in 32-bit state)"
    cpu=max
  fi
  cpus+=("$cpu")
done
[ ${#cpus[@]} -gt 0 ] || cpus=("$default_cpu")
jobs=${EMBERT_QEMU_JOBS:-$(nproc 2>/dev/null || echo 2)}
build=${EMBERT_QEMU_BUILD_DIR:-build-$arch}
t0=$(date +%s)
say() { echo "== [$(( $(date +%s) - t0 )) s] $*"; }

say "host packages (platforms/linux/install-deps.sh) and the $arch sysroot"
platforms/linux/install-deps.sh
sysroot=$(platforms/raspberry-pi/setup-sysroot.sh "$arch")

# The x86-64 tools the cross-target agreement test compares against
# (tests/cross_target): a native build, incremental if it exists.
host_build=${EMBERT_HOST_BUILD:-build-host-tools}
say "host tools in $host_build (bert-convert, embert)"
if [ ! -f "$host_build/CMakeCache.txt" ]; then
  cmake -S . -B "$host_build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBERT_BUILD_TESTS=OFF \
    -DEMBERT_BUILD_BENCHMARKS=OFF -DEMBERT_BUILD_FIRMWARE_EXAMPLE=OFF > /dev/null
fi
cmake --build "$host_build" -j "$jobs" --target bert_convert embert_cli
host_tools=$(cd "$host_build/bin" && pwd)

say "configure $build"
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$root/platforms/raspberry-pi/$arch.cmake" \
  -DEMBERT_SYSROOT="$sysroot" -DEMBERT_ARM_CPU="${EMBERT_ARM_CPU:-}" \
  -DEMBERT_BUILD_BENCHMARKS="${EMBERT_QEMU_BENCHMARKS:-OFF}" -DEMBERT_HOST_TOOLS_DIR="$host_tools" > "$build/embert-configure.log" ||
  { cat "$build/embert-configure.log"; exit 1; }

say "build"
cmake --build "$build" -j "$jobs"

failed=()
first_results=""
for cpu in "${cpus[@]}"; do
  say "ctest under qemu ($arch, -cpu $cpu)"
  if ! EMBERT_QEMU_CPU=$cpu ctest --test-dir "$build" --output-on-failure -j "$jobs" \
         -E '^install\.'; then
    failed+=("ctest -cpu $cpu")
  fi
  say "firmware example ($arch, -cpu $cpu)"
  out=$(EMBERT_QEMU_CPU=$cpu platforms/raspberry-pi/qemu/qemu-run.sh "$arch" "$sysroot" "$cpu" \
          "$build/bin/firmware_example") || failed+=("firmware_example -cpu $cpu")
  echo "$out"
  # Everything but the engine line must be the same under every CPU model.
  results=$(echo "$out" | grep -v '^engine:' || true)
  if [ -z "$first_results" ]; then
    first_results=$results
  elif [ "$results" != "$first_results" ]; then
    echo "firmware_example under -cpu $cpu differs from -cpu ${cpus[0]}:"
    diff <(echo "$first_results") <(echo "$results") || true
    failed+=("firmware_example results differ under -cpu $cpu")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED ($arch): ${failed[*]}"
  exit 1
fi
say "passed ($arch: ${cpus[*]})"
