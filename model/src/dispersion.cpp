#include "kendall/model/dispersion.hpp"

#include <cmath>

#include <fmt/format.h>

namespace kendall::model {

std::optional<std::string> dispersion_problem(std::span<const DispersionPoint> points) {
  double last = 1;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const DispersionPoint& p = points[i];
    if (!std::isfinite(p.jobs) || p.jobs < 1 || (i > 0 && p.jobs <= last))
      return fmt::format(
          "dispersion point {}: jobs is {}; points need jobs >= 1, finite and ascending", i + 1,
          p.jobs);
    if (!std::isfinite(p.index) || p.index < 0)
      return fmt::format("dispersion point {}: index is {}; it must be a finite number >= 0", i + 1,
                         p.index);
    if (p.skew_index && !std::isfinite(*p.skew_index))
      return fmt::format("dispersion point {}: skew_index is {}; it must be a finite number", i + 1,
                         *p.skew_index);
    last = p.jobs;
  }
  return std::nullopt;
}

}  // namespace kendall::model
