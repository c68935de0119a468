// Exact single-class closed networks.
//
// When every station is a single server or a delay, exact Mean Value Analysis (Reiser &
// Lavenberg, "Mean-Value Analysis of Closed Multichain Queuing Networks", JACM 27(2), 1980;
// Lazowska et al., "Quantitative System Performance", 1984, ch. 6, exact MVA algorithm) steps the
// population n = 1..N:
//   R_k(n) = D_k (1 + Q_k(n-1))  at a queue (arrival theorem),   R_k(n) = D_k  at a delay,
//   X(n) = n / (Z + sum_k R_k(n)),   Q_k(n) = X(n) R_k(n)   (Little's law).
// Every term is a sum or product of positive numbers, so the recursion is stable at any N; it
// costs O(N K) time and O(K) memory.
//
// A station with c > 1 servers needs the marginal probability of an idle server, which the
// load-dependent form of MVA gets as p_k(0|n) = 1 - sum_{j>=1} p_k(j|n): a difference of nearly
// equal numbers that goes negative at realistic sizes (research/anchors-model.md §0.3: Octave's
// qncsmva returns X = -73 where the truth is 675.68). Such models go to solve_closed_convolution
// instead, whose terms are all positive (closed_convolution.cpp).
#include <fmt/format.h>

#include "closed_detail.hpp"
#include "kendall/base/error.hpp"

namespace kendall::model {
namespace {

ClosedResult solve_single_server_mva(const ClosedModel& model) {
  const std::size_t stations = model.stations.size();
  const int population = model.populations[0];
  const double think_time = model.think_times[0];

  std::vector<double> demand(stations);
  std::vector<double> queue_weight(stations);  // 1 at a queue, 0 at a delay: R = D (1 + w Q)
  for (std::size_t k = 0; k < stations; ++k) {
    demand[k] = model.stations[k].demands[0];
    queue_weight[k] = model.stations[k].delay ? 0.0 : 1.0;
  }

  // With nobody in the network, report what a lone arriving request would see: R_k = D_k.
  std::vector<double> residence = demand;
  std::vector<double> queue(stations, 0.0);
  double throughput = 0;
  for (int n = 1; n <= population; ++n) {
    double cycle = think_time;
    for (std::size_t k = 0; k < stations; ++k) {
      residence[k] = demand[k] * (1.0 + queue_weight[k] * queue[k]);
      cycle += residence[k];
    }
    throughput = static_cast<double>(n) / cycle;
    for (std::size_t k = 0; k < stations; ++k)
      queue[k] = throughput * residence[k];
  }

  ClosedResult result = detail::closed_result_skeleton(model, "exact MVA", true);
  result.throughput[0] = throughput;
  double response_time = 0;
  for (std::size_t k = 0; k < stations; ++k) {
    ClosedStationResult& out = result.stations[k];
    out.throughput[0] = throughput;
    // Utilization law U = X D (QSP ch. 3); a delay station has no server to saturate.
    out.utilization[0] = model.stations[k].delay ? 0.0 : throughput * demand[k];
    out.residence_time[0] = residence[k];
    out.queue_length[0] = queue[k];
    response_time += residence[k];
  }
  // Equals N / X - Z (Little's law over the whole cycle) and stays defined at N = 0.
  result.response_time[0] = response_time;
  detail::fill_station_totals(result);
  return result;
}

}  // namespace

ClosedResult solve_closed_exact(const ClosedModel& model) {
  detail::validate_closed_model(model);
  if (model.populations.size() != 1)
    throw InputError(fmt::format(
        "solve_closed_exact: the model has {} classes but the exact solution handles one; use "
        "solve_closed_approximate (Schweitzer-Bard AMVA), or solve_closed, which picks it",
        model.populations.size()));
  for (const ClosedStation& station : model.stations)
    if (!station.delay && (station.servers > 1 || station.occupancy))
      return solve_closed_convolution(model);
  return solve_single_server_mva(model);
}

}  // namespace kendall::model
