#pragma once
/// Distributions of latencies that are sums of independent parts — waits and service times at
/// each visited station — and their percentiles, by numerical convolution on a uniform grid
/// (docs/model.md, "Percentiles"). Units: seconds.

#include <vector>

#include "kendall/base/distribution.hpp"
#include "kendall/model/station.hpp"

namespace kendall::model {

/// The probabilities reported everywhere: p50, p90, p95, p99, p999.
inline constexpr double kReportedProbabilities[] = {0.5, 0.9, 0.95, 0.99, 0.999};

/// A sum of independent random latencies. Add parts, then ask for quantiles.
class LatencySum {
 public:
  /// One visit's sojourn (wait then service), repeated `count` times on average: a fractional
  /// count n + f means n + 1 visits with probability f and n visits otherwise.
  void add_sojourn(const WaitingTimeDistribution& waiting, const Distribution& service,
                   double count = 1.0);
  /// A part with no waiting (a delay station, think time).
  void add_service(const Distribution& service, double count = 1.0);

  double mean() const { return mean_; }
  double variance() const { return variance_; }

  /// Quantiles for ascending probabilities in (0, 1). Relative error about 1e-3 of the
  /// distribution's range (grid of 4096 cells over [0, mean + 12 sd] widened to cover tails).
  std::vector<double> quantiles(const std::vector<double>& probabilities) const;
  ResponsePercentiles percentiles() const;

 private:
  struct Part {
    WaitingTimeDistribution waiting;
    Distribution service;
    double count;
  };
  std::vector<Part> parts_;
  double mean_ = 0;
  double variance_ = 0;
};

/// Percentiles of one sojourn W + S.
ResponsePercentiles sojourn_percentiles(const WaitingTimeDistribution& waiting,
                                        const Distribution& service);

}  // namespace kendall::model
