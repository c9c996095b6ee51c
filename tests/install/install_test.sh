#!/usr/bin/env bash
# Installs embert from a build tree into a fresh prefix, then builds and runs a
# C program against that prefix twice: with find_package(embert) and with
# `pkg-config --cflags --libs embert`.
#
#   install_test.sh BUILD_DIR WORK_DIR CONSUMER_SRC C_COMPILER LIBDIR TOOLS [MODEL [LABEL]]
#
# TOOLS: the tool names the build installs (space separated, may be empty).
# CMAKE, CMAKE_GENERATOR, PKG_CONFIG and EXTRA_FLAGS come from the environment.
set -euo pipefail

build=$1 work=$2 consumer_src=$3 cc=$4 libdir=$5 tools=$6
model=${7:-} label=${8:-}
cmake=${CMAKE:-cmake}
pkg_config=${PKG_CONFIG:-pkg-config}
extra_flags=${EXTRA_FLAGS:-}

fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "--- $*"; }

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

step "install into $prefix"
"$cmake" --install "$build" --prefix "$prefix"

step "installed files"
for f in include/embert/embert.h "$libdir/libembert.a" "$libdir/cmake/embert/embertConfig.cmake" \
         "$libdir/cmake/embert/embertConfigVersion.cmake" "$libdir/cmake/embert/embertTargets.cmake" \
         "$libdir/pkgconfig/embert.pc"; do
  [[ -f $prefix/$f ]] || fail "$f is not installed"
done
for tool in $tools; do
  [[ -x $prefix/bin/$tool ]] || fail "bin/$tool is not installed"
done
if [[ " $tools " == *" embert "* ]]; then
  "$prefix/bin/embert" --version || fail "the installed embert tool does not run"
fi
# Nothing of the build tree leaks into the installed package.
if grep -rl -- "$build" "$prefix/$libdir/cmake" "$prefix/$libdir/pkgconfig"; then
  fail "installed package files refer to the build tree $build"
fi

run_consumer() {
  local exe=$1
  "$exe" || fail "$exe failed"
  if [[ -n $model ]]; then
    "$exe" "$model" $label || fail "$exe $model failed"
  fi
}

step "find_package(embert)"
generator_args=()
[[ -n ${CMAKE_GENERATOR:-} ]] && generator_args=(-G "$CMAKE_GENERATOR")
"$cmake" -S "$consumer_src" -B "$work/cmake-build" "${generator_args[@]}" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="$extra_flags" -DCMAKE_EXE_LINKER_FLAGS="$extra_flags"
"$cmake" --build "$work/cmake-build" --verbose
run_consumer "$work/cmake-build/consumer"

step "pkg-config embert"
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
"$pkg_config" --exists --print-errors embert || fail "pkg-config does not find embert"
library_version=$("$work/cmake-build/consumer" | awk 'NR == 1 { print $2 }')
[[ $("$pkg_config" --modversion embert) == "$library_version" ]] ||
  fail "pkg-config version $("$pkg_config" --modversion embert) differs from the library's $library_version"
cflags=$("$pkg_config" --cflags embert)
libs=$("$pkg_config" --libs embert)
echo "cflags: $cflags"
echo "libs: $libs"
# shellcheck disable=SC2086
incdir=$(printf '%s\n' $cflags | sed -n 's/^-I//p' | head -n 1)
[[ -n $incdir && $(realpath "$incdir") == $(realpath "$prefix/include") ]] ||
  fail "Cflags do not point to $prefix/include: $cflags"
# shellcheck disable=SC2086  # word splitting of the flags is intended
"$cc" -std=c11 -Wall -Wextra -Werror $extra_flags "$consumer_src/consumer.c" $cflags $libs -o "$work/consumer-pc"
run_consumer "$work/consumer-pc"

echo "install test passed"
