"""The IDX reader the PyTorch reference scripts share (torch_reference.py, torch_vae_reference.py,
torch_conv_reference.py): a file as a NumPy array of its shape, read plain or, where only
NAME.gz exists, gzip-compressed."""
import gzip
import os

import numpy as np


def idx(path):
    if not os.path.exists(path):
        path += ".gz"
    data = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)
