// The one table of what every setting may be: the command line, the app's widgets and the page's
// aelab.set() all check against it, so a value out of range is refused with the same message
// everywhere ("latent = 1e+10: expected an integer from 1 to 1024"), never clamped.
#pragma once
#include <string>

namespace aelab {

struct Limit {
  const char* name; // as the user types it: the CLI option and the aelab.set() key
  double min, max;  // inclusive
  bool integer;
};

constexpr Limit kInputLimit{"input", 1, 65536, true};
constexpr Limit kHiddenLimit{"hidden", 1, 4096, true};
constexpr Limit kLatentLimit{"latent", 1, 1024, true};
constexpr Limit kFiltersLimit{"filters", 1, 64, true}; // a conv layer's filter count
constexpr Limit kBatchLimit{"batch", 1, 65536, true};
constexpr Limit kEpochsLimit{"epochs", 1, 100000, true};
constexpr Limit kLearningRateLimit{"lr", 1e-7, 10, false};
constexpr Limit kSeedLimit{"seed", 0, 9007199254740991.0, true}; // 2^53 - 1: exact in a JS number
constexpr Limit kBetaLimit{"beta", 0, 10, false};                // a VAE's KL weight
constexpr Limit kSparsityLimit{"sparsity", 0, 1, false};         // the plain code's L1 weight
constexpr Limit kBudgetMsLimit{"budgetMs", 1, 100, false};       // training time per frame (frames host)

// "" if `value` is a finite number within the limit (and whole where it must be), else one line
// naming the setting, the value and the range.
std::string check_limit(const Limit& limit, double value);

} // namespace aelab
