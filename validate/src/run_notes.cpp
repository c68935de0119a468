#include "kendall/validate/run_notes.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/model/speed_runs.hpp"

namespace kendall::validation {

namespace {

constexpr double kUnevenCores = 1.15;
// The gap between the windows' fluid and the simulator's replay worth a note.
constexpr double kFluidGap = 0.05;

// "cpu0 2.64 ms per job (48% of jobs), cpu1 1.66 ms (52%)".
std::string describe_cores(const std::vector<CoreSpeed>& cores) {
  double jobs = 0;
  for (const CoreSpeed& core : cores)
    jobs += core.jobs;
  std::string out;
  for (const CoreSpeed& core : cores)
    out += fmt::format("{}cpu{} {}{} ({:.0f}%{})", out.empty() ? "" : ", ", core.cpu,
                       format_duration(core.cpu_per_job), out.empty() ? " per job" : "",
                       100 * core.jobs / jobs, out.empty() ? " of jobs" : "");
  return out;
}

// "±15% over runs of ~200 jobs (skewness 1.3) and ±9% over runs of ~40 jobs": the fitted runs.
std::string describe_runs(const model::SpeedModel& speed) {
  std::string text;
  for (const model::SpeedRuns& r : speed.runs) {
    text += fmt::format("{}±{:.0f}% over runs of ~{:.0f} jobs", text.empty() ? "" : " and ",
                        100 * std::sqrt(r.variance), r.jobs);
    if (r.skewness != 0)
      text += fmt::format(" (skewness {:.1f})", r.skewness);
  }
  return text.empty() ? std::string("no runs") : text;
}

// When the windows ran 0.05 or more apart in utilization: what the windows said against the
// level's average inputs.
std::optional<std::string> moving_speed_note(std::size_t i, const LevelResult& level) {
  if (level.windows.empty() || !level.predicted_stationary)
    return std::nullopt;
  const auto [low, high] = std::minmax_element(
      level.windows.begin(), level.windows.end(),
      [](const WindowResult& a, const WindowResult& b) { return a.utilization < b.utilization; });
  if (high->utilization - low->utilization < 0.05)
    return std::nullopt;
  const Stats& average = *level.predicted_stationary;
  std::string text = fmt::format(
      "level {}: the host's speed moved during the level ({} windows at utilization {:.2f} to "
      "{:.2f}{}); ",
      i, level.windows.size(), low->utilization, high->utilization,
      high->utilization >= 1 ? ", a backlog grew in the ones at 1 or more" : "");
  if (level.predicted_from_windows)
    return text + fmt::format(
                      "the model mixes the windows; the level's average inputs would say "
                      "mean {}, p95 {}",
                      format_duration(average.mean), format_duration(average.p95));
  return text + "the model takes the level's average inputs";
}

// The windows' fluid against the simulator's replay of the same windows, where they part by
// over 5% and beyond the simulator's own interval: the simulator queues every request through
// the windows the model took, so the gap is the model's approximation's, not the inputs'. Before
// the windows' means came from the unit chain, the fluid's were above the replay on all 21
// levels of the 2-worker Argon2id row at "0.9" with 0.2 s windows, by +5.4% on average
// (docs/validate.md, 2026-12-05 afternoon).
std::optional<std::string> fluid_gap_note(std::size_t i, const LevelResult& level) {
  if (!level.predicted_from_windows || !level.predicted || !(level.simulated.mean > 0))
    return std::nullopt;
  const double model = level.predicted->mean;
  const double simulated = level.simulated.mean;
  const auto [low, high] = level.simulated_mean_ci;
  const double gap = model / simulated - 1;
  const bool beyond_interval = high > low ? model < low || model > high : true;
  if (std::abs(gap) <= kFluidGap || !beyond_interval)
    return std::nullopt;
  return fmt::format(
      "level {}: the model's mean {} is {:+.1f}% from the simulator's {} on the same windows "
      "(±{:.1f}%, 95%): the simulator queues every request through them, so this much of the "
      "model's error is its approximation's, not its inputs'",
      i, format_duration(model), 100 * gap, format_duration(simulated),
      high > low ? 100 * (high - low) / 2 / simulated : 0.0);
}

// Windows that measured over twice the model's mean, and 1 ms more: the drain of a backlog from
// a stall shorter than a window, which the window's inputs average away. The server's own time
// in the worst says where the stall was.
std::optional<std::string> stalled_windows_note(std::size_t i, const LevelResult& level) {
  const WindowResult* worst = nullptr;
  std::size_t count = 0;
  for (const WindowResult& w : level.windows) {
    if (!w.mean || !w.measured_mean || !(*w.measured_mean > 2 * *w.mean) ||
        *w.measured_mean - *w.mean < 1e-3)
      continue;
    ++count;
    if (!worst || *w.measured_mean - *w.mean > *worst->measured_mean - *worst->mean)
      worst = &w;
  }
  if (!worst)
    return std::nullopt;
  std::string where;
  if (worst->measured_server_mean) {
    const bool inside = *worst->measured_server_mean >= 0.5 * *worst->measured_mean;
    where = fmt::format(" (the server's own time {}: {})",
                        format_duration(*worst->measured_server_mean),
                        inside ? "the stall was in the service or the host"
                               : "the stall came before a request is read: the network, the I/O "
                                 "thread, the load generator");
  }
  return fmt::format(
      "level {}: {} of {} windows measured over twice the model's mean, likely the drain of a "
      "stall shorter than a window that its inputs average away; the worst, at {:.0f} s: {} "
      "against {}{}",
      i, count, level.windows.size(), worst->start, format_duration(*worst->measured_mean),
      format_duration(*worst->mean), where);
}

// When the hypervisor's steal disturbed the kept run (LevelRunResult::disturbed, what measures a
// level again): the level's steal, and the window with most of it against the model. A run
// disturbed by a stop instead gets the note on a core standing still.
std::optional<std::string> steal_note(std::size_t i, const LevelResult& level) {
  if (level.runs.empty() || !level.runs.at(static_cast<std::size_t>(level.kept_run)).stolen())
    return std::nullopt;
  const auto most = std::max_element(
      level.windows.begin(), level.windows.end(),
      [](const WindowResult& a, const WindowResult& b) { return a.host_steal < b.host_steal; });
  if (most == level.windows.end())
    return std::nullopt;
  std::string against;
  if (most->measured_mean && most->mean)
    against = fmt::format(", which measured {} against the model's {}",
                          format_duration(*most->measured_mean), format_duration(*most->mean));
  return fmt::format(
      "level {}: the hypervisor ran other guests on this machine's cores for {} of core time "
      "during the level (steal, /proc/stat), {} of it in the window at {:.0f} s{}; the service's "
      "and the load generator's threads waited for a core meanwhile, which no model of the "
      "service sees",
      i, format_duration(level.host_pauses.steal), format_duration(most->host_steal), most->start,
      against);
}

// Whether steal in a window took more of the cores than the run's worst stop.
bool steal_took_more(const LevelRunResult& run) {
  return run.window_steal >= run.stopped_core_time;
}

// The host's mark on a disturbed run, as a run's figures in a list say it.
std::string brief_disturbance(const LevelRunResult& run) {
  if (steal_took_more(run))
    return fmt::format("steal {} in a window", format_duration(run.window_steal));
  return fmt::format("a stop of {}", format_duration(run.pauses.longest));
}

// Every run of a level measured again, with the model's errors on each from its own inputs: the
// level is judged on its best run (undisturbed, then the most precise), and a miss on another is
// shown, not hidden.
std::string remeasured_note(std::size_t i, const LevelResult& level, double tolerance_mean) {
  std::string runs;
  bool other_missed = false;
  for (std::size_t r = 0; r < level.runs.size(); ++r) {
    const LevelRunResult& run = level.runs[r];
    const bool kept = static_cast<int>(r) == level.kept_run;
    std::string model = "model unstable";
    if (run.predicted && run.mean > 0 && run.p95 > 0) {
      const double error_mean = (run.predicted->mean - run.mean) / run.mean;
      model = fmt::format("model {:+.1f}% / p95 {:+.1f}%", 100 * error_mean,
                          100 * (run.predicted->p95 - run.p95) / run.p95);
      other_missed = other_missed || (!kept && std::abs(error_mean) > tolerance_mean);
    } else if (!kept) {
      other_missed = true;
    }
    runs += fmt::format("{}{} ±{:.0f}% ({}{}{})", r == 0 ? "" : ", ", format_duration(run.mean),
                        100 * run.uncertainty, kept ? "kept; " : "",
                        run.disturbed() ? brief_disturbance(run) + "; " : "", model);
  }
  const LevelRunResult& first = level.runs.front();
  const std::string why =
      first.disturbed()
          ? disturbance(first) + " at first"
          : fmt::format(
                "its mean uncertain beyond ±{:.0f}% at first (latency varied from second "
                "to second)",
                100 * tolerance_mean);
  return fmt::format(
      "level {}: measured {} times, {}; the runs' means, each modelled from its own inputs: {}; "
      "the level is judged on the kept run{}",
      i, level.runs.size(), why, runs,
      other_missed ? fmt::format(", and the model missed a run not kept by more than ±{:.0f}%",
                                 100 * tolerance_mean)
                   : "");
}

}  // namespace

std::string disturbance(const LevelRunResult& run) {
  if (steal_took_more(run))
    return fmt::format("the hypervisor took {} of the cores in one of its windows",
                       format_duration(run.window_steal));
  if (run.pauses.worst_core_time > 1.5 * run.pauses.longest)
    return fmt::format("cores stood still together for up to {} ({} of core time)",
                       format_duration(run.pauses.longest), format_duration(run.stopped_core_time));
  return fmt::format(
      "a core stood still {} at once (counted as {} of core time: it may hold the service's one "
      "I/O thread)",
      format_duration(run.pauses.longest), format_duration(run.stopped_core_time));
}

std::optional<std::string> stalled_overhead_round_note(const Calibration& c) {
  const std::size_t stalled = stalled_overhead_rounds(c.overhead_rounds);
  if (stalled == 0)
    return std::nullopt;
  const auto [lowest, highest] =
      std::minmax_element(c.overhead_rounds.begin(), c.overhead_rounds.end());
  const std::size_t rounds = c.overhead_rounds.size();
  const bool settled = overhead_rounds_settled(c.overhead_rounds);
  return fmt::format(
      "calibration: {} of {} rounds of the overhead phase measured over twice the lowest round "
      "outside the server (up to {}, against {}: stalls of the host){}; the model's overhead, "
      "{}, is from the rounds' median{}",
      stalled, rounds, format_duration(*highest), format_duration(*lowest),
      rounds > kOverheadRounds && settled ? ", so the phase ran until they were a minority" : "",
      format_duration(c.overhead),
      settled ? ""
              : fmt::format(", which the stalls set: they were not a minority after {} rounds, "
                            "and every level's prediction is high by what they added",
                            rounds));
}

std::optional<std::string> uneven_cores_note(std::size_t level,
                                             const std::vector<CoreSpeed>& cores) {
  const auto ratio = core_speed_ratio(cores);
  if (!ratio || *ratio < kUnevenCores)
    return std::nullopt;
  return fmt::format(
      "level {}: the cores ran the work at speeds {:.2f}× apart ({}): a job's time depends on "
      "where it runs, which the model sees only as the jobs' spread and runs",
      level, *ratio, describe_cores(cores));
}

std::optional<std::string> sharing_speed_note(std::size_t i, const LevelResult& level, int cores,
                                              int workers) {
  constexpr double kApart = 0.05;
  if (!level.server_sharing_speed || std::abs(*level.server_sharing_speed - 1) < kApart)
    return std::nullopt;
  const double ratio = *level.server_sharing_speed;
  auto rate_at = [&](int busy) {
    for (const BusySpeed& span : level.server_busy)
      if (span.busy == busy)
        return span.rate();
    return 0.0;
  };
  return fmt::format(
      "level {}: with all {} workers busy the service finished {:.0f} jobs/s, {:.0f}% {} than the "
      "{:.0f}/s with {} busy ({}); the model's {} cores run the work at one speed whatever the "
      "number busy",
      i, workers, rate_at(workers), 100 * std::abs(1 - ratio), ratio < 1 ? "fewer" : "more",
      rate_at(cores), cores,
      ratio < 1 ? "time-sharing the cores cost capacity"
                : "with fewer busy, the workers' time off their cores left the cores idle",
      cores);
}

std::vector<std::string> level_notes(std::size_t i, const LevelResult& level,
                                     const loadgen::ErrorCounts& errors, double tolerance_mean,
                                     bool cores_modelled, bool closed) {
  std::vector<std::string> notes;
  if (level.errors > 0)
    notes.push_back(fmt::format(
        "level {}: {} of {} requests failed (connect {}, timeout {}, io {}, 4xx {}, 5xx {})", i,
        level.errors, level.requests, errors.connect, errors.timeout, errors.io, errors.status_4xx,
        errors.status_5xx));
  const auto [ci_low, ci_high] = level.measured_mean_ci;
  const double uncertainty =
      level.measured.mean > 0 ? (ci_high - ci_low) / 2 / level.measured.mean : 0;
  if (level.error_mean && !level.mean_ok && uncertainty > tolerance_mean)
    notes.push_back(fmt::format(
        "level {}: the measured mean is itself uncertain by ±{:.0f}% (95%, one-second batch "
        "means), more than the ±{:.0f}% tolerance: latency varied widely from second to second; "
        "a longer step or a quieter machine narrows it",
        i, 100 * uncertainty, 100 * tolerance_mean));
  if (level.runs.size() > 1)
    notes.push_back(remeasured_note(i, level, tolerance_mean));
  const double cpu_work = level.model_service_time - level.model_off_core;
  if (level.model_off_core > 0.02 * cpu_work && level.server_hold_mean)
    notes.push_back(fmt::format(
        "level {}: a job held its worker {} (CPU {}); beyond sharing the cores with the other "
        "workers it was off its core {} (the I/O thread, the load generator, waking an idle "
        "core), which the model counts as work",
        i, format_duration(*level.server_hold_mean), format_duration(cpu_work),
        format_duration(level.model_off_core)));
  if (level.model_dispersion_factor && *level.model_dispersion_factor > 1.1) {
    const model::DispersionPoint& widest = level.model_service_dispersion.back();
    const double scv = level.model_service_scv.value_or(0);
    notes.push_back(fmt::format(
        "level {}: slow jobs came in runs (dispersion {:.2f} over {:.0f} jobs against an SCV "
        "of {:.2f}; fitted as a speed wandering by {}): the model's wait is {:.1f}× what "
        "independent service times would give",
        i, widest.index, widest.jobs, scv,
        describe_runs(model::fit_speed_runs(level.model_service_dispersion, scv)),
        *level.model_dispersion_factor));
  }
  if (auto note = uneven_cores_note(i, level.server_cores); note && cores_modelled)
    notes.push_back(*std::move(note));
  if (auto note = moving_speed_note(i, level))
    notes.push_back(*std::move(note));
  if (auto note = stalled_windows_note(i, level))
    notes.push_back(*std::move(note));
  if (auto note = fluid_gap_note(i, level))
    notes.push_back(*std::move(note));
  if (auto note = steal_note(i, level))
    notes.push_back(*std::move(note));
  if (level.measured_utilization && std::abs(*level.measured_utilization - level.utilization) > 0.1)
    notes.push_back(fmt::format(
        "level {}: ran at utilization {:.2f}, not the {:.2f} it was placed at: the service took "
        "{} per request here against {} at {}, so this level tested the model at {:.2f}",
        i, *level.measured_utilization, level.utilization,
        format_duration(level.model_service_time), format_duration(level.placement_service_time),
        level.placed_from, *level.measured_utilization));
  // A stop of 50 ms holds ~45 requests at 900/s and leaves a backlog that takes about half a
  // second to clear at 0.9; below that a level's seconds hardly show it. Shorter stops add up:
  // a VM without steal accounting stopped 23 times for 10-38 ms (516 ms) in a 90 s level at 0.9
  // (2026-12-05 18:17), and its p95 measured 24% above the model. A kept run the stop disturbed
  // (LevelRunResult::stopped_core_time) is named whatever the total.
  const bool stop_disturbed =
      !level.runs.empty() && level.runs.at(static_cast<std::size_t>(level.kept_run)).stopped();
  if (const HostPauses& p = level.host_pauses; p.total >= 0.05 || stop_disturbed)
    notes.push_back(fmt::format(
        "level {}: a core stood still {} time{} for 10 ms or more ({} of core time in all, the "
        "longest {}): what ran on it waited as long, {}; had each stop held up every request's "
        "path (the one I/O thread, the load generator), a request would have waited {} behind "
        "them on average ({:.1f}% of the measured mean), before any backlog",
        i, p.count, p.count == 1 ? "" : "s", format_duration(p.total), format_duration(p.longest),
        level.model_held_stops > 0
            ? "and the model held the arrivals through the stops and released them together"
            : "which the model's queue does not see",
        format_duration(p.stops_wait),
        level.measured.mean > 0 ? 100 * p.stops_wait / level.measured.mean : 0.0));
  if (!closed && level.late_sends * 100 > level.requests)
    notes.push_back(fmt::format(
        "level {}: {} sends started over 1 ms late: the load generator was short of CPU", i,
        level.late_sends));
  return notes;
}

}  // namespace kendall::validation
