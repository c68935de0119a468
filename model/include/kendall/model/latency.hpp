#pragma once
/// Distributions of latencies that are sums of independent parts — waits and service times at
/// each visited station — and their percentiles, by numerical convolution on a uniform grid
/// (docs/model.md, "Percentiles"). Units: seconds.

#include <utility>
#include <vector>

#include "kendall/base/distribution.hpp"
#include "kendall/model/station.hpp"

namespace kendall::model {

/// The probabilities reported everywhere: p50, p90, p95, p99, p999.
inline constexpr double kReportedProbabilities[] = {0.5, 0.9, 0.95, 0.99, 0.999};

/// A distribution tabulated on a uniform grid: P(X <= t) and its inverse.
class LatencyGrid {
 public:
  LatencyGrid() = default;
  LatencyGrid(double step, std::vector<double> cumulative)
      : step_(step), cumulative_(std::move(cumulative)) {}
  /// P(X <= t), interpolated linearly inside grid cells.
  double cdf(double t) const;
  /// The smallest t with P(X <= t) >= p, interpolated linearly inside grid cells.
  double quantile(double p) const;
  /// The mixture of several distributions with the given weights (summing to 1) at p; with
  /// `delays`, each distribution is shifted later by its delay (seconds).
  static double mixture_quantile(const std::vector<const LatencyGrid*>& grids,
                                 const std::vector<double>& weights, double p,
                                 const std::vector<double>& delays = {});

 private:
  double step_ = 0;
  std::vector<double> cumulative_;  ///< P(X <= (j + 1/2) h), normalised to end at 1
};

/// A share of a visit's requests whose service takes `factor` times the work: time-shared
/// cores stretch a job by how many others share them (docs/model.md, "Time-shared cores").
struct Stretch {
  double weight = 1;  ///< probability; a visit's shares sum to 1
  double factor = 1;
};

/// Mean of the stretch factor (1 when there is none).
double mean_factor(const std::vector<Stretch>& stretch);

/// The stretch widened so that work of SCV `work_scv` stretched by it has SCV `hold_scv`, its
/// mean kept: every factor f becomes five equally likely factors f(1 + δz), z a standard
/// normal's quantile midpoints scaled to variance 1. Unchanged where the stretch already
/// spreads the work as far; δ at most 0.5, so no factor comes near 0.
std::vector<Stretch> widened_stretch(const std::vector<Stretch>& stretch, double work_scv,
                                     double hold_scv);

/// A sum of independent random latencies. Add parts, then ask for quantiles.
class LatencySum {
 public:
  /// One visit's sojourn (wait then service), repeated `count` times on average: a fractional
  /// count n + f means n + 1 visits with probability f and n visits otherwise.
  /// With `stretch`, the service is the work times a factor drawn from it.
  void add_sojourn(const WaitingTimeDistribution& waiting, const Distribution& service,
                   double count = 1.0, const std::vector<Stretch>& stretch = {});
  /// A part with no waiting (a delay station, think time).
  void add_service(const Distribution& service, double count = 1.0);

  double mean() const { return mean_; }
  double variance() const { return variance_; }

  /// Quantiles for ascending probabilities in (0, 1). Relative error about 1e-3 of the
  /// distribution's range (grid of 4096 cells over [0, mean + 12 sd] widened to cover tails).
  std::vector<double> quantiles(const std::vector<double>& probabilities) const;
  ResponsePercentiles percentiles() const;
  /// The whole distribution on its grid (the costly step: one FFT convolution).
  LatencyGrid grid() const;

 private:
  struct Part {
    WaitingTimeDistribution waiting;
    Distribution service;
    double count;
    std::vector<Stretch> stretch;
  };
  std::vector<Part> parts_;
  double mean_ = 0;
  double variance_ = 0;
};

/// p50 ... p999 read off a grid.
ResponsePercentiles percentiles_of(const LatencyGrid& grid);
/// Percentiles of a mixture of grids (e.g. the class mix of a system).
ResponsePercentiles mixture_percentiles(const std::vector<const LatencyGrid*>& grids,
                                        const std::vector<double>& weights);

/// Percentiles of one sojourn W + S.
ResponsePercentiles sojourn_percentiles(const WaitingTimeDistribution& waiting,
                                        const Distribution& service);

}  // namespace kendall::model
