#pragma once
/// A level window by window. On a shared VM the host's speed wanders over tens of seconds (one
/// 4 MiB Argon2id hash took 6.7 ms for half a minute, then 9.5 ms for a minute, on 2026-12-03),
/// so a 60 s level at "0.9" can spend a third of its time at 0.8 and the rest at 0.95. Latency is
/// convex in the load: the model at the level's average work is then too fast, most of all in
/// the tail. The model predicts each window from its own work and rate and mixes the windows'
/// distributions by the requests each served (docs/validate.md, "Windows").

#include <deque>
#include <optional>
#include <vector>

#include "kendall/loadgen/result.hpp"
#include "kendall/validate/host_pauses.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/prometheus.hpp"
#include "kendall/validate/validate.hpp"

namespace kendall::validation {

/// What the service and the machine had done at one moment of a level.
struct LevelSample {
  double seconds = 0;  ///< since the level's load started
  std::optional<Samples> metrics;
  std::optional<double> service_cpu;  ///< the service process's CPU seconds so far
  double machine_cpu = 0;             ///< the whole machine's busy CPU seconds so far
  double machine_steal = 0;           ///< of which the hypervisor's steal (host_pauses.hpp)
  /// Open loop: the requests the load generator had been asked for so far (its rate over time).
  std::optional<double> offered;
};

/// One span of a level between two samples, and the work the service did in it.
struct WorkWindow {
  double start = 0;     ///< seconds since the level's load started
  double duration = 0;  ///< seconds
  double jobs = 0;      ///< jobs the service finished in it (/metrics)
  /// The level's work with this window's means (hold, job, CPU per job); the spreads and runs
  /// (SCVs, dispersion) stay the level's, since a few seconds cannot measure them.
  LevelWork work;
  /// Open loop: the rate the load generator was asked for over the window (time-weighted).
  /// The arrivals are Poisson at it: their count differs from it by chance, which the model's
  /// arrival variability already holds, and the jobs finished differ by the queue's change too.
  std::optional<double> offered;
  /// The server's own mean time per request over the window, from a request read to its answer
  /// (kendall_http_request_duration_seconds, every route but the level's own scrapes of
  /// /metrics); empty without it.
  std::optional<double> server_mean;
  /// Core-seconds the hypervisor took from the machine over the window (steal).
  double steal = 0;
  /// The SCV of the window's own holds, for the report (the model keeps the level's, `work`).
  std::optional<double> hold_scv = std::nullopt;
  /// The steal read within the window (host_pauses.hpp), about every 10 ms.
  std::vector<StealPoint> steal_trace = {};
  /// The machine's stops within the window (clipped to it) that hold the arrivals back: the
  /// requests' path (the one I/O thread, the load generator) stood still through them.
  std::vector<StopSpan> stops = {};

