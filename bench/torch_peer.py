#!/usr/bin/python3
"""The PyTorch peer of issue 4: aelab's reference experiment in PyTorch, made as fast as it can
honestly be, timed in seconds per training epoch (60000 samples) at a given thread count.

Same model (784-128-32-128-784, ReLU, sigmoid output), Glorot-uniform weights and zero biases,
binary cross-entropy computed from the logits (BCEWithLogitsLoss: the same loss, its fastest
form), Adam(lr 1e-3, betas 0.9/0.999, eps 1e-7), batch 256 reshuffled every epoch with the last
partial batch kept (60000 = 234 x 256 + 96), real MNIST loaded once as one float32 tensor
(pixels / 255). One warm-up epoch, then the median of --epochs timed epochs.

Run with Debian's /usr/bin/python3 (python3-torch 1.13). Its BLAS is whatever libblas.so.3
points to: ./build.sh bench installs OpenBLAS (OpenMP build) and sets OPENBLAS_CORETYPE in this
script's command only. Prints one JSON object (and writes it to --json FILE if given).
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

TRAIN_IMAGES, TEST_IMAGES = "train-images-idx3-ubyte", "t10k-images-idx3-ubyte"


def read_idx_images(folder, name):
    """Pixel bytes of an IDX3 file (NAME or NAME.gz) as a uint8 array (count, rows * cols)."""
    path = os.path.join(folder, name)
    if os.path.exists(path):
        data = open(path, "rb").read()
    elif os.path.exists(path + ".gz"):
        data = gzip.open(path + ".gz", "rb").read()
    else:
        sys.exit(f"torch_peer: {path}: not found (nor {name}.gz)")
    if len(data) < 16 or int.from_bytes(data[0:4], "big") != 0x803:
        sys.exit(f"torch_peer: {name}: expected IDX3 magic 0x00000803")
    count, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    if len(data) != 16 + count * rows * cols:
        sys.exit(f"torch_peer: {name}: expected {16 + count * rows * cols} bytes, found {len(data)}")
    return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows * cols)


def make_model():
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 784))  # logits; the sigmoid lives in the loss
    for layer in model:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(layer.weight)  # Glorot uniform, limit sqrt(6/(in+out))
            torch.nn.init.zeros_(layer.bias)
    return model


AUTOCAST = None  # --autocast bf16: torch.autocast(device, dtype=torch.bfloat16) around the forward pass


def train_epoch(model, optimizer, loss_fn, x_train, batch, max_batches=0):
    """One epoch over a fresh shuffle; returns the number of batches run."""
    order = torch.randperm(x_train.shape[0], device=x_train.device)
    batches = 0
    for first in range(0, x_train.shape[0], batch):
        xb = x_train.index_select(0, order[first:first + batch])
        optimizer.zero_grad(set_to_none=True)
        if AUTOCAST is not None:
            with torch.autocast(xb.device.type, dtype=AUTOCAST):
                logits = model(xb)
            loss = loss_fn(logits.float(), xb)
        else:
            loss = loss_fn(model(xb), xb)
        loss.backward()
        optimizer.step()
        batches += 1
        if max_batches and batches >= max_batches:
            break
    return batches


@torch.no_grad()
def validation_bce(model, x_test, loss_fn):
    return float(sum(loss_fn(model(x_test[i:i + 2000]), x_test[i:i + 2000]).item() * len(x_test[i:i + 2000])
                     for i in range(0, len(x_test), 2000)) / len(x_test))


def blas_info():
    """Which BLAS library and kernel (OpenBLAS core type) this process really runs."""
    try:
        import threadpoolctl
        return [{k: v for k, v in info.items() if k in ("internal_api", "version", "architecture",
                                                         "threading_layer", "num_threads", "filepath")}
                for info in threadpoolctl.threadpool_info()]
    except ImportError:
        return [{"error": "python3-threadpoolctl not installed"}]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", help="folder with the MNIST IDX files (plain or .gz)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs after one warm-up epoch")
    parser.add_argument("--validate", action="store_true", help="validation BCE after every epoch (not timed)")
    parser.add_argument("--probe-batches", type=int, default=0,
                        help="instead of epochs: time this many batches after a short warm-up (for "
                             "choosing OPENBLAS_CORETYPE); reports seconds per 60000-sample epoch, scaled")
    parser.add_argument("--adam-foreach", choices=("auto", "on", "off"), default="auto",
                        help="torch's multi-tensor Adam; auto times both on a few batches and keeps the faster")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--autocast", choices=("off", "bf16"), default="off",
                        help="bf16: the forward pass under torch.autocast('cpu', dtype=torch.bfloat16) "
                             "(PyTorch's own mixed precision; weights, Adam and the loss stay fp32)")
    parser.add_argument("--device", default="cpu",
                        help="cuda: the model and all of MNIST on the GPU, eager (issue 26's GPU row)")
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args()

    global AUTOCAST
    AUTOCAST = torch.bfloat16 if args.autocast == "bf16" else None
    torch.set_num_threads(args.threads)
    try:  # the OpenMP OpenBLAS follows omp_set_num_threads, but say it explicitly too
        import threadpoolctl
        threadpoolctl.threadpool_limits(limits=args.threads)
    except ImportError:
        pass
    torch.manual_seed(args.seed)

    x_train = torch.from_numpy(read_idx_images(args.data, TRAIN_IMAGES).astype(np.float32) / 255.0)
    x_test = torch.from_numpy(read_idx_images(args.data, TEST_IMAGES).astype(np.float32) / 255.0)
    device = torch.device(args.device)
    x_train, x_test = x_train.to(device), x_test.to(device)

    def sync():  # a GPU's work is queued: wait for it before reading the clock
        if device.type == "cuda":
            torch.cuda.synchronize()
    batch, samples = 256, x_train.shape[0]
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def make(foreach):
        model = make_model().to(device)
        return model, torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7,
                                       foreach=foreach)

    def seconds_per_batch(foreach, batches):
        model, optimizer = make(foreach)
        train_epoch(model, optimizer, loss_fn, x_train, batch, max_batches=10)  # warm-up
        sync()
        t0 = time.perf_counter()
        n = train_epoch(model, optimizer, loss_fn, x_train, batch, max_batches=batches)
        sync()
        return (time.perf_counter() - t0) / n

    adam_timing = {}
    if args.adam_foreach == "auto":
        for foreach in (False, True):
            adam_timing["foreach" if foreach else "for-loop"] = min(seconds_per_batch(foreach, 40) for _ in range(2))
        foreach = adam_timing["foreach"] < adam_timing["for-loop"]
    else:
        foreach = args.adam_foreach == "on"

    result = {
        "peer": "pytorch", "torch": torch.__version__, "numpy": np.__version__,
        "threads": args.threads, "torch_threads": torch.get_num_threads(),
        "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
        "autocast": args.autocast, "device": args.device,
        "loss": "BCEWithLogitsLoss", "optimizer": "Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-7)",
        "adam_foreach": foreach, "adam_seconds_per_batch_tried": adam_timing,
        "batch": batch, "samples_per_epoch": samples,
    }
    if args.probe_batches:
        per_batch = min(seconds_per_batch(foreach, args.probe_batches) for _ in range(2))
        result["probe_batches"] = args.probe_batches
        result["seconds_per_epoch_scaled"] = per_batch * samples / batch
    else:
        model, optimizer = make(foreach)
        epoch_seconds, val = [], []
        for epoch in range(args.epochs + 1):  # epoch 0 is the warm-up
            sync()
            t0 = time.perf_counter()
            train_epoch(model, optimizer, loss_fn, x_train, batch)
            sync()
            seconds = time.perf_counter() - t0
            if epoch > 0:
                epoch_seconds.append(seconds)
            else:
                result["warmup_epoch_seconds"] = seconds
            if args.validate:
                val.append(validation_bce(model, x_test, loss_fn))
        result["epoch_seconds"] = epoch_seconds
        result["epoch_seconds_median"] = statistics.median(epoch_seconds) if epoch_seconds else None
        if args.validate:
            result["validation_bce_per_epoch"] = val  # index 0 = after the first (warm-up) epoch
    result["blas"] = blas_info()
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
