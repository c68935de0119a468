// Workers time-sharing cores: K workers take requests first come, first served, and the
// operating system shares c < K cores evenly among the busy ones (processor sharing).
//
// With exponential work the number in the station n is the M/M/c birth-death process: the cores
// complete work at min(n, c)/S whoever holds them. Processor sharing keeps that distribution for
// any work distribution (it is a symmetric queue: Kelly 1979, §3.3) while every request holds a
// worker; only the requests queued for a worker (n > K) feel the work's spread. So:
//   - the time in a worker: an arrival that finds n others shares the cores with m = min(n+1, K)
//     and takes max(1, m/c) times its work. By λπ_n = min(n+1, c)π_{n+1}/S, the mean of that is
//     L_pool/λ with L_pool = Σ min(n, K)π_n: Little's law holds exactly;
//   - the wait for a worker: M/M/c's queue beyond K, L_K = C ρ^{K−c+1}/(1−ρ), scaled by
//     (c_a² + c_s²)/2 as Allen and Cunneen scale the M/M/c queue; P(wait) = C ρ^{K−c}; the
//     conditional wait exponential. With a service_dispersion (cores whose speed wanders in
//     runs) the factor is a c-server queue's for those runs instead, and the wait's shape theirs.
// Exact for M/M/c with exponential work; checked against the simulator's processor sharing for
// near-constant and very variable work and for measured speed runs
// (tests/sim/shared_cpu_test.cpp; hand-derived cases in tests/model/time_shared_test.cpp).
#include "time_shared.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kendall/base/error.hpp"
#include "kendall/model/speed_runs.hpp"
#include "station_detail.hpp"

