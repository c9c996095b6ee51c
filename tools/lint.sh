#!/usr/bin/env bash
# clang-tidy 14 (the Debian 12 package `clang-tidy`; install-deps.sh --dev)
# with the root .clang-tidy over the SDK's and the converter's sources
# (sdk/src, converter/src); any finding fails.
#
#   tools/lint.sh                          every source file
#   tools/lint.sh --changed-since REV      the files changed since the merge base
#                                          of REV and HEAD (working tree included)
#   tools/lint.sh FILE...                  these files
#
# Headers are checked through the sources that include them; a changed
# header brings in the source of the same name. Sources this build does not
# compile (the other architecture's kernels) are skipped and listed.
#
# It needs a compile_commands.json and the generated headers (schema, Unicode
# tables): it configures $EMBERT_LINT_BUILD (default build-lint) with Ninja
# (and clang if installed) the first time and builds only the code
# generators; a GCC build's directory works too (GCC-only flags are ignored). Environment:
# CLANG_TIDY (default clang-tidy-14, else clang-tidy), EMBERT_LINT_JOBS
# (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

want_major=14
if [ -n "${CLANG_TIDY:-}" ]; then
  ct=$CLANG_TIDY
elif command -v clang-tidy-$want_major > /dev/null; then
  ct=clang-tidy-$want_major
elif command -v clang-tidy > /dev/null; then
  ct=clang-tidy
else
  echo "lint.sh: clang-tidy not found (platforms/linux/install-deps.sh --dev installs it)" >&2
  exit 2
fi
major=$("$ct" --version | sed -n 's/.*LLVM version \([0-9]*\).*/\1/p')
if [ "$major" != "$want_major" ]; then
  echo "lint.sh: warning: $ct is LLVM ${major:-unknown}, not $want_major: checks may differ from CI's" >&2
fi

files=()
if [ "${1:-}" = "--changed-since" ]; then
  [ $# -eq 2 ] || { echo "usage: tools/lint.sh [--changed-since REV | FILE...]" >&2; exit 2; }
  base=$(git merge-base "$2" HEAD)
  while IFS= read -r f; do
    files+=("$f")
  done < <(git diff --name-only --diff-filter=ACMR "$base" -- 'sdk/src/*' 'converter/src/*' |
           grep -E '\.(c|cc|cpp|h|hpp)$' || true)
  echo "lint.sh: ${#files[@]} C/C++ files under sdk/src and converter/src changed since $(git rev-parse --short "$base")"
elif [ $# -gt 0 ]; then
  files=("$@")
fi

build=${EMBERT_LINT_BUILD:-build-lint}
if [ ! -f "$build/compile_commands.json" ]; then
  # With clang when there is one, so that the compile commands carry the
  # flags clang takes (the build gives GCC some of its own).
  compilers=()
  if command -v clang > /dev/null && command -v clang++ > /dev/null; then
    compilers=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
  fi
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    "${compilers[@]}" > /dev/null
fi
cmake --build "$build" --target embert_schema_gen embert_unicode_tables > /dev/null

# The translation units this build compiles, as absolute paths.
mapfile -t compiled < <(python3 -c '
import json, os, sys
for e in json.load(open(sys.argv[1])):
    print(os.path.normpath(os.path.join(e["directory"], e["file"])))' "$build/compile_commands.json" | sort -u)
is_compiled() { printf '%s\n' "${compiled[@]}" | grep -qxF "$1"; }

units=()
skipped=()
if [ ${#files[@]} -eq 0 ] && [ "${1:-}" != "--changed-since" ]; then
  for f in "${compiled[@]}"; do
    case $f in "$root"/sdk/src/*|"$root"/converter/src/*) units+=("$f") ;; esac
  done
else
  for f in "${files[@]}"; do
    f=$(realpath -m "$f")
    case $f in
      *.h) for ext in cc c; do [ -f "${f%.h}.$ext" ] && f=${f%.h}.$ext; done ;;
    esac
    case $f in *.h) continue ;; esac
    if is_compiled "$f"; then units+=("$f"); else skipped+=("${f#"$root"/}"); fi
  done
fi
[ ${#skipped[@]} -eq 0 ] || echo "lint.sh: not compiled by this build, skipped: ${skipped[*]}"
mapfile -t units < <(printf '%s\n' "${units[@]}" | sort -u | sed '/^$/d')
if [ ${#units[@]} -eq 0 ]; then
  echo "lint.sh: nothing to check"
  exit 0
fi

jobs=${EMBERT_LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
t0=$(date +%s)
status=0
printf '%s\0' "${units[@]}" |
  xargs -0 -n 1 -P "$jobs" "$ct" -p "$build" --quiet --warnings-as-errors='*' \
    --extra-arg=-Wno-ignored-optimization-argument --extra-arg=-Wno-unknown-warning-option > "$log" 2>&1 ||
  status=$?
# clang-tidy prints "N warnings generated." for suppressed ones: leave those out.
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$' "$log" || true
echo "lint.sh: ${#units[@]} files in $(( $(date +%s) - t0 )) s: $([ $status -eq 0 ] && echo clean || echo FINDINGS)"
exit $([ $status -eq 0 ] && echo 0 || echo 1)
