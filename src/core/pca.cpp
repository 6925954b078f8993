// PCA by the eigenvectors of the covariance matrix (see pca.h).
#include "core/pca.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace aelab {

// Cyclic Jacobi: rotate away each off-diagonal entry in turn until they are all negligible
// against the diagonal. Converges quadratically; 30 sweeps is far more than a 32 x 32 needs.
void symmetric_eigen(std::vector<double> a, int n, std::vector<double>* values,
                     std::vector<double>* vectors) {
  std::vector<double> v(size_t(n) * n, 0.0); // columns are the eigenvectors
  for (int i = 0; i < n; i++) v[size_t(i) * n + i] = 1;
  auto at = [&](int r, int c) -> double& { return a[size_t(r) * n + c]; };
  for (int sweep = 0; sweep < 30; sweep++) {
    double off = 0, diag = 0;
    for (int r = 0; r < n; r++)
      for (int c = 0; c < n; c++) (r == c ? diag : off) += at(r, c) * at(r, c);
    if (off <= 1e-30 * std::max(diag, 1e-300)) break;
    for (int p = 0; p < n; p++)
      for (int q = p + 1; q < n; q++) {
        const double apq = at(p, q);
        if (apq == 0) continue;
        // the rotation angle that zeroes a[p][q]: tan(2 theta) = 2 a_pq / (a_qq - a_pp)
        const double theta = (at(q, q) - at(p, p)) / (2 * apq);
        const double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++) { // columns p and q
          const double akp = at(k, p), akq = at(k, q);
          at(k, p) = c * akp - s * akq, at(k, q) = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) { // rows p and q
          const double apk = at(p, k), aqk = at(q, k);
          at(p, k) = c * apk - s * aqk, at(q, k) = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
          const double vkp = v[size_t(k) * n + p], vkq = v[size_t(k) * n + q];
          v[size_t(k) * n + p] = c * vkp - s * vkq, v[size_t(k) * n + q] = s * vkp + c * vkq;
        }
      }
  }
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return at(x, x) > at(y, y); });
  values->assign(size_t(n), 0);
  vectors->assign(size_t(n) * n, 0);
  for (int i = 0; i < n; i++) {
    (*values)[size_t(i)] = std::max(0.0, at(order[size_t(i)], order[size_t(i)])); // rounding can dip below 0
    for (int k = 0; k < n; k++) (*vectors)[size_t(i) * n + k] = v[size_t(k) * n + order[size_t(i)]];
  }
}

Pca fit_pca(const Matrix& codes, int count) {
  const int n = int(codes.shape(0)), dim = int(codes.shape(1));
  Pca pca;
  pca.dim = dim;
  count = std::max(0, std::min(count, dim));
  pca.mean.assign(size_t(dim), 0);
  for (int i = 0; i < n; i++)
    for (int d = 0; d < dim; d++) pca.mean[size_t(d)] += codes(i, d);
  for (double& m : pca.mean) m /= std::max(n, 1);
  // covariance with the n - 1 denominator, as numpy.cov and sklearn's explained_variance_ use
  std::vector<double> cov(size_t(dim) * dim, 0.0), row(static_cast<size_t>(dim));
  for (int i = 0; i < n; i++) {
    for (int d = 0; d < dim; d++) row[size_t(d)] = codes(i, d) - pca.mean[size_t(d)];
    for (int r = 0; r < dim; r++) {
      const double x = row[size_t(r)];
      if (x == 0) continue;
      double* out = cov.data() + size_t(r) * dim;
      for (int c = r; c < dim; c++) out[c] += x * row[size_t(c)];
    }
  }
  const double denominator = std::max(n - 1, 1);
  for (int r = 0; r < dim; r++)
    for (int c = r; c < dim; c++) {
      cov[size_t(r) * dim + c] /= denominator;
      cov[size_t(c) * dim + r] = cov[size_t(r) * dim + c];
    }
  for (int d = 0; d < dim; d++) pca.total_variance += cov[size_t(d) * dim + d];

  std::vector<double> values, vectors;
  symmetric_eigen(cov, dim, &values, &vectors);
  pca.variance.assign(values.begin(), values.begin() + count);
  pca.components.assign(vectors.begin(), vectors.begin() + size_t(count) * dim);
  for (int i = 0; i < count; i++) {
    double* c = pca.components.data() + size_t(i) * dim;
    int largest =
        int(std::max_element(c, c + dim, [](double x, double y) { return std::fabs(x) < std::fabs(y); }) - c);
    if (c[largest] < 0)
      for (int d = 0; d < dim; d++) c[d] = -c[d];
  }
  return pca;
}

Matrix pca_project(const Pca& pca, const Matrix& codes) {
  const int n = int(codes.shape(0)), k = pca.count();
  Matrix out({size_t(n), size_t(k)});
  for (int i = 0; i < n; i++)
    for (int j = 0; j < k; j++) {
      const double* c = pca.components.data() + size_t(j) * pca.dim;
      double s = 0;
      for (int d = 0; d < pca.dim; d++) s += (codes(i, d) - pca.mean[size_t(d)]) * c[d];
      out(i, j) = float(s);
    }
  return out;
}

} // namespace aelab