  double rate() const { return duration > 0 ? jobs / duration : 0; }
  /// The rate the window's arrivals came at: the offered one, else the jobs it finished.
  double arrival_rate() const { return offered.value_or(rate()); }
};

/// Gives each window the points of `trace` within it.
void attach_steal_trace(std::vector<WorkWindow>& windows, const std::vector<StealPoint>& trace);

/// Gives each window the parts of `stops` within it.
void attach_stops(std::vector<WorkWindow>& windows, const std::vector<StopSpan>& stops);

/// A stretch of a window whose departures run at `pace` times the window's own. `held`: the
/// path stood still (a stop); the stretch's arrivals wait outside the service and reach it
/// together at its end, while the jobs inside go on being served.
struct PaceSpan {
  double duration = 0;
  double pace = 1;
  bool held = false;
};

/// A window's pace over time from its steal trace (docs/validate.md, "Windows"): (1 − r) / (1 − r̄)
/// for each reading's share r of the cores taken (within [0, 1]) and their time-weighted mean r̄
/// (at most 0.95); readings of equal share joined, the time after the last reading at pace 1. One
/// span at pace 1 without a trace. The window's work carries its mean loss; this places it.
std::vector<PaceSpan> steal_paces(const WorkWindow& window);

/// A window's stretches in time: steal_paces cut where its stops begin and end, the stops'
/// stretches held. A stop freezes what is on its core, not a share of the machine's speed: on
/// 2026-12-06 37 of 38 stops of either core (10-99 ms) showed as requests that waited their
/// length outside the server (Server-Timing), and at 0.9 a stop's arrivals, released together,
/// take about ten times its length to drain, which a window's average work spreads thin over its
/// second.
std::vector<PaceSpan> window_spans(const WorkWindow& window);

/// The SCV of the sends' gaps less what the stops gave it: a stop of L seconds that holds the
/// sends back leaves one gap of about L (and a run of near-zero ones), L² of the squares'
/// sum; the model holds the arrivals through the stops (window_spans), so their share is taken
/// off, down to a Poisson schedule's 1. At 0.9 of `exp:1ms` work that took SCVs of 1.36-1.86 to
/// 1.00-1.04 in five runs (2026-12-06). Empty without gaps.
std::optional<double> send_gap_scv_between_stops(const loadgen::SendGaps& gaps,
                                                 const std::vector<StopSpan>& stops);

/// A window's result with what it measured filled in and the model's figures left for the
/// caller.
WindowResult measured_result(const WorkWindow& window);

/// The windows between consecutive samples. A span shorter than `shortest` seconds or with
/// fewer than `fewest_jobs` jobs joins the one before it (the load's last moments, the drain).
/// Empty when the service has no Kendall metrics.
std::vector<WorkWindow> split_windows(const std::vector<LevelSample>& samples,
                                      const LevelWork& level_work, double shortest,
                                      double fewest_jobs = 50);

/// The model's inputs for one window: its CPU work's, with the hold it measured matched at the
/// rate its jobs were served at (open, what they saw) or at the level's `population` (closed).
/// With `off_core_share` (open loop, workers time-sharing the cores) the window's CPU work is
/// raised by that share of it instead, the level's time off the cores matched over the whole
/// level: inside a backlog every worker is busy, and matching a short window's hold at the rate
/// it served raises its work until the model saturates there, so the backlog never drains (a
/// 0.2 s window held 870 ms where 12.4 ms was measured, 2026-12-03).
LevelInputs window_inputs(const LevelModel& levels, const WorkWindow& window, int workers,
                          int population = 0, std::optional<double> off_core_share = std::nullopt);

/// The model at every window (each one's WindowResult) and, mixed by the jobs each served, the
/// mean and percentiles of the level. `population` is the level's users when closed (open: each
/// window's own rate). `mixed` is empty when a window is unstable or there is only one.
struct WindowedPrediction {
  std::vector<WindowResult> windows;
  std::vector<LevelInputs> inputs;  ///< each window's, as the model took them (window_inputs)
  std::optional<Stats> mixed;
};
/// `off_core_share`: as window_inputs takes it (open loop only).
WindowedPrediction predict_windows(const LevelModel& levels, const std::vector<WorkWindow>& windows,
                                   int workers, int population = 0,
                                   std::optional<double> off_core_share = std::nullopt);

/// Open loop: the rate that puts the level at `fraction` of saturation with the work `window`
/// measured (the next window's rate while the host's speed moves); empty when the window served
/// fewer than `fewest_jobs` or measured no work.
std::optional<double> rate_for_fraction(const LevelModel& levels, const WorkWindow& window,
                                        int workers, double fraction, double fewest_jobs = 50);

/// Open loop: where the span a rate is placed from starts, given the samples so far (the last
/// one ends it): the latest one back from which the workers' holds measure their mean to 1%
/// (SCV / jobs ≤ 1e-4), at most `longest` seconds back. A CPU-bound hash (SCV 0.01) needs 100
/// jobs, a fraction of a second; exponential work 10000, more than `longest` at most rates.
/// Samples older than the span's start are dropped from `recent`.
const LevelSample& placement_span(std::deque<LevelSample>& recent, double longest = 5);

/// Each window's measured mean latency and late sends, from the load generator's seconds
/// (`series`: responses by when they completed, sends by when they left) whose middle falls in
/// it.
void add_measured_seconds(std::vector<WindowResult>& windows,
                          const std::vector<loadgen::SecondStats>& series);

}  // namespace kendall::validation
