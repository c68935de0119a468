#pragma once
// Pieces shared by the station solvers (station.cpp, station_finite.cpp, erlang.cpp); not
// installed. Units: seconds and 1/s, as in kendall/model/station.hpp.

#include <string>

#include "kendall/model/station.hpp"

namespace kendall::model::detail {

/// The most servers or places (c, K) a station may have: far beyond any real deployment, and
/// small enough that the O(c) and O(K) loops below finish in well under a second.
inline constexpr int kMaxServersOrCapacity = 10'000'000;

/// 1 / B(c, a) by the Erlang B recursion; +inf when B underflows. See erlang.cpp.
double inverse_erlang_b(int servers, double offered_load);

/// The number formatting used in messages: up to six significant digits, no trailing zeros.
std::string format_number(double value);

/// M/M/c/K: every field of the metrics except percentiles. See station_finite.cpp.
StationMetrics solve_mmck(const StationInput& input);

}  // namespace kendall::model::detail
