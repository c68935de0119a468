#include "kendall/validate/level_windows.hpp"

#include <algorithm>
#include <cmath>

#include "kendall/model/system_model.hpp"
#include "kendall/validate/calibrate.hpp"
#include "level_prediction.hpp"
#include "window_fluid.hpp"

namespace kendall::validation {

namespace {

constexpr const char* kServed = "kendall_service_time_seconds";
constexpr const char* kRequests = "kendall_http_request_duration_seconds";

// The server's requests but the level's own scrapes of /metrics (five a second, each a few
// microseconds, pulling a window's mean below its logins' own); nothing without the histogram.
std::optional<PromHistogram> requests_served(const Samples& metrics) {
  const std::optional<PromHistogram> every_route = total_histogram(metrics, kRequests);
  const std::optional<PromHistogram> scrapes =
      find_histogram(metrics, kRequests, "route=\"metrics\"");
  return every_route && scrapes ? every_route->since(*scrapes) : every_route;
}

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
  work.worker_cpu = worker_cpu_per_job(*a.metrics, *b.metrics);
  return work;
}

// The drift of the host's speed between windows, relative to the level's mean: its variance and
// third central moment.
struct Drift {
  double variance = 0;
  double third = 0;
};

// The jobs-weighted relative variance of the windows' per-job means `of` around their mean,
// less what sampling alone gives (SCV / jobs in a window), and their third central moment (what
// sampling gives it, κ₃ / jobs², is under 1e-5 for a second's jobs and left in): the drift of
// the host's speed between windows. 0 without the means.
template <typename Mean>
Drift drift_between(const std::vector<WorkWindow>& windows, Mean of, std::optional<double> scv) {
  double jobs = 0;
  double sum = 0;
  for (const WorkWindow& w : windows) {
    if (!of(w))
      return {};
    jobs += w.jobs;
    sum += w.jobs * *of(w);
  }
  if (!(jobs > 0) || !(sum > 0))
    return {};
  const double mean = sum / jobs;
  double spread = 0, third = 0;
  for (const WorkWindow& w : windows) {
    const double relative = *of(w) / mean - 1;
    spread += w.jobs * (relative * relative - scv.value_or(0) / w.jobs);
    third += w.jobs * relative * relative * relative;
  }
  return {std::max(0.0, spread / jobs), third / jobs};
}

// I(m) − m V and K(m) − m² T: a drift of relative variance V and third central moment T between
// windows, the same for a block's m jobs, adds m² V / m to the index of blocks of m jobs and
// m³ T / m to their skew index; the windows' own means carry it, and what is left are the runs
// within a window. A level whose first four seconds ran 10-30% slower than the rest (2026-12-05)
// owed 14 of its skew index of 31.5 at 128 jobs to that drift, which every window read as runs.
void remove_drift(std::vector<model::DispersionPoint>& points, const Drift& drift) {
  for (model::DispersionPoint& p : points) {
    p.index = std::max(0.0, p.index - p.jobs * drift.variance);
    if (p.skew_index)
      *p.skew_index -= p.jobs * p.jobs * drift.third;
  }
}

// The rate the load generator was asked for from sample `from` to sample `to`; empty without
// the requests asked for (closed loop, or a load without a rate).
std::optional<double> offered_between(const LevelSample& from, const LevelSample& to) {
  const double span = to.seconds - from.seconds;
  if (!from.offered || !to.offered || !(span > 0))
    return std::nullopt;
  return (*to.offered - *from.offered) / span;
}

// A window's per-job mean is a sample of its jobs: with an SCV s over n jobs it strays from the
// speed the host ran at by a relative variance s / n by chance alone, which the model's SCV
// already counts (a 1 s window of 1000 exponential jobs strays ±3%, which at 0.9 would add about
// a tenth to the wait once more). Each mean moves toward the level's by that chance's share,
// m + V / (V + s/n) (x − m) for a drift of relative variance V between the windows: the best
// linear predictor of the window's own speed. CPU-bound windows (s ≈ 0.01) keep their means.
template <typename Member>
void shrink_to_level(std::vector<WorkWindow>& windows, Member member, std::optional<double> scv,
                     double drift) {
  if (!scv || windows.size() < 2)
    return;
  double jobs = 0;
  double sum = 0;
  for (WorkWindow& w : windows) {
    if (!member(w) || !(w.jobs > 0))
      return;
    jobs += w.jobs;
    sum += w.jobs * *member(w);
  }
  const double level = sum / jobs;
  for (WorkWindow& w : windows) {
    const double chance = *scv / w.jobs;
    const double kept = drift + chance > 0 ? drift / (drift + chance) : 1;
    member(w) = level + kept * (*member(w) - level);
  }
}

// The machine's CPU besides the workers' own as the level's rate in every window, as fast or
// slow as the window's work: a window's share of it is a difference of /proc/stat's 10 ms ticks
// over two cores, at 0.2 of 4 workers on 2 cores ±1 tick of about 10 busy (a run on 2026-12-04
// put those windows at utilization 0.17 to 0.53 where the workers' exact CPU moved by 4%), while
// the load generator, the I/O thread and the kernel keep a steady 0.13-0.20 cores busy from 146
// to 886 logins/s (docs/validate.md). A spell of the host slows their CPU as it slows the work.
void spread_background(std::vector<WorkWindow>& windows) {
  double machine = 0;
  double work = 0;
  double jobs = 0;
  double seconds = 0;
  for (const WorkWindow& w : windows) {
    machine += w.work.machine_cpu * w.jobs;
    work += *w.work.worker_cpu * w.jobs;
    jobs += w.jobs;
    seconds += w.duration;
  }
  if (!(seconds > 0) || !(work > 0))
    return;
  const double cores = std::max(0.0, machine - work) / seconds;
  const double typical_work = work / jobs;
  for (WorkWindow& w : windows)
    if (w.arrival_rate() > 0)
      w.work.machine_cpu = *w.work.worker_cpu * (1 + cores / typical_work / w.arrival_rate());
}

}  // namespace

