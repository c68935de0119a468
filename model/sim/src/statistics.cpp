#include "kendall/sim/statistics.hpp"

#include <array>
#include <cmath>

namespace kendall::sim {

double student_t_975(int degrees_of_freedom) {
  static constexpr std::array<double, 30> table = {
      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
      2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
      2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (degrees_of_freedom < 1)
    return std::nan("");
  if (degrees_of_freedom <= 30)
    return table[static_cast<std::size_t>(degrees_of_freedom - 1)];
  const double z = 1.959963984540054;  // the standard normal 0.975 quantile
  const double n = degrees_of_freedom;
  const double z3 = z * z * z;
  const double z5 = z3 * z * z;
  const double z7 = z5 * z * z;
  const double g1 = (z3 + z) / 4.0;
  const double g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
  const double g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
  return z + g1 / n + g2 / (n * n) + g3 / (n * n * n);
}

Estimate estimate_mean(std::span<const double> values) {
  double sum = 0;
  int n = 0;
  for (const double v : values) {
    if (std::isnan(v))
      continue;
    sum += v;
    ++n;
  }
  if (n == 0)
    return {};
  const double mean = sum / n;
  if (n == 1)
    return {mean, 0.0};
  double squares = 0;
  for (const double v : values) {
    if (!std::isnan(v))
      squares += (v - mean) * (v - mean);
  }
  const double standard_error = std::sqrt(squares / (n - 1) / n);
  return {mean, student_t_975(n - 1) * standard_error};
}

}  // namespace kendall::sim
