// Approximate multi-class closed networks: Schweitzer–Bard approximate MVA.
//
// Exact multi-class MVA visits every population vector below N (prod_c (N_c + 1) of them).
// Schweitzer's approximation (Schweitzer, "Approximate Analysis of Multiclass Closed Networks of
// Queues", Int. Conf. on Stochastic Control and Optimization, 1979; Bard, "Some Extensions to
// Multiclass Queueing Network Analysis", 1979; Lazowska et al., "Quantitative System
// Performance", 1984, ch. 7) replaces the queue an arriving class-c request sees, Q_k(N - 1_c),
// by the fixed-population estimate
//   A_kc = sum_j Q_kj (N) - Q_kc (N) / N_c,
// and iterates to a fixed point:
//   R_kc = D_kc (1 + A_kc) at a queue,   R_kc = D_kc at a delay,
//   X_c = N_c / (Z_c + sum_k R_kc),   Q_kc = X_c R_kc.
// It is approximate: for T11 of research/anchors-model.md it gives X = 0.150986 where the exact
// value is 0.151516.
//
// A station with c > 1 servers uses Seidmann's decomposition (Seidmann, Schweitzer & Shalev-Oren,
// "Computerized Closed Queueing Network Models of Flexible Manufacturing Systems", Large Scale
// Systems 12, 1987): a single server with demand D/c followed by a delay of D (c - 1)/c. It is
// exact for a lone user (R = D) and in the limit N -> infinity (X -> c / D), approximate in
// between: for T20b (c = 4, N = 160) it is 0.23% below the exact X = 4. The two parts are
// stations of their own, so an arrival at the queue part sees only that part's requests; until
// 2026-12-03 the delay part's were counted in the queue too (2.6% low for T20b, and 71% too long
// a response for two classes of 40 users near a 2-server station's capacity, where exact
// single-class MVA of the same 80 users gives 0.1925 s and this method now 0.2378 s).
//
// Convergence: successive substitution from an even split of each population over the stations
// it visits, until the largest change of any Q_kc over one sweep is at most tolerance x
// max(1, N_c). A model that does not settle within max_iterations throws.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "closed_detail.hpp"
#include "kendall/base/error.hpp"

namespace kendall::model {

ClosedResult solve_closed_approximate(const ClosedModel& model, double tolerance,
                                      int max_iterations) {
  detail::validate_closed_model(model);
  if (!(tolerance > 0) || !std::isfinite(tolerance))
    throw InputError(fmt::format(
        "solve_closed_approximate: tolerance is {}; give a small positive number such as 1e-10",
        tolerance));
  if (max_iterations < 1)
    throw InputError(fmt::format(
        "solve_closed_approximate: max_iterations is {}; give 1 or more (the default is 100000)",
        max_iterations));

  const std::size_t classes = model.populations.size();
  const std::size_t stations = model.stations.size();
  std::vector<double> population(classes);
  for (std::size_t c = 0; c < classes; ++c)
    population[c] = static_cast<double>(model.populations[c]);

  // Seidmann: a queue with demand D/c and a delay D(c - 1)/c; for a delay station the whole
  // demand is the delay part.
  std::vector<double> queue_demand(stations * classes);
  std::vector<double> delay_demand(stations * classes);
  std::vector<std::size_t> visited(classes, 0);  // queueing stations with demand, per class
  for (std::size_t k = 0; k < stations; ++k) {
    const ClosedStation& station = model.stations[k];
    const double servers = station.delay ? 1.0 : static_cast<double>(station.servers);
    for (std::size_t c = 0; c < classes; ++c) {
      const double d = station.demands[c];
      queue_demand[k * classes + c] = station.delay ? 0.0 : d / servers;
      delay_demand[k * classes + c] = station.delay ? d : d * (servers - 1.0) / servers;
      if (!station.delay && d > 0)
        ++visited[c];
    }
  }

  std::vector<double> queue(stations * classes, 0.0);
  for (std::size_t k = 0; k < stations; ++k)
    for (std::size_t c = 0; c < classes; ++c)
      if (queue_demand[k * classes + c] > 0)
        queue[k * classes + c] = population[c] / static_cast<double>(visited[c]);

  // The queue part's population alone is what an arrival queues behind: the requests in
  // Seidmann's delay part hold a server, not a place in the line.
  std::vector<double> queued = queue;
  std::vector<double> residence(stations * classes, 0.0);
  std::vector<double> throughput(classes, 0.0);
  std::vector<double> station_total(stations, 0.0);
  int iteration = 0;
  bool converged = false;
  while (!converged) {
    if (iteration == max_iterations)
      throw std::runtime_error(
          fmt::format("solve_closed_approximate: Schweitzer-Bard AMVA did not converge to {} in {} "
                      "iterations; raise max_iterations or loosen the tolerance",
                      tolerance, max_iterations));
    ++iteration;
    for (std::size_t k = 0; k < stations; ++k) {
      station_total[k] = 0;
      for (std::size_t c = 0; c < classes; ++c)
        station_total[k] += queued[k * classes + c];
    }
    for (std::size_t c = 0; c < classes; ++c) {
      double cycle = model.think_times[c];
      for (std::size_t k = 0; k < stations; ++k) {
        const std::size_t kc = k * classes + c;
        // Schweitzer's estimate of the queue seen on arrival; a class with nobody in it sees the
        // others' queue whole (it removes nothing of its own).
        const double own = population[c] > 0 ? queued[kc] / population[c] : 0.0;
        residence[kc] = queue_demand[kc] * (1.0 + station_total[k] - own) + delay_demand[kc];
        cycle += residence[kc];
      }
      throughput[c] = population[c] > 0 ? population[c] / cycle : 0.0;
    }
    double worst = 0;  // largest change relative to max(1, N_c)
    for (std::size_t k = 0; k < stations; ++k) {
      for (std::size_t c = 0; c < classes; ++c) {
        const std::size_t kc = k * classes + c;
        const double updated = throughput[c] * (residence[kc] - delay_demand[kc]);
        worst = std::max(worst, std::abs(updated - queued[kc]) / std::max(1.0, population[c]));
        queued[kc] = updated;
        queue[kc] = throughput[c] * residence[kc];  // Little's law over the whole station
      }
    }
    if (!std::isfinite(worst))
      throw std::runtime_error(
          "solve_closed_approximate: Schweitzer-Bard AMVA produced a non-finite queue length; "
          "check the model for extreme demand ratios");
    converged = worst <= tolerance;
  }

  ClosedResult result = detail::closed_result_skeleton(model, "Schweitzer-Bard AMVA", false);
  result.iterations = iteration;
  result.throughput = throughput;
  for (std::size_t k = 0; k < stations; ++k) {
    const ClosedStation& station = model.stations[k];
    ClosedStationResult& out = result.stations[k];
    for (std::size_t c = 0; c < classes; ++c) {
      const std::size_t kc = k * classes + c;
      out.throughput[c] = throughput[c];
      // Utilization law per server, U = X D / c (QSP ch. 3): exact given X, whatever the
      // approximation of the queues. A delay station has no server to saturate.
      out.utilization[c] =
          station.delay ? 0.0
                        : throughput[c] * station.demands[c] / static_cast<double>(station.servers);
      out.residence_time[c] = residence[kc];
      out.queue_length[c] = queue[kc];
      result.response_time[c] += residence[kc];
    }
  }
  detail::fill_station_totals(result);
  return result;
}

}  // namespace kendall::model
