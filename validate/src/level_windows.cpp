#include "kendall/validate/level_windows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kendall/model/system_model.hpp"
#include "kendall/validate/calibrate.hpp"
#include "level_prediction.hpp"

namespace kendall::validation {

namespace {

constexpr const char* kServed = "kendall_service_time_seconds";

// The level's work with the means of the span from `a` to `b`, whose jobs' time in service
// (kendall_service_time_seconds) is `served`.
LevelWork work_between(const LevelSample& a, const LevelSample& b, const PromHistogram& served,
                       const LevelWork& level_work) {
  LevelWork work = level_work;
  work.hold_mean = worker_hold_per_job(*a.metrics, *b.metrics);
  work.job_mean = served.mean();
  if (a.service_cpu && b.service_cpu)
    work.service_cpu = (*b.service_cpu - *a.service_cpu) / served.count;
  else
    work.service_cpu.reset();
  work.machine_cpu = (b.machine_cpu - a.machine_cpu) / served.count;
  return work;
}

// The jobs-weighted relative variance of the windows' per-job means `of` around their mean,
// less what sampling alone gives (SCV / jobs in a window): the drift of the host's speed
// between windows. 0 without the means.
template <typename Mean>
double drift_between(const std::vector<WorkWindow>& windows, Mean of, std::optional<double> scv) {
  double jobs = 0;
  double sum = 0;
  for (const WorkWindow& w : windows) {
    if (!of(w))
      return 0;
    jobs += w.jobs;
    sum += w.jobs * *of(w);
  }
  if (!(jobs > 0) || !(sum > 0))
    return 0;
  const double mean = sum / jobs;
  double spread = 0;
  for (const WorkWindow& w : windows) {
    const double relative = *of(w) / mean - 1;
    spread += w.jobs * (relative * relative - scv.value_or(0) / w.jobs);
  }
  return std::max(0.0, spread / jobs);
}

// I(m) + m V: a drift of relative variance V between windows adds m V to the index of blocks of
// m jobs; with −V, what the windows' own means leave of it.
void add_drift(std::vector<model::DispersionPoint>& points, double variance) {
  for (model::DispersionPoint& p : points)
    p.index = std::max(0.0, p.index + p.jobs * variance);
}

}  // namespace

std::vector<WorkWindow> split_windows(const std::vector<LevelSample>& samples,
                                      const LevelWork& level_work, double shortest,
                                      double fewest_jobs) {
  std::vector<WorkWindow> windows;
  if (samples.size() < 2)
    return windows;
  // Each sample's count of jobs served, read once; no windows without Kendall's metrics.
  std::vector<PromHistogram> served;
  for (const LevelSample& sample : samples) {
    auto histogram = sample.metrics ? find_histogram(*sample.metrics, kServed) : std::nullopt;
    if (!histogram)
      return windows;
    served.push_back(*std::move(histogram));
  }
  // The samples that close a window: every one whose span is long and busy enough, and the last.
  std::vector<std::size_t> ends;
  std::size_t from = 0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const bool last = i + 1 == samples.size();
    const double span = samples[i].seconds - samples[from].seconds;
    const double jobs = served[i].count - served[from].count;
    if (span >= shortest && jobs >= fewest_jobs) {
      ends.push_back(i);
      from = i;
    } else if (last && !ends.empty()) {
      ends.back() = i;  // the short tail joins the window before it
    } else if (last) {
      ends.push_back(i);
    }
  }
  std::size_t start = 0;
  for (const std::size_t end : ends) {
    const LevelSample& a = samples[start];
    const LevelSample& b = samples[end];
    const PromHistogram between = served[end].since(served[start]);
    if (between.count > 0)
      windows.push_back({a.seconds, b.seconds - a.seconds, between.count,
                         work_between(a, b, between, level_work)});
    start = end;
  }
  // The windows carry the drift of the host's speed between them; the runs within a window are
  // what the level's index of dispersion has beyond it.
  const double hold_drift = drift_between(
      windows, [](const WorkWindow& w) { return w.work.hold_mean; }, level_work.hold_scv);
  const double cpu_drift = drift_between(
      windows, [](const WorkWindow& w) { return w.work.service_cpu; }, level_work.cpu_scv);
  for (WorkWindow& w : windows) {
    add_drift(w.work.hold_dispersion, -hold_drift);
    add_drift(w.work.cpu_dispersion, -cpu_drift);
  }
  return windows;
}

namespace {

// Two consecutive windows as one: the per-job means weighted by the jobs.
WorkWindow joined(const WorkWindow& a, const WorkWindow& b) {
  const double jobs = a.jobs + b.jobs;
  const auto mix = [&](std::optional<double> x, std::optional<double> y) -> std::optional<double> {
    if (!x || !y)
      return std::nullopt;
    return (a.jobs * *x + b.jobs * *y) / jobs;
  };
  WorkWindow both = a;
  both.duration = b.start + b.duration - a.start;
  both.jobs = jobs;
  both.work.hold_mean = mix(a.work.hold_mean, b.work.hold_mean);
  both.work.job_mean = mix(a.work.job_mean, b.work.job_mean);
  both.work.service_cpu = mix(a.work.service_cpu, b.work.service_cpu);
  both.work.machine_cpu = *mix(a.work.machine_cpu, b.work.machine_cpu);
  // What differed between the two is now a drift within one window.
  const std::vector<WorkWindow> parts{a, b};
  add_drift(both.work.hold_dispersion,
            drift_between(parts, [](const WorkWindow& w) { return w.work.hold_mean; }, {}));
  add_drift(both.work.cpu_dispersion,
            drift_between(parts, [](const WorkWindow& w) { return w.work.service_cpu; }, {}));
  return both;
}

// One window as the model sees it.
struct Modelled {
  WorkWindow window;
  int parts = 1;
  double load = 0;
  LevelInputs cpu;  ///< the window's inputs before matching the hold
  double utilization = 0;
  double relaxation = 0;  ///< seconds; infinite at or beyond saturation
};

Modelled model_window(const LevelModel& levels, const WorkWindow& window, int workers,
                      int population) {
  Modelled m;
  m.window = window;
  m.load = levels.closed ? population : window.rate();
  m.cpu = levels.inputs(window.work, workers);
  m.utilization = predicted_utilization(levels.work_only().at(m.load, m.cpu));
  // A closed population cannot overload the service; its windows settle as fast as it cycles.
  if (levels.closed)
    return m;
  const double rho = m.utilization;
  const double variability = m.cpu.arrival_scv.value_or(1) +
                             m.cpu.service_scv.value_or(levels.base.services[0].service_time.scv);
  m.relaxation = rho < 1 && window.rate() > 0
                     ? 2 * variability * rho * rho / (window.rate() * (1 - rho) * (1 - rho))
                     : std::numeric_limits<double>::infinity();
  return m;
}

}  // namespace

