#pragma once
/// Confidence intervals for a mean from independent (or nearly independent) observations: the
/// replication values or batch means of a simulation.

#include <span>

namespace kendall::sim {

/// A point estimate with the half-width of its 95% confidence interval (0 when there is only
/// one observation to go by).
struct Estimate {
  double mean = 0;
  double half_width = 0;

  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
  bool contains(double value) const { return low() <= value && value <= high(); }
};

/// The 0.975 quantile of Student's t with `degrees_of_freedom` ≥ 1: a table for 1–30 (computed by
/// numerical inversion of the t CDF, agreeing with published tables to 4 decimals) and the
/// Cornish–Fisher expansion (Abramowitz and Stegun 26.7.5, error below 1e-5) above.
double student_t_975(int degrees_of_freedom);

/// The sample mean of `values` and the half-width t(0.975, n−1)·s/√n of its 95% interval
/// (Law, Simulation Modeling and Analysis, 5th ed., eq. 4.12). NaN values (an undefined
/// observation, such as a mean response time in a batch where nothing completed) are skipped;
/// with none left the estimate is {0, 0}.
Estimate estimate_mean(std::span<const double> values);

}  // namespace kendall::sim