void attach_steal_trace(std::vector<WorkWindow>& windows, const std::vector<StealPoint>& trace) {
  // The readings come in time order: each window's are one run of them.
  const auto after = [](const StealPoint& point, double t) { return point.seconds <= t; };
  for (WorkWindow& w : windows) {
    const auto from = std::lower_bound(trace.begin(), trace.end(), w.start, after);
    const auto to = std::lower_bound(from, trace.end(), w.start + w.duration, after);
    w.steal_trace.assign(from, to);
  }
}

std::vector<PaceSpan> steal_paces(const WorkWindow& window) {
  // The readings as stretches of one share of the cores taken, then each share as a pace.
  std::vector<PaceSpan> spans;  // `pace` holds the share until the mean is known
  double from = window.start;
  for (const StealPoint& point : window.steal_trace) {
    const double span = std::max(0.0, point.seconds - from);
    const double share = std::clamp(point.share, 0.0, 1.0);
    if (!spans.empty() && spans.back().pace == share)
      spans.back().duration += span;
    else
      spans.push_back({span, share});
    from = point.seconds;
  }
  double covered = 0;
  double taken = 0;
  for (const PaceSpan& span : spans) {
    covered += span.duration;
    taken += span.duration * span.pace;
  }
  const double mean = covered > 0 ? std::min(0.95, taken / covered) : 0;
  for (PaceSpan& span : spans)
    span.pace = (1 - span.pace) / (1 - mean);
  const double rest = std::max(0.0, window.start + window.duration - from);
  if (!spans.empty() && spans.back().pace == 1)
    spans.back().duration += rest;
  else if (rest > 0 || spans.empty())
    spans.push_back({rest, 1});
  return spans;
}

void attach_stops(std::vector<WorkWindow>& windows, const std::vector<StopSpan>& stops) {
  for (WorkWindow& w : windows) {
    w.stops.clear();
    const double end = w.start + w.duration;
    for (const StopSpan& stop : stops)
      if (stop.ended > w.start && stop.began < end)
        w.stops.push_back({std::max(stop.began, w.start), std::min(stop.ended, end)});
  }
}

