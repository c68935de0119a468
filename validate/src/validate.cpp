#include "kendall/validate/validate.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/loadgen/run.hpp"
#include "kendall/model/system_model.hpp"
#include "kendall/validate/bundled.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/level_windows.hpp"
#include "kendall/validate/prometheus.hpp"
#include "kendall/validate/run_notes.hpp"
#include "kendall/validate/spec_text.hpp"
#include "level_prediction.hpp"
#include "level_run.hpp"

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

// The spec's entry for the target service: by name, else by port (names the target after it).
std::optional<std::size_t> find_spec_service(const ValidationOptions& o,
                                             CalibrationTarget& target) {
  std::optional<std::size_t> found;
  if (o.spec) {
    if (!target.service.empty())
      found = o.spec->find_service(target.service);
    for (std::size_t i = 0; !found && i < o.spec->services.size(); ++i)
      if (o.spec->services[i].port && *o.spec->services[i].port == target.metrics.port)
        found = i;
    if (!found)
      throw InputError(
          fmt::format("{}: no service named \"{}\" or on port {}; name it with --service",
                      o.spec->source, target.service, target.metrics.port));
    target.service = o.spec->services[*found].name;
  }
  if (target.service.empty())
    target.service = fmt::format("service-{}", target.metrics.port);
  return found;
}

