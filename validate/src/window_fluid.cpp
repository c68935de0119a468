// An open-loop level's windows carried one into the next. The means come from a birth–death
// chain over the queue's distribution (queue_chain.hpp, chain_window_means below): on windows
// shorter than the queue takes to settle, a fluid of the mean alone drains spells too slowly
// (+5.9% on 22 levels of the 2-worker Argon2id row at "0.9", against an exact simulation of the
// same windows; the chain +0.5%). Workers time-sharing cores keep the fluid's means. The
// percentiles come from the fluid: the pointwise stationary fluid flow approximation (PSFFA:
// Wang, Tipper and Banerjee, "A simple approximation for modeling nonstationary queues",
// INFOCOM 1996). The
// service's mean number in system x follows
//     dx/dt = λ_k − G_k⁻¹(x)
// in window k, where G_k(λ) is the number the window's stationary model holds at arrival rate
// λ: the queue leaves at the rate that would keep x in steady state. A window whose load stays
// put settles at its stationary x = G_k(λ_k); a slow spell beyond saturation (the 2-core VM ran
// hashes 10% slower for a second or two, 2026-12-03) grows a backlog that the next windows
// drain, which each window's steady state alone misses: in one run the window after such a
// spell measured 23.6 ms where its steady state said 9.5 ms.
//
// An arrival that finds x up to the window's own steady state x_k = G_k(λ_k) takes the latency
// distribution of the stationary model at the rate G_k⁻¹(x) (the load that holds x). Beyond it
// (a backlog from a spell, or a window beyond saturation, whose reference is the load of the
// last window below it) it takes x_k's distribution later by the backlog x − x_k at the
// window's capacity, the backlog spread as a gamma of the variance the arrivals and departures
// gave it while it lasted (λ c_a² + departures × c_s² a second), at most a steady state's
// (exponential). A steady state as long as the backlog put the tail far too wide: against the
// simulator on spells of 0.5–2 s at 1.05–1.5, p99 was up to 2.7× the simulator's and is now
// within −7% to +29%, p95 from −39%..+71% to −11%..+17% (tests/validate/window_replay_test.cpp).
// The level mixes them by arrivals.
//
// Within a window the queue leaves at the window's pace times (1 − r(t)) / (1 − r̄), r(t) the
// share of the machine's cores the hypervisor took around t (steal, read every 10 ms) and r̄ its
// mean over the window: the window's work already carries the mean loss, the trace says when it
// fell. The hypervisor takes this VM's two cores in bursts (one at a time, in turn, for 100–150
// ms), and the backlog such a burst grows at 0.9 drains for the next second: in ten runs of "0.8"
// and "0.9" with 130–270 ms of steal in a window the model was 4–20% low without the trace and
// within 5% with it (docs/validate.md).
//
// A stop of the machine (window_spans: the pause meter's, where the model holds them) freezes the
// requests' path: its arrivals wait outside, which the level's path already holds request by
// request, and reach the service together at its end, while the jobs inside go on being served.
// The chain and the fluid take no arrivals through the stop and then all of them at once, one
// behind another: at 0.9 a 20 ms stop's 58 requests drain for about 0.2 s, which a window's
// average work spreads over its whole second.
#include "window_fluid.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include <boost/math/special_functions/gamma.hpp>

#include "kendall/model/system_model.hpp"
#include "kendall/validate/queue_chain.hpp"
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
// beyond its reference point (that point's index, and logarithmic bins of 2% from 0.1 ms).
struct Found {
  std::vector<double> at_point;
  std::map<std::pair<std::size_t, int>, double> beyond;
  double arrivals = 0;
  double latency_sum = 0;
};

// A backlog's spread as equally likely delays: a gamma of the backlog's mean and variance (in
// requests) at `capacity`, at the midpoints of kSpreadPoints equal slices, rescaled to keep the
// mean exactly. The gamma's shape is taken in bins of 2% (the quantiles, over their mean, cached
// by bin): the fluid asks at every step, and inverting the gamma there took most of a level's
// modelling.
constexpr int kSpreadPoints = 8;
using Spread = std::array<double, kSpreadPoints>;

class SpreadDelays {
 public:
  Spread operator()(double mean, double variance, double capacity) {
    Spread delays{};
    const double shape = variance > 0 ? mean * mean / variance : kNarrowest;
    if (shape >= kNarrowest) {
      delays.fill(mean / capacity);
      return delays;
    }
    const int bin = static_cast<int>(std::lround(std::log(shape) * kBinsPerE));
    auto it = by_bin_.find(bin);
    if (it == by_bin_.end())
      it = by_bin_.emplace(bin, standard(std::exp(bin / kBinsPerE))).first;
    for (int j = 0; j < kSpreadPoints; ++j)
      delays[j] = it->second[j] * mean / capacity;
    return delays;
  }

