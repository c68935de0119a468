#pragma once
// A queue whose workers outnumber its cores (docs/model.md, "Time-shared cores"); not installed.

#include <vector>

#include "kendall/model/latency.hpp"
#include "kendall/model/station.hpp"

namespace kendall::model::detail {

/// The station's means and wait, and how much longer than its work a request's time in a
/// worker is: the operating system shares the cores evenly among the busy workers.
struct TimeSharedSolution {
  StationMetrics station;
  std::vector<Stretch> stretch;
};

/// `input.servers` is the cores; `workers` (more than the cores: the caller checks) take
/// requests first come, first served.
TimeSharedSolution solve_time_shared(const StationInput& input, int workers);

/// A closed network's time-shared station, from its occupancy: the wait for a worker and the
/// stretch a visit's work takes.
struct TimeSharedSplit {
  double mean_wait = 0;  ///< per visit: the requests beyond the workers over the visit rate
  double waiting_probability = 0;  ///< an arrival finds every worker busy
  /// Finding j >= K others, a request waits for j − K + 1 departures: Erlang terms.
  WaitingTimeDistribution wait;
  std::vector<Stretch> stretch;
};

/// `occupancy` is p(n), n = 0..N, of a station whose cores complete work at min(n, cores) / S
/// (`work` is S), visited `visit_rate` times a second; `workers` >= `cores`. `departure_scv`:
/// the SCV of the gaps between departures while every core is busy (the work's for processor
/// sharing; 1 for exponential work). With workers == cores it is a first-come-first-served
/// c-server station, whose split is its wait alone (every stretch 1).
TimeSharedSplit split_time_shared(const std::vector<double>& occupancy, double visit_rate,
                                  double work, double departure_scv, int cores, int workers);

/// Several classes' approximate MVA gives a station's mean number but no occupancy: the
/// birth-death chain with arrivals at a constant rate and departures at min(n, cores) / S, up to
/// `population`, whose mean is that number, stands in.
std::vector<double> chain_occupancy(double number_in_station, int cores, int population);

}  // namespace kendall::model::detail
