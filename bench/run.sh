#!/usr/bin/env bash
# The benchmarks behind `./build.sh bench` (issue 4): our native and WebAssembly training side
# by side with PyTorch, OpenBLAS and TensorFlow.js on this machine; raw JSON in build/bench/, the
# table in docs/benchmarks.md. Runs on its own too: bash bench/run.sh.
set -euo pipefail

# build.sh, sourced, only defines its functions and variables: say, die, apt_ensure, setup_core,
# build_native, build_web, ROOT, CACHE, BUILD, JOBS, WEB_OUT, APT_BUILD.
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build.sh"

APT_BENCH=(python3-torch libopenblas0-openmp python3-threadpoolctl time chromium) # the peers', beside APT_BUILD
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
  say "PyTorch's own bf16 (torch.autocast) at 1 and 2 threads, median of 3 epochs"
  for t in 1 2; do
    peer_env OPENBLAS_CORETYPE="$coretype" OMP_NUM_THREADS=$t "$PEER_PY" "$ROOT/bench/torch_peer.py" \
      "$CACHE/mnist" --threads $t --epochs 3 --validate --autocast bf16 --json "$BENCH_OUT/torch_bf16_${t}thread.json" \
      >/dev/null || say "PyTorch autocast bf16 peer at $t threads failed"
  done
  say "the convolutional model (issue 25), batch 128: ours and PyTorch (tests/cli/torch_conv_reference.py) alternated, 1 and 2 threads, 4 epochs each"
  for t in 1 2; do
    timeout 900 "$BUILD/native/aelab" train --kind conv --batch 128 --epochs 4 --threads $t \
      --out "$BENCH_OUT/conv.aelab" --log "$BENCH_OUT/conv_ours_${t}t.csv" >/dev/null || say "aelab conv at $t threads failed"
    peer_env OPENBLAS_CORETYPE="$coretype" OMP_NUM_THREADS=$t timeout 900 "$PEER_PY" "$ROOT/tests/cli/torch_conv_reference.py" \
      "$CACHE/mnist" 4 "$BENCH_OUT/conv_torch.npz" 60000 $t >/dev/null 2>"$BENCH_OUT/conv_torch_${t}t.txt" ||
      say "PyTorch conv at $t threads failed"
  done
  python3 "$ROOT/bench/conv_times.py" "$BENCH_OUT" >"$BENCH_OUT/conv.json" || say "conv_times.py failed"
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
  first_download >"$BENCH_OUT/first_download.json"
  NODE_PATH="$BENCH_OUT/npm/node_modules" timeout 900 node "$ROOT/bench/app_bench.cjs" "$WEB_OUT" --seconds 15 \
    >"$BENCH_OUT/app.json" || say "in-app benchmark failed"
  say "the desktop app at rest under Xvfb: CPU time over 5 s"
  apt_ensure "${APT_TEST[@]}"
  build_app
  desktop_idle >"$BENCH_OUT/desktop_idle.json" || say "desktop idle measurement failed"

  bench_machine_info "$load_start"
  python3 "$ROOT/bench/report.py" "$BENCH_OUT" "$ROOT/docs/benchmarks.md" "$ROOT/docs/benchmarks.json"
}

# What a first visit to the single-thread page downloads (the files tests/web/e2e.cjs counts),
# gzip -9 as a static server would send them.
first_download() {
  local files=(index.html aelab-load.js aelab-page.js aelab-api.js aelab-host.js aelab.js aelab.wasm model.aelab) f sizes="" total=0 n
  for f in "${files[@]}"; do
    n=$(gzip -9 -n -c "$WEB_OUT/$f" | wc -c)
    total=$((total + n))
    sizes+="${sizes:+, }\"$f\": $n"
  done
  printf '{"files": [%s], "gzip": {%s}, "total_gzip": %d}\n' "$(printf '"%s",' "${files[@]}" | sed 's/,$//')" "$sizes" "$total"
}

# The desktop app started under Xvfb and left alone: after 4 s (model and test set loaded, the
# test set validated), its CPU time over the next 5 s, as a share of one core (/proc/PID/stat).
desktop_idle() {
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    "$1" >/dev/null & pid=$!
    sleep 4
    ticks() { awk "{print \$14 + \$15}" /proc/$pid/stat; }
    t0=$(ticks); s0=$(date +%s.%N); sleep 5; t1=$(ticks); s1=$(date +%s.%N)
    kill $pid; wait $pid 2>/dev/null
    awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v hz="$(getconf CLK_TCK)" \
      "BEGIN { printf \"{\\\"seconds\\\": %.2f, \\\"cpu_share_of_a_core\\\": %.4f}\\n\", s1 - s0, (t1 - t0) / hz / (s1 - s0) }"
  ' _ "$BUILD/native-app/aelab_app"
}

# The whole file is read before run_bench starts, so editing it during a run cannot break the run.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then run_bench; exit; fi
