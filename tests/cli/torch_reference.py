# An autoencoder trained by PyTorch, for aelab import: the same 784-128-32-128-784 network
# (ReLU, sigmoid output, BCE, Adam 1e-3, batch 256), 1 epoch on the first N training digits,
# its state_dict saved through NumPy (np.savez_compressed), and its validation loss over the
# 10,000 test digits printed with 6 decimals. aelab import of the .npz must give the same loss.
# usage: torch_reference.py MNIST_DIR N OUT.npz
import os, sys
import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import idx  # noqa: E402

mnist, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
torch.manual_seed(0)
torch.set_num_threads(2)
train = torch.tensor(idx(os.path.join(mnist, "train-images-idx3-ubyte"))[:n].reshape(n, 784) / 255.0, dtype=torch.float32)
test = torch.tensor(idx(os.path.join(mnist, "t10k-images-idx3-ubyte")).reshape(-1, 784) / 255.0, dtype=torch.float32)
encoder = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 32), nn.ReLU())
decoder = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 784), nn.Sigmoid())
model = nn.Sequential()
model.add_module("encoder", encoder)
model.add_module("decoder", decoder)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for batch in torch.randperm(n).split(256):
    x = train[batch]
    loss = nn.functional.binary_cross_entropy(model(x), x)
    opt.zero_grad()
    loss.backward()
    opt.step()
with torch.no_grad():
    val = nn.functional.binary_cross_entropy(model(test), test).item()
np.savez_compressed(out, **{k: v.detach().numpy() for k, v in model.state_dict().items()})
print("%.6f" % val)
