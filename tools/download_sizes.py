#!/usr/bin/env python3
"""What the page downloads, from a built web folder (build/web): the first visit (the page, its
scripts, the single-thread build, the shipped model and the MNIST test set), pressing Train (the
training worker and the training set) and choosing Fashion-MNIST (its four files). Each as a server
that compresses .html/.js/.wasm/.aelab with gzip -9 sends it (tools/serve.py, most hosts), and as a
plain static host sends it (those files as they are). The data files are .gz already either way.

usage: tools/download_sizes.py WEB_DIR [--json]"""
import gzip
import json
import os
import sys

COMPRESSED_TYPES = (".html", ".js", ".wasm", ".aelab")
FIRST_VISIT = ["index.html", "aelab-load.js", "aelab-page.js", "aelab-api.js", "aelab.js", "aelab.wasm",
               "model.aelab", "data/t10k-images-idx3-ubyte.gz", "data/t10k-labels-idx1-ubyte.gz"]
TRAIN = ["aelab-worker.js", "aelab-run.js", "aelab-run.wasm",
         "data/train-images-idx3-ubyte.gz", "data/train-labels-idx1-ubyte.gz"]
FASHION = [f"data/fashion/{s}-{k}.gz" for s in ("train", "t10k")
           for k in ("images-idx3-ubyte", "labels-idx1-ubyte")]


def sizes(web, names):
    plain = gz = 0
    for name in names:
        path = os.path.join(web, name)
        if not os.path.isfile(path):
            sys.exit(f"download_sizes.py: {path}: missing (run ./build.sh web first)")
        data = open(path, "rb").read()
        plain += len(data)
        gz += len(gzip.compress(data, 9, mtime=0)) if name.endswith(COMPRESSED_TYPES) else len(data)
    return {"gzip": gz, "plain": plain}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    web = sys.argv[1]
    rows = {"first visit": sizes(web, FIRST_VISIT), "pressing Train": sizes(web, TRAIN),
            "choosing Fashion-MNIST": sizes(web, FASHION)}
    if "--json" in sys.argv:
        print(json.dumps(rows))
        return
    print(f"{'':24} {'gzip -9 server':>16} {'plain static host':>18}")
    for what, s in rows.items():
        print(f"{what:24} {s['gzip'] / 1e6:13.2f} MB {s['plain'] / 1e6:15.2f} MB")


if __name__ == "__main__":
    main()
