// The VAE's reparameterisation and KL term (vae.h): plain loops over B x L values (a batch of 256
// pictures with a 32-unit code is 8192 of them, nothing next to the products around them).
#include "core/vae.h"

#include <cmath>
#include <cstddef>

namespace aelab {

void reparameterize_forward(const float* stats, const float* eps, int batch, int latent, float* z) {
  const size_t L = size_t(latent);
  for (size_t r = 0; r < size_t(batch); r++) {
    const float* mu = stats + r * 2 * L;
    const float* lv = mu + L;
    for (size_t j = 0; j < L; j++) z[r * L + j] = mu[j] + std::exp(0.5f * lv[j]) * eps[r * L + j];
  }
}

double kl_divergence(const float* stats, int batch, int latent, float* per_row) {
  const size_t L = size_t(latent);
  double total = 0;
  for (size_t r = 0; r < size_t(batch); r++) {
    const float* mu = stats + r * 2 * L;
    const float* lv = mu + L;
    double row = 0;
    for (size_t j = 0; j < L; j++) row += double(1.0f + lv[j] - mu[j] * mu[j] - std::exp(lv[j]));
    row *= -0.5;
    if (per_row) per_row[r] = float(row);
    total += row;
  }
  return total;
}

void reparameterize_backward(const float* stats, const float* eps, const float* dz, int batch, int latent,
                             float kl_scale, float* dstats) {
  const size_t L = size_t(latent);
  for (size_t r = 0; r < size_t(batch); r++) {
    const float *mu = stats + r * 2 * L, *lv = mu + L, *dzr = dz + r * L, *er = eps + r * L;
    float *dmu = dstats + r * 2 * L, *dlv = dmu + L;
    for (size_t j = 0; j < L; j++) {
      const float sigma = std::exp(0.5f * lv[j]);
      dmu[j] = dzr[j] + kl_scale * mu[j];
      dlv[j] = dzr[j] * er[j] * 0.5f * sigma + kl_scale * 0.5f * (sigma * sigma - 1.0f);
    }
  }
}

void normals(Rng& rng, float* out, size_t n) {
  for (size_t i = 0; i < n; i += 2) {
    const float u1 = 1.0f - rng.uniform(), u2 = rng.uniform(); // u1 in (0, 1]: log is finite
    const float r = std::sqrt(-2.0f * std::log(u1)), a = 6.2831853f * u2;
    out[i] = r * std::cos(a);
    if (i + 1 < n) out[i + 1] = r * std::sin(a);
  }
}

} // namespace aelab
