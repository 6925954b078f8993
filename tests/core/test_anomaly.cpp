// ROC AUC against the naive count over every pair, the edge cases (perfect, reversed, ties,
// empty), percentiles and histogram bins.
#include <gtest/gtest.h>

#include <vector>

#include "core/anomaly.h"
#include "core/rng.h"

using namespace aelab;

static double naive_auc(const std::vector<float>& a, const std::vector<float>& n) {
  double wins = 0;
  for (float x : a)
    for (float y : n) wins += x > y ? 1.0 : x == y ? 0.5 : 0.0;
  return wins / (double(a.size()) * double(n.size()));
}

TEST(Anomaly, AucIsTheShareOfPairsTheAnomalyWins) {
  Rng rng(9);
  for (int trial = 0; trial < 20; trial++) {
    std::vector<float> a(size_t(1 + trial * 7)), n(size_t(3 + trial * 5));
    // coarse values so that ties happen, the anomalies shifted up a little
    for (float& v : a) v = float(rng.below(20)) / 10.0f + 0.3f;
    for (float& v : n) v = float(rng.below(20)) / 10.0f;
    EXPECT_NEAR(roc_auc(a, n), naive_auc(a, n), 1e-12) << trial;
  }
  EXPECT_DOUBLE_EQ(roc_auc({3, 4, 5}, {0, 1, 2}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc({0, 1}, {3, 4, 5}), 0.0);
  EXPECT_DOUBLE_EQ(roc_auc({1, 1}, {1, 1, 1}), 0.5);
  EXPECT_EQ(roc_auc({}, {1}), -1);
  EXPECT_EQ(roc_auc({1}, {}), -1);
}

TEST(Anomaly, PercentileCountsTiesHalfAndHistogramClampsToItsEnds) {
  const std::vector<float> losses = {0.1f, 0.2f, 0.2f, 0.3f};
  EXPECT_DOUBLE_EQ(percentile_of(0.2f, losses), 50.0);
  EXPECT_DOUBLE_EQ(percentile_of(0.05f, losses), 0.0);
  EXPECT_DOUBLE_EQ(percentile_of(9.0f, losses), 100.0);
  EXPECT_EQ(histogram({-1.0f, 0.0f, 0.24f, 0.26f, 0.99f, 5.0f}, 0.0f, 1.0f, 4),
            (std::vector<int>{3, 1, 0, 2}));
}
