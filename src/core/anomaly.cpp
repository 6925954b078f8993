// ROC AUC, percentiles and histograms of reconstruction losses (anomaly.h).
#include "core/anomaly.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace aelab {

double roc_auc(const std::vector<float>& anomalous, const std::vector<float>& normal) {
  if (anomalous.empty() || normal.empty()) return -1;
  // every value with its set (1: anomalous), sorted; average ranks over ties
  std::vector<std::pair<float, int>> all;
  all.reserve(anomalous.size() + normal.size());
  for (float v : anomalous) all.emplace_back(v, 1);
  for (float v : normal) all.emplace_back(v, 0);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double rank_sum = 0; // of the anomalous values, ranks from 1
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    int anomalous_here = 0;
    while (j < all.size() && all[j].first == all[i].first) anomalous_here += all[j++].second;
    const double average_rank = 0.5 * double(i + 1 + j); // of ranks i+1 .. j
    rank_sum += average_rank * anomalous_here;
    i = j;
  }
  const double na = double(anomalous.size()), nn = double(normal.size());
  return (rank_sum - na * (na + 1) / 2) / (na * nn);
}

double percentile_of(float value, const std::vector<float>& losses) {
  if (losses.empty()) return 0;
  double below = 0;
  for (float v : losses) below += v < value ? 1.0 : v == value ? 0.5 : 0.0;
  return 100.0 * below / double(losses.size());
}

std::vector<int> histogram(const std::vector<float>& losses, float lo, float hi, int bins) {
  std::vector<int> counts(size_t(std::max(bins, 1)), 0);
  const float width = hi > lo ? (hi - lo) / float(counts.size()) : 1.0f;
  for (float v : losses) {
    const float at = (v - lo) / width;
    const int bin = !(at > 0) ? 0 : at >= float(counts.size()) ? int(counts.size()) - 1 : int(at);
    counts[size_t(bin)]++;
  }
  return counts;
}

} // namespace aelab
