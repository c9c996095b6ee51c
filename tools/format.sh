#!/usr/bin/env bash
# Formats the C and C++ files the project owns with clang-format 14 (the
# Debian 12 package `clang-format`; install-deps.sh --dev) and the root
# .clang-format.
#
#   tools/format.sh                 format every owned file in place
#   tools/format.sh --check         change nothing; list the files that are not
#                                   formatted and exit 1 if there are any (CI)
#   tools/format.sh [--check] FILE...   only these files
#
# Owned: the C/C++ sources (.c .cc .cpp .h .hpp .inc) under sdk/ converter/
# tests/ benchmarks/ platforms/ schema/ that git tracks or would track (new
# files count, ignored ones do not). Generated files live in build
# directories and are never among them; test data and fuzz corpora are
# excluded. Environment: CLANG_FORMAT, the binary to use (default
# clang-format-14, else clang-format); other major versions format some
# constructs differently, so --check refuses them.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi

want_major=14
if [ -n "${CLANG_FORMAT:-}" ]; then
  cf=$CLANG_FORMAT
elif command -v clang-format-$want_major > /dev/null; then
  cf=clang-format-$want_major
elif command -v clang-format > /dev/null; then
  cf=clang-format
else
  echo "format.sh: clang-format not found (platforms/linux/install-deps.sh --dev installs it)" >&2
  exit 2
fi
major=$("$cf" --version | sed -n 's/.*clang-format version \([0-9]*\).*/\1/p')
if [ "$major" != "$want_major" ]; then
  if [ $check -eq 1 ]; then
    echo "format.sh: $cf is version ${major:-unknown}; the check needs clang-format $want_major (set CLANG_FORMAT)" >&2
    exit 2
  fi
  echo "format.sh: warning: $cf is version ${major:-unknown}, not $want_major: the result may differ from CI's" >&2
fi

files=()
if [ $# -gt 0 ]; then
  files=("$@")
else
  while IFS= read -r -d '' f; do
    [ -f "$f" ] && files+=("$f")
  done < <(git ls-files -z --cached --others --exclude-standard -- \
             'sdk/*' 'converter/*' 'tests/*' 'benchmarks/*' 'platforms/*' 'schema/*' \
             ':!:tests/data/*' ':!:tests/fuzz/corpus/*' |
           grep -z -E '\.(c|cc|cpp|h|hpp|inc)$' | sort -zu)
fi
[ ${#files[@]} -gt 0 ] || { echo "format.sh: no files"; exit 0; }

jobs=$(nproc 2>/dev/null || echo 2)
if [ $check -eq 1 ]; then
  # One clang-format per file, in parallel; a file is listed when clang-format
  # would change it (or cannot read it).
  bad=$(printf '%s\0' "${files[@]}" |
        xargs -0 -n 1 -P "$jobs" sh -c '"$0" --style=file --dry-run --Werror "$1" > /dev/null 2>&1 || echo "$1"' "$cf" |
        sort)
  if [ -n "$bad" ]; then
    echo "format.sh: $(echo "$bad" | wc -l) of ${#files[@]} files are not formatted (tools/format.sh FILE... formats them):"
    echo "$bad" | sed 's/^/  /'
    exit 1
  fi
  echo "format.sh: ${#files[@]} files formatted as .clang-format says"
else
  printf '%s\0' "${files[@]}" | xargs -0 -n 16 -P "$jobs" "$cf" --style=file -i
  echo "format.sh: formatted ${#files[@]} files"
fi
