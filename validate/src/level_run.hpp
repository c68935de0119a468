// One run of a level's load, with the service's counters and the CPU times around it: what a
// level measures before anything is modelled, so that a level can be measured again.
#pragma once

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "kendall/loadgen/run.hpp"
#include "kendall/validate/host_pauses.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/level_windows.hpp"
#include "kendall/validate/prometheus.hpp"
#include "kendall/validate/validate.hpp"

namespace kendall::validation {

struct LevelRun {
  loadgen::StepResult step;
  std::optional<Samples> before;  ///< the service's /metrics before the load
  std::optional<Samples> after;
  /// /metrics once the level's first 256 jobs had reached the worker queue: where the arrival
  /// gaps are measured from (the gap before the first job is the pause before the level).
  std::optional<Samples> arrivals_from;
  std::optional<double> service_cpu;  ///< CPU seconds the service process used during the load
  double machine_cpu = 0;             ///< busy CPU seconds of the whole machine
  std::pair<double, double> mean_interval{0, 0};  ///< 95%, one-second batch means; {0,0}: none
  HostPauses pauses;                              ///< times the machine stood still during the load
  /// The most steal (core-seconds) in one window, between consecutive samples; 0 without windows.
  double window_steal = 0;
  /// The machine's steal about every 10 ms through the load (PauseMeter::steal_trace).
  std::vector<StealPoint> steal_trace;
  /// The cores' stops through the load, merged where they overlap (PauseMeter::stop_spans).
  std::vector<StopSpan> stop_spans;
  /// Before the load, every `window` seconds during it, and after it: the level's windows are
  /// the spans between consecutive samples (level_windows.hpp).
  std::vector<LevelSample> samples;

  /// Half the interval's width over the measured mean; 0 when there is no interval.
  double uncertainty() const;
};

/// Called on the sampling thread at most 0.2 s apart through a level (a whole number of times per
/// window), with the samples around that span: what places the open loop's rate again as the
/// host's speed moves.
using SampleHook = std::function<void(const LevelSample& from, const LevelSample& to)>;

/// Sends `load` to `scenario`, scraping `metrics` and reading the CPU times of `service_pid`
/// (when given) and of the machine just before and after, and every `window` seconds meanwhile.
/// With a hook `sampled`, it samples at most 0.2 s apart (telling the hook of each span) and
/// keeps the samples that close each window.
LevelRun run_level(const loadgen::Scenario& scenario, const loadgen::Endpoint& metrics,
                   std::optional<int> service_pid, const loadgen::LoadOptions& load, double window,
                   const SampleHook& sampled = {});

/// Runs `load` once, and again up to `remeasure` times while the kept run's mean is uncertain by
/// more than `tolerance` or the host disturbed it (kStealDisturbs of steal in one window, or a stop
/// of as much core time): the marks of a stall of the host. Returns every run; `level.runs` gets
/// what each measured and `level.kept_run` the best: undisturbed before disturbed, then the most
/// precise. `again` hears of each new run with the kept run that called for it.
std::vector<LevelRun> run_until_precise(const loadgen::Scenario& scenario,
                                        const loadgen::Endpoint& metrics,
                                        std::optional<int> service_pid, loadgen::LoadOptions load,
                                        double window, const SampleHook& sampled, int remeasure,
                                        double tolerance, LevelResult& level,
                                        const std::function<void(const LevelRunResult&)>& again);

/// Fills what `level` measured from `run`: the client's figures, and the service's from the
/// difference of its /metrics around the load.
void record_measurement(const LevelRun& run, bool closed, LevelResult& level);

/// What the run measured of the service's work, per job or per response, for the model.
LevelWork measured_work(const LevelRun& run, const LevelResult& level);

}  // namespace kendall::validation
