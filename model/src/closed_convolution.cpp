// Exact single-class closed networks with multi-server stations: Buzen's convolution algorithm
// carried out in log space.
//
// Method (Buzen, "Computational Algorithms for Closed Queueing Networks with Exponential
// Servers", CACM 16(9), 1973; Bolch, Greiner, de Meer & Trivedi, "Queueing Networks and Markov
// Chains", 2nd ed., 2006, §8.1, the convolution algorithm with load-dependent stations). The
// product-form normalising constant is G(N) = sum over states of prod_k f_k(n_k), the convolution
// of one factor sequence per station:
//   think time and delay stations  f(k) = Z^k / k!  (all of them merge into one delay, Z + sum D),
//   a single server                 f(k) = D^k,
//   c identical servers             f(k) = D^k / k!  for k <= c,   f(c) (D / c)^(k - c)  beyond.
// Then X = G(N-1) / G(N), and the marginal at station i is
// p_i(k | N) = f_i(k) G_{-i}(N - k) / G(N), G_{-i} being the network without station i. All
// three are Bolch §8.1. For a single server this sums to Q_i = sum_{k>=1} D_i^k G(N - k) / G(N),
// where each term is P(n_i >= k), so the sum stops once the terms are negligible.
//
// Why log space: every term above is positive, so nothing cancels and every quantity keeps full
// relative precision — but G(n) over- or underflows a double long before N = 10,000. Storing
// log G(n) and adding with log(e^a + e^b) = a + log1p(e^(b - a)) keeps the ranges finite; demands
// are first divided by a scale s (the bottleneck's D / c), G(n) = s^n G_s(n), so that the logs
// grow slowly with n and keep their absolute precision. This is what makes T20 (m = 300, N = 400)
// and T20b of research/anchors-model.md §4 come out right where load-dependent MVA goes negative.
//
// Cost: a single server is Buzen's in-place recursion g(n) += D g(n - 1), O(N). A c-server
// station's convolution sum_{k<=n} f(k) g(n - k) splits into k <= c, O(c) terms, and the tail
// T(n) = sum_{k=c+1..n} f(k) g(n - k), which obeys T(n) = (D / c) [f(c) g(n - 1 - c) + T(n - 1)]
// (substitute k -> k + 1), O(1) per n: O(N c) per station. Single-server stations are convolved
// first and kept, so G_{-i} for each multi-server station i re-convolves only the other
// multi-server stations: O(N (K + M^2 c)) for K single servers and M pools. A pool with c >= N
// servers never queues, f(k) = D^k / k! for every reachable k, so it joins the delay term. A
// station whose occupancy p_i(k | N) is asked for (ClosedStation::occupancy) takes the pools'
// path whatever its servers: its marginal needs G_{-i}.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "closed_detail.hpp"
#include "kendall/base/error.hpp"

namespace kendall::model {
namespace {

constexpr double kLogZero = -std::numeric_limits<double>::infinity();
// P(n_i >= k) below this, relative to the queue length so far, ends the single-server sum: the
// terms decrease in k, and past the bottleneck they fall geometrically.
constexpr double kNegligibleTerm = 1e-18;

/// log(e^a + e^b) without overflow; log(0) is -infinity.
double log_add(double a, double b) {
  if (a < b)
    std::swap(a, b);
  if (b == kLogZero)
    return a;
  return a + std::log1p(std::exp(b - a));
}

/// log f(k) for c identical servers with (scaled) demand d: d^k / k! up to c, then each further
/// request adds a factor d / c (all c servers busy).
class MultiServerFactor {
 public:
  MultiServerFactor(double d, int servers, int population)
      : servers_(servers), log_d_(std::log(d)), log_step_(std::log(d / servers)) {
    head_.resize(static_cast<std::size_t>(std::min(servers, population)) + 1);
    for (std::size_t k = 0; k < head_.size(); ++k) {
      const double kd = static_cast<double>(k);
      head_[k] = kd * log_d_ - std::lgamma(kd + 1.0);
    }
    log_f_c_ = static_cast<double>(servers) * log_d_ - std::lgamma(servers + 1.0);
  }

