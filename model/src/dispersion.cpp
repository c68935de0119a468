#include "kendall/model/dispersion.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace kendall::model {

double service_dispersion_at(std::span<const DispersionPoint> points, double service_scv,
                             double jobs) {
  if (points.empty() || jobs <= 1)
    return service_scv;
  // (1, c_s²) is the curve's start: one job's "sum" is its own time.
  DispersionPoint previous{1, service_scv};
  for (const DispersionPoint& point : points) {
    if (jobs <= point.jobs) {
      if (point.jobs <= previous.jobs)
        return point.index;
      const double f = std::log(jobs / previous.jobs) / std::log(point.jobs / previous.jobs);
      return previous.index + f * (point.index - previous.index);
    }
    previous = point;
  }
  return points.back().index;
}

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
    last = p.jobs;
  }
  return std::nullopt;
}

double robust_wait_factor(double utilization, double arrival_scv, double service_scv,
                          std::span<const DispersionPoint> points) {
  const double rho = utilization;
  if (!(rho > 0) || !(rho < 1))
    return (arrival_scv + service_scv) / 2;
  // In units of E[S/c] the time x becomes u, and λx = ρu jobs. The factor is then
  // sup_u { -(1-ρ)u + sqrt(2ρ I_w(u) u) } over the M/M/c value ρ/(1-ρ).
  const auto value = [&](double u) {
    const double work = arrival_scv + service_dispersion_at(points, service_scv, rho * u);
    return -(1 - rho) * u + std::sqrt(2 * rho * work * u);
  };
  // A coarse log grid finds the peak (I_s need not make the function concave), then golden
  // sections refine it between the grid's neighbours.
  constexpr int per_decade = 40;
  constexpr double first_decade = -4, last_decade = 12;
  double best = 0;
  int best_k = -1;
  const int steps = static_cast<int>((last_decade - first_decade) * per_decade);
  for (int k = 0; k <= steps; ++k) {
    const double u = std::pow(10.0, first_decade + static_cast<double>(k) / per_decade);
    if (const double v = value(u); v > best) {
      best = v;
      best_k = k;
    }
  }
  if (best_k >= 0) {
    double lo = std::pow(10.0, first_decade + static_cast<double>(best_k - 1) / per_decade);
    double hi = std::pow(10.0, first_decade + static_cast<double>(best_k + 1) / per_decade);
    const double golden = (std::sqrt(5.0) - 1) / 2;
    for (int round = 0; round < 60; ++round) {
      const double a = hi - golden * (hi - lo), b = lo + golden * (hi - lo);
      if (value(a) > value(b))
        hi = b;
      else
        lo = a;
    }
    best = std::max(best, value((lo + hi) / 2));
  }
  return best * (1 - rho) / rho;
}

}  // namespace kendall::model
