# The Keras blog's convolutional autoencoder trained by PyTorch, an independent reference for
# aelab's kind conv. Encoder Conv(16) Pool Conv(8) Pool Conv(8) Pool (the code 4x4x8), decoder
# Conv(8) Up Conv(8) Up Conv(16, 'valid': 16 -> 14) Up Conv(1); every Conv 3x3 with a ReLU and
# 'same' padding (1) unless said, the last gives logits; pooling 2x2 with Keras' 'same' (7 -> 4:
# PyTorch's ceil_mode), nearest upsampling. Loss: BCE per pixel, averaged (Keras'); Glorot uniform
# weights, zero biases, Adam 1e-3 (eps 1e-7, Keras'), batch 128, a fresh shuffle each epoch, the
# last partial batch kept. After EPOCHS epochs on the first N training digits it prints the mean
# BCE per pixel over the 10,000 test digits with 5 decimals, and saves its state_dict through
# NumPy (np.savez_compressed: seven Conv2d layers, weights (Cout, Cin, 3, 3)). Progress and each
# epoch's seconds go to stderr.
# usage: [SEED=S] torch_conv_reference.py MNIST_DIR EPOCHS OUT.npz [N] [THREADS] [FILTERS]
import os, sys, time
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import idx  # noqa: E402

mnist, epochs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 60000
torch.set_num_threads(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
f1, f2, f3 = (int(v) for v in (sys.argv[6] if len(sys.argv) > 6 else "16,8,8").split(","))
torch.manual_seed(int(os.environ.get("SEED", "0")))  # SEED=1 ...: another run
images = lambda name: torch.tensor(idx(os.path.join(mnist, name)) / 255.0, dtype=torch.float32).unsqueeze(1)
train = images("train-images-idx3-ubyte")[:n]
test = images("t10k-images-idx3-ubyte")
n = len(train)

conv = lambda cin, cout, pad=1: nn.Conv2d(cin, cout, 3, padding=pad)
up = lambda: nn.Upsample(scale_factor=2, mode="nearest")
pool = lambda: nn.MaxPool2d(2, ceil_mode=True)
model = nn.Sequential(
    conv(1, f1), nn.ReLU(), pool(), conv(f1, f2), nn.ReLU(), pool(), conv(f2, f3), nn.ReLU(), pool(),
    conv(f3, f3), nn.ReLU(), up(), conv(f3, f2), nn.ReLU(), up(), conv(f2, f1, 0), nn.ReLU(), up(),
    conv(f1, 1))
for m in model.modules():
    if isinstance(m, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)

opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
for epoch in range(epochs):
    start, total = time.time(), 0.0
    for batch in torch.randperm(n).split(128):
        x = train[batch]
        loss = F.binary_cross_entropy_with_logits(model(x), x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(batch)
    print("epoch %d loss %.5f %.2fs" % (epoch + 1, total / n, time.time() - start), file=sys.stderr)
with torch.no_grad():
    val = sum(F.binary_cross_entropy_with_logits(model(x), x, reduction="sum").item() for x in test.split(1000))
np.savez_compressed(out, **{k: v.detach().numpy() for k, v in model.state_dict().items()})
print("%.5f" % (val / (len(test) * 784)))