std::vector<PaceSpan> window_spans(const WorkWindow& window) {
  std::vector<PaceSpan> paces = steal_paces(window);
  if (window.stops.empty())
    return paces;
  std::vector<PaceSpan> spans;
  // A held stretch across a change of pace stays one, at its mean pace: its arrivals reach the
  // service together when the stop ends.
  const auto add = [&spans](double duration, double pace, bool held) {
    if (!(duration > 0))
      return;
    if (held && !spans.empty() && spans.back().held) {
      PaceSpan& last = spans.back();
      last.pace = (last.pace * last.duration + pace * duration) / (last.duration + duration);
      last.duration += duration;
    } else {
      spans.push_back({duration, pace, held});
    }
  };
  auto stop = window.stops.begin();
  double from = window.start;
  for (const PaceSpan& pace : paces) {
    const double end = from + pace.duration;
    for (double at = from; at < end;) {
      while (stop != window.stops.end() && stop->ended <= at)
        ++stop;
      const bool held = stop != window.stops.end() && stop->began <= at;
      const double next = stop == window.stops.end() ? end
                          : held                     ? std::min(end, stop->ended)
                                                     : std::min(end, stop->began);
      add(next - at, pace.pace, held);
      at = next;
    }
    from = end;
  }
  return spans;
}

std::optional<double> send_gap_scv_between_stops(const loadgen::SendGaps& gaps,
                                                 const std::vector<StopSpan>& stops) {
  const std::optional<double> scv = gaps.scv();
  const double mean = gaps.mean();
  if (!scv || stops.empty() || !(mean > 0))
    return scv;
  double squares = 0;
  for (const StopSpan& stop : stops)
    squares += stop.length() * stop.length();
  const double share = squares / (static_cast<double>(gaps.count) * mean * mean);
  return std::max(std::min(*scv, 1.0), *scv - share);
}

WindowResult measured_result(const WorkWindow& window) {
  WindowResult result;
  result.start = window.start;
  result.duration = window.duration;
  result.jobs = window.jobs;
  result.offered_rate = window.offered;
  result.measured_server_mean = window.server_mean;
  result.measured_service_cpu = window.work.service_cpu;
  result.measured_worker_cpu = window.work.worker_cpu;
  result.measured_hold_scv = window.hold_scv;
  result.host_steal = window.steal;
  return result;
}

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
    if (between.count > 0) {
      const auto requests_before = requests_served(*a.metrics);
      const auto requests_after = requests_served(*b.metrics);
      const bool requested =
          requests_before && requests_after && requests_after->count > requests_before->count;
      windows.push_back(
          {a.seconds, b.seconds - a.seconds, between.count, work_between(a, b, between, level_work),
           offered_between(a, b),
           requested ? std::optional(requests_after->since(*requests_before).mean()) : std::nullopt,
           b.machine_steal - a.machine_steal, worker_hold_scv(*a.metrics, *b.metrics)});
    }
    start = end;
  }
  // The windows carry the drift of the host's speed between them; the runs within a window are
  // what the level's index of dispersion has beyond it.
  const Drift hold_drift = drift_between(
      windows, [](const WorkWindow& w) { return w.work.hold_mean; }, level_work.hold_scv);
  // The CPU work the time-shared model takes: the workers' own where every window counts it.
  const bool by_worker = std::all_of(windows.begin(), windows.end(), [](const WorkWindow& w) {
    return w.work.worker_cpu.has_value();
  });
  const auto cpu_work = [by_worker](WorkWindow& w) -> std::optional<double>& {
    return by_worker ? w.work.worker_cpu : w.work.service_cpu;
  };
  const Drift cpu_drift = drift_between(
      windows,
      [by_worker](const WorkWindow& w) {
        return by_worker ? w.work.worker_cpu : w.work.service_cpu;
      },
      level_work.cpu_scv);
  for (WorkWindow& w : windows) {
    remove_drift(w.work.hold_dispersion, hold_drift);
    remove_drift(w.work.cpu_dispersion, cpu_drift);
  }
  shrink_to_level(
      windows, [](WorkWindow& w) -> std::optional<double>& { return w.work.hold_mean; },
      level_work.hold_scv, hold_drift.variance);
  std::vector<std::optional<double>> cpu_before;
  for (WorkWindow& w : windows)
    cpu_before.push_back(cpu_work(w));
  shrink_to_level(windows, cpu_work, level_work.cpu_scv, cpu_drift.variance);
  // What the machine did besides the service stays as measured (spread_background then takes
  // the level's background from these, less the shrunk work).
  for (std::size_t k = 0; k < windows.size(); ++k)
    if (cpu_before[k] && cpu_work(windows[k]))
      windows[k].work.machine_cpu += *cpu_work(windows[k]) - *cpu_before[k];
  if (by_worker && level_work.worker_cpu)
    spread_background(windows);
  return windows;
}

