// Codes drawn at random (generate.h): a Cholesky factor in double (the code has at most 1024
// units: 1024^3 / 6 steps, once per fit), then z = mean + L eps.
#include "core/generate.h"

#include <algorithm>
#include <cmath>

#include "core/rng.h"
#include "core/vae.h"

namespace aelab {

CodeGaussian standard_normal(int dim) {
  CodeGaussian g;
  g.dim = dim;
  g.mean.assign(size_t(dim), 0.0);
  g.factor.assign(size_t(dim) * size_t(dim), 0.0);
  for (int i = 0; i < dim; i++) g.factor[size_t(i) * size_t(dim) + size_t(i)] = 1.0;
  return g;
}

CodeGaussian fit_gaussian(const Matrix& codes) {
  const size_t n = codes.shape(0), d = codes.shape(1);
  CodeGaussian g;
  g.dim = int(d);
  g.mean.assign(d, 0.0);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < d; j++) g.mean[j] += codes(i, j);
  for (double& m : g.mean) m /= double(std::max<size_t>(n, 1));
  std::vector<double> cov(d * d, 0.0), row(d);
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < d; j++) row[j] = codes(i, j) - g.mean[j];
    for (size_t a = 0; a < d; a++)
      for (size_t b = 0; b <= a; b++) cov[a * d + b] += row[a] * row[b];
  }
  double largest = 0;
  for (size_t a = 0; a < d; a++) largest = std::max(largest, cov[a * d + a]);
  const double ridge = 1e-6 * (largest > 0 ? largest : 1.0) * double(std::max<size_t>(n, 1));
  // Cholesky of the lower triangle (cov * n; the 1/n goes into the factor at the end)
  g.factor.assign(d * d, 0.0);
  std::vector<double>& L = g.factor;
  for (size_t a = 0; a < d; a++) {
    for (size_t b = 0; b <= a; b++) {
      double sum = cov[a * d + b] + (a == b ? ridge : 0.0);
      for (size_t k = 0; k < b; k++) sum -= L[a * d + k] * L[b * d + k];
      if (a == b)
        L[a * d + a] = std::sqrt(std::max(sum, ridge));
      else
        L[a * d + b] = sum / L[b * d + b];
    }
  }
  const double scale = 1.0 / std::sqrt(double(std::max<size_t>(n, 1)));
  for (double& v : L) v *= scale;
  return g;
}

Matrix sample_codes(const CodeGaussian& g, int n, uint64_t seed) {
  const size_t d = size_t(g.dim);
  Matrix z({size_t(n), d});
  std::vector<float> eps(size_t(n) * d);
  Rng rng(seed ^ 0x53414D504C45ull);
  normals(rng, eps.data(), eps.size());
  for (size_t i = 0; i < size_t(n); i++)
    for (size_t a = 0; a < d; a++) {
      double v = g.mean[a];
      for (size_t k = 0; k <= a; k++) v += g.factor[a * d + k] * double(eps[i * d + k]);
      z(i, a) = float(v);
    }
  return z;
}

CodeGaussian sampling_gaussian(const Autoencoder& model, const Matrix& test_codes) {
  if (model.shape.kind == ModelKind::vae) return standard_normal(model.shape.latent_dim);
  return fit_gaussian(test_codes);
}

double normal_quantile(double p) {
  // Newton's method on Phi(x) = p, from a start that the logistic approximation gives; Phi from
  // erfc keeps its precision in the tails. Five steps reach double precision for p in [1e-12, 1 - 1e-12].
  double x = std::log(p / (1.0 - p)) / 1.702;
  for (int i = 0; i < 50; i++) {
    const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
    const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
    const double step = (cdf - p) / pdf;
    x -= step;
    if (std::fabs(step) < 1e-14) break;
  }
  return x;
}

} // namespace aelab
