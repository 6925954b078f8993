#!/usr/bin/python3
"""The convolutional model's epochs (issue 25) as one JSON object for report.py: ours from
`aelab train --log` (conv_ours_<t>t.csv: its seconds column, training only) and PyTorch's from
tests/cli/torch_conv_reference.py's stderr (conv_torch_<t>t.txt: "epoch N loss L S.SSs"), the
median of the epochs after the first at 1 and 2 threads, and the FLOPs an epoch executes.
usage: conv_times.py BENCH_DIR"""
import csv
import json
import os
import re
import statistics
import sys

folder = sys.argv[1]


def median_after_first(seconds):
    return statistics.median(seconds[1:]) if len(seconds) > 1 else None


# The Keras blog's model at filters 16,8,8 on 28x28: (output pixels, k k Cin, Cout) per conv layer.
LAYERS = [(784, 9, 16), (196, 144, 8), (49, 72, 8), (16, 72, 8), (64, 72, 8), (196, 72, 16), (784, 144, 1)]
forward = sum(p * k * c for p, k, c in LAYERS)  # multiply-adds per picture
# a step: the forward, each layer's weight gradient (as many), each input gradient but conv1's
step = 2 * (forward + forward + forward - LAYERS[0][0] * LAYERS[0][1] * LAYERS[0][2])
out = {"gflop_per_epoch": step * 60000 / 1e9, "batch": 128}
for t in (1, 2):
    ours, peer = [], []
    try:
        with open(os.path.join(folder, f"conv_ours_{t}t.csv")) as f:
            ours = [float(r["seconds"]) for r in csv.DictReader(f)]
    except (OSError, KeyError, ValueError) as e:
        out[f"ours_{t}t_error"] = str(e)
    try:
        with open(os.path.join(folder, f"conv_torch_{t}t.txt")) as f:
            peer = [float(m.group(1)) for m in re.finditer(r"epoch \d+ loss [\d.]+ ([\d.]+)s", f.read())]
    except OSError as e:
        out[f"torch_{t}t_error"] = str(e)
    out[f"ours_{t}t"] = {"epochs": ours, "median_s": median_after_first(ours)}
    out[f"torch_{t}t"] = {"epochs": peer, "median_s": median_after_first(peer)}
print(json.dumps(out, indent=1))
