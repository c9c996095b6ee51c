#!/usr/bin/env bash
# Installs everything embert needs to build, test and benchmark on Debian 12
# (bookworm) or Raspberry Pi OS bookworm, from the distribution's packages.
#   platforms/linux/install-deps.sh          build + tests
#   platforms/linux/install-deps.sh --dev    also clang (fuzzers), valgrind, qemu-user
#                                            (older x86 CPUs emulated by a test; ARM tests),
#                                            llvm-19 (llvm-mca: benchmarks/arm/model.sh) and
#                                            clang-format / clang-tidy 14 (tools/format.sh, tools/lint.sh)
#   (python3-torch is needed only to retrain the demo model: models/snips-intent)
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
  build-essential cmake ninja-build pkg-config git
  libxnnpack-dev libpthreadpool-dev libcpuinfo-dev
  libflatbuffers-dev flatbuffers-compiler
  libsnappy-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  unicode-data
  python3 python3-numpy
)
if [ "${1:-}" = "--dev" ]; then
  packages+=(clang libclang-rt-dev valgrind qemu-user llvm-19 clang-format clang-tidy)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