WindowedPrediction predict_windows(const LevelModel& levels, const std::vector<WorkWindow>& windows,
                                   int workers, int population) {
  std::vector<Modelled> modelled;
  for (const WorkWindow& window : windows)
    modelled.push_back(model_window(levels, window, workers, population));
  // A window is its own steady state only if the queue settles well within it: its relaxation
  // time (reflected Brownian motion's 2σ²/δ², Abate and Whitt 1987; 1.6 s for M/M/1 at 0.95 of
  // 1000/s, 40 s at 0.99) must be under a quarter of it. Else it joins its less loaded
  // neighbour, until every window settles or the level is one window.
  const auto unsettled = [&] {
    return std::find_if(modelled.begin(), modelled.end(),
                        [](const Modelled& m) { return m.relaxation > m.window.duration / 4; });
  };
  for (auto worst = unsettled(); worst != modelled.end() && modelled.size() > 1;
       worst = unsettled()) {
    const auto at = static_cast<std::size_t>(worst - modelled.begin());
    const bool take_next = at == 0 || (at + 1 < modelled.size() &&
                                       modelled[at + 1].utilization < modelled[at - 1].utilization);
    const std::size_t first = take_next ? at : at - 1;
    const int parts = modelled[first].parts + modelled[first + 1].parts;
    modelled[first] = model_window(
        levels, joined(modelled[first].window, modelled[first + 1].window), workers, population);
    modelled[first].parts = parts;
    modelled.erase(modelled.begin() + static_cast<std::ptrdiff_t>(first) + 1);
  }

  WindowedPrediction out;
  std::vector<model::LatencyGrid> grids;
  std::vector<double> weights;
  double mean = 0;
  double jobs = 0;
  bool stable = true;
  for (const Modelled& m : modelled) {
    const WorkWindow& window = m.window;
    const LevelInputs inputs = window.work.hold_mean
                                   ? levels.matched_to_hold(m.cpu, m.load, *window.work.hold_mean)
                                   : m.cpu;
    WindowResult result;
    result.start = window.start;
    result.duration = window.duration;
    result.jobs = window.jobs;
    result.parts = m.parts;
    result.utilization = m.utilization;
    result.service_time = inputs.service_mean;
    const model::SystemResult solved = model::analyze(levels.at(m.load, inputs));
    const model::ClassResult* c = solved.classes.empty() ? nullptr : &solved.classes[0];
    if (solved.stable && c && c->mean_response_time && c->response_time_distribution) {
      result.mean = *c->mean_response_time;
      mean += window.jobs * *result.mean;
      jobs += window.jobs;
      grids.push_back(*c->response_time_distribution);
      weights.push_back(window.jobs);
    } else {
      stable = false;
    }
    out.windows.push_back(result);
  }
  if (!stable || grids.size() < 2 || !(jobs > 0))
    return out;
  std::vector<const model::LatencyGrid*> parts;
  for (std::size_t i = 0; i < grids.size(); ++i) {
    parts.push_back(&grids[i]);
    weights[i] /= jobs;
  }
  Stats mixed;
  mixed.throughput =
      jobs / std::max(1e-9, windows.back().start + windows.back().duration - windows.front().start);
  mixed.mean = mean / jobs;
  mixed.p50 = model::LatencyGrid::mixture_quantile(parts, weights, 0.5);
  mixed.p95 = model::LatencyGrid::mixture_quantile(parts, weights, 0.95);
  mixed.p99 = model::LatencyGrid::mixture_quantile(parts, weights, 0.99);
  out.mixed = mixed;
  return out;
}

std::optional<double> rate_for_fraction(const LevelModel& levels, const WorkWindow& window,
                                        int workers, double fraction, double fewest_jobs) {
  if (window.jobs < fewest_jobs)
    return std::nullopt;
  const LevelInputs inputs = levels.inputs(window.work, workers);
  if (!inputs.from_level)
    return std::nullopt;
  return fraction * levels.with_work(inputs, window.rate()).saturation_rate();
}

void add_measured_means(std::vector<WindowResult>& windows,
                        const std::vector<loadgen::SecondStats>& series) {
  for (WindowResult& window : windows) {
    double latency = 0;
    double responses = 0;
    for (std::size_t second = 0; second < series.size(); ++second) {
      const double middle = static_cast<double>(second) + 0.5;
      if (middle >= window.start && middle < window.start + window.duration) {
        latency += series[second].latency_sum;
        responses += static_cast<double>(series[second].responses);
      }
    }
    if (responses > 0)
      window.measured_mean = latency / responses;
  }
}

}  // namespace kendall::validation
