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
  double explained(int i) const { return total_variance > 0 ? variance[size_t(i)] / total_variance : 0; }
};

// The first `count` principal components of the rows of `codes` (n, dim), count <= dim.
// Each component's sign is fixed so that its largest entry is positive (deterministic output).
Pca fit_pca(const Matrix& codes, int count);

// Coordinates of each row along the components: (n, count).
Matrix pca_project(const Pca& pca, const Matrix& codes);

// The symmetric eigendecomposition of a (n x n, row-major): eigenvalues descending and the
// matching unit eigenvectors as rows. Used by fit_pca; exposed for its tests.
void symmetric_eigen(std::vector<double> a, int n, std::vector<double>* values, std::vector<double>* vectors);

} // namespace aelab
