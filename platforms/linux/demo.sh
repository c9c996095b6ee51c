#!/usr/bin/env bash
# From a bare Debian 12 / Raspberry Pi OS bookworm machine: install the
# dependencies, build, convert the bundled demo model and classify a sentence.
#   platforms/linux/demo.sh ["some sentence"]
set -euo pipefail
cd "$(dirname "$0")/../.."
text=${1:-"play some jazz by miles davis"}
jobs=$(nproc 2>/dev/null || echo 2)

platforms/linux/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"
build/bin/bert-convert models/snips-intent -o build/snips-intent.embert --quiet
build/bin/embert classify --model build/snips-intent.embert --text "$text"