 private:
  static constexpr double kNarrowest = 1e4;  // beyond: a spread of under 1%, none
  static constexpr double kBinsPerE = 50;
  // The quantiles of a gamma of `shape` at the slices' midpoints, over their mean.
  static Spread standard(double shape) {
    Spread points{};
    double sum = 0;
    for (int j = 0; j < kSpreadPoints; ++j) {
      points[j] = boost::math::gamma_p_inv(shape, (j + 0.5) / kSpreadPoints);
      sum += points[j];
    }
    for (double& p : points)
      p *= kSpreadPoints / sum;
    return points;
  }
  std::map<int, Spread> by_bin_;
};

// The point of a window's curve whose steady state a backlog beyond it is added to: the
// window's own load, or beyond saturation the load `fraction` of its capacity.
std::size_t reference_point(const Curve& curve, double rate, double fraction) {
  const double reference = rate < curve.rates.back() ? rate : fraction * curve.capacity;
  const auto above =
      std::upper_bound(curve.rates.begin(), curve.rates.end(), reference * (1 + 1e-9));
  return above == curve.rates.begin() ? 0
                                      : static_cast<std::size_t>(above - curve.rates.begin()) - 1;
}

constexpr double kShortestDelay = 1e-4;
constexpr double kBinsPerE = 50;

int delay_bin(double delay) {
  return static_cast<int>(std::lround(std::log(delay / kShortestDelay) * kBinsPerE));
}
double bin_delay(int bin) {
  return kShortestDelay * std::exp(bin / kBinsPerE);
}

// Each window's mean latency from the unit chain (queue_chain.hpp) carried across the windows:
// its mean number in the service over the window's arrivals (Little), plus the path outside
// the service at the window's load. The chain's unit is the one whose steady state holds the
// typical window's number on its curve (a G/G/c queue's, which the curve's model gives: its
// arrivals' and work's SCVs and runs); its servers are the workers, each serving the window's
// capacity over them, paced by the steal read in it.
std::vector<double> chain_window_means(const std::vector<WorkWindow>& windows,
                                       const std::vector<Curve>& curves, int workers,
                                       double typical, double start_rate) {
  std::size_t model_window = 0;
  for (std::size_t k = 0; k < windows.size(); ++k)
    if (std::abs(windows[k].arrival_rate() / curves[k].capacity - typical) <
        std::abs(windows[model_window].arrival_rate() / curves[model_window].capacity - typical))
      model_window = k;
  const int servers = workers;
  const Curve& fitted = curves[model_window];
  const double fitted_rate = windows[model_window].arrival_rate();
  const double unit =
      fitted_rate < fitted.rates.back()
          ? UnitChain::fit_unit(fitted_rate, fitted.capacity / servers, servers,
                                settled_number(fitted, fitted_rate))
          : UnitChain::fit_unit(0.9 * fitted.capacity, fitted.capacity / servers, servers,
                                settled_number(fitted, 0.9 * fitted.capacity));
  UnitChain chain(unit, servers);
  chain.settle(start_rate < curves[0].capacity ? start_rate : 0, curves[0].capacity / servers);
  std::vector<double> means;
  for (std::size_t k = 0; k < windows.size(); ++k) {
    const Curve& curve = curves[k];
    const double rate = windows[k].arrival_rate();
    double area = 0;
    for (const PaceSpan& span : window_spans(windows[k])) {
      area +=
          chain.advance(span.held ? 0 : rate, curve.capacity / servers * span.pace, span.duration);
      if (span.held)
        chain.arrive(rate * span.duration);
    }
    // The path outside the service: the class's latency less the service's own (number / rate)
    // at the curve's point nearest the window's load.
    const std::size_t at = reference_point(curve, std::min(rate, curve.rates.back()), 0.9);
    const double path = curve.latency[at] - curve.number[at] / curve.rates[at];
    const double arrivals = rate * windows[k].duration;
    means.push_back(arrivals > 0 ? area / arrivals + path : curve.latency[at]);
  }
  return means;
}

}  // namespace

