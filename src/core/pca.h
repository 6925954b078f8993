// Principal component analysis of a set of codes: the two directions along which the codes vary
// most, for the latent map. The covariance (dim x dim) is diagonalised with cyclic Jacobi
// rotations, which is exact to float precision at these sizes (dim <= 1024, 32 by default) and
// needs no LAPACK. Degenerate data (all codes equal, repeated columns) gives zero variance along
// some components, never NaN.
#pragma once
#include <vector>

#include "core/tensor.h"

namespace aelab {

struct Pca {
  int dim = 0;
  std::vector<double> mean;       // dim
  std::vector<double> components; // count * dim, row i = unit-length direction i, by variance
  std::vector<double> variance;   // count: the variance along each component
  double total_variance = 0;      // the trace of the covariance
  int count() const { return int(variance.size()); }
  double explained(int i) const {
    return i < count() && total_variance > 0 ? variance[size_t(i)] / total_variance : 0;
  }
};

// The running sums the covariance is made of.
struct PcaMoments {
  int dim = 0;
  long long n = 0;
  std::vector<double> sum;   // dim
  std::vector<double> outer; // dim x dim, upper triangle: sum of x_r x_c over the rows
};
PcaMoments pca_moments(int dim);
void pca_accumulate(PcaMoments& m, const float* rows, int n); // n rows of m.dim values
Pca pca_from_moments(const PcaMoments& m, int count);

// The first `count` principal components of the rows of `codes` (n, dim), count <= dim.
// Each component's sign is fixed so that its largest entry is positive (deterministic output).
// The same as pca_from_moments of pca_accumulate over every row.
Pca fit_pca(const Matrix& codes, int count);

// Coordinates of each row along the components: (n, count).
Matrix pca_project(const Pca& pca, const Matrix& codes);

// The symmetric eigendecomposition of a (n x n, row-major): eigenvalues descending and the
// matching unit eigenvectors as rows. Used by fit_pca; exposed for its tests.
void symmetric_eigen(std::vector<double> a, int n, std::vector<double>* values, std::vector<double>* vectors);

} // namespace aelab
