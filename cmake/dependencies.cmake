# Dependencies come from Debian's packages (platforms/linux/install-deps.sh).
# XNNPACK and pthreadpool ship no CMake config there, so they are found by
# name; a cross build finds the target's copies through CMAKE_FIND_ROOT_PATH.

find_program(EMBERT_FLATC flatc REQUIRED)
find_path(EMBERT_FLATBUFFERS_INCLUDE flatbuffers/flatbuffers.h REQUIRED)

find_path(EMBERT_PTHREADPOOL_INCLUDE pthreadpool.h REQUIRED)
find_library(EMBERT_PTHREADPOOL_LIB pthreadpool REQUIRED)
find_path(EMBERT_CPUINFO_INCLUDE cpuinfo.h REQUIRED)
find_library(EMBERT_CPUINFO_LIB cpuinfo REQUIRED)
find_package(Threads REQUIRED)

add_library(embert_deps INTERFACE)
target_include_directories(embert_deps SYSTEM INTERFACE
  ${EMBERT_FLATBUFFERS_INCLUDE} ${EMBERT_PTHREADPOOL_INCLUDE} ${EMBERT_CPUINFO_INCLUDE})
target_link_libraries(embert_deps INTERFACE ${EMBERT_PTHREADPOOL_LIB} ${EMBERT_CPUINFO_LIB} Threads::Threads m)

if(EMBERT_WITH_XNNPACK)
  find_path(EMBERT_XNNPACK_INCLUDE xnnpack.h REQUIRED)
  find_library(EMBERT_XNNPACK_LIB XNNPACK REQUIRED)
  target_include_directories(embert_deps SYSTEM INTERFACE ${EMBERT_XNNPACK_INCLUDE})
  target_link_libraries(embert_deps INTERFACE ${EMBERT_XNNPACK_LIB})
  target_compile_definitions(embert_deps INTERFACE EMBERT_WITH_XNNPACK=1)
endif()

if(EMBERT_BUILD_TESTS)
  find_package(GTest REQUIRED)
  # Debian's python3 has numpy and torch; a pyenv or venv python on PATH may not.
  find_program(EMBERT_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
  if(NOT EMBERT_PYTHON)
    find_program(EMBERT_PYTHON python3 REQUIRED)
  endif()
endif()
if(EMBERT_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
