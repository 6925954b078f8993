# A variational autoencoder trained by PyTorch, an independent reference for aelab's VAE:
# 784-128 ReLU encoder, mu and logvar (log sigma^2) heads of LATENT units, z = mu + exp(logvar/2) * eps,
# LATENT-128 ReLU-784 decoder giving logits. Loss per image: BCE summed over 784 pixels + BETA * KL,
# averaged over the batch; Glorot uniform weights, zero biases, Adam 1e-3 (eps 1e-7, Keras'), batch 256,
# a fresh shuffle each epoch, last partial batch kept. After EPOCHS epochs on the first N training digits
# it prints "recon KL", both mean per test image over the 10,000 test digits (decoding mu, no sampling),
# with 4 decimals, and saves its state_dict through NumPy (np.savez_compressed). Progress goes to stderr.
# usage: torch_vae_reference.py MNIST_DIR EPOCHS LATENT OUT.npz [N] [BETA]
import os, sys, time
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import idx  # noqa: E402

mnist, epochs, latent, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 60000
beta = float(sys.argv[6]) if len(sys.argv) > 6 else 1.0
torch.manual_seed(0)
torch.set_num_threads(1)
train = torch.tensor(idx(os.path.join(mnist, "train-images-idx3-ubyte"))[:n].reshape(-1, 784) / 255.0, dtype=torch.float32)
test = torch.tensor(idx(os.path.join(mnist, "t10k-images-idx3-ubyte")).reshape(-1, 784) / 255.0, dtype=torch.float32)
n = len(train)

class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        # registered in this order, so state_dict() lists encoder, mu, logvar, decoder.0, decoder.2
        self.encoder = nn.Linear(784, 128)
        self.mu = nn.Linear(128, latent)
        self.logvar = nn.Linear(128, latent)
        self.decoder = nn.Sequential(nn.Linear(latent, 128), nn.ReLU(), nn.Linear(128, 784))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def encode(self, x):
        h = F.relu(self.encoder(x))
        return self.mu(h), self.logvar(h)

def losses(model, x, sample):
    # per image: BCE summed over pixels (the decoder gives logits) and KL summed over latent units
    mu, logvar = model.encode(x)
    z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape) if sample else mu
    recon = F.binary_cross_entropy_with_logits(model.decoder(z), x, reduction="none").sum(1)
    kl = -0.5 * (1 + logvar - mu ** 2 - torch.exp(logvar)).sum(1)
    return recon, kl

model = VAE()
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
for epoch in range(epochs):
    start, total = time.time(), 0.0
    for batch in torch.randperm(n).split(256):
        recon, kl = losses(model, train[batch], True)
        loss = (recon + beta * kl).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(batch)
    print("epoch %d loss %.4f %.1fs" % (epoch + 1, total / n, time.time() - start), file=sys.stderr)
with torch.no_grad():
    recon, kl = losses(model, test, False)
np.savez_compressed(out, **{k: v.detach().numpy() for k, v in model.state_dict().items()})
print("%.4f %.4f" % (recon.mean().item(), kl.mean().item()))
