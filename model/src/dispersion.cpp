#include "kendall/model/dispersion.hpp"

#include <algorithm>
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
    if (p.blocks && !(std::isfinite(*p.blocks) && *p.blocks >= 2))
      return fmt::format("dispersion point {}: blocks is {}; a measured index needs at least 2",
                         i + 1, *p.blocks);
    if (p.skew_index && !std::isfinite(*p.skew_index))
      return fmt::format("dispersion point {}: skew_index is {}; it must be a finite number", i + 1,
                         *p.skew_index);
    last = p.jobs;
  }
  return std::nullopt;
}

bool rises_beyond_noise(std::span<const DispersionPoint> points, double service_scv) {
  return std::any_of(points.begin(), points.end(), [&](const DispersionPoint& p) {
    if (!p.blocks)
      return true;
    const double standard_error =
        service_scv * std::sqrt((2 + 6 / p.jobs) / std::max(1.0, *p.blocks - 1));
    return p.index - service_scv > 3 * standard_error;
  });
}

}  // namespace kendall::model
