#include "kendall/model/shifted_gamma.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <vector>

namespace kendall::model {

std::optional<Distribution> shifted_gamma(double mean, double scv, double third_ratio,
                                          std::size_t points) {
  if (!(mean > 0) || !(scv > 0) || !(third_ratio > 0) || !std::isfinite(mean) ||
      !std::isfinite(scv) || !std::isfinite(third_ratio) || points < 16)
    return std::nullopt;
  // A gamma of shape k and scale θ has variance kθ² and third cumulant 2kθ³; shifted by x₀ its
  // mean is x₀ + kθ. So θ = κ₃ / (2σ²), k = σ² / θ², x₀ = mean − kθ.
  const double variance = scv * mean * mean;
  const double third = third_ratio * mean * mean * mean;
  const double scale = third / (2 * variance);
  const double shape = variance / (scale * scale);
  const double minimum = mean - shape * scale;
  if (!(minimum > 0))
    return std::nullopt;
  std::vector<double> table(points);
  for (std::size_t i = 0; i < points; ++i) {
    const double p = (static_cast<double>(i) + 0.5) / static_cast<double>(points);
    table[i] = boost::math::gamma_p_inv(shape, p) * scale;
  }
  // The table leaves out the tails beyond its first and last quantiles; an affine correction of
  // the gamma part restores the mean and variance exactly (and keeps the minimum's side > 0).
  double sum = 0, squares = 0;
  for (const double x : table)
    sum += x;
  const double table_mean = sum / static_cast<double>(points);
  for (const double x : table)
    squares += (x - table_mean) * (x - table_mean);
  const double table_sd = std::sqrt(squares / static_cast<double>(points));
  const double wanted_sd = std::sqrt(variance);
  for (double& x : table)
    x = std::max(0.0, mean + (x - table_mean) * wanted_sd / table_sd);
  Distribution d = Distribution::empirical(std::move(table));
  d.mean = mean;
  d.scv = scv;
  return d;
}

}  // namespace kendall::model
