// Anomaly detection by reconstruction loss: a picture unlike the training data reconstructs
// badly. The per-picture losses come from sample_losses (train.h); these turn them into what a
// student reads: how well a threshold separates two sets (the ROC AUC), where one loss falls
// among the others (its percentile), and a histogram.
#pragma once
#include <vector>

namespace aelab {

// The area under the ROC curve of "anomalous" (higher loss) against "normal": the chance that a
// random anomalous picture has a higher loss than a random normal one, ties counting half
// (the Mann-Whitney U statistic over n_a * n_n). 1: a threshold separates them perfectly; 0.5:
// no better than chance. -1 if either set is empty.
double roc_auc(const std::vector<float>& anomalous, const std::vector<float>& normal);

// The share of `losses` (in percent, 0-100) that are below `value`, ties counting half.
double percentile_of(float value, const std::vector<float>& losses);

// Counts of `losses` in `bins` equal bins from lo to hi; values outside go to the end bins.
std::vector<int> histogram(const std::vector<float>& losses, float lo, float hi, int bins);

} // namespace aelab
