#pragma once
// Pieces shared by the station solvers (station.cpp, station_finite.cpp, erlang.cpp) and
// latency.cpp; not
// installed. Units: seconds and 1/s, as in kendall/model/station.hpp.

#include <optional>
#include <string>

#include "kendall/model/speed_runs.hpp"
#include "kendall/model/station.hpp"

namespace kendall::model::detail {

/// The most servers or places (c, K) a station may have: far beyond any real deployment, and
/// small enough that the O(c) and O(K) loops below finish in well under a second.
inline constexpr int kMaxServersOrCapacity = 10'000'000;

/// 1 / B(c, a) by the Erlang B recursion; +inf when B underflows. See erlang.cpp.
double inverse_erlang_b(int servers, double offered_load);

/// The number formatting used in messages: up to six significant digits, no trailing zeros.
std::string format_number(double value);

/// Balanced-means two-phase hyperexponential fit to a mean and SCV >= 1 (Whitt 1982; the same
/// fit the simulator samples from): phase 1 with probability p1.
struct HyperExponentialFit {
  double p1, rate1, rate2;
};
HyperExponentialFit fit_hyperexponential(double mean, double scv);

/// The two-phase hyperexponential with the given mean, SCV and third moment over mean³ (the
/// phases' mean lengths u₁, u₂ and p are the two-point law with moments E[X^k]/k!); nothing when
/// no H2 has them (it needs E[X³] E[X] >= 1.5 E[X²]²).
std::optional<HyperExponentialFit> fit_hyperexponential(double mean, double scv, double third);

/// The wait given its mean and the probability of waiting at all: exponential given that it
/// waits, or the two-phase hyperexponential of `variability`'s shape when runs of slow jobs
/// spread the waits (shape_scv > 1); no terms when nothing waits.
WaitingTimeDistribution shaped_wait(double wait_probability, double mean_wait,
                                    const SpeedRunsWait& variability);

/// M/M/c/K: every field of the metrics except percentiles. See station_finite.cpp.
StationMetrics solve_mmck(const StationInput& input);

}  // namespace kendall::model::detail
