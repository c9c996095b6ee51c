# Shared part of aarch64.cmake and armhf.cmake (which set EMBERT_TARGET_ARCH
# and EMBERT_TARGET_TRIPLE).
#
# Cache variables:
#   EMBERT_SYSROOT   the sysroot of setup-sysroot.sh (default: $EMBERT_SYSROOT,
#                    else ${EMBERT_CACHE:-$HOME/.cache/embert}/sysroot-<arch>)
#   EMBERT_ARM_CPU   tune and select instructions for one core (-mcpu):
#                    aarch64: cortex-a53 (Pi 3, Zero 2), cortex-a72 (Pi 4),
#                             cortex-a76 (Pi 5; the binary then needs ARMv8.2:
#                             it may not run on a Pi 4)
#                    armhf:   cortex-a7 (Pi 2), cortex-a53, cortex-a72, cortex-a76
#                    empty (default): generic ARMv8-A / ARMv7-A+NEON, runs on
#                    all of them; the int8 kernels still pick the dot-product
#                    path at run time on cores that have it.
#   EMBERT_QEMU_CPU  qemu -cpu model for running tests and tools in the build
#                    (the EMBERT_QEMU_CPU environment variable overrides it
#                    when the tests run).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${EMBERT_TARGET_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${EMBERT_TARGET_TRIPLE}-g++)
set(CMAKE_ASM_COMPILER ${EMBERT_TARGET_TRIPLE}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${EMBERT_TARGET_TRIPLE})
# try_compile() projects read this file again: hand them the same choices.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EMBERT_SYSROOT EMBERT_ARM_CPU EMBERT_QEMU_CPU)

# --- sysroot -----------------------------------------------------------------
if(DEFINED ENV{EMBERT_SYSROOT})
  set(_embert_sysroot_default "$ENV{EMBERT_SYSROOT}")
elseif(DEFINED ENV{EMBERT_CACHE})
  set(_embert_sysroot_default "$ENV{EMBERT_CACHE}/sysroot-${EMBERT_TARGET_ARCH}")
else()
  set(_embert_sysroot_default "$ENV{HOME}/.cache/embert/sysroot-${EMBERT_TARGET_ARCH}")
endif()
set(EMBERT_SYSROOT "${_embert_sysroot_default}" CACHE PATH
    "Target libraries unpacked by platforms/raspberry-pi/setup-sysroot.sh ${EMBERT_TARGET_ARCH}")
if(NOT EXISTS "${EMBERT_SYSROOT}/.embert-sysroot")
  message(FATAL_ERROR "No sysroot at EMBERT_SYSROOT=${EMBERT_SYSROOT}: run\n"
                      "  platforms/raspberry-pi/setup-sysroot.sh ${EMBERT_TARGET_ARCH}")
endif()
set(_embert_target_libdir "${EMBERT_SYSROOT}/usr/lib/${EMBERT_TARGET_TRIPLE}")

# Target headers, libraries and CMake packages from the sysroot and the cross
# compiler's own tree; programs (flatc, python3) from the host.
set(CMAKE_FIND_ROOT_PATH "${EMBERT_SYSROOT}" "/usr/${EMBERT_TARGET_TRIPLE}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# libXNNPACK.so needs libcpuinfo.so.0 and libpthreadpool.so.0 at link time.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_embert_target_libdir}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_embert_target_libdir}")

# --- CPU flags -------------------------------------------------------------------
set(EMBERT_ARM_CPU "" CACHE STRING "Optimise for this core (-mcpu); empty: generic")
if(EMBERT_TARGET_ARCH STREQUAL "aarch64")
  set(_embert_cpus cortex-a53 cortex-a72 cortex-a76)
  set(_embert_flags "")
  if(EMBERT_ARM_CPU)
    set(_embert_flags "-mcpu=${EMBERT_ARM_CPU}")
  endif()
