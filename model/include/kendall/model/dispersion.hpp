#pragma once
/// Service times that are not independent of each other: a machine that is slower for a while
/// serves a run of jobs slowly, and the queue built meanwhile is far longer than the same
/// service times in random order would build. The index of dispersion of the service times'
/// sums measures it; speed_runs.hpp turns it into the wait (docs/model.md, "Correlated service
/// times").

#include <optional>
#include <span>
#include <string>

namespace kendall::model {

/// I_s(m) = Var(S_1 + … + S_m) / (m E[S]²) for m consecutive service times: c_s² at every m
/// when they are independent, growing with m when slow ones come in runs. Optionally the same
/// for the third cumulant, K_s(m) = κ₃(S_1 + … + S_m) / (m E[S]³): constant when they are
/// independent, growing with m when the runs are skewed (slow runs rarer and deeper than fast
/// ones, positive; the other way round, negative).
struct DispersionPoint {
  DispersionPoint() = default;
  DispersionPoint(double jobs_, double index_, std::optional<double> skew_index_ = std::nullopt,
                  std::optional<double> blocks_ = std::nullopt)
      : jobs(jobs_), index(index_), skew_index(skew_index_), blocks(blocks_) {}

  double jobs = 1;                   ///< m
  double index = 0;                  ///< I_s(m)
  std::optional<double> skew_index;  ///< K_s(m), when measured
  /// How many block sums of m jobs the index was estimated from, when it was measured: its
  /// sampling error. Empty: the index is exact (a spec's own figure, a derivation).
  std::optional<double> blocks;
};

/// Whether the indices show runs beyond their sampling error: some point measured from B
/// blocks lies above the jobs' SCV c² (every I(m) of independent service times) by more than
/// three standard errors, c² √((2 + 6/m) / (B − 1)) (a variance from B sums: 2/(B − 1) for
/// normal sums, plus the excess kurtosis of a sum of m exponential times, 6/m); or some point
/// is exact. Noise in a flat curve is not a run.
bool rises_beyond_noise(std::span<const DispersionPoint> points, double service_scv);

/// What `points` gets wrong, or nothing: jobs must be >= 1, finite and ascending; indices >= 0;
/// skew indices finite.
std::optional<std::string> dispersion_problem(std::span<const DispersionPoint> points);

}  // namespace kendall::model
