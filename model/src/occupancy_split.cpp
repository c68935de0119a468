// Closed networks: a station's queue split by its occupancy (docs/model.md, "Closed networks").
#include "occupancy_split.hpp"

#include <algorithm>
#include <cmath>

namespace kendall::model::detail {

// A closed network's station whose c cores (or servers) complete work at min(n, c)/S whoever
// holds them: the network's product form gives its occupancy p(n | N) exactly for exponential
// work (Bolch et al. 2006, §8.1), and processor sharing among K >= c workers keeps it for any
// work while every request holds a worker. Then, per visit at visit rate X:
//   - the wait for a worker: Little's law over the requests beyond the workers,
//     Σ max(0, n − K) p(n | N) / X;
//   - the stretch: an arrival sees the network with itself removed (the arrival theorem,
//     Reiser & Lavenberg 1980), p(j | N − 1) = p(j + 1 | N) min(j + 1, c) / (X S) from the
//     product form's p(n | N) = X S / min(n, c) · p(n − 1 | N − 1); finding j others it shares
//     with min(j + 1, K) and takes max(1, min(j + 1, K)/c) times its work. Its mean is then
//     Σ min(n, K) p(n | N) / (X S): Little's law over the workers, as in the open model;
//   - the wait's shape: finding j >= K others, a request waits for j − K + 1 departures, each
//     S/c apart on average while every core is busy. For exponential work the gaps are
//     exponential and the wait Erlang j − K + 1, exactly; departures from a pool busy on every
//     core are as regular as the work, so each gap takes 1/SCV phases (at most 50, and fewer
//     when thousands of departures ahead make the sum regular anyway). The mean of that mixture
//     is the wait above, by the same product-form relation; the rate is set from it so that
//     the two agree for the truncated chain too.
OccupancySplit split_by_occupancy(const std::vector<double>& occupancy, double visit_rate,
                                  double departure_scv, int cores, int workers) {
  OccupancySplit out;
  if (occupancy.size() < 2 || !(visit_rate > 0))
    return out;
  double beyond_workers = 0;
  for (std::size_t n = static_cast<std::size_t>(workers) + 1; n < occupancy.size(); ++n)
    beyond_workers += static_cast<double>(n - static_cast<std::size_t>(workers)) * occupancy[n];
  out.mean_wait = beyond_workers / visit_rate;

  // p(j | N − 1) up to its factor 1 / (X S), which the normalisation below takes out.
  std::vector<double> seen(occupancy.size() - 1);
  double total = 0;
  for (std::size_t j = 0; j < seen.size(); ++j) {
    seen[j] = occupancy[j + 1] * std::min<double>(static_cast<double>(j) + 1, cores);
    total += seen[j];
  }
  if (!(total > 0))
    return out;
  double departures = 0;  // Σ_{j >= K} p_j (j − K + 1)
  // A sum of m gaps of k phases has SCV 1/(mk): past ~20,000 phases in all more add nothing a
  // percentile sees, and cost a Poisson sum each.
  const auto most_departures = static_cast<int>(seen.size()) - workers;
  const int phase_budget = std::max(1, 20'000 / std::max(1, most_departures));
  const int gap_phases = std::min(
      phase_budget,
      departure_scv > 0 ? std::clamp(static_cast<int>(std::lround(1 / departure_scv)), 1, 50) : 50);
  for (std::size_t j = 0; j < seen.size(); ++j) {
    const double p = seen[j] / total;
    const double sharing = std::min<double>(static_cast<double>(j) + 1, workers);
    const double factor = std::max(1.0, sharing / cores);
    if (!out.stretch.empty() && out.stretch.back().factor == factor)
      out.stretch.back().weight += p;
    else
      out.stretch.push_back(Stretch{p, factor});
    if (j >= static_cast<std::size_t>(workers) && p > 0) {
      const int phases = static_cast<int>(j) - workers + 1;
      out.waiting_probability += p;
      departures += p * phases;
      out.wait.terms.push_back(ErlangTerm{p, phases * gap_phases, 0});
    }
  }
  if (!(out.mean_wait > 0) || !(out.waiting_probability > 0)) {
    out.wait = WaitingTimeDistribution{};
    return out;
  }
  out.wait.probability_of_waiting = out.waiting_probability;
  const double rate = departures * gap_phases / out.mean_wait;  // c/S a gap for the product form
  for (ErlangTerm& term : out.wait.terms) {
    term.weight /= out.waiting_probability;
    term.rate = rate;
  }
  return out;
}

namespace {

/// The birth-death chain with arrivals at a constant rate and departures at min(n, cores) per
/// unit of work, up to `population`; `log_load` is the log of the arrival rate times the work.
std::vector<double> truncated_chain(double log_load, int cores, int population) {
  std::vector<double> p(static_cast<std::size_t>(std::max(population, 0)) + 1);
  p[0] = 0;  // logs first: a heavy load overflows its powers
  for (std::size_t n = 1; n < p.size(); ++n)
    p[n] = p[n - 1] + log_load - std::log(std::min<double>(static_cast<double>(n), cores));
  const double peak = *std::max_element(p.begin(), p.end());
  double total = 0;
  for (double& x : p)
    total += x = std::exp(x - peak);
  for (double& x : p)
    x /= total;
  return p;
}

double mean_of(const std::vector<double>& p) {
  double mean = 0;
  for (std::size_t n = 1; n < p.size(); ++n)
    mean += static_cast<double>(n) * p[n];
  return mean;
}

}  // namespace

std::vector<double> chain_occupancy(double number_in_station, int cores, int population) {
  // The chain's mean grows with its load from 0 to the population: bisect the load in log space.
  double low = -30, high = 30;
  for (int step = 0; step < 200 && high - low > 1e-12; ++step) {
    const double mid = (low + high) / 2;
    (mean_of(truncated_chain(mid, cores, population)) < number_in_station ? low : high) = mid;
  }
  return truncated_chain((low + high) / 2, cores, population);
}

}  // namespace kendall::model::detail