else()
  # Debian's armhf compiler defaults to ARMv7-A + VFPv3-D16 without NEON.
  # -Wno-psabi: GCC notes on every std::initializer_list<int64_t> argument
  # that its passing changed in GCC 7.1 (only matters when mixing objects of
  # GCC < 7, which a build from source never does).
  set(_embert_cpus cortex-a7 cortex-a53 cortex-a72 cortex-a76)
  set(_embert_flags "-march=armv7-a -mfpu=neon -mfloat-abi=hard -Wno-psabi")
  if(EMBERT_ARM_CPU STREQUAL "cortex-a7")
    set(_embert_flags "-mcpu=cortex-a7 -mfpu=neon-vfpv4 -mfloat-abi=hard -Wno-psabi")
  elseif(EMBERT_ARM_CPU)
    set(_embert_flags "-mcpu=${EMBERT_ARM_CPU} -mfpu=neon-fp-armv8 -mfloat-abi=hard -Wno-psabi")
  endif()
endif()
if(EMBERT_ARM_CPU AND NOT EMBERT_ARM_CPU IN_LIST _embert_cpus)
  message(FATAL_ERROR "EMBERT_ARM_CPU=${EMBERT_ARM_CPU}: choose one of ${_embert_cpus} or leave it empty")
endif()
# The flags become CMAKE_<LANG>_FLAGS at the first configure only.
if(DEFINED EMBERT_ARM_CPU_CONFIGURED AND NOT EMBERT_ARM_CPU_CONFIGURED STREQUAL EMBERT_ARM_CPU)
  message(FATAL_ERROR "EMBERT_ARM_CPU changed from '${EMBERT_ARM_CPU_CONFIGURED}' to '${EMBERT_ARM_CPU}': "
                      "use a new build directory")
endif()
set(EMBERT_ARM_CPU_CONFIGURED "${EMBERT_ARM_CPU}" CACHE INTERNAL "")
set(CMAKE_C_FLAGS_INIT "${_embert_flags}")
set(CMAKE_CXX_FLAGS_INIT "${_embert_flags}")
set(CMAKE_ASM_FLAGS_INIT "${_embert_flags}")

# --- running target programs under qemu-user ---------------------------------------
if(EMBERT_TARGET_ARCH STREQUAL "aarch64")
  set(_embert_qemu_cpu cortex-a72)
  if(EMBERT_ARM_CPU MATCHES "^cortex-a(53|72|76)$")
    set(_embert_qemu_cpu ${EMBERT_ARM_CPU})
  endif()
else()
  # qemu-arm models no ARMv8 core by name: cortex-a15 is ARMv7-A + NEON
  # (VFPv4), `max` an ARMv8 core in AArch32 state.
  set(_embert_qemu_cpu cortex-a15)
  if(EMBERT_ARM_CPU STREQUAL "cortex-a7")
    set(_embert_qemu_cpu cortex-a7)
  elseif(EMBERT_ARM_CPU)
    set(_embert_qemu_cpu max)
  endif()
endif()
set(EMBERT_QEMU_CPU "${_embert_qemu_cpu}" CACHE STRING "qemu -cpu model for target programs run by the build and ctest")
# ctest, gtest discovery and custom commands run target programs through it.
set(CMAKE_CROSSCOMPILING_EMULATOR
    "${CMAKE_CURRENT_LIST_DIR}/qemu/qemu-run.sh;${EMBERT_TARGET_ARCH};${EMBERT_SYSROOT};${EMBERT_QEMU_CPU}")
# Tests written in Python start target programs themselves: this python
# runs them through qemu-run.sh too (qemu/python/sitecustomize.py).
set(EMBERT_PYTHON "${CMAKE_CURRENT_LIST_DIR}/qemu/python3-qemu.sh;${EMBERT_TARGET_ARCH};${EMBERT_SYSROOT};${EMBERT_QEMU_CPU}"
    CACHE STRING "python3 for the tests, starting target programs under qemu")
