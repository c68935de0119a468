#include "level_prediction.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "kendall/model/system_model.hpp"
#include "kendall/sim/simulate.hpp"
#include "kendall/validate/window_replay.hpp"

namespace kendall::validation {

namespace {

// The model's mean wait in the service's queue for a worker.
std::optional<double> model_queue_wait(const model::System& system) {
  model::AnalysisOptions analysis;
  analysis.percentiles = false;
  return model::analyze(system, analysis).services[0].waiting_time;
}

// How much the service times' runs lengthen the model's wait: its wait over the same model's
// with independent service times (open systems; nothing without a dispersion).
std::optional<double> dispersion_factor(const model::System& system,
                                        std::optional<double> wait_with_runs) {
  if (system.services[0].service_dispersion.empty() || system.workload != model::WorkloadType::open)
    return std::nullopt;
  model::System independent = system;
  independent.services[0].service_dispersion.clear();
  const auto without = model_queue_wait(independent);
  if (!wait_with_runs || !without || !(*without > 0))
    return std::nullopt;
  return *wait_with_runs / *without;
}

// The level's windows replayed, or its average inputs when it has one window.
std::pair<Stats, std::pair<double, double>> simulate_level(
    const model::System& system, const std::optional<WindowReplay>& replay,
    const ValidationOptions& o, std::uint64_t seed) {
  const sim::SimulationResult result = [&] {
    if (replay)
      return simulate_replay(*replay, o.simulated_requests * o.simulated_replications,
                             o.simulated_replications, seed);
    sim::SimulationOptions options;
    options.requests = o.simulated_requests;
    options.warmup_requests = o.simulated_requests / 10;
    options.replications = o.simulated_replications;
    options.seed = seed;
    options.threads = 1;  // the machine's cores belong to the measurement while it runs
    return sim::simulate(system, options);
  }();
  const sim::ClassResult& c = result.classes.at(0);
  Stats stats{c.throughput.mean, c.response_time.mean, c.percentiles.p50, c.percentiles.p95,
              c.percentiles.p99};
  return {stats,
          {c.response_time.mean - c.response_time.half_width,
           c.response_time.mean + c.response_time.half_width}};
}

double relative_error(double predicted, double measured) {
  return (predicted - measured) / measured;
}

}  // namespace

std::optional<Stats> predict(const model::System& system) {
  const model::SystemResult result = model::analyze(system);
  if (!result.stable || result.classes.empty() || !result.classes[0].mean_response_time)
    return std::nullopt;
  const model::ClassResult& c = result.classes[0];
  Stats stats;
  stats.throughput = c.throughput;
  stats.mean = *c.mean_response_time;
  if (c.response_time_percentiles) {
    stats.p50 = c.response_time_percentiles->p50;
    stats.p95 = c.response_time_percentiles->p95;
    stats.p99 = c.response_time_percentiles->p99;
  }
  return stats;
}

double predicted_utilization(const model::System& system) {
  model::AnalysisOptions analysis;
  analysis.percentiles = false;
  const model::SystemResult result = model::analyze(system, analysis);
  double busiest = 0;
  for (const auto& service : result.services)
    busiest = std::max(busiest, service.utilization);
  return busiest;
}

namespace {

// The model's half of predict_level; returns what the simulator takes: the level's average
// inputs and its windows' replay.
std::pair<model::System, std::optional<WindowReplay>> model_level(
    const LevelModel& calibrated, const LevelWork& work, const std::vector<WorkWindow>& windows,
    int workers, double offered, double placed_load, const ValidationOptions& o,
    LevelResult& level) {
  const LevelModel levels = calibrated.with_path(work);
  if (levels.path) {
    level.model_path = levels.path->mean;
    level.model_path_scv = levels.path->scv;
    level.model_path_per_request = levels.path->kind == DistributionKind::empirical;
  }
  // The model's inputs measured over this level, as operational analysis does (Lazowska et
  // al., Quantitative System Performance, 1984, §2.5): a 1% error in the service time moves the
  // wait at 90% utilization by about 10%, more than any queueing formula's own error.
  const LevelInputs cpu_inputs = levels.inputs(work, workers);
  // The next level is placed from the CPU work (what bounds capacity); the prediction takes
  // the time in a worker the level measured, as with a core per worker.
  const LevelInputs inputs =
      work.hold_mean ? levels.matched_to_hold(cpu_inputs, offered, *work.hold_mean) : cpu_inputs;
  level.model_off_core = inputs.off_core;
  level.model_handoff = levels.handed_off(offered, inputs.service_mean);
  level.model_service_time = inputs.service_mean;
  level.model_background_cpu = inputs.background_cpu;
  level.model_service_scv = inputs.service_scv;
  level.model_hold_scv = inputs.hold_scv;
  level.model_arrival_scv = inputs.arrival_scv;
  for (const WorkWindow& window : windows)
    for (const StopSpan& stop : window.stops)
      level.model_held_stops += stop.length();
  level.model_service_dispersion = inputs.dispersion;
  level.model_service_third_ratio = inputs.service_third_ratio;
  if (inputs.from_level)
    level.model_inputs = "this level";
  const model::System measured_inputs = levels.at(offered, inputs);
  if (measured_inputs.services[0].service_time.kind == DistributionKind::empirical)
    level.model_service_minimum = measured_inputs.services[0].service_time.samples.front();
  level.measured_utilization = predicted_utilization(levels.work_only().at(offered, cpu_inputs));
  level.model_queue_wait = model_queue_wait(measured_inputs);
  level.model_dispersion_factor = dispersion_factor(measured_inputs, level.model_queue_wait);
  level.predicted = predict(measured_inputs);
  level.predicted_stationary = level.predicted;
  const int population = levels.closed ? level.users : 0;
  // Time-shared, open loop: every window takes the level's time off the cores, matched here.
  std::optional<double> off_core_share;
  if (inputs.time_shared && !levels.closed && cpu_inputs.service_mean > 0)
    off_core_share = inputs.off_core / cpu_inputs.service_mean;
  WindowedPrediction windowed =
      predict_windows(levels, windows, workers, population, off_core_share);
  level.windows = std::move(windowed.windows);
  if (!windowed.inputs.empty())
    level.model_window_dispersion = windowed.inputs.front().dispersion;
  if (windowed.mixed) {
    if (level.predicted)
      windowed.mixed->throughput = level.predicted->throughput;
    level.predicted = windowed.mixed;
    level.predicted_from_windows = true;
  }
  level.predicted_from_calibration = predict(calibrated.at(placed_load));
  if (level.predicted && level.measured.mean > 0) {
    level.error_mean = relative_error(level.predicted->mean, level.measured.mean);
    level.error_p95 = relative_error(level.predicted->p95, level.measured.p95);
    level.mean_ok = std::abs(*level.error_mean) <= o.tolerance_mean;
    level.p95_ok = std::abs(*level.error_p95) <= o.tolerance_p95;
  }
  if (level.predicted_from_calibration && level.measured.mean > 0) {
    level.error_mean_from_calibration =
        relative_error(level.predicted_from_calibration->mean, level.measured.mean);
    level.error_p95_from_calibration =
        relative_error(level.predicted_from_calibration->p95, level.measured.p95);
  }
  return {measured_inputs, replay_windows(levels, windows, windowed.inputs, population)};
}

}  // namespace

void predict_level(const LevelModel& levels, const LevelWork& work,
                   const std::vector<WorkWindow>& windows, int workers, double offered,
                   double placed_load, const ValidationOptions& o, std::uint64_t seed,
                   LevelResult& level) {
  const auto [average_inputs, replay] =
      model_level(levels, work, windows, workers, offered, placed_load, o, level);
  std::tie(level.simulated, level.simulated_mean_ci) =
      simulate_level(average_inputs, replay, o, seed);
}

std::optional<Stats> model_only(const LevelModel& levels, const LevelWork& work,
                                const std::vector<WorkWindow>& windows, int workers, double offered,
                                const ValidationOptions& o, LevelResult level) {
  model_level(levels, work, windows, workers, offered, offered, o, level);
  return level.predicted;
}

}  // namespace kendall::validation
