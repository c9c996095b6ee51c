#!/bin/sh
# Runs a target program under qemu-user: the emulator of cross builds
# (CMAKE_CROSSCOMPILING_EMULATOR, set by aarch64.cmake / armhf.cmake).
#
#   qemu-run.sh ARCH SYSROOT CPU PROGRAM [ARGS...]
#     ARCH     aarch64 | armhf
#     SYSROOT  made by setup-sysroot.sh (XNNPACK, pthreadpool, cpuinfo, ...)
#     CPU      qemu -cpu model; the environment variable EMBERT_QEMU_CPU overrides it
#
# The target's loader and C library come from the cross compiler's packages
# (/usr/<triple>, given to qemu with -L). LD_LIBRARY_PATH is set for the
# guest (qemu -E) so that libc is taken from the same place as the loader:
# if a libc6:<arch> package is ever installed on the host, the host's
# ld.so.cache points the guest to that second glibc build, and mixing the
# two makes pthread_create spin forever.
set -eu
if [ $# -lt 4 ]; then
  echo "usage: qemu-run.sh aarch64|armhf SYSROOT CPU PROGRAM [ARGS...]" >&2
  exit 2
fi
arch=$1 sysroot=$2 cpu=${EMBERT_QEMU_CPU:-$3}
shift 3
case "$arch" in
  aarch64) qemu=qemu-aarch64 triple=aarch64-linux-gnu ;;
  armhf) qemu=qemu-arm triple=arm-linux-gnueabihf ;;
  *) echo "qemu-run.sh: unknown architecture $arch" >&2; exit 2 ;;
esac
libc=/usr/$triple
exec "$qemu" -cpu "$cpu" -L "$libc" -E "LD_LIBRARY_PATH=$libc/lib:$sysroot/usr/lib/$triple" "$@"
