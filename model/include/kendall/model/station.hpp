#pragma once
/// Single queueing stations in closed form: M/M/1, M/M/c (Erlang C), M/M/c/K, M/M/inf,
/// M/G/1 (Pollaczek–Khinchine), M/D/1 and G/G/c (Allen–Cunneen). Units: seconds and 1/s.

#include <optional>
#include <string>
#include <vector>

#include "kendall/base/distribution.hpp"
#include "kendall/model/dispersion.hpp"

namespace kendall::model {

enum class QueueModel { mm1, mmc, mmck, mminf, mg1, md1, ggc };
std::string_view to_string(QueueModel model);         ///< "mm1", ...
std::string_view kendall_notation(QueueModel model);  ///< "M/M/1", "M/M/c/K", ...

/// One phase-type piece of a waiting time: Erlang(phases, rate) with a mixing weight.
struct ErlangTerm {
  double weight = 1;
  int phases = 1;
  double rate = 0;  ///< per phase, 1/s
};

/// Waiting time in queue of an admitted request: an atom at zero of mass 1 - P(wait) and,
/// given that it waits, a mixture of Erlang terms (weights sum to 1). Exact for M/M/c and
/// M/M/c/K; the exponential approximation elsewhere.
struct WaitingTimeDistribution {
  double probability_of_waiting = 0;
  std::vector<ErlangTerm> terms;

  double mean() const;
};

struct StationInput {
  double arrival_rate = 0;      ///< λ
  Distribution service;         ///< service time S
  int servers = 1;              ///< c
  std::optional<int> capacity;  ///< K: most requests in the station, servers included
  double scv_arrival = 1.0;     ///< c_a², G/G/c only
  /// Compute response-time percentiles. Off for callers that only need the means and the
  /// waiting-time distribution (networks convolve their own), since grid percentiles cost.
  bool percentiles = true;
  /// G/G/c only: the service times' index of dispersion I_s(m) when they are correlated over
  /// time (see dispersion.hpp); empty means independent (I_s = c_s² at every m).
  std::vector<DispersionPoint> service_dispersion;
  /// Workers time-sharing the servers (cores) only: the cores' speed with c + 1, …, K workers
  /// busy, relative to their speed with c busy, `service` being the work at that speed (empty:
  /// one speed). See Service::sharing_speed.
  std::vector<double> sharing_speed;
  /// The same for every number busy, 1 … K (Service::busy_speed); when given, sharing_speed is not.
  std::vector<double> busy_speed;
};

struct ResponsePercentiles {
  double p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0;
};

struct StationMetrics {
  QueueModel model = QueueModel::mm1;
  std::string method;  ///< the formula used, and whether it is exact
  bool stable = false;
  std::string saturation;   ///< when unstable: which resource saturates and by how much
  double offered_load = 0;  ///< a = λ E[S], Erlangs
  double utilization = 0;   ///< busy fraction per server (of the admitted load)
  double throughput = 0;    ///< admitted requests per second
  std::optional<double> mean_response_time;
  std::optional<double> mean_waiting_time;
  std::optional<double> mean_number_in_system;
  std::optional<double> mean_queue_length;
  std::optional<double> probability_of_waiting;
  std::optional<double> probability_of_blocking;  ///< finite capacity only
  std::optional<ResponsePercentiles> response_time_percentiles;
  std::string percentile_method;
  std::optional<WaitingTimeDistribution> waiting_time;  ///< for sums over networks
};

/// Erlang B blocking probability B(c, a), by the stable recursion B(k) = aB(k-1)/(k + aB(k-1)).
double erlang_b(int servers, double offered_load);
/// Erlang C probability of waiting C(c, a) = B / (1 - ρ(1 - B)); requires a < c.
double erlang_c(int servers, double offered_load);

/// Solves one station. Throws InputError for inputs no model accepts (negative rates, zero
/// servers, capacity below servers, a model that needs an input it was not given).
StationMetrics solve_station(QueueModel model, const StationInput& input);

}  // namespace kendall::model
