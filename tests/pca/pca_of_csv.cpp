// fit_pca on a matrix from a file, for check_pca.py to compare against NumPy.
// usage: pca_of_csv codes.csv K   (rows of comma-separated floats, no header)
// prints JSON: {"mean": [dim], "components": [[dim] x K], "variance": [K], "explained": [K],
// "total_variance": t}, every number with 17 significant digits (NaN as NaN, which Python reads).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/pca.h"

namespace {

void print_number(double v) {
  if (std::isnan(v))
    std::printf("NaN");
  else if (std::isinf(v))
    std::printf(v > 0 ? "Infinity" : "-Infinity");
  else
    std::printf("%.17g", v);
}

void print_list(const double* v, int n) {
  std::printf("[");
  for (int i = 0; i < n; i++) {
    if (i) std::printf(", ");
    print_number(v[i]);
  }
  std::printf("]");
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: pca_of_csv codes.csv K\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open\n", argv[1]);
    return 1;
  }
  std::vector<float> values;
  int rows = 0, cols = -1;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    int n = 0;
    for (std::string item; std::getline(ss, item, ','); n++) {
      char* end = nullptr;
      const float v = std::strtof(item.c_str(), &end);
      if (item.empty() || *end != '\0') {
        std::fprintf(stderr, "%s: row %d: '%s' is not a number\n", argv[1], rows + 1, item.c_str());
        return 1;
      }
      values.push_back(v);
    }
    if (cols >= 0 && n != cols) {
      std::fprintf(stderr, "%s: row %d has %d values, row 1 has %d\n", argv[1], rows + 1, n, cols);
      return 1;
    }
    cols = n, rows++;
  }
  const int k = std::atoi(argv[2]);
  if (rows == 0 || k < 1 || k > cols) {
    std::fprintf(stderr, "%s: %d rows of %d values; K = %s must be from 1 to the row length\n", argv[1], rows,
                 cols, argv[2]);
    return 1;
  }
  aelab::Matrix codes({size_t(rows), size_t(cols)});
  std::copy(values.begin(), values.end(), codes.begin());

  const aelab::Pca pca = aelab::fit_pca(codes, k);
  std::vector<double> explained(size_t(pca.count()));
  for (int i = 0; i < pca.count(); i++) explained[size_t(i)] = pca.explained(i);
  std::printf("{\"mean\": ");
  print_list(pca.mean.data(), pca.dim);
  std::printf(",\n \"components\": [");
  for (int i = 0; i < pca.count(); i++) {
    std::printf(i ? ",\n   " : "");
    print_list(pca.components.data() + size_t(i) * size_t(pca.dim), pca.dim);
  }
  std::printf("],\n \"variance\": ");
  print_list(pca.variance.data(), pca.count());
  std::printf(",\n \"explained\": ");
  print_list(explained.data(), pca.count());
  std::printf(",\n \"total_variance\": ");
  print_number(pca.total_variance);
  std::printf("}\n");
  return 0;
}
