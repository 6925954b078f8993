// PCA by the eigenvectors of the covariance matrix (see pca.h).
#include "core/pca.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
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

PcaMoments pca_moments(int dim) {
  PcaMoments m;
  m.dim = dim;
  m.sum.assign(size_t(dim), 0.0);
  m.outer.assign(size_t(dim) * size_t(dim), 0.0);
  return m;
}

void pca_accumulate(PcaMoments& m, const float* rows, int n) {
  const int dim = m.dim;
  for (int i = 0; i < n; i++) {
    const float* x = rows + size_t(i) * dim;
    for (int r = 0; r < dim; r++) {
      const double xr = x[r];
      m.sum[size_t(r)] += xr;
      if (xr == 0) continue; // ReLU codes are often 0
      double* out = m.outer.data() + size_t(r) * dim;
      for (int c = r; c < dim; c++) out[c] += xr * x[c];
    }
  }
  m.n += n;
}

namespace {

// The leading `count` eigenpairs of the symmetric a (n x n) by Lanczos with full
// reorthogonalisation: m = min(n, 96) products a q build a tridiagonal T whose extreme
// eigenpairs (Jacobi, m x m) converge to a's fastest; the Ritz vectors Q y are a's. An
// invariant subspace found early (a zero or low-rank covariance) continues from a fresh
// direction orthogonal to those so far, so the vectors stay orthonormal.
void leading_eigen(const std::vector<double>& a, int n, int count, std::vector<double>* values,
                   std::vector<double>* vectors) {
  const int m = std::min(n, 96);
  std::vector<double> q(size_t(m) * n, 0.0), w(static_cast<size_t>(n)), alpha(size_t(m), 0.0),
      beta(size_t(m), 0.0);
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  auto fresh = [&](int j) { // a pseudo-random unit vector orthogonal to q_0 .. q_{j-1}
    double* v = q.data() + size_t(j) * n;
    for (int i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      v[i] = double(seed >> 11) / 9007199254740992.0 - 0.5;
    }
    for (int pass = 0; pass < 2; pass++)
      for (int k = 0; k < j; k++) {
        const double* u = q.data() + size_t(k) * n;
        double d = 0;
        for (int i = 0; i < n; i++) d += u[i] * v[i];
        for (int i = 0; i < n; i++) v[i] -= d * u[i];
      }
    double norm = 0;
    for (int i = 0; i < n; i++) norm += v[i] * v[i];
    norm = std::sqrt(norm);
    for (int i = 0; i < n; i++) v[i] /= norm;
  };
  fresh(0);
  double scale = 0;
  for (double x : a) scale = std::max(scale, std::fabs(x));
  for (int j = 0; j < m; j++) {
    const double* qj = q.data() + size_t(j) * n;
    for (int r = 0; r < n; r++) {
      double s = 0;
      for (int c = 0; c < n; c++) s += a[size_t(r) * n + c] * qj[c];
      w[size_t(r)] = s;
    }
    for (int i = 0; i < n; i++) alpha[size_t(j)] += qj[i] * w[size_t(i)];
    for (int pass = 0; pass < 2; pass++) // w minus its parts along every q so far
      for (int k = 0; k <= j; k++) {
        const double* u = q.data() + size_t(k) * n;
        double d = 0;
        for (int i = 0; i < n; i++) d += u[i] * w[size_t(i)];
        for (int i = 0; i < n; i++) w[size_t(i)] -= d * u[i];
      }
    if (j + 1 == m) break;
    double norm = 0;
    for (double x : w) norm += x * x;
    norm = std::sqrt(norm);
    if (norm <= 1e-12 * std::max(scale, 1e-300)) { // an invariant subspace: start afresh
      beta[size_t(j)] = 0;
      fresh(j + 1);
    } else {
      beta[size_t(j)] = norm;
      for (int i = 0; i < n; i++) q[size_t(j + 1) * n + i] = w[size_t(i)] / norm;
    }
  }
  std::vector<double> t(size_t(m) * m, 0.0), t_values, t_vectors;
  for (int j = 0; j < m; j++) {
    t[size_t(j) * m + j] = alpha[size_t(j)];
    if (j + 1 < m) t[size_t(j) * m + j + 1] = t[size_t(j + 1) * m + j] = beta[size_t(j)];
  }
  symmetric_eigen(t, m, &t_values, &t_vectors);
  values->assign(size_t(count), 0);
  vectors->assign(size_t(count) * n, 0);
  for (int k = 0; k < count; k++) {
    (*values)[size_t(k)] = std::max(0.0, t_values[size_t(k)]);
    double* v = vectors->data() + size_t(k) * n;
    for (int j = 0; j < m; j++)
      for (int i = 0; i < n; i++) v[i] += t_vectors[size_t(k) * m + j] * q[size_t(j) * n + i];
  }
}

} // namespace

Pca pca_from_moments(const PcaMoments& m, int count) {
  const int dim = m.dim;
  const double n = double(m.n);
  Pca pca;
  pca.dim = dim;
  count = std::max(0, std::min(count, dim));
  pca.mean.assign(size_t(dim), 0);
  for (int d = 0; d < dim; d++) pca.mean[size_t(d)] = m.n > 0 ? m.sum[size_t(d)] / n : 0;
  // covariance with the n - 1 denominator, as numpy.cov and sklearn's explained_variance_ use:
  // (sum x_r x_c - n mean_r mean_c) / (n - 1)
  std::vector<double> cov(size_t(dim) * dim, 0.0);
  const double denominator = std::max(n - 1, 1.0);
  for (int r = 0; r < dim; r++)
    for (int c = r; c < dim; c++) {
      const double v =
          (m.outer[size_t(r) * dim + c] - n * pca.mean[size_t(r)] * pca.mean[size_t(c)]) / denominator;
      cov[size_t(r) * dim + c] = cov[size_t(c) * dim + r] = v;
    }
  for (int d = 0; d < dim; d++) {
    double& v = cov[size_t(d) * dim + d];
    v = std::max(0.0, v); // rounding can dip a zero variance below 0
    pca.total_variance += v;
  }
  std::vector<double> values, vectors;
  if (dim <= 64) {
    symmetric_eigen(cov, dim, &values, &vectors);
  } else {
    leading_eigen(cov, dim, count, &values, &vectors);
  }
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

Pca fit_pca(const Matrix& codes, int count) {
  PcaMoments m = pca_moments(int(codes.shape(1)));
  pca_accumulate(m, codes.data(), int(codes.shape(0)));
  return pca_from_moments(m, count);
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
