#include "kendall/validate/validate.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/loadgen/run.hpp"
#include "kendall/model/dispersion.hpp"
#include "kendall/model/speed_runs.hpp"
#include "kendall/model/system_model.hpp"
#include "kendall/sim/simulate.hpp"
#include "kendall/validate/bundled.hpp"
#include "kendall/validate/http_call.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/prometheus.hpp"
#include "kendall/validate/spec_text.hpp"
#include "level_run.hpp"
#include "kendall/validate/run_notes.hpp"

namespace kendall::validation {

namespace {

constexpr const char* class_name = "requests";
constexpr const char* overhead_name = "network-and-client";

void check(const ValidationOptions& o) {
  if (o.levels.empty())
    throw InputError("--levels: give at least one load level, e.g. 0.2,0.5,0.8,0.9");
  for (const double level : o.levels)
    if (!(level > 0 && level < 1))
      throw InputError(fmt::format(
          "--levels: {} is not a fraction of the saturation point in (0, 1); e.g. 0.5", level));
  if (o.step_durations.size() != 1 && o.step_durations.size() != o.levels.size())
    throw InputError(fmt::format(
        "--step-duration: give one duration for every level or one per level ({} levels, {} "
        "durations)",
        o.levels.size(), o.step_durations.size()));
  for (const double d : o.step_durations)
    if (!(d >= 0.5))
      throw InputError("--step-duration: each step needs at least 0.5 s");
  if (!o.bundled && o.target_url.empty() && o.scenario_file.empty())
    throw InputError("give --start-services, a --target URL or a --scenario FILE");
  if (o.closed && !(o.think_time >= 0))
    throw InputError("--think-time must be ≥ 0");
  if (!(o.tolerance_mean > 0) || !(o.tolerance_p95 > 0))
    throw InputError("tolerances must be positive fractions, e.g. 0.1");
  if (o.remeasure < 0)
    throw InputError(
        fmt::format("--remeasure: {} is negative; give 0 to measure each level once", o.remeasure));
}

Stats stats_of(const loadgen::StepResult& step) {
  const auto& latency = step.latency;
  return {step.throughput(), latency.mean(), latency.quantile(0.5), latency.quantile(0.95),
          latency.quantile(0.99)};
}

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

// "±15% over runs of ~200 jobs (skewness 1.3) and ±9% over runs of ~40 jobs": the fitted runs,
// for a note.
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

// Closed: the population whose predicted utilization is nearest `fraction` (at least 1).
int population_for(const LevelModel& levels, double fraction) {
  int best = 1;
  double best_gap = 2;
  for (int users = 1; users <= 100'000; ++users) {
    const double u = predicted_utilization(levels.at(users));
    if (std::abs(u - fraction) < best_gap) {
      best_gap = std::abs(u - fraction);
      best = users;
    }
    if (u > fraction)
      break;
  }
  return best;
}

std::pair<Stats, std::pair<double, double>> simulate_level(const model::System& system,
                                                           const ValidationOptions& o,
                                                           std::uint64_t seed) {
  sim::SimulationOptions options;
  options.requests = o.simulated_requests;
  options.warmup_requests = o.simulated_requests / 10;
  options.replications = o.simulated_replications;
  options.seed = seed;
  options.threads = 1;  // the machine's cores belong to the measurement while it runs
  const sim::SimulationResult result = sim::simulate(system, options);
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

bool ValidationReport::passed() const {
  return std::all_of(levels.begin(), levels.end(),
                     [](const LevelResult& l) { return l.mean_ok && l.p95_ok; });
}

model::System calibrated_system(const Calibration& calibration, int workers, int replicas) {
  model::System system;
  system.name = "calibrated " + calibration.service;
  system.source = "calibration";
  model::Service service;
  service.name = calibration.service;
  service.workers = workers;
  service.replicas = replicas;
  service.max_replicas = std::max(100, replicas);
  service.service_time = calibration.service_time();
  system.services.push_back(service);
  model::Service overhead;
  overhead.name = overhead_name;
  overhead.type = model::ServiceType::delay;
  // Its variability is what open-loop latency varies beyond back-to-back (waking idle cores).
  overhead.service_time =
      Distribution::from_moments(std::max(calibration.overhead, 1e-9), calibration.overhead_scv);
  system.services.push_back(overhead);
  model::WorkloadClass requests;
  requests.name = class_name;
  requests.rate = 1;
  requests.visits = {{1, 1.0, std::nullopt}, {0, 1.0, std::nullopt}};
  system.classes.push_back(requests);
  return system;
}

ValidationReport run_validation(const ValidationOptions& o, const ValidationProgress& progress) {
  check(o);
  auto say = [&progress](const std::string& line) {
    if (progress)
      progress(line);
  };
  ValidationReport report;
  report.mode = o.closed ? "closed" : "open";
  report.tolerance_mean = o.tolerance_mean;
  report.tolerance_p95 = o.tolerance_p95;
  report.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  // 1. The target.
  std::unique_ptr<BundledRun> bundled;
  CalibrationTarget target;
  if (o.bundled) {
    say("starting the bundled services on 127.0.0.1");
    bundled = std::make_unique<BundledRun>(*o.bundled);
    target.scenario = bundled->login_scenario();
    target.metrics = bundled->login_endpoint();
    target.service = "user-login-service";
    report.configuration = bundled->description();
  } else {
    target.scenario = o.scenario_file.empty() ? loadgen::url_scenario(o.target_url)
                                              : loadgen::load_scenario(o.scenario_file);
    const auto endpoints = target.scenario.endpoints();
    if (endpoints.size() != 1)
      throw InputError(
          fmt::format("{}: validation measures one service; the scenario sends to {} endpoints",
                      target.scenario.source, endpoints.size()));
    target.metrics = endpoints[0];
    target.service = o.service;
    report.configuration = "running service at " + target.scenario.source;
  }

  // Workers, replicas and SLO from the user's spec when it describes this service.
  int workers = o.bundled ? o.bundled->workers : 0;
  int replicas = 1;
  std::optional<std::size_t> spec_service;
  if (o.spec) {
    if (!target.service.empty())
      spec_service = o.spec->find_service(target.service);
    for (std::size_t i = 0; !spec_service && i < o.spec->services.size(); ++i)
      if (o.spec->services[i].port && *o.spec->services[i].port == target.metrics.port)
        spec_service = i;
    if (!spec_service)
      throw InputError(
          fmt::format("{}: no service named \"{}\" or on port {}; name it with --service",
                      o.spec->source, target.service, target.metrics.port));
    const model::Service& s = o.spec->services[*spec_service];
    target.service = s.name;
    // The bundled run starts one replica with the chosen workers; a running target is what the
    // spec says it is.
    if (!o.bundled) {
      workers = s.workers;
      replicas = s.replicas;
    }
  }
  if (target.service.empty())
    target.service = fmt::format("service-{}", target.metrics.port);

  // 2. Calibration.
  say(fmt::format("calibrating {}: {} requests from one user", target.service,
                  o.calibration.requests));
  CalibrationOptions calibration = o.calibration;
  if (bundled)
    calibration.service_pid = bundled->login_pid();
  report.calibration = calibrate(target, calibration);
  const Calibration& c = report.calibration;
  if (workers == 0)
    workers = c.workers.value_or(1);
  if (auto note = stalled_overhead_round_note(c))
    report.notes.push_back(*std::move(note));
  model::System system = calibrated_system(c, workers, replicas);
  LevelModel levels;
  levels.closed = o.closed;
  if (o.cores || cpu_bound(c)) {
    const int cores = o.cores.value_or(report.cores);
    system.services[0].cores = cores;
    levels.cores = std::min(workers, cores);
    // Whatever else runs per request: the load generator, the service's I/O thread and the
    // kernel's network stack (the whole machine's busy time, less the work in service).
    levels.io_cpu = std::max(0.0, c.server_cpu_per_request.value_or(0) - c.service_mean);
    levels.background_cpu = std::max(c.client_cpu_per_request + levels.io_cpu,
                                     c.machine_cpu_per_request - c.service_mean);
    report.notes.push_back(fmt::format(
        "CPU-bound: the service used {} of CPU per request (time in service {}); its {} workers "
        "share {} cores with the load generator ({} CPU per request elsewhere)",
        format_duration(c.server_cpu_per_request.value_or(c.service_mean)),
        format_duration(c.service_mean), workers, cores, format_duration(levels.background_cpu)));
  }
  if (o.spec && spec_service) {
    for (const model::Slo& slo : o.spec->slos) {
      const auto& visits = o.spec->classes[slo.workload_class].visits;
      if (std::any_of(visits.begin(), visits.end(),
                      [&](const model::Visit& v) { return v.service == *spec_service; })) {
        report.slo = slo;
        report.slo->workload_class = 0;
        system.slos.push_back(*report.slo);
        break;
      }
    }
  }

  // 3. Load levels from the model's saturation point: every server busy, the background CPU
  // work included.
  if (o.closed) {
    system.workload = model::WorkloadType::closed;
    system.classes[0].population = 1;
    system.classes[0].think_time = Distribution::exponential(std::max(o.think_time, 1e-9));
  }
  levels.base = system;
  const double saturation_rate = levels.saturation_rate();
  // Closed: the knee N* = (response at low load + think time) × the saturation rate.
  report.saturation = o.closed ? (c.client_mean + o.think_time) * saturation_rate : saturation_rate;
  report.system = system;
  report.spec_yaml = spec_yaml(system);

  // 4. The sweep. The first level is placed from calibration's work, each next one from the work
  // the last level measured: under load the work differs from calibration's (a CPU-bound hash
  // runs faster without idle gaps before it) and the host's speed drifts, and the fraction must
  // mean that utilization for the levels to test the model where they say.
  LevelModel placement = levels;
  std::string placed_from = "calibration";
  for (std::size_t i = 0; i < o.levels.size(); ++i) {
    LevelResult level;
    level.load_fraction = o.levels[i];
    level.duration = o.step_durations.size() == 1 ? o.step_durations[0] : o.step_durations[i];
    level.placed_from = placed_from;
    level.placement_service_time = placement.base.services[0].service_time.mean;
    level.placement_background_cpu = placement.background_cpu;
    if (o.closed)
      level.users = population_for(placement, level.load_fraction);
    else
      level.rate = level.load_fraction * placement.saturation_rate();
    const double level_load = o.closed ? level.users : level.rate;
    level.utilization = predicted_utilization(placement.at(level_load));
    say(o.closed ? fmt::format("level {}/{}: {} users for {}", i + 1, o.levels.size(), level.users,
                               format_duration(level.duration))
                 : fmt::format("level {}/{}: {:.1f} requests/s for {}", i + 1, o.levels.size(),
                               level.rate, format_duration(level.duration)));

    loadgen::LoadOptions load;
    load.duration = level.duration;
    load.timeout = 30;
    load.seed = o.seed + i;
    load.thread_slice = o.thread_slice;
    if (o.closed) {
      load.users = level.users;
      load.think_time = o.think_time;
      load.think_kind = loadgen::ThinkTime::exponential;
    } else {
      load.steps = {{level.rate}};
      load.connections = o.connections;
    }
    // A level whose latency varied so widely from second to second that its mean cannot judge
    // the model to the tolerance (a stall of the host) is measured again; the most precise run
    // is kept, and every run is reported.
    const std::optional<int> service_pid =
        bundled ? std::optional<int>(bundled->login_pid()) : std::nullopt;
    LevelRun run = run_level(target.scenario, target.metrics, service_pid, load);
    level.run_means = {run.step.latency.mean()};
    level.run_uncertainties = {run.uncertainty()};
    for (int again = 0; again < o.remeasure && run.uncertainty() > o.tolerance_mean; ++again) {
      say(fmt::format("level {}/{}: its mean is uncertain by ±{:.0f}%; measuring it again", i + 1,
                      o.levels.size(), 100 * run.uncertainty()));
      load.seed += 1000;
      LevelRun next = run_level(target.scenario, target.metrics, service_pid, load);
      level.run_means.push_back(next.step.latency.mean());
      level.run_uncertainties.push_back(next.uncertainty());
      if (next.uncertainty() < run.uncertainty()) {
        run = std::move(next);
        level.kept_run = static_cast<int>(level.run_means.size()) - 1;
      }
    }
    const auto& before = run.before;
    const auto& after = run.after;
    const double machine_cpu = run.machine_cpu;
    const loadgen::StepResult& step = run.step;
    level.measured = stats_of(step);
    level.measured_mean_ci = run.mean_interval;
    level.requests = step.sent;
    level.errors = step.errors.total();
    level.late_sends = step.late_sends;
    if (!o.closed)
      level.send_gap_scv = step.send_gaps.scv();
    if (before && after) {
      const auto served_before = find_histogram(*before, "kendall_service_time_seconds");
      const auto served_after = find_histogram(*after, "kendall_service_time_seconds");
      if (served_before && served_after && served_after->count > served_before->count)
        level.server_service_mean = served_after->since(*served_before).mean();
      level.server_hold_mean = worker_hold_per_job(*before, *after);
      level.server_hold_scv = worker_hold_scv(*before, *after);
      level.server_hold_dispersion = worker_hold_dispersion(*before, *after);
      level.server_queue_wait = queue_wait_per_job(*before, *after);
      level.server_arrival_scv = queue_arrival_scv(*before, *after);
      level.server_arrival_dispersion = queue_arrival_dispersion(*before, *after);
      level.server_cpu_scv = worker_cpu_scv(*before, *after);
      level.server_cpu_dispersion = worker_cpu_dispersion(*before, *after);
      level.server_cores = core_speeds(*before, *after);
    }

    // The model's inputs measured over this level, as operational analysis does (Lazowska et
    // al., Quantitative System Performance, 1984, §2.5): a 1% error in the service time moves the
    // wait at 90% utilization by about 10%, more than any queueing formula's own error.
    const double served = step.responses > 0 ? static_cast<double>(step.responses) : 1.0;
    LevelWork work;
    work.hold_mean = level.server_hold_mean;
    work.job_mean = level.server_service_mean;
    work.hold_scv = level.server_hold_scv;
    work.hold_dispersion = level.server_hold_dispersion;
    work.cpu_scv = level.server_cpu_scv;
    work.cpu_dispersion = level.server_cpu_dispersion;
    if (run.service_cpu)
      work.service_cpu = *run.service_cpu / served;
    work.machine_cpu = machine_cpu / served;
    const LevelInputs cpu_inputs = levels.inputs(work, workers);
    // Open loop: the arrival rate the level really offered (a Poisson count differs from the
    // target by chance), as the utilization law wants it.
    const double offered = o.closed        ? level.users
                           : step.sent > 0 ? step.achieved_rate()
                                           : level.rate;
    // The next level is placed from the CPU work (what bounds capacity); the prediction takes
    // the time in a worker the level measured, as with a core per worker.
    const LevelInputs inputs =
        work.hold_mean ? levels.matched_to_hold(cpu_inputs, offered, *work.hold_mean) : cpu_inputs;
    level.model_off_core = inputs.off_core;
    level.model_service_time = inputs.service_mean;
    level.model_background_cpu = inputs.background_cpu;
    level.model_service_scv = inputs.service_scv;
    level.model_service_dispersion = inputs.dispersion;
    if (inputs.from_level) {
      level.model_inputs = "this level";
      placement = levels.with_work(cpu_inputs);
      placed_from = fmt::format("level {}", i + 1);
    }
    level.model_service_third_ratio = inputs.service_third_ratio;
    const model::System measured_inputs = levels.at(offered, inputs);
    if (measured_inputs.services[0].service_time.kind == DistributionKind::empirical)
      level.model_service_minimum = measured_inputs.services[0].service_time.samples.front();
    level.measured_utilization = predicted_utilization(levels.at(offered, cpu_inputs));
    level.model_queue_wait = model_queue_wait(measured_inputs);
    level.model_dispersion_factor = dispersion_factor(measured_inputs, level.model_queue_wait);
    level.predicted = predict(measured_inputs);
    level.predicted_from_calibration = predict(levels.at(level_load));
    std::tie(level.simulated, level.simulated_mean_ci) =
        simulate_level(measured_inputs, o, o.seed + i);
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
    if (level.errors > 0)
      report.notes.push_back(fmt::format(
          "level {}: {} of {} requests failed (connect {}, timeout {}, io {}, 4xx {}, 5xx {})",
          i + 1, level.errors, level.requests, step.errors.connect, step.errors.timeout,
          step.errors.io, step.errors.status_4xx, step.errors.status_5xx));
    const auto [ci_low, ci_high] = level.measured_mean_ci;
    const double uncertainty =
        level.measured.mean > 0 ? (ci_high - ci_low) / 2 / level.measured.mean : 0;
    if (level.error_mean && !level.mean_ok && uncertainty > o.tolerance_mean)
      report.notes.push_back(fmt::format(
          "level {}: the measured mean is itself uncertain by ±{:.0f}% (95%, one-second batch "
          "means), more than the ±{:.0f}% tolerance: latency varied widely from second to second; "
          "a longer step or a quieter machine narrows it",
          i + 1, 100 * uncertainty, 100 * o.tolerance_mean));
    if (level.run_means.size() > 1) {
      std::string runs;
      for (std::size_t r = 0; r < level.run_means.size(); ++r)
        runs += fmt::format("{}{} ±{:.0f}%{}", r == 0 ? "" : ", ",
                            format_duration(level.run_means[r]), 100 * level.run_uncertainties[r],
                            static_cast<int>(r) == level.kept_run ? " (kept)" : "");
      report.notes.push_back(fmt::format(
          "level {}: measured {} times, its mean uncertain beyond ±{:.0f}% at first (latency "
          "varied from second to second); the runs' means: {}",
          i + 1, level.run_means.size(), 100 * o.tolerance_mean, runs));
    }
    if (level.model_off_core > 0.02 * cpu_inputs.service_mean)
      report.notes.push_back(fmt::format(
          "level {}: a job held its worker {} (CPU {}); beyond sharing the cores with the other "
          "workers it was off its core {} (the I/O thread, the load generator, waking an idle "
          "core), which the model counts as work",
          i + 1, format_duration(*work.hold_mean), format_duration(cpu_inputs.service_mean),
          format_duration(level.model_off_core)));
    if (level.model_dispersion_factor && *level.model_dispersion_factor > 1.1) {
      const model::DispersionPoint& widest = level.model_service_dispersion.back();
      report.notes.push_back(fmt::format(
          "level {}: slow jobs came in runs (dispersion {:.2f} over {:.0f} jobs against an SCV "
          "of {:.2f}; fitted as a speed wandering by {}): the model's wait is {:.1f}× what "
          "independent service times would give",
          i + 1, widest.index, widest.jobs, level.model_service_scv.value_or(0),
          describe_runs(model::fit_speed_runs(level.model_service_dispersion,
                                              level.model_service_scv.value_or(0))),
          *level.model_dispersion_factor));
    }
    if (auto note = uneven_cores_note(i + 1, level.server_cores); note && system.services[0].cores)
      report.notes.push_back(*std::move(note));
    if (level.measured_utilization &&
        std::abs(*level.measured_utilization - level.utilization) > 0.1)
      report.notes.push_back(fmt::format(
          "level {}: ran at utilization {:.2f}, not the {:.2f} it was placed at: the service took "
          "{} per request here against {} at {}, so this level tested the model at {:.2f}",
          i + 1, *level.measured_utilization, level.utilization,
          format_duration(level.model_service_time), format_duration(level.placement_service_time),
          level.placed_from, *level.measured_utilization));
    if (!o.closed && level.late_sends * 100 > level.requests)
      report.notes.push_back(fmt::format(
          "level {}: {} sends started over 1 ms late: the load generator was short of CPU", i + 1,
          level.late_sends));
    report.levels.push_back(level);
  }

  // 5. The model's curve for the report.
  const double top = std::min(0.97, std::max(0.95, o.levels.back()));
  for (int k = 1; k <= 40; ++k) {
    CurvePoint point;
    point.load_fraction = top * k / 40.0;
    if (o.closed)
      point.users =
          std::max(1, static_cast<int>(std::lround(point.load_fraction * report.saturation)));
    else
      point.rate = point.load_fraction * saturation_rate;
    const model::System at_point = levels.at(o.closed ? point.users : point.rate);
    if (const auto stats = predict(at_point)) {
      point.mean = stats->mean;
      point.p95 = stats->p95;
      if (o.closed)
        point.load_fraction = predicted_utilization(at_point);
      report.curve.push_back(point);
    }
  }
  return report;
}

}  // namespace kendall::validation
