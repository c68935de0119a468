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

#include <cmath>

#include <fmt/format.h>

#include "kendall/model/speed_runs.hpp"
#include "station_detail.hpp"

namespace kendall::model::detail {

TimeSharedSolution solve_time_shared(const StationInput& input, int workers) {
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
  // The queue beyond the workers waits as a c-server queue does for the work's variability:
  // Allen–Cunneen's (c_a² + c_s²)/2, and with a service_dispersion the extra wait of cores
  // whose speed wanders in runs (speed_runs.hpp), which lengthens every wait in the runs' slow
  // spells whoever holds the cores.
  SpeedRunsWait variability{(input.scv_arrival + input.service.scv) / 2, 1.0};
  if (!input.service_dispersion.empty())
    variability = speed_runs_wait(rho, input.scv_arrival, erlang,
                                  fit_speed_runs(input.service_dispersion, input.service.scv));
  const double queue = markovian_queue * variability.factor;
  const double mean_wait = queue / input.arrival_rate;
  const double in_worker = mean_work * mean_factor(out.stretch);
  m.mean_waiting_time = mean_wait;
  m.mean_response_time = mean_wait + in_worker;
  m.mean_queue_length = queue;
  m.mean_number_in_system = input.arrival_rate * (mean_wait + in_worker);
  m.probability_of_waiting = waiting_probability;
  m.waiting_time = shaped_wait(waiting_probability, mean_wait, variability);
  return out;
}

}  // namespace kendall::model::detail
