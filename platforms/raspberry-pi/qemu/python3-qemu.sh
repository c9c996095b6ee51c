#!/bin/sh
# python3 for the tests of a cross build: every target program a test script
# starts with subprocess is run under qemu-run.sh (see python/sitecustomize.py),
# as binfmt_misc would do on a machine where it is set up.
#
#   python3-qemu.sh ARCH SYSROOT CPU [PYTHON ARGS...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
EMBERT_QEMU_RUN=$here/qemu-run.sh
EMBERT_QEMU_ARCH=$1 EMBERT_QEMU_SYSROOT=$2 EMBERT_QEMU_DEFAULT_CPU=$3
export EMBERT_QEMU_RUN EMBERT_QEMU_ARCH EMBERT_QEMU_SYSROOT EMBERT_QEMU_DEFAULT_CPU
shift 3
PYTHONPATH=$here/python${PYTHONPATH:+:$PYTHONPATH}
export PYTHONPATH
# Debian's python3 has numpy (as cmake/dependencies.cmake prefers it).
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "$@"
