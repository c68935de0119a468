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

}  // namespace kendall::model::detail
