#!/usr/bin/python3
"""The machine's practical single-precision peak, for issue 4's "training step at >= 60% of it":
a large SGEMM (default 2048^3) through NumPy and OpenBLAS at 1 and 2 threads, median of several
timings; and, for reference, OpenBLAS on each of the 11 matrix products of one training step at
batch 256 (the shapes and transposes of `aelab bench`). Prints JSON (and writes --json FILE).

Run with /usr/bin/python3 so NumPy uses Debian's libblas.so.3 (OpenBLAS once installed); set
OPENBLAS_CORETYPE in this script's command only.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import threadpoolctl

B, D, H, Z = 256, 784, 128, 32
# (name, transpose A, transpose B, M, N, K): C (M, N) = op(A) (M, K) @ op(B) (K, N), as cmd_bench.cpp
STEP_SHAPES = [
    ("L1 forward (256x784 @ 784x128)", False, False, B, H, D),
    ("L1 dW (784x256 @ 256x128)", True, False, D, H, B),
    ("L2 forward (256x128 @ 128x32)", False, False, B, Z, H),
    ("L2 dW (128x256 @ 256x32)", True, False, H, Z, B),
    ("L2 dx (256x32 @ 32x128)", False, True, B, H, Z),
    ("L3 forward (256x32 @ 32x128)", False, False, B, H, Z),
    ("L3 dW (32x256 @ 256x128)", True, False, Z, H, B),
    ("L3 dx (256x128 @ 128x32)", False, True, B, Z, H),
    ("L4 forward (256x128 @ 128x784)", False, False, B, D, H),
    ("L4 dW (128x256 @ 256x784)", True, False, H, D, B),
    ("L4 dx (256x784 @ 784x128)", False, True, B, H, D),
]


def operand(rows, cols, transposed, rng):
    """A (rows, cols) operand; if transposed, a view of a row-major (cols, rows) array, so NumPy
    hands OpenBLAS the transpose flag (no copy), as our gemm() receives Trans::yes."""
    if transposed:
        return rng.random((cols, rows), dtype=np.float32).T
    return rng.random((rows, cols), dtype=np.float32)


def median_seconds(fn, calls, repeats):
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t0) / calls)
    return statistics.median(times)


def gemm_gflops(M, N, K, ta, tb, repeats, rng):
    a, b = operand(M, K, ta, rng), operand(K, N, tb, rng)
    c = np.empty((M, N), np.float32)
    flops = 2.0 * M * N * K
    seconds = median_seconds(lambda: np.matmul(a, b, out=c), max(3, int(2e8 / flops)), repeats)
    return flops / seconds * 1e-9


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2048, help="the large SGEMM is size^3")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    blas = [i for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]
    result = {"peer": "openblas via numpy", "numpy": np.__version__,
              "openblas": blas[0].get("version") if blas else None,
              "architecture": blas[0].get("architecture") if blas else None,
              "threading_layer": blas[0].get("threading_layer") if blas else None,
              "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
              "peak_size": args.size, "runs": []}
    if not blas:
        result["warning"] = "NumPy is not using OpenBLAS: " + json.dumps(threadpoolctl.threadpool_info())
    n = args.size
    for threads in (int(t) for t in args.threads.split(",")):
        with threadpoolctl.threadpool_limits(limits=threads):
            a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
            c = np.empty((n, n), np.float32)
            peak_s = median_seconds(lambda: np.matmul(a, b, out=c), 1, args.repeats)
            shapes = [{"name": name, "M": M, "N": N, "K": K, "trans_a": ta, "trans_b": tb,
                       "gflops": round(gemm_gflops(M, N, K, ta, tb, args.repeats, rng), 2)}
                      for name, ta, tb, M, N, K in STEP_SHAPES]
            step_flops = sum(2.0 * s["M"] * s["N"] * s["K"] for s in shapes)
            step_s = sum(2.0 * s["M"] * s["N"] * s["K"] / (s["gflops"] * 1e9) for s in shapes)
            result["runs"].append({"threads": threads, "peak_gflops": round(2.0 * n ** 3 / peak_s * 1e-9, 2),
                                   "step_shapes": shapes,
                                   "step_products_gflops": round(step_flops / step_s * 1e-9, 2)})
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
