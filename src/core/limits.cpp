#include "core/limits.h"

#include <cmath>
#include <cstdio>

namespace aelab {

std::string check_limit(const Limit& limit, double value) {
  const bool ok = std::isfinite(value) && value >= limit.min && value <= limit.max &&
                  (!limit.integer || value == std::floor(value));
  if (ok) return "";
  char text[160];
  std::snprintf(text, sizeof text, "%s = %.10g: expected %s from %.16g to %.16g", limit.name, value,
                limit.integer ? "an integer" : "a number", limit.min, limit.max);
  return text;
}

} // namespace aelab
