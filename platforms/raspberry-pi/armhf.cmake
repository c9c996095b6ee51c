# CMake toolchain file: 32-bit Debian armhf with NEON (ARMv7-A + NEON or any
# ARMv8 core in AArch32 state: Pi 2, 3, 4, 5 running a Debian armhf system)
# with Debian's g++-arm-linux-gnueabihf and the sysroot made by
# setup-sysroot.sh.
#
# Not for Raspbian / 32-bit Raspberry Pi OS's ARMv6 build (Pi 1, Zero): its
# packages are ARMv6 + VFPv2 without NEON, and Debian's armhf XNNPACK needs
# NEON at run time (so do embert's ARM kernels).
#
#   platforms/raspberry-pi/setup-sysroot.sh armhf
#   cmake -S . -B build-armhf -G Ninja -DCMAKE_TOOLCHAIN_FILE=platforms/raspberry-pi/armhf.cmake \
#         [-DEMBERT_ARM_CPU=cortex-a7|cortex-a53|cortex-a72]
set(EMBERT_TARGET_ARCH armhf)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(EMBERT_TARGET_TRIPLE arm-linux-gnueabihf)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