namespace kendall::model::detail {

namespace {

// The wait for a worker and the means, from the occupancy's Markovian queue beyond the workers
// and P(wait): the queue waits as a c-server queue does for the work's variability,
// Allen–Cunneen's (c_a² + c_s²)/2, and with a service_dispersion the extra wait of cores whose
// speed wanders in runs (speed_runs.hpp), which lengthens every wait in the runs' slow spells
// whoever holds the cores. `utilization` and `at_least_c` (P(n >= c)) place those runs.
void add_wait(const StationInput& input, double utilization, double at_least_c,
              double waiting_probability, double markovian_queue, TimeSharedSolution& out) {
  SpeedRunsWait variability{(input.scv_arrival + input.service.scv) / 2, 1.0};
  if (!input.service_dispersion.empty())
    variability = speed_runs_wait(utilization, input.scv_arrival, at_least_c,
                                  fit_speed_runs(input.service_dispersion, input.service.scv));
  const double queue = markovian_queue * variability.factor;
  const double mean_wait = queue / input.arrival_rate;
  const double in_worker = input.service.mean * mean_factor(out.stretch);
  StationMetrics& m = out.station;
  m.mean_waiting_time = mean_wait;
  m.mean_response_time = mean_wait + in_worker;
  m.mean_queue_length = queue;
  m.mean_number_in_system = input.arrival_rate * (mean_wait + in_worker);
  m.probability_of_waiting = waiting_probability;
  m.waiting_time = shaped_wait(waiting_probability, mean_wait, variability);
}

// With a speed that depends on the number busy (StationInput::sharing_speed or busy_speed) the
// occupancy is the birth–death chain with those rates instead of M/M/c's: the cores finish work
// at min(n, c) s(n) / S with n in the station (s(n) = busy_speed[n − 1], else 1 up to c and
// sharing_speed beyond; s(K) beyond K), so
// π_n = π_{n−1} λ S / (min(n, c) s(n)) up to K and geometric beyond at ρ_K = λ S / (c s(K)).
// An arrival that finds n others shares with m = min(n + 1, K) and takes m / (min(m, c) s(m))
// times the work; by λπ_n = μ_{n+1}π_{n+1} its mean is L_pool / λ again (Little's law). The
// wait for a worker is the chain's queue beyond K, scaled for the variability as below.
TimeSharedSolution solve_load_dependent(const StationInput& input, int workers) {
  const int c = input.servers;
  const double work = input.service.mean;
  const double lambda = input.arrival_rate;
  auto speed = [&](int n) {
    if (!input.busy_speed.empty())
      return input.busy_speed.at(static_cast<std::size_t>(n - 1));
    return n <= c ? 1.0 : input.sharing_speed.at(static_cast<std::size_t>(n - c - 1));
  };
  TimeSharedSolution out;
  StationMetrics& m = out.station;
  m.model = QueueModel::mmc;
  m.method = fmt::format(
      "{} workers time-sharing {} cores at speeds by the number busy ({}): a birth–death chain "
      "(processor sharing), the wait for a worker scaled as a c-server queue's by "
      "(c_a² + c_s²)/2 and any speed runs: approximate, exact for exponential work",
      workers, c,
      fmt::join(input.busy_speed.empty() ? input.sharing_speed : input.busy_speed, ", "));
  m.offered_load = lambda * work;
  m.throughput = lambda;
  const double capacity = c * speed(workers) / work;
  if (!(lambda < capacity)) {
    m.stable = false;
    m.utilization = lambda / capacity;
    m.throughput = capacity;
    m.saturation = fmt::format(
        "arrival rate {}/s {} capacity {}/s with all {} workers sharing {} cores at speed {} "
        "(utilization {})",
        format_number(lambda), lambda > capacity ? "exceeds" : "equals", format_number(capacity),
        workers, c, format_number(speed(workers)), format_number(lambda / capacity));
    return out;
  }
  m.stable = true;
  const double rho_full = lambda / capacity;
  std::vector<double> pi(static_cast<std::size_t>(workers) + 1, 1.0);
  for (int n = 1; n <= workers; ++n)
    pi[n] = pi[n - 1] * lambda * work / (std::min(n, c) * speed(n));
  // Σ_{n≥K} π_n = π_K / (1 − ρ_K)
  double total = pi[workers] / (1 - rho_full);
  for (int n = 0; n < workers; ++n)
    total += pi[n];
  for (double& p : pi)
    p /= total;
  const double waiting_probability = pi[workers] / (1 - rho_full);
  const double markovian_queue = pi[workers] * rho_full / ((1 - rho_full) * (1 - rho_full));
  double busy_cores = c * waiting_probability;
  for (int n = 1; n < workers; ++n)
    busy_cores += std::min(n, c) * pi[n];
  m.utilization = busy_cores / c;
  auto factor = [&](int m_sharing) {
    return m_sharing / (std::min(m_sharing, c) * speed(m_sharing));
  };
  for (int n = 0; n < workers - 1; ++n)
    out.stretch.push_back(Stretch{pi[n], factor(n + 1)});
  out.stretch.push_back(Stretch{pi[workers - 1] + waiting_probability, factor(workers)});

  double at_least_c = waiting_probability;  // P(n >= c)
  for (int n = c; n < workers; ++n)
    at_least_c += pi[n];
  add_wait(input, rho_full, at_least_c, waiting_probability, markovian_queue, out);
  return out;
}

}  // namespace

TimeSharedSolution solve_time_shared(const StationInput& input, int workers) {
  if (!input.busy_speed.empty()) {
    if (input.busy_speed.size() != static_cast<std::size_t>(workers))
      throw InputError(
          fmt::format("busy_speed has {} speeds; {} workers need {} (one for each "
                      "number busy, 1 to {})",
                      input.busy_speed.size(), workers, workers, workers));
    return solve_load_dependent(input, workers);
  }
  if (!input.sharing_speed.empty()) {
    if (input.sharing_speed.size() != static_cast<std::size_t>(workers - input.servers))
      throw InputError(
          fmt::format("sharing_speed has {} speeds; {} workers on {} cores need {} "
                      "(one for each number busy beyond the cores)",
                      input.sharing_speed.size(), workers, input.servers, workers - input.servers));
    return solve_load_dependent(input, workers);
  }
  const int c = input.servers;
  const double mean_work = input.service.mean;
  StationInput markovian = input;
  markovian.service = Distribution::exponential(mean_work);
  markovian.service_dispersion.clear();
  markovian.percentiles = false;
  TimeSharedSolution out;
  out.station = solve_station(QueueModel::mmc, markovian);
  StationMetrics& m = out.station;
  m.method = fmt::format(
      "{} workers time-sharing {} cores: M/M/c occupancy (processor sharing), the wait for a "
      "worker scaled as a c-server queue's by (c_a² + c_s²)/2 and any speed runs: approximate, "
      "exact for exponential work",
      workers, c);
  if (!m.stable)
    return out;

  const double a = input.arrival_rate * mean_work;
  const double rho = a / c;
  const double erlang = erlang_c(c, a);  // P(n >= c)
  // Arrivals that find fewer than c others run alone (1 − C); n = c .. K − 2 others (π_n, down
  // geometrically from π_c = C(1 − ρ)) share with n + 1; the rest, P(n >= K − 1), with K.
  out.stretch.push_back(Stretch{1 - erlang, 1.0});
  double pi = erlang * (1 - rho);
  for (int n = c; n < workers - 1 && pi >= 1e-12; ++n, pi *= rho)
    out.stretch.push_back(Stretch{pi, (n + 1.0) / c});  // beyond 1e-12: no mass a percentile sees
  out.stretch.push_back(
      Stretch{erlang * std::pow(rho, workers - 1 - c), static_cast<double>(workers) / c});

  const double waiting_probability = erlang * std::pow(rho, workers - c);
  const double markovian_queue = erlang * std::pow(rho, workers - c + 1) / (1 - rho);
  add_wait(input, rho, erlang, waiting_probability, markovian_queue, out);
  return out;
}

}  // namespace kendall::model::detail
