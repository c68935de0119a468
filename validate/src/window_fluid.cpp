// An open-loop level as the pointwise stationary fluid flow approximation (PSFFA: Wang, Tipper
// and Banerjee, "A simple approximation for modeling nonstationary queues", INFOCOM 1996). The
// service's mean number in system x follows
//     dx/dt = λ_k − G_k⁻¹(x)
// in window k, where G_k(λ) is the number the window's stationary model holds at arrival rate
// λ: the queue leaves at the rate that would keep x in steady state. A window whose load stays
// put settles at its stationary x = G_k(λ_k); a slow spell beyond saturation (the 2-core VM ran
// hashes 10% slower for a second or two, 2026-12-03) grows a backlog that the next windows
// drain, which each window's steady state alone misses: in one run the window after such a
// spell measured 23.6 ms where its steady state said 9.5 ms.
//
// An arrival that finds x takes the latency distribution of the stationary model at the rate
// G_k⁻¹(x) (the load that holds x), and beyond saturation that of the model just below it,
// later by the backlog beyond, (x − G_k(top)) / capacity. The level mixes them by arrivals.
#include "window_fluid.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "kendall/model/system_model.hpp"
#include "level_prediction.hpp"

namespace kendall::validation::detail {

namespace {

// One window's stationary model as a function of the arrival rate, up to just below where it
// saturates: the service's mean number in system (increasing) and the class's mean latency.
struct Curve {
  LevelInputs inputs;
  double capacity = 0;  ///< requests/s at which the window's model saturates
  std::vector<double> rates;
  std::vector<double> number;
  std::vector<double> latency;
};

std::optional<model::SystemResult> solve(const LevelModel& levels, double rate,
                                         const LevelInputs& inputs, bool percentiles) {
  model::AnalysisOptions options;
  options.percentiles = percentiles;
  model::SystemResult result = model::analyze(levels.at(rate, inputs), options);
  if (!result.stable || result.classes.empty() || !result.classes[0].mean_response_time ||
      result.services.empty() || !result.services[0].response_time)
    return std::nullopt;
  return result;
}

// The arrival rate where the window's model saturates (the stretch of the cores shared with the
// load generator grows with the rate, so it is found, not computed).
double saturation(const LevelModel& levels, const LevelInputs& inputs, double guess) {
  double low = 0;
  double high = std::max(guess, 1.0);
  for (int step = 0; step < 60 && solve(levels, high, inputs, false); ++step) {
    low = high;
    high *= 2;
  }
  for (int step = 0; step < 40 && high - low > 1e-7 * high; ++step) {
    const double mid = (low + high) / 2;
    (solve(levels, mid, inputs, false) ? low : high) = mid;
  }
  return low;
}

Curve curve_of(const LevelModel& levels, const LevelInputs& inputs, double arrival) {
  Curve curve;
  curve.inputs = inputs;
  // The means depend on the work's mean and SCV only; its skew shapes the percentiles, and
  // tabulating a shifted gamma for every rate took most of a level's modelling (1.5 s a window).
  LevelInputs means = inputs;
  means.service_third_ratio.reset();
  curve.capacity = saturation(levels, means, arrival);
  if (!(curve.capacity > 0))
    return curve;
  // Evenly to 0.9 of saturation, then ever nearer to it (a tenth of the gap per 1/40 decade),
  // and the window's own load exactly: a window that stays put sits on a point of its curve.
  std::vector<double> loads;
  for (int j = 1; j <= 45; ++j)
    loads.push_back(0.02 * j);
  for (int t = 1; t <= 40; ++t)
    loads.push_back(1 - 0.1 * std::pow(10.0, -3.0 * t / 40));
  if (arrival > 0 && arrival < curve.capacity)
    loads.push_back(arrival / curve.capacity);
  std::sort(loads.begin(), loads.end());
  for (const double u : loads) {
    const double rate = u * curve.capacity;
    const auto result = solve(levels, rate, means, false);
    if (!result)
      break;
    const double number = rate * *result->services[0].response_time;
    if (!curve.number.empty() && !(number > curve.number.back()))
      continue;  // the inverse needs it increasing
    curve.rates.push_back(rate);
    curve.number.push_back(number);
    curve.latency.push_back(*result->classes[0].mean_response_time);
  }
  return curve;
}

// The number a window holds in steady state at `rate` (its top at or beyond saturation).
double settled_number(const Curve& curve, double rate) {
  const std::vector<double>& r = curve.rates;
  if (rate >= r.back())
    return curve.number.back();
  if (rate <= r.front())
    return curve.number.front() * rate / r.front();
  const auto above =
      static_cast<std::size_t>(std::upper_bound(r.begin(), r.end(), rate) - r.begin());
  const std::size_t at = above - 1;
  return curve.number[at] +
         (rate - r[at]) / (r[above] - r[at]) * (curve.number[above] - curve.number[at]);
}

// Where x falls on a curve: below its first point, between points `at` and `at + 1` with
// `share` of the way, or beyond its top by `beyond` (a number of requests).
struct Position {
  std::size_t at = 0;
  double share = 0;
  double beyond = 0;
  bool below = false;
};

Position locate(const Curve& curve, double x) {
  const std::vector<double>& n = curve.number;
  if (x <= n.front())
    return {0, 0, 0, true};
  if (x >= n.back())
    return {n.size() - 1, 0, x - n.back()};
  const auto above = static_cast<std::size_t>(std::upper_bound(n.begin(), n.end(), x) - n.begin());
  const std::size_t at = above - 1;
  return {at, (x - n[at]) / (n[above] - n[at]), 0};
}

// G⁻¹(x): the rate the queue leaves at (below the first point, in proportion to x).
double departures(const Curve& curve, const Position& p, double x) {
  if (p.below)
    return curve.rates.front() * x / curve.number.front();
  if (p.beyond > 0 || p.at + 1 == curve.rates.size())
    return curve.capacity;
  return curve.rates[p.at] + p.share * (curve.rates[p.at + 1] - curve.rates[p.at]);
}

// The arrivals of one window by the point of its curve they found, and by the backlog they found
// beyond its top (logarithmic bins of 2%, from 0.1 ms).
struct Found {
  std::vector<double> at_point;
  std::map<int, double> beyond;
  double arrivals = 0;
  double latency_sum = 0;
};

constexpr double kShortestDelay = 1e-4;
constexpr double kBinsPerE = 50;

int delay_bin(double delay) {
  return static_cast<int>(std::lround(std::log(delay / kShortestDelay) * kBinsPerE));
}
double bin_delay(int bin) {
  return kShortestDelay * std::exp(bin / kBinsPerE);
}

}  // namespace

WindowedPrediction predict_fluid(const LevelModel& levels, const std::vector<WorkWindow>& windows,
                                 int workers) {
  WindowedPrediction out;
  std::vector<Curve> curves;
  bool complete = true;
  for (const WorkWindow& window : windows) {
    const LevelInputs cpu = levels.inputs(window.work, workers);
    const LevelInputs inputs = window_inputs(levels, window, workers);
    curves.push_back(curve_of(levels, inputs, window.arrival_rate()));
    WindowResult result;
    result.start = window.start;
    result.duration = window.duration;
    result.jobs = window.jobs;
    result.offered_rate = window.offered;
    result.measured_server_mean = window.server_mean;
    result.utilization = predicted_utilization(levels.work_only().at(window.arrival_rate(), cpu));
    result.service_time = inputs.service_mean;
    out.windows.push_back(result);
    out.inputs.push_back(inputs);
    complete = complete && curves.back().rates.size() >= 2;
  }
  if (!complete || windows.empty())
    return out;

  // A step a tenth of the shortest latency at low load: the queue relaxes no faster than that.
  double step = 1e-3;
  for (const Curve& curve : curves)
    step = std::min(step, curve.latency.front() / 10);
  std::vector<Found> found(windows.size());
  // The level starts where its first window settles (the levels run back to back, the one before
  // at a lower load); a first window beyond saturation grows its backlog from empty.
  const bool first_stable = windows[0].arrival_rate() < curves[0].rates.back();
  double x = first_stable ? settled_number(curves[0], windows[0].arrival_rate()) : 0;
  for (std::size_t k = 0; k < windows.size(); ++k) {
    const Curve& curve = curves[k];
    const double lambda = windows[k].arrival_rate();
    const auto steps = static_cast<long>(std::ceil(windows[k].duration / step));
    const double h = steps > 0 ? windows[k].duration / static_cast<double>(steps) : 0;
    Found& f = found[k];
    f.at_point.assign(curve.rates.size(), 0);
    for (long s = 0; s < steps; ++s) {
      const Position p = locate(curve, x);
      const double arrivals = lambda * h;
      if (p.beyond > 0) {
        const double delay = p.beyond / curve.capacity;
        if (delay < kShortestDelay)
          f.at_point.back() += arrivals;
        else
          f.beyond[delay_bin(delay)] += arrivals;
        f.latency_sum += arrivals * (curve.latency.back() + delay);
      } else {
        f.at_point[p.at] += arrivals * (1 - p.share);
        double latency = curve.latency[p.at];
        if (p.share > 0) {
          f.at_point[p.at + 1] += arrivals * p.share;
          latency += p.share * (curve.latency[p.at + 1] - curve.latency[p.at]);
        }
        f.latency_sum += arrivals * latency;
      }
      f.arrivals += arrivals;
      x = std::max(0.0, x + h * (lambda - departures(curve, p, x)));
    }
    if (f.arrivals > 0)
      out.windows[k].mean = f.latency_sum / f.arrivals;
  }

  // The level's distribution: every point an arrival found, by the arrivals that found it. The
  // rarest points, together under 1e-4 of the arrivals, cannot move p99 and are left out (the
  // rest renormalised): each costs a convolution.
  double arrivals = 0;
  double latency_sum = 0;
  for (const Found& f : found) {
    arrivals += f.arrivals;
    latency_sum += f.latency_sum;
  }
  if (!(arrivals > 0))
    return out;
  struct Part {
    std::size_t window;
    std::size_t point;
    double weight;
    double delay;
  };
  std::vector<Part> found_parts;
  for (std::size_t k = 0; k < found.size(); ++k) {
    for (std::size_t j = 0; j < found[k].at_point.size(); ++j)
      if (found[k].at_point[j] > 0)
        found_parts.push_back({k, j, found[k].at_point[j], 0});
    for (const auto& [bin, weight] : found[k].beyond)
      found_parts.push_back({k, curves[k].rates.size() - 1, weight, bin_delay(bin)});
  }
  std::sort(found_parts.begin(), found_parts.end(),
            [](const Part& a, const Part& b) { return a.weight > b.weight; });
  std::map<std::pair<std::size_t, std::size_t>, model::LatencyGrid> grids;
  std::vector<const model::LatencyGrid*> parts;
  std::vector<double> weights;
  std::vector<double> delays;
  double taken = 0;
  for (const Part& part : found_parts) {
    if (taken >= (1 - 1e-4) * arrivals)
      break;
    const auto key = std::make_pair(part.window, part.point);
    auto it = grids.find(key);
    if (it == grids.end()) {
      const auto result =
          solve(levels, curves[part.window].rates[part.point], curves[part.window].inputs, true);
      if (!result || !result->classes[0].response_time_distribution)
        return out;
      it = grids.emplace(key, *result->classes[0].response_time_distribution).first;
    }
    parts.push_back(&it->second);
    weights.push_back(part.weight);
    delays.push_back(part.delay);
    taken += part.weight;
  }
  for (double& w : weights)
    w /= taken;
  out.mixed = mixed_stats(windows, latency_sum / arrivals, parts, weights, delays);
  return out;
}

Stats mixed_stats(const std::vector<WorkWindow>& windows, double mean,
                  const std::vector<const model::LatencyGrid*>& parts,
                  const std::vector<double>& weights, const std::vector<double>& delays) {
  Stats mixed;
  double jobs = 0;
  for (const WorkWindow& w : windows)
    jobs += w.jobs;
  mixed.throughput =
      jobs / std::max(1e-9, windows.back().start + windows.back().duration - windows.front().start);
  mixed.mean = mean;
  mixed.p50 = model::LatencyGrid::mixture_quantile(parts, weights, 0.5, delays);
  mixed.p95 = model::LatencyGrid::mixture_quantile(parts, weights, 0.95, delays);
  mixed.p99 = model::LatencyGrid::mixture_quantile(parts, weights, 0.99, delays);
  return mixed;
}

}  // namespace kendall::validation::detail
