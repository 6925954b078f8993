# fit_pca (src/core/pca.h) against NumPy on fixed code matrices: the mean, the variance along each
# component (np.linalg.eigh of np.cov, n - 1 denominator), the explained ratios and the components
# up to sign, to 1e-4. Inside a degenerate eigenspace (equal eigenvalues) any orthonormal basis is
# right, so there each component is checked to lie in NumPy's eigenspace instead; every set of
# components must be orthonormal, and no case may give a NaN. Prints a max difference per case.
# usage: check_pca.py path/to/pca_of_csv work_dir   (Debian's /usr/bin/python3 with python3-numpy)
import json
import os
import subprocess
import sys

import numpy as np

TOLERANCE = 1e-4
SAME_EIGENVALUE = 1e-6  # eigenvalues this close (relative to the largest) form one eigenspace


def cases():
    rng = np.random.default_rng(20240601)
    # correlated Gaussian codes, column scales from 5 down to 0.05, means away from 0
    mixed = rng.normal(size=(500, 32)) @ rng.normal(size=(32, 32)) * 0.3
    scaled = mixed * np.geomspace(5, 0.05, 32) + rng.uniform(-3, 3, size=32)
    yield "random 500x32, unequal scales", scaled, 32
    yield "the same, first 2 components", scaled, 2
    # ReLU codes: most values exactly 0, three units dead (a 3-dimensional zero eigenspace)
    relu = np.maximum(0, rng.normal(size=(500, 32)) @ rng.normal(size=(32, 32)) * 0.3 - 0.6)
    relu[:, [5, 17, 30]] = 0
    yield "ReLU-like 500x32, %.0f%% zeros, 3 dead units" % (100 * np.mean(relu == 0)), relu, 32
    # every code the same: zero variance everywhere, explained ratios 0, not 0/0
    yield "all 200 codes equal", np.full((200, 16), 0.37), 16
    # two identical columns: one zero eigenvalue, along (e3 - e7) / sqrt(2)
    twin = rng.normal(size=(300, 10)) * np.linspace(2, 0.5, 10)
    twin[:, 7] = twin[:, 3]
    yield "300x10 with columns 3 and 7 identical", twin, 10
    # a code too wide for Jacobi (over 64 units): the first 2 components by Lanczos
    wide = rng.normal(size=(400, 100)) * np.geomspace(4, 0.1, 100) + rng.uniform(-1, 1, size=100)
    yield "400x100 (Lanczos), first 2 components", wide, 2


def eigenspaces(values):
    """Groups of indices of (descending) eigenvalues that are equal to SAME_EIGENVALUE."""
    scale = values[0] if values[0] > 0 else 1.0
    groups = [[0]]
    for i in range(1, len(values)):
        if values[groups[-1][-1]] - values[i] <= SAME_EIGENVALUE * scale:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def check(exe, work, name, codes, k, number):
    codes32 = codes.astype(np.float32)
    path = os.path.join(work, "case%d.csv" % number)
    np.savetxt(path, codes32, fmt="%.9g", delimiter=",")  # 9 digits: the float32 values exactly
    x = codes32.astype(np.float64)
    run = subprocess.run([exe, path, str(k)], capture_output=True, text=True)
    if run.returncode != 0:
        return ["pca_of_csv exited %d: %s" % (run.returncode, run.stderr.strip())], ""
    got = json.loads(run.stdout)

    mean = x.mean(axis=0)
    cov = np.cov(x, rowvar=False)
    values, vectors = np.linalg.eigh(cov)
    values, vectors = np.maximum(values[::-1], 0), vectors[:, ::-1]  # descending; rounding dips below 0
    total = np.trace(cov)
    ratios = values / total if total > 0 else np.zeros_like(values)

    problems = []
    numbers = np.array(got["mean"] + sum(got["components"], []) + got["variance"] + got["explained"])
    if not np.all(np.isfinite(numbers)) or not np.isfinite(got["total_variance"]):
        problems.append("NaN or infinity in the output")
    components = np.array(got["components"], dtype=np.float64)
    if components.shape != (k, x.shape[1]) or len(got["variance"]) != k or len(got["explained"]) != k:
        return problems + ["expected %d components of %d values, got shape %s" % (k, x.shape[1], components.shape)], ""

    diff = {
        "mean": np.abs(np.array(got["mean"]) - mean).max(),
        "variance": np.abs(np.array(got["variance"]) - values[:k]).max(),
        "explained": np.abs(np.array(got["explained"]) - ratios[:k]).max(),
        "total": abs(got["total_variance"] - total),
        "orthonormal": np.abs(components @ components.T - np.eye(k)).max(),
    }
    compared, in_eigenspace, worst_component, worst_eigenspace = 0, 0, 0.0, 0.0
    for group in eigenspaces(values):
        basis = vectors[:, group]  # NumPy's orthonormal basis of this eigenspace
        for i in (i for i in group if i < k):
            c = components[i]
            if len(group) == 1:  # well separated: the same vector up to sign
                v = basis[:, 0]
                worst_component = max(worst_component, min(np.abs(c - v).max(), np.abs(c + v).max()))
                compared += 1
            else:  # degenerate: anywhere in the eigenspace
                worst_eigenspace = max(worst_eigenspace, np.abs(c - basis @ (basis.T @ c)).max())
                in_eigenspace += 1
    diff["components"] = worst_component
    diff["eigenspace"] = worst_eigenspace
    for what, d in diff.items():
        if not d <= TOLERANCE:  # also catches NaN
            problems.append("%s differs by %.3g" % (what, d))
    largest = components[np.arange(k), np.abs(components).argmax(axis=1)]
    if np.any(largest < 0):
        problems.append("a component's largest entry is negative (pca.h fixes the sign so it is positive)")

    summary = "max diff: mean %.1e, variance %.1e, explained %.1e, components %.1e (%d compared up to sign, %d checked " \
              "inside a degenerate eigenspace: %.1e), orthonormality %.1e" % (
                  diff["mean"], diff["variance"], diff["explained"], diff["components"], compared, in_eigenspace,
                  diff["eigenspace"], diff["orthonormal"])
    return problems, summary


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_pca.py path/to/pca_of_csv work_dir")
    exe, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    failed = 0
    for number, (name, codes, k) in enumerate(cases()):
        problems, summary = check(exe, work, name, codes, k, number)
        print("%s %s (%dx%d, k=%d): %s" % ("FAIL" if problems else "ok  ", name, codes.shape[0], codes.shape[1], k,
                                          summary))
        for p in problems:
            print("     " + p)
        failed += bool(problems)
    print("pca vs numpy: %d cases, %d failed" % (number + 1, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
