#pragma once
// Pieces the closed-network solvers share: input checks and the shape of a result.

#include <string>

#include "kendall/model/closed_network.hpp"

namespace kendall::model::detail {

/// Throws InputError, naming the field and the fix, unless the model is solvable: at least one
/// class, one think time and one non-negative demand per class at every station, populations
/// >= 0, servers >= 1 at queueing stations, and no populated class with zero demand and zero
/// think time (its throughput would be unbounded).
void validate_closed_model(const ClosedModel& model);

/// A result sized for the model (every per-class vector filled with zeros) with the method
/// named and the asymptotic bounds filled in.
ClosedResult closed_result_skeleton(const ClosedModel& model, std::string method, bool exact);

/// Sums each station's per-class utilization and queue length into its totals.
void fill_station_totals(ClosedResult& result);

/// "station 2 (\"disk\")", for messages.
std::string station_label(const ClosedModel& model, std::size_t index);

}  // namespace kendall::model::detail
