// The variational autoencoder's middle (model.h): layer 1's outputs per picture are
// stats = [mu | log sigma^2], (B, 2L); the code is z = mu + sigma * eps, (B, L), eps ~ N(0, I)
// drawn by the caller (train.cpp, from the run's seed); the loss adds beta times
// KL(N(mu, sigma^2) || N(0, I)) per picture. Forward and backward in the llm.c manner, with the
// backward quoting the forward it differentiates.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/rng.h"

namespace aelab {

// z (B, L) = mu + exp(log sigma^2 / 2) * eps, with stats (B, 2L) and eps (B, L).
void reparameterize_forward(const float* stats, const float* eps, int batch, int latent, float* z);

// KL(N(mu, sigma^2) || N(0, I)) = -1/2 sum_j (1 + log sigma^2_j - mu_j^2 - sigma^2_j) for each
// row of stats (B, 2L) into per_row (B) unless null; returns the sum over the rows. It is 0 at
// mu = 0, log sigma^2 = 0 and positive elsewhere.
double kl_divergence(const float* stats, int batch, int latent, float* per_row = nullptr);

// Backward of both, into dstats (B, 2L), from dz (B, L) = d loss / d z:
//   forward was z = mu + exp(lv / 2) eps: dmu = dz, dlv = dz * eps * exp(lv / 2) / 2;
//   plus kl_scale times d(sum of KL over rows) / d stats: dmu += mu, dlv += (exp(lv) - 1) / 2.
// The loss's KL term is beta * mean over the batch: kl_scale = beta / B.
void reparameterize_backward(const float* stats, const float* eps, const float* dz, int batch, int latent,
                             float kl_scale, float* dstats);

// n draws of N(0, 1) (Box-Muller, two normals from two uniforms), the same in every build.
void normals(Rng& rng, float* out, size_t n);

} // namespace aelab
