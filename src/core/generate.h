// Making new pictures: decode codes drawn at random. A VAE's codes come from its prior N(0, I);
// the plain autoencoder has no prior, so its codes come from a Gaussian fitted to its test codes
// (their mean and covariance). That Gaussian puts mass where no picture's code lies (the holes
// between the clusters), which is why its samples look worse: the lesson of the Generate view.
#pragma once
#include <cstdint>
#include <vector>

#include "core/model.h"
#include "core/tensor.h"

namespace aelab {

// N(mean, L L^T): the mean and the lower-triangular Cholesky factor L (dim x dim, row-major).
struct CodeGaussian {
  int dim = 0;
  std::vector<double> mean;
  std::vector<double> factor;
};

CodeGaussian standard_normal(int dim); // N(0, I): a VAE's prior
// The mean and covariance of codes (n, dim), the covariance with a ridge of 1e-6 times its
// largest diagonal entry (so a dead unit's zero variance still factors).
CodeGaussian fit_gaussian(const Matrix& codes);

// n codes drawn from g, (n, dim); the same for a seed in every build.
Matrix sample_codes(const CodeGaussian& g, int n, uint64_t seed);

// The Gaussian the model's samples come from: the prior for a VAE, else fit_gaussian(test_codes).
CodeGaussian sampling_gaussian(const Autoencoder& model, const Matrix& test_codes);

// The inverse of the standard normal's CDF at p in (0, 1) (norm.ppf): the Keras VAE example's
// grid over the prior puts its rows and columns at normal_quantile of evenly spaced p.
double normal_quantile(double p);

} // namespace aelab