LevelInputs window_inputs(const LevelModel& levels, const WorkWindow& window, int workers,
                          int population, std::optional<double> off_core_share) {
  const LevelInputs cpu = levels.inputs(window.work, workers);
  if (off_core_share && cpu.time_shared && !levels.closed) {
    LevelInputs raised = cpu;
    raised.off_core = cpu.service_mean * *off_core_share;
    raised.service_mean += raised.off_core;
    return raised;
  }
  if (!window.work.hold_mean)
    return cpu;
  const double load = levels.closed ? population : window.rate();
  return levels.matched_to_hold(cpu, load, *window.work.hold_mean);
}

WindowedPrediction predict_windows(const LevelModel& levels, const std::vector<WorkWindow>& windows,
                                   int workers, int population,
                                   std::optional<double> off_core_share) {
  // Open loop: one queue across the windows, its backlog carried from one to the next.
  if (!levels.closed) {
    WindowedPrediction out = detail::predict_fluid(levels, windows, workers, off_core_share);
    if (windows.size() < 2)
      out.mixed.reset();
    return out;
  }
  // Closed: a population cannot overload the service, and its queue settles as fast as the
  // users cycle; each window is its own steady state.
  WindowedPrediction out;
  std::vector<model::LatencyGrid> grids;
  std::vector<double> weights;
  double mean = 0;
  double jobs = 0;
  bool stable = true;
  for (const WorkWindow& window : windows) {
    const LevelInputs cpu = levels.inputs(window.work, workers);
    const LevelInputs inputs = window_inputs(levels, window, workers, population);
    WindowResult result = measured_result(window);
    result.utilization = predicted_utilization(levels.work_only().at(population, cpu));
    result.service_time = inputs.service_mean;
    const model::SystemResult solved = model::analyze(levels.at(population, inputs));
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
    out.inputs.push_back(inputs);
  }
  if (!stable || grids.size() < 2 || !(jobs > 0))
    return out;
  std::vector<const model::LatencyGrid*> parts;
  for (std::size_t i = 0; i < grids.size(); ++i) {
    parts.push_back(&grids[i]);
    weights[i] /= jobs;
  }
  out.mixed = detail::mixed_stats(windows, mean / jobs, parts, weights);
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

const LevelSample& placement_span(std::deque<LevelSample>& recent, double longest) {
  const LevelSample& last = recent.back();
  std::size_t from = recent.size() - 1;
  for (std::size_t i = recent.size() - 1; i-- > 0;) {
    if (last.seconds - recent[i].seconds > longest + 1e-9)
      break;
    from = i;
    if (!recent[i].metrics || !last.metrics)
      continue;
    const auto jobs_before = find_sample(*recent[i].metrics, "kendall_worker_jobs_total");
    const auto jobs_after = find_sample(*last.metrics, "kendall_worker_jobs_total");
    const auto scv = worker_hold_scv(*recent[i].metrics, *last.metrics);
    if (jobs_before && jobs_after && scv && *jobs_after > *jobs_before &&
        *scv / (*jobs_after - *jobs_before) <= 1e-4)
      break;
  }
  recent.erase(recent.begin(), recent.begin() + static_cast<std::ptrdiff_t>(from));
  return recent.front();
}

void add_measured_seconds(std::vector<WindowResult>& windows,
                          const std::vector<loadgen::SecondStats>& series) {
  for (WindowResult& window : windows) {
    double latency = 0;
    double responses = 0;
    std::uint64_t late = 0;
    for (std::size_t second = 0; second < series.size(); ++second) {
      const double middle = static_cast<double>(second) + 0.5;
      if (middle >= window.start && middle < window.start + window.duration) {
        latency += series[second].latency_sum;
        responses += static_cast<double>(series[second].responses);
        late += series[second].late_sends;
      }
    }
    window.measured_late_sends = late;
    if (responses > 0)
      window.measured_mean = latency / responses;
  }
}

}  // namespace kendall::validation
