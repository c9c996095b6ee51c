# CMake toolchain file: 64-bit Raspberry Pi OS / Debian arm64 (Pi 3, 4, 5,
# Zero 2) with Debian's g++-aarch64-linux-gnu and the sysroot made by
# setup-sysroot.sh.
#
#   platforms/raspberry-pi/setup-sysroot.sh aarch64
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=platforms/raspberry-pi/aarch64.cmake \
#         [-DEMBERT_ARM_CPU=cortex-a72|cortex-a76] [-DEMBERT_QEMU_CPU=cortex-a72|cortex-a76]
#
# The build runs its tests under qemu-aarch64 (ctest, gtest discovery).
set(EMBERT_TARGET_ARCH aarch64)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(EMBERT_TARGET_TRIPLE aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