  int servers() const { return servers_; }
  /// log f(k) for k <= min(c, N).
  const std::vector<double>& head() const { return head_; }
  double log_f_c() const { return log_f_c_; }
  /// log(d / c): the factor per request beyond c.
  double log_step() const { return log_step_; }
  double operator()(int k) const {
    return k <= servers_ ? head_[static_cast<std::size_t>(k)]
                         : log_f_c_ + static_cast<double>(k - servers_) * log_step_;
  }

 private:
  int servers_;
  double log_d_;
  double log_step_;
  double log_f_c_;
  std::vector<double> head_;
};

/// Buzen's recursion for a single server, in place: g(n) <- g(n) + d g(n - 1), ascending n.
void convolve_single_server(std::vector<double>& log_g, double log_d) {
  for (std::size_t n = 1; n < log_g.size(); ++n)
    log_g[n] = log_add(log_g[n], log_d + log_g[n - 1]);
}

/// out(n) = sum_k f(k) in(n - k), with the tail recurrence from the file comment.
std::vector<double> convolve_multi_server(const std::vector<double>& in,
                                          const MultiServerFactor& f) {
  const std::size_t size = in.size();
  const auto c = static_cast<std::size_t>(f.servers());
  const std::vector<double>& head = f.head();
  std::vector<double> out(size);
  double tail = kLogZero;
  for (std::size_t n = 0; n < size; ++n) {
    if (n > c)
      tail = f.log_step() + log_add(f.log_f_c() + in[n - 1 - c], tail);
    const std::size_t k_max = std::min(c, n);
    double peak = tail;
    for (std::size_t k = 0; k <= k_max; ++k)
      peak = std::max(peak, head[k] + in[n - k]);
    if (peak == kLogZero) {
      out[n] = kLogZero;
      continue;
    }
    double sum = std::exp(tail - peak);
    for (std::size_t k = 0; k <= k_max; ++k)
      sum += std::exp(head[k] + in[n - k] - peak);
    out[n] = peak + std::log(sum);
  }
  return out;
}

}  // namespace

ClosedResult solve_closed_convolution(const ClosedModel& model) {
  detail::validate_closed_model(model);
  if (model.populations.size() != 1)
    throw InputError(fmt::format(
        "solve_closed_convolution: the model has {} classes but the convolution algorithm here "
        "handles one; use solve_closed_approximate (Schweitzer-Bard AMVA) for several",
        model.populations.size()));
  const int population = model.populations[0];
  const std::size_t stations = model.stations.size();
  ClosedResult result =
      detail::closed_result_skeleton(model, "exact (log-space convolution)", true);

  // With nobody in the network, report what a lone arriving request would see: R_k = D_k.
  if (population == 0) {
    for (std::size_t k = 0; k < stations; ++k) {
      result.stations[k].residence_time[0] = model.stations[k].demands[0];
      result.response_time[0] += model.stations[k].demands[0];
    }
    return result;
  }

  double delay_demand = model.think_times[0];
  double scale = 0;
  std::vector<std::size_t> single_servers;
  std::vector<std::size_t> multi_servers;
  for (std::size_t k = 0; k < stations; ++k) {
    const ClosedStation& station = model.stations[k];
    const double d = station.demands[0];
    if (station.delay || (station.servers >= population && !station.occupancy)) {
      delay_demand += d;
    } else if (d > 0) {
      scale = std::max(scale, d / static_cast<double>(station.servers));
      // A station whose occupancy is asked for needs G_{-i}: the pools' path gives it.
      (station.servers == 1 && !station.occupancy ? single_servers : multi_servers).push_back(k);
    }
  }
  if (scale == 0)
    scale = delay_demand;  // positive: validation rejects a class with no demand and no think time

  const auto size = static_cast<std::size_t>(population) + 1;
  std::vector<double> log_g(size, kLogZero);
  log_g[0] = 0;
  if (delay_demand > 0) {
    const double log_z = std::log(delay_demand / scale);
    for (std::size_t n = 1; n < size; ++n) {
      const double nd = static_cast<double>(n);
      log_g[n] = nd * log_z - std::lgamma(nd + 1.0);
    }
  }
  for (std::size_t k : single_servers)
    convolve_single_server(log_g, std::log(model.stations[k].demands[0] / scale));

  std::vector<MultiServerFactor> factors;
  for (std::size_t k : multi_servers)
    factors.emplace_back(model.stations[k].demands[0] / scale, model.stations[k].servers,
                         population);
  const std::vector<double> log_g_single = log_g;
  for (const MultiServerFactor& f : factors)
    log_g = convolve_multi_server(log_g, f);

  const std::size_t n_max = size - 1;
  const double log_g_n = log_g[n_max];
  // X = G(N-1) / G(N) (Bolch §8.1), undoing the scale: G(n) = s^n G_s(n).
  const double throughput = std::exp(log_g[n_max - 1] - log_g_n) / scale;
  result.throughput[0] = throughput;

  auto fill = [&](std::size_t k, double queue) {
    ClosedStationResult& out = result.stations[k];
    const ClosedStation& station = model.stations[k];
    out.throughput[0] = throughput;
    // Utilization law, busy fraction per server: U = X D / c (QSP ch. 3); none at a delay.
    out.utilization[0] =
        station.delay ? 0.0
                      : throughput * station.demands[0] / static_cast<double>(station.servers);
    out.queue_length[0] = queue;
    out.residence_time[0] = station.delay ? station.demands[0] : queue / throughput;  // Little
  };
  for (std::size_t k = 0; k < stations; ++k) {
    const ClosedStation& station = model.stations[k];
    if (station.demands[0] == 0 && station.occupancy) {
      result.stations[k].occupancy.assign(size, 0.0);  // nobody ever stays there
      result.stations[k].occupancy[0] = 1;
    }
    if (station.delay || (station.servers >= population && !station.occupancy) ||
        station.demands[0] == 0)
      fill(k, throughput * station.demands[0]);  // Little's law at a delay: Q = X D
  }

  for (std::size_t k : single_servers) {
    const double log_d = std::log(model.stations[k].demands[0] / scale);
    double queue = 0;
    for (std::size_t j = 1; j <= n_max; ++j) {
      const double term = std::exp(static_cast<double>(j) * log_d + log_g[n_max - j] - log_g_n);
      queue += term;
      if (term < kNegligibleTerm * queue)
        break;
    }
    fill(k, queue);
  }

  for (std::size_t i = 0; i < multi_servers.size(); ++i) {
    std::vector<double> log_g_without = log_g_single;
    for (std::size_t j = 0; j < factors.size(); ++j)
      if (j != i)
        log_g_without = convolve_multi_server(log_g_without, factors[j]);
    // Q_i = sum_k k p_i(k | N), p_i(k | N) = f_i(k) G_{-i}(N - k) / G(N) (Bolch §8.1).
    std::vector<double> marginal(size);
    double queue = 0;
    for (std::size_t k = 0; k <= n_max; ++k) {
      marginal[k] = std::exp(factors[i](static_cast<int>(k)) + log_g_without[n_max - k] - log_g_n);
      queue += static_cast<double>(k) * marginal[k];
    }
    fill(multi_servers[i], queue);
    if (model.stations[multi_servers[i]].occupancy)
      result.stations[multi_servers[i]].occupancy = std::move(marginal);
  }

  // Equals N / X - Z by Little's law over the cycle, without the cancellation of that form when
  // think time dominates.
  for (const ClosedStationResult& station : result.stations)
    result.response_time[0] += station.residence_time[0];
  detail::fill_station_totals(result);
  return result;
}

}  // namespace kendall::model