WindowedPrediction predict_fluid(const LevelModel& levels, const std::vector<WorkWindow>& windows,
                                 int workers, std::optional<double> off_core_share) {
  WindowedPrediction out;
  std::vector<Curve> curves;
  bool complete = true;
  for (const WorkWindow& window : windows) {
    const LevelInputs cpu = levels.inputs(window.work, workers);
    const LevelInputs inputs = window_inputs(levels, window, workers, 0, off_core_share);
    curves.push_back(curve_of(levels, inputs, window.arrival_rate()));
    WindowResult result = measured_result(window);
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
  // The level starts where its first window settles at the level's typical load (the median of
  // the windows' loads over their capacities): the levels run back to back, the one before at a
  // lower load, and near saturation a queue takes seconds to reach its steady state. The first
  // 0.2 s of a level can run its work slower (2.64 ms a job against 2.14 ms over the level, a run
  // on 2026-12-04): at 0.999 of its capacity, that window's steady state of hundreds of requests
  // took 6 s to drain in the model and never was, +352% on the level's mean. A level whose
  // typical load is beyond the first window's saturation grows its backlog from empty.
  std::vector<double> loads;
  for (std::size_t k = 0; k < windows.size(); ++k)
    loads.push_back(windows[k].arrival_rate() / curves[k].capacity);
  std::nth_element(loads.begin(), loads.begin() + static_cast<std::ptrdiff_t>(loads.size() / 2),
                   loads.end());
  const double typical = loads[loads.size() / 2];
  const double start_rate = std::min(windows[0].arrival_rate(), typical * curves[0].capacity);
  double x = start_rate < curves[0].rates.back() ? settled_number(curves[0], start_rate) : 0;
  // Workers time-sharing cores are processor sharing, which a chain of servers does not
  // describe: their windows keep the fluid's means (within +0.6% and +2.8% of the simulator's
  // replay at "0.8" and "0.9" on the 4-worker Argon2id row, 2026-12-05).
  const bool time_shared = std::any_of(curves.begin(), curves.end(),
                                       [](const Curve& c) { return c.inputs.time_shared; });
  const std::vector<double> chain_means =
      time_shared ? std::vector<double>{}
                  : chain_window_means(windows, curves, workers, typical, start_rate);
  // A window beyond saturation keeps the load of the last one below it as its reference.
  double reference_fraction = 0.9;
  double spread = 0;  // the variance of the backlog beyond the reference, in requests²
  SpreadDelays spread_delays;
  for (std::size_t k = 0; k < windows.size(); ++k) {
    const Curve& curve = curves[k];
    const double lambda = windows[k].arrival_rate();
    if (lambda < curve.rates.back())
      reference_fraction = lambda / curve.capacity;
    const std::size_t reference = reference_point(curve, lambda, reference_fraction);
    const double reference_number = curve.number[reference];
    // What the backlog's spread grows by a second: the arrivals' and the departures' own.
    const double arrival_scv = curve.inputs.arrival_scv.value_or(1.0);
    const double work_scv =
        curve.inputs.service_scv.value_or(levels.base.services[0].service_time.scv);
    Found& f = found[k];
    f.at_point.assign(curve.rates.size(), 0);
    // Where `arrivals` that find the queue at x (at `p` on the curve) go, and their mean
    // latency.
    const auto record = [&](double arrivals, const Position& p) {
      if (x > reference_number) {
        // A backlog beyond the window's own steady state: the requests it holds beyond it go
        // ahead at the window's capacity, then the steady state's own spread. The backlog is
        // spread as the chance of the arrivals and departures that grew and drained it made it
        // (its variance), at most as widely as a steady state's (exponential: its mean²).
        const double backlog = x - reference_number;
        spread = std::min(spread, backlog * backlog);
        for (const double delay : spread_delays(backlog, spread, curve.capacity)) {
          if (delay < kShortestDelay)
            f.at_point[reference] += arrivals / kSpreadPoints;
          else
            f.beyond[{reference, delay_bin(delay)}] += arrivals / kSpreadPoints;
        }
        f.latency_sum += arrivals * (curve.latency[reference] + backlog / curve.capacity);
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
    };
    for (const PaceSpan& span : window_spans(windows[k])) {
      // Through a stop the arrivals wait outside; the jobs inside go on being served.
      const double inflow = span.held ? 0 : lambda;
      const auto steps = std::max(1L, static_cast<long>(std::ceil(span.duration / step)));
      const double h = span.duration / static_cast<double>(steps);
      for (long s = 0; s < steps; ++s) {
        const Position p = locate(curve, x);
        const double leaving = departures(curve, p, x) * span.pace;
        if (inflow > 0)
          record(inflow * h, p);
        spread =
            x > reference_number ? spread + h * (inflow * arrival_scv + leaving * work_scv) : 0;
        x = std::max(0.0, x + h * (inflow - leaving));
      }
      if (!span.held)
        continue;
      // The stop's arrivals reach the service together, one behind another.
      const double held = lambda * span.duration;
      const double requests = std::max(1.0, std::ceil(held));
      for (double r = 0; r < requests; ++r) {
        record(held / requests, locate(curve, x));
        x += held / requests;
        if (x > reference_number)
          spread += held / requests * arrival_scv;
      }
    }
    if (!chain_means.empty())
      out.windows[k].mean = chain_means[k];
    else if (f.arrivals > 0)
      out.windows[k].mean = f.latency_sum / f.arrivals;
  }

  // The level's distribution: every point an arrival found, by the arrivals that found it. The
  // rarest points, together under 1e-4 of the arrivals, cannot move p99 and are left out (the
  // rest renormalised): each costs a convolution.
  double arrivals = 0;
  double latency_sum = 0;
  for (std::size_t k = 0; k < found.size(); ++k) {
    arrivals += found[k].arrivals;
    latency_sum += chain_means.empty() ? found[k].latency_sum : found[k].arrivals * chain_means[k];
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
    for (const auto& [where, weight] : found[k].beyond)
      found_parts.push_back({k, where.first, weight, bin_delay(where.second)});
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
