// M/M/c/K: c exponential servers and room for K requests in all, arrivals beyond K are lost.
//
// The chain is birth–death with q_n = q_{n-1} a / min(n, c), a = λ E[S] (Kleinrock, Queueing
// Systems Vol. 1, §3.6 for one server; Gross, Shortle, Thompson & Harris, Fundamentals of
// Queueing Theory, 4th ed., §2.5 for c servers). Nothing here forms a^n / n!: the states up to c
// enter only through Erlang B, since sum_{n<=c} q_n = q_c / B(c, a), and the states above c are
// the geometric sequence q_{c+j} = q_c ρ^j with ρ = a / c. Masses are kept relative to the
// largest group so that nothing overflows at K = 10^7 or ρ ≫ 1:
//   ρ <= 1: relative to sum_{n<=c} q_n, so q_{c+j} = B ρ^j and the states below c hold 1 - B;
//   ρ > 1:  relative to q_K, so q_{c+j} = ρ^{-(m-j)} (m = K - c) and the states below c hold
//           ρ^{-m} (1/B - 1).
// The geometric terms are formed by repeated multiplication, so the relative error of the j-th
// is at most j ulps (1e-9 at j = 10^7).
#include <algorithm>
#include <cmath>
#include <vector>

#include "kendall/model/latency.hpp"
#include "kendall/model/station.hpp"
#include "station_detail.hpp"

namespace kendall::model::detail {
namespace {

/// Waiting-time terms lighter than this fraction of the heaviest are dropped: even 10^7 of them
/// carry less than 1e-11 of the mass, and every term costs time in the percentile convolution.
constexpr double kNegligibleTermWeight = 1e-18;

/// Sums over the states c + j, j = 0..m, in the units of the reference state.
struct QueueSums {
  double all = 0;                // sum_{j=0}^{m} q_{c+j}
  double seen_waiting = 0;       // sum_{j<m} q_{c+j}: states in which an admitted arrival waits
  double full = 0;               // q_K
  double queue_moment = 0;       // sum_j j q_{c+j}: requests waiting, summed over states
  double present_moment = 0;     // sum_j (c + j) q_{c+j}: requests present, summed over states
  double wait_phase_moment = 0;  // sum_{j<m} (j + 1) q_{c+j}: phases an arrival waits through
};

}  // namespace

StationMetrics solve_mmck(const StationInput& input) {
  const double mean_service = input.service.mean;
  const int c = input.servers;
  const int m = *input.capacity - c;
  const double a = input.arrival_rate * mean_service;
  const double rho = a / c;
  const double inverse_b = inverse_erlang_b(c, a);
  const bool heavy = rho > 1;

  // States c + j, visited from the heaviest to the lightest so that the first waiting state
  // seen is the heaviest one (for the truncation of negligible terms).
  QueueSums sums;
  std::vector<ErlangTerm> terms;
  double heaviest = 0;
  const double b = std::isinf(inverse_b) ? 0.0 : 1.0 / inverse_b;
  double q = heavy ? 1.0 : b;
  const double step = heavy ? 1.0 / rho : rho;
  for (int i = 0; i <= m && q > 0; ++i, q *= step) {
    const int j = heavy ? m - i : i;
    sums.all += q;
    sums.queue_moment += j * q;
    sums.present_moment += (static_cast<double>(c) + j) * q;
    if (j == m) {
      sums.full = q;
      continue;
    }
    sums.seen_waiting += q;
    sums.wait_phase_moment += (j + 1.0) * q;
    // An arrival that finds c + j present waits for j + 1 departures, which come at rate cμ
    // while all c servers are busy: Erlang(j + 1, cμ) (the M/M/c waiting-time argument of
    // Gross, Shortle, Thompson & Harris, 4th ed., §2.3, stopped at the K - 1 an arrival can see).
    heaviest = std::max(heaviest, q);
    if (q >= kNegligibleTermWeight * heaviest)
      terms.push_back(ErlangTerm{q, j + 1, c / mean_service});
  }
  if (heavy)
    std::reverse(terms.begin(), terms.end());

  // States below c. Their total is (1/B - 1) q_c, and since n q_n = a q_{n-1} for n <= c,
  // sum_{n<c} n q_n = a sum_{n<c} q_n - c q_c.
  const double q_c = heavy ? std::pow(1.0 / rho, m) : b;
  const double below = heavy ? (inverse_b - 1.0) * q_c : 1.0 - q_c;
  const double below_moment = std::max(0.0, a * below - c * q_c);
  const double total = below + sums.all;
  const double admitted = below + sums.seen_waiting;  // as seen by admitted arrivals (PASTA)

  StationMetrics out;
  out.model = QueueModel::mmck;
  out.method = "exact (M/M/c/K birth–death chain, Erlang B recursion)";
  out.stable = true;  // finite capacity: the chain is finite, so it always has a steady state
  out.offered_load = a;
  const double blocking = sums.full / total;
  out.probability_of_blocking = blocking;
  out.throughput = input.arrival_rate * (admitted / total);
  out.utilization = a * (admitted / total) / c;

  const double waiting_probability = sums.seen_waiting / admitted;
  const double mean_wait = sums.wait_phase_moment / admitted * mean_service / c;
  out.probability_of_waiting = waiting_probability;
  out.mean_waiting_time = mean_wait;
  out.mean_response_time = mean_wait + mean_service;
  out.mean_queue_length = sums.queue_moment / total;
  // From the state probabilities, not from Little's law, so that the tests can check the law.
  out.mean_number_in_system = (below_moment + sums.present_moment) / total;

  WaitingTimeDistribution waiting;
  if (waiting_probability > 0 && !terms.empty()) {
    double weight_sum = 0;
    for (const auto& term : terms)
      weight_sum += term.weight;
    for (auto& term : terms)
      term.weight /= weight_sum;
    waiting.probability_of_waiting = waiting_probability;
    waiting.terms = std::move(terms);
  }
  if (input.percentiles) {
    out.response_time_percentiles =
        sojourn_percentiles(waiting, Distribution::exponential(mean_service));
    out.percentile_method =
        "exact M/M/c/K waiting time (Erlang mixture) convolved with the service time on a grid";
  }
  out.waiting_time = std::move(waiting);
  return out;
}

}  // namespace kendall::model::detail
