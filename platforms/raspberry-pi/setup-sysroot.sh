#!/usr/bin/env bash
# Prepares a cross build of embert for a Raspberry Pi (or any Debian arm64 /
# armhf machine) on a Debian 12 x86-64 host:
#   1. installs the cross compiler (g++-aarch64-linux-gnu or
#      g++-arm-linux-gnueabihf) and qemu-user from apt, if missing;
#   2. builds a private sysroot with the target's XNNPACK, pthreadpool,
#      cpuinfo, flatbuffers headers, GoogleTest and Google Benchmark, from
#      Debian bookworm's packages of that architecture.
#
#   platforms/raspberry-pi/setup-sysroot.sh [--refresh] aarch64|armhf
#
# Prints the sysroot's path on stdout (progress goes to stderr). The sysroot
# is ${EMBERT_SYSROOT:-${EMBERT_CACHE:-$HOME/.cache/embert}/sysroot-<arch>}.
# A second run finds it complete and returns at once without touching the
# network; --refresh downloads the packages again.
#
# Why not `apt-get install libxnnpack-dev:arm64`: Debian's XNNPACK and
# pthreadpool packages are not Multi-Arch: same, so installing the arm64 ones
# REMOVES the host's amd64 ones, and libcpuinfo-dev:arm64 conflicts with the
# amd64 one on a CMake file. The target packages are therefore fetched with
# `apt-get download` through a private apt state (own package lists for the
# target architecture, empty dpkg status) and unpacked with `dpkg-deb -x`.
# The host's dpkg is never told about the foreign architecture, so this
# script cannot break the host's `apt-get update` (bookworm-security's armhf
# index has been seen failing its size check; that index is not needed here).
#
# The C library and libstdc++ of the target come from the cross compiler's
# own packages (/usr/<triple>); the sysroot holds only the libraries above.
set -euo pipefail

refresh=0
arch=""
for a in "$@"; do
  case "$a" in
    --refresh) refresh=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    aarch64|arm64) arch=aarch64 ;;
    armhf|arm|armv7) arch=armhf ;;
    *) echo "setup-sysroot: unknown argument '$a' (aarch64 or armhf)" >&2; exit 2 ;;
  esac
done
[ -n "$arch" ] || { echo "usage: setup-sysroot.sh [--refresh] aarch64|armhf" >&2; exit 2; }

case "$arch" in
  aarch64) debarch=arm64; triple=aarch64-linux-gnu; qemu="qemu-aarch64" ;;
  armhf) debarch=armhf; triple=arm-linux-gnueabihf; qemu="qemu-arm" ;;
esac

cache=${EMBERT_CACHE:-$HOME/.cache/embert}
sysroot=${EMBERT_SYSROOT:-$cache/sysroot-$arch}
stamp=$sysroot/.embert-sysroot
# Target packages. The -dev packages hold headers, .so links and CMake
# configs; libxnnpack0 & co. the shared objects the programs load under qemu
# (and on the device, where `install-deps.sh` installs the same packages).
packages=(libxnnpack0 libxnnpack-dev libpthreadpool0 libpthreadpool-dev libcpuinfo0 libcpuinfo-dev
          libflatbuffers-dev libgtest-dev libgmock-dev libbenchmark-dev libbenchmark1debian
          libsnappy1v5 libsnappy-dev)
format="embert-sysroot 1 $debarch ${packages[*]}"

log() { echo "setup-sysroot: $*" >&2; }
retry() {  # retry N command...: the mirror is sometimes briefly inconsistent
  local n=$1 i; shift
  for ((i = 1; i <= n; i++)); do
    "$@" && return 0
    [ "$i" -lt "$n" ] && { log "'$*' failed, retrying in $((i * 5)) s"; sleep $((i * 5)); }
  done
  return 1
}

