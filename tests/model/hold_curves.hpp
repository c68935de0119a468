#pragma once
// Service-time sequences whose slowness comes in runs, and their dispersion curves by brute force:
// the independent truth for the speed-runs model (tests/model) and the simulator (tests/sim).

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "kendall/model/dispersion.hpp"

namespace kendall::model::hold_curves {

// The index of dispersion and the skew index of a sequence of service times, by brute force over
// its blocks of 2, 4, … jobs (at least 256 blocks each), as the services' block counters give
// them: I(m) = Var(sum) / (m μ²), K(m) = k₃(sum) / (m μ³).
inline std::vector<DispersionPoint> measured_curve(const std::vector<double>& holds) {
  std::vector<DispersionPoint> points;
  for (std::size_t m = 2; holds.size() / m >= 256; m *= 2) {
    std::vector<double> sums(holds.size() / m, 0.0);
    for (std::size_t i = 0; i < sums.size() * m; ++i)
      sums[i / m] += holds[i];
    const auto n = static_cast<double>(sums.size());
    double mean = 0;
    for (const double x : sums)
      mean += x / n;
    double second = 0, third = 0;
    for (const double x : sums) {
      second += (x - mean) * (x - mean) / n;
      third += (x - mean) * (x - mean) * (x - mean) / n;
    }
    const double job = mean / static_cast<double>(m), jobs = static_cast<double>(m);
    points.push_back({jobs, second * n / (n - 1) / (jobs * job * job),
                      third * n * n / ((n - 1) * (n - 2)) / (jobs * job * job * job)});
  }
  return points;
}

/// Service times of mean 1: Erlang-20 jobs (SCV 0.05) times a slowness redrawn with probability
/// 1/run per job from `share` (mean 0).
inline std::vector<double> holds_with_runs(std::size_t count, double run, std::uint64_t seed,
                                           const std::function<double(std::mt19937_64&)>& share) {
  std::mt19937_64 random(seed);
  std::gamma_distribution<double> job(20, 1.0 / 20);
  std::bernoulli_distribution redraw(1 / run);
  double slowness = 1 + share(random);
  std::vector<double> holds;
  for (std::size_t i = 0; i < count; ++i) {
    if (redraw(random))
      slowness = 1 + share(random);
    holds.push_back(job(random) * slowness);
  }
  return holds;
}

/// A slowness share that is rare and deep: +0.3 one time in ten, −1/30 otherwise (mean 0,
/// variance 0.01, skewness (0.1·0.027 − 0.9/27000)/0.001 = 8/3).
inline double rare_deep_share(std::mt19937_64& random) {
  return std::bernoulli_distribution(0.1)(random) ? 0.3 : -1.0 / 30;
}

}  // namespace kendall::model::hold_curves
