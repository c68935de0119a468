#pragma once
// Closed networks: a station's queue split by its occupancy into the wait for a worker (or a
// server) and the work stretched by sharing the cores; not installed.

#include <vector>

#include "kendall/model/latency.hpp"
#include "kendall/model/station.hpp"

namespace kendall::model::detail {

struct OccupancySplit {
  double mean_wait = 0;  ///< per visit: the requests beyond the workers over the visit rate
  double waiting_probability = 0;  ///< an arrival finds every worker busy
  /// Finding j >= K others, a request waits for j − K + 1 departures: Erlang terms.
  WaitingTimeDistribution wait;
  std::vector<Stretch> stretch;  ///< of the work in a worker; all 1 without time-sharing
};

/// `occupancy` is p(n), n = 0..N, of a station whose cores complete work at min(n, cores) / S,
/// visited `visit_rate` times a second, with `workers` >= `cores` taking requests first come,
/// first served. `departure_scv`: the SCV of the gaps between departures while every
/// core is busy (the work's for processor sharing; 1 for exponential work). With workers ==
/// cores it is a first-come-first-served c-server station, and only the wait is split off.
OccupancySplit split_by_occupancy(const std::vector<double>& occupancy, double visit_rate,
                                  double departure_scv, int cores, int workers);

/// Several classes' approximate MVA gives a station's mean number but no occupancy: the
/// birth-death chain with arrivals at a constant rate and departures at min(n, cores) / S, up to
/// `population`, whose mean is that number, stands in.
std::vector<double> chain_occupancy(double number_in_station, int cores, int population);

}  // namespace kendall::model::detail