# --- 1. host tools ---------------------------------------------------------
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
host_missing=()
command -v "$triple-g++" > /dev/null 2>&1 || host_missing+=("g++-$triple")
command -v "$qemu" > /dev/null 2>&1 || host_missing+=(qemu-user)
if [ ${#host_missing[@]} -gt 0 ]; then
  log "installing ${host_missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A failing index (e.g. of an unrelated foreign architecture) makes
  # apt-get update exit non-zero although the lists we need were fetched.
  mkdir -p "$cache"
  aptlog=$cache/apt-host.log
  retry 3 $SUDO apt-get update -qq > "$aptlog" 2>&1 ||
    log "apt-get update reported errors; trying to install anyway"
  retry 2 $SUDO apt-get install -y -qq --no-install-recommends "${host_missing[@]}" >> "$aptlog" 2>&1 ||
    { cat "$aptlog" >&2; log "could not install ${host_missing[*]}"; exit 1; }
fi

# --- 2. the sysroot ----------------------------------------------------------
if [ "$refresh" -eq 0 ] && [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$format" ]; then
  echo "$sysroot"
  exit 0
fi

aptdir=$cache/apt-$debarch
mkdir -p "$aptdir/state/lists/partial" "$aptdir/cache/archives/partial" "$cache/debs-$arch"
: > "$aptdir/state/status"
apt_opts=(
  -o "Dir::State=$aptdir/state" -o "Dir::State::status=$aptdir/state/status"
  -o "Dir::Cache=$aptdir/cache" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
  -o "APT::Architecture=$debarch" -o "APT::Architectures=$debarch"
  -o "APT::Sandbox::User=root" -o "Acquire::Languages=none"
  -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
)
# EMBERT_APT_SOURCES: a sources.list file to use instead of the host's.
if [ -n "${EMBERT_APT_SOURCES:-}" ]; then
  apt_opts+=(-o "Dir::Etc::SourceList=$EMBERT_APT_SOURCES" -o "Dir::Etc::SourceParts=/nonexistent")
fi

have_all_candidates() {
  local listed
  listed=$(apt-cache "${apt_opts[@]}" policy "${packages[@]}" 2>/dev/null |
           awk '/^[^ ]/ { p = $1 } /Candidate: [^(]/ { n++ } END { print n + 0 }')
  [ "$listed" -eq "${#packages[@]}" ]
}

log "fetching $debarch package lists (private apt state in $aptdir)"
for attempt in 1 2 3; do
  apt-get "${apt_opts[@]}" -qq update >&2 && have_all_candidates && break
  # apt-get update fails if any index does (bookworm-security's armhf one
  # has been failing its size check); enough if the packages are listed.
  if have_all_candidates; then
    log "some $debarch indexes failed to download; every needed package is listed, continuing"
    break
  fi
  if [ "$attempt" -eq 3 ]; then
    log "the $debarch package lists lack some of: ${packages[*]}"
    exit 1
  fi
  log "apt-get update failed, retrying in $((attempt * 5)) s"
  sleep $((attempt * 5))
done

debs=$cache/debs-$arch
rm -f "$debs"/*.deb
log "downloading ${packages[*]} ($debarch)"
(cd "$debs" && retry 3 apt-get "${apt_opts[@]}" -qq download "${packages[@]}" >&2)

# Unpack next to the old sysroot and swap, so that a build using the old one
# never sees a half-made tree.
mkdir -p "$(dirname "$sysroot")"
tmp=$(mktemp -d "$sysroot.new.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for f in "$debs"/*.deb; do dpkg-deb -x "$f" "$tmp"; done
# Absolute symlinks would point into the host's /usr: make them relative.
while IFS= read -r -d '' link; do
  target=$(readlink "$link")
  ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$tmp$target")" "$link"
done < <(find "$tmp" -type l -lname '/*' -print0)
for f in usr/include/xnnpack.h usr/include/pthreadpool.h usr/include/cpuinfo.h \
         usr/include/flatbuffers/flatbuffers.h "usr/lib/$triple/libXNNPACK.so" \
         "usr/lib/$triple/libgtest.a" "usr/lib/$triple/cmake/GTest/GTestConfig.cmake"; do
  [ -e "$tmp/$f" ] || { log "unpacked packages lack $f"; exit 1; }
done
{
  echo "$format"
  for f in "$debs"/*.deb; do dpkg-deb -f "$f" Package Version Architecture | paste -sd' '; done
} > "$tmp/.embert-sysroot"
chmod 755 "$tmp"
old=""
if [ -e "$sysroot" ]; then
  old=$(mktemp -d "$sysroot.old.XXXXXX")
  mv "$sysroot" "$old/"
fi
mv "$tmp" "$sysroot"
trap - EXIT
[ -n "$old" ] && rm -rf "$old"
log "sysroot ready: $sysroot"
echo "$sysroot"