// The load of level `index`: Poisson arrivals at its rate, or its users with think time.
loadgen::LoadOptions level_load_options(const ValidationOptions& o, const LevelResult& level,
                                        std::size_t index) {
  loadgen::LoadOptions load;
  load.duration = level.duration;
  load.timeout = 30;
  load.seed = o.seed + index;
  load.thread_slice = o.thread_slice;
  if (o.closed) {
    load.users = level.users;
    load.think_time = o.think_time;
    load.think_kind = loadgen::ThinkTime::exponential;
  } else {
    load.steps = {{level.rate}};
    load.connections = o.connections;
  }
  return load;
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
  report.cores = static_cast<int>(machine_cores());

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
  const std::optional<std::size_t> spec_service = find_spec_service(o, target);
  int workers = o.bundled ? o.bundled->workers : 0;
  int replicas = 1;
  if (spec_service && !o.bundled) {
    // The bundled run starts one replica with the chosen workers; a running target is what the
    // spec says it is.
    workers = o.spec->services[*spec_service].workers;
    replicas = o.spec->services[*spec_service].replicas;
  }

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
  // The hand-off to a worker measured at low load (kendall_queue_wait_seconds), paid only by
  // jobs that find a worker idle: the model moves it from the path into the service time.
  if (c.source == "metrics")
    levels.handoff = c.queued_mean;
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
  const bool cpu_bound_open = levels.cores > 0 && !o.closed;
  const double window = o.window.value_or(cpu_bound_open ? kAutoWindowCpuBound : kAutoWindow);
  report.window = window;
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
  // the last level measured in its last window: under load the work differs from calibration's
  // (a CPU-bound hash runs faster without idle gaps before it) and the host's speed drifts, and
  // the fraction must mean that utilization for the levels to test the model where they say.
  // The levels run back to back and are modelled after the sweep: the host's speed moved by a
  // fifth between one level's last window and the next one's first (2.51 against 2.06 ms per
  // hash, 2026-12-03 07:20), so nothing but the load should stand between them.
  // One run of a level as the model takes it.
  struct RunInputs {
    LevelWork work;
    std::vector<WorkWindow> windows;
    double offered = 0;
  };
  struct Measured {
    LevelResult level;
    RunInputs inputs;
    double placed_load = 0;
    loadgen::ErrorCounts errors;
    std::vector<loadgen::SecondStats> series;
    /// The runs not kept (measured again): what each measured, and its inputs.
    std::vector<std::pair<LevelResult, RunInputs>> others;
  };
  const auto run_inputs = [&](const LevelRun& run, const LevelResult& level) {
    RunInputs in;
    // Open loop: the arrival rate the run really offered (a Poisson count differs from the
    // target by chance), as the utilization law wants it.
    in.offered = o.closed ? level.users : run.step.sent > 0 ? run.step.achieved_rate() : level.rate;
    in.work = measured_work(run, level);
    // Open loop, work that is a worker's wall-clock hold: the level's path per request holds
    // what the stops kept the requests outside, and the windows the arrivals they released
    // together (window_spans). The gaps those stops left in the sends are then counted once, and
    // the holds' runs within a window are taken as the stops' drains, which the windows now
    // hold: kept as well, they put the model's mean 20% high on average over ten runs at 0.9
    // (docs/validate.md, "Stops held").
    const bool holds_through_stops = !o.closed && levels.cores <= 0 && window > 0;
    if (holds_through_stops) {
      in.work.send_gap_scv = send_gap_scv_between_stops(run.step.send_gaps, run.stop_spans);
      in.work.hold_dispersion.clear();
    }
    in.windows = split_windows(run.samples, in.work, window / 2);
    attach_steal_trace(in.windows, run.steal_trace);
    if (holds_through_stops)
      attach_stops(in.windows, run.stop_spans);
    return in;
  };
  std::vector<Measured> sweep;
  LevelModel placement = levels;
  std::string placed_from = "calibration";
  for (std::size_t i = 0; i < o.levels.size(); ++i) {
    Measured m;
    LevelResult& level = m.level;
    level.load_fraction = o.levels[i];
    level.duration = o.step_durations.size() == 1 ? o.step_durations[0] : o.step_durations[i];
    level.placed_from = placed_from;
    level.placement_service_time = placement.base.services[0].service_time.mean;
    if (o.closed)
      level.users = population_for(placement, level.load_fraction);
    else
      level.rate = level.load_fraction * placement.saturation_rate();
    m.placed_load = o.closed ? level.users : level.rate;
    level.placement_background_cpu = placement.background_cpu_at(m.placed_load);
    level.utilization = predicted_utilization(placement.work_only().at(m.placed_load));
    say(o.closed ? fmt::format("level {}/{}: {} users for {}", i + 1, o.levels.size(), level.users,
                               format_duration(level.duration))
                 : fmt::format("level {}/{}: {:.1f} requests/s for {}", i + 1, o.levels.size(),
                               level.rate, format_duration(level.duration)));

    loadgen::LoadOptions load = level_load_options(o, level, i);
    // Open loop: each window's rate is placed from the work the window before measured, so the
    // level stays at its fraction while the host's speed moves (a 10% slower spell would take
    // "0.9" to 1.0); every window is Poisson at its own rate, and modelled so.
    std::atomic<double> scale{1.0};
    SampleHook hold_fraction;
    if (!o.closed && o.hold_utilization && window > 0) {
      load.rate_scale = &scale;
      hold_fraction = [&, recent = std::deque<LevelSample>{}](const LevelSample& from,
                                                              const LevelSample& to) mutable {
        if (recent.empty() || recent.back().seconds != from.seconds)
          recent = {from};  // a new run of the level (measured again): its own samples only
        recent.push_back(to);
        const LevelSample& since = placement_span(recent);
        const std::vector<WorkWindow> last = split_windows({since, to}, LevelWork{}, 0);
        if (last.size() != 1)
          return;
        if (const auto rate = rate_for_fraction(levels, last[0], workers, level.load_fraction))
          scale = std::clamp(*rate / level.rate, 0.5, 1.5);
      };
    }
    // A level whose latency varied so widely from second to second that its mean cannot judge
    // the model to the tolerance, or in one of whose windows the hypervisor took the cores for a
    // spell (marks of a stall of the host), is measured again; the best run is kept, and every
    // run is reported.
    const std::optional<int> service_pid =
        bundled ? std::optional<int>(bundled->login_pid()) : std::nullopt;
    const std::vector<LevelRun> runs = run_until_precise(
        target.scenario, target.metrics, service_pid, load, window, hold_fraction, o.remeasure,
        o.tolerance_mean, level, [&](const LevelRunResult& run) {
          say(fmt::format("level {}/{}: {}; measuring it again", i + 1, o.levels.size(),
                          run.disturbed() ? disturbance(run)
                                          : fmt::format("its mean is uncertain by ±{:.0f}%",
                                                        100 * run.uncertainty)));
        });
    for (std::size_t r = 0; r < runs.size(); ++r) {
      if (static_cast<int>(r) == level.kept_run)
        continue;
      LevelResult other = level;
      record_measurement(runs[r], o.closed, other);
      RunInputs inputs = run_inputs(runs[r], other);
      m.others.emplace_back(std::move(other), std::move(inputs));
    }
    const LevelRun& run = runs[level.kept_run];
    record_measurement(run, o.closed, level);
    m.inputs = run_inputs(run, level);
    m.errors = run.step.errors;
    m.series = run.step.series;
    // The next level is placed from this one's last window, the host's speed nearest to it.
    const std::vector<WorkWindow>& windows = m.inputs.windows;
    const bool from_last = windows.size() > 1;
    const LevelInputs last =
        levels.inputs(from_last ? windows.back().work : m.inputs.work, workers);
    if (last.from_level) {
      placement =
          levels.with_work(last, from_last && !o.closed ? windows.back().rate() : m.inputs.offered);
      placed_from = from_last
                        ? fmt::format("level {}'s last {:.0f} s", i + 1, windows.back().duration)
                        : fmt::format("level {}", i + 1);
    }
    sweep.push_back(std::move(m));
  }

  // The model and the simulator at every level, from the inputs it measured.
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    Measured& m = sweep[i];
    say(fmt::format("modelling level {}/{}", i + 1, sweep.size()));
    predict_level(levels, m.inputs.work, m.inputs.windows, workers, m.inputs.offered, m.placed_load,
                  o, o.seed + i, m.level);
    // Each run not kept, from its own inputs: the model's error there is reported too.
    m.level.runs[m.level.kept_run].predicted = m.level.predicted;
    for (std::size_t r = 0, other = 0; r < m.level.runs.size(); ++r)
      if (static_cast<int>(r) != m.level.kept_run) {
        const auto& [measured, in] = m.others[other++];
        m.level.runs[r].predicted =
            model_only(levels, in.work, in.windows, workers, in.offered, o, measured);
      }
    add_measured_seconds(m.level.windows, m.series);
    const int cores = static_cast<int>(levels.cores);
    m.level.server_sharing_speed = sharing_speed(m.level.server_busy, cores, workers);
    for (std::string& note : level_notes(i + 1, m.level, m.errors, o.tolerance_mean,
                                         system.services[0].cores.has_value(), o.closed))
      report.notes.push_back(std::move(note));
    if (auto note = sharing_speed_note(i + 1, m.level, cores, workers))
      report.notes.push_back(*std::move(note));
    report.levels.push_back(std::move(m.level));
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
