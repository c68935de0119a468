#include "kendall/validate/level_model.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include "kendall/model/dispersion.hpp"
#include "kendall/model/shifted_gamma.hpp"
#include "kendall/model/station.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::validation {

namespace {

// Whether a pair of consecutive holds is as good as two independent ones: their index I(2) is
// the holds' SCV within three standard errors (exactly, for a point given without blocks).
// Correlated pairs add cross terms to the pairs' third cumulant: at 0.2 of exp:1ms work with 4
// workers one run on 2026-12-02 measured I(2) 0.84 against an SCV of 0.76 (3.1 standard errors)
// and a skew index of 5.2 at pairs rising to 37 at 8 jobs, and the shifted gamma fitted to 5.2
// put the work's floor at 0.97 of its mean and p95 19% low.
bool pairs_independent(const model::DispersionPoint& pairs, double scv) {
  if (pairs.jobs > 2)
    return false;
  if (!pairs.blocks)
    return pairs.index <= scv;
  return !model::rises_beyond_noise(std::span(&pairs, 1), scv);
}

}  // namespace

LevelInputs LevelModel::inputs(const LevelWork& work, int workers) const {
  LevelInputs in;
  // The arrivals as the load generator sent them (its late sends go out together), not as the
  // worker queue saw them: the queue's gaps also carry the I/O thread's hand-on of every request
  // one wake found ready, microseconds apart, which a renewal SCV over-weights: in three runs
  // on 2026-12-02 at 0.9 the model's wait for a worker was −3.8% to +6.4% off with the sends'
  // SCV (1.07–1.12), +1.2% to +13% with the queue's (1.18–1.22), −10% to +2.2% with Poisson
  // (each run's model wait rescaled by Allen–Cunneen's (c_a² + c_s²)/2 for the other SCVs).
  if (!closed)
    in.arrival_scv = work.send_gap_scv;
  in.service_mean = base.services[0].service_time.mean;
  in.background_cpu = background_cpu;
  const auto& service_cores = base.services[0].cores;
  const bool core_per_worker = !service_cores || workers <= *service_cores;
  if (core_per_worker) {
    // The holds' spread under this load, not back to back: a job shares its core with the I/O
    // thread, the load generator and the kernel, and the wait grows with (1 + SCV). And their
    // runs: a machine slower for a second serves hundreds of holds slowly in a row.
    in.service_scv = work.hold_scv;
    if (in.service_scv && !closed)
      in.dispersion = work.hold_dispersion;
    // Where consecutive holds are as good as independent, their pairs' skew index is one hold's.
    if (in.service_scv && !work.hold_dispersion.empty() &&
        pairs_independent(work.hold_dispersion[0], *in.service_scv))
      in.service_third_ratio = work.hold_dispersion[0].skew_index;
  }
  if (core_per_worker && work.hold_mean) {
    // 8-10% above the CPU time at 0.2 on our VM (waking a core that had gone idle), 1% at 0.9.
    in.service_mean = *work.hold_mean;
    in.background_cpu = 0;
    in.from_level = true;
  } else if (cores > 0 && (work.worker_cpu || work.service_cpu)) {
    // The workers' own CPU per job where the service counts it: /proc counts 10 ms ticks (±13% of
    // a 0.4 s window at 0.2 of 4 workers on 2 cores) and holds the I/O thread's CPU, which does
    // not wait for a worker and belongs with the background.
    in.service_mean = work.worker_cpu ? std::max(1e-6, *work.worker_cpu)
                                      : std::max(1e-6, *work.service_cpu - io_cpu);
    in.background_cpu = std::max(0.0, work.machine_cpu - in.service_mean);
    in.from_level = true;
    in.time_shared = true;
    // The time in a worker as the holds spread it: the cores go in slices, and at 0.5 of 4
    // workers on 2 cores processor sharing put its SCV at 0.10 where the holds measured 0.15.
    in.hold_scv = work.hold_scv;
    // The jobs' own CPU times: their spread and their runs are the machine's speed, which the
    // time-shared cores then share (a hold would add the waits for a core the model makes).
    if (work.cpu_scv) {
      in.service_scv = work.cpu_scv;
      if (!closed)
        in.dispersion = work.cpu_dispersion;
    }
  } else if (work.hold_mean || work.job_mean) {
    in.service_mean = work.hold_mean ? *work.hold_mean : *work.job_mean;
    if (work.hold_mean)
      in.background_cpu = 0;  // what the machine's other work took from the core is in the hold
    in.from_level = true;
  }
  return in;
}

namespace {

/// The model's mean time in a worker (its response less its wait for one); empty if unstable.
std::optional<double> time_in_worker(const model::System& system) {
  model::AnalysisOptions analysis;
  analysis.percentiles = false;
  const model::SystemResult result = model::analyze(system, analysis);
  const model::ServiceResult& service = result.services.at(0);
  if (!result.stable || !service.response_time || !service.waiting_time)
    return std::nullopt;
  return *service.response_time - *service.waiting_time;
}

}  // namespace

LevelInputs LevelModel::matched_to_hold(const LevelInputs& inputs, double load, double hold) const {
  if (!inputs.time_shared || !(hold > inputs.service_mean))
    return inputs;
  LevelInputs raised = inputs;
  const auto in_worker = [&](double work) {
    raised.service_mean = work;
    return time_in_worker(at(load, raised));
  };
  const std::optional<double> at_cpu = in_worker(inputs.service_mean);
  if (!at_cpu || *at_cpu >= hold)
    return inputs;
  // The time in a worker grows with the work (sharing and waiting both do): bisect.
  double low = inputs.service_mean;
  double high = hold;
  for (int step = 0; step < 40 && high - low > 1e-4 * hold; ++step) {
    const double mid = (low + high) / 2;
    const std::optional<double> t = in_worker(mid);
    (t && *t < hold ? low : high) = mid;
  }
  raised.service_mean = low;
  raised.off_core = low - inputs.service_mean;
  return raised;
}

double LevelModel::saturation_rate() const {
  const model::Service& service = base.services[0];
  const int servers = service.servers();
  // A background that held (nearly) every core would put the next level at no load at all;
  // the service keeps at least a twentieth of the cores.
  if (background_cores && cores > 0)
    return servers * std::max(0.05, 1 - *background_cores / cores) / service.service_time.mean;
  return servers / (service.service_time.mean + (cores > 0 ? background_cpu * servers / cores : 0));
}

LevelModel LevelModel::with_work(const LevelInputs& inputs, double offered) const {
  LevelModel moved = *this;
  Distribution& service_time = moved.base.services[0].service_time;
  service_time = Distribution::from_moments(inputs.service_mean, service_time.scv);
  moved.background_cpu = inputs.background_cpu;
  moved.background_cores.reset();
  if (!closed && cores > 0 && offered > 0 && inputs.background_cpu > 0)
    moved.background_cores = offered * inputs.background_cpu;
  return moved;
}

double LevelModel::handed_off(double load, double service_mean) const {
  if (!(handoff > 0) || closed || cores > 0 || !(load > 0))
    return 0;
  const model::Service& service = base.services[0];
  const double per_replica = load / std::max(1, service.replicas);
  if (!(per_replica * service_mean < service.workers))
    return 0;  // saturated on the work alone: no job finds a worker idle
  // The share w of jobs that find a worker idle is 1 − C(c, λ(S + w·h)), which falls as w
  // grows, so w − it rises and crosses 0 once in [0, 1]: bisect. Near saturation w goes to 0
  // and the hand-off costs nothing, so the capacity stays c / S. (Iterating from w = 1 called
  // every load beyond c / (S + h) unstable: a hand-off of 29 µs on 1.24 ms of work put each
  // window's capacity 2.3% low, and one level's mean at 0.9 of 4 workers at 5.07 ms where the
  // hand-off solved gives 4.81 ms; docs/validate.md, "What is still off", 2026-12-06 late
  // morning.)
  const auto idle_share = [&](double woken) {
    const double offered = per_replica * (service_mean + woken * handoff);
    return offered < service.workers ? 1 - model::erlang_c(service.workers, offered) : 0.0;
  };
  double low = 0;
  double high = 1;
  for (int step = 0; step < 60 && high - low > 1e-12; ++step) {
    const double mid = (low + high) / 2;
    (mid < idle_share(mid) ? low : high) = mid;
  }
  return (low + high) / 2 * handoff;
}

namespace {

// The path a level measured (LevelModel::path). Per request the server's time is its job's
// (Server-Timing), a hair shorter than the hold /metrics counts (the job's release), so the
// shape is moved to the mean the hold gives.
Distribution measured_path(const LevelWork& work, double calibrated_scv) {
  if (work.path_quantiles.empty())
    return Distribution::from_moments(*work.path_mean, calibrated_scv);
  double sum = 0;
  for (const double q : work.path_quantiles)
    sum += q;
  const double shift = *work.path_mean - sum / static_cast<double>(work.path_quantiles.size());
  std::vector<double> samples;
  samples.reserve(work.path_quantiles.size());
  for (const double q : work.path_quantiles)
    samples.push_back(std::max(0.0, q + shift));
  return Distribution::empirical(std::move(samples));
}

}  // namespace

LevelModel LevelModel::with_path(const LevelWork& work) const {
  LevelModel measured = *this;
  if (cores <= 0 && work.path_mean && *work.path_mean > 0)
    measured.path =
        measured_path(work, base.services.size() > 1 ? base.services[1].service_time.scv : 1.0);
  return measured;
}

std::vector<double> path_quantiles(const Histogram& outside, std::size_t points) {
  if (outside.count() < kLeastPathRequests)
    return {};
  points = std::min<std::size_t>(points, outside.count());
  std::vector<double> quantiles;
  quantiles.reserve(points);
  for (std::size_t i = 0; i < points; ++i)
    quantiles.push_back(
        outside.value_at_quantile((static_cast<double>(i) + 0.5) / static_cast<double>(points)));
  return quantiles;
}

LevelModel LevelModel::work_only() const {
  LevelModel plain = *this;
  plain.handoff = 0;
  return plain;
}

double LevelModel::background_cpu_at(double load) const {
  return background_cores && load > 0 && !closed ? *background_cores / load : background_cpu;
}

model::System LevelModel::at(double load) const {
  return at(load, base.services[0].service_time.mean, background_cpu_at(load));
}

model::System LevelModel::at(double load, const LevelInputs& inputs) const {
  model::System system = at(load, inputs.service_mean, inputs.background_cpu, inputs.service_scv,
                            inputs.dispersion, inputs.service_third_ratio);
  if (inputs.arrival_scv && !closed)
    system.classes[0].arrival_scv = *inputs.arrival_scv;
  system.services[0].hold_scv = inputs.hold_scv;
  return system;
}

model::System LevelModel::at(double load, double service_mean, double background_cpu_now,
                             std::optional<double> service_scv,
                             const std::vector<model::DispersionPoint>& dispersion,
                             std::optional<double> third_ratio) const {
  model::System system = base;
  system.services[0].service_dispersion = dispersion;
  double scv = service_scv.value_or(base.services[0].service_time.scv);
  if (const double extra = handed_off(load, service_mean); extra > 0) {
    // The same work with a constant added: its variance and third cumulant stay, so every
    // ratio to a power of the mean shrinks, the dispersion indices with the SCV. Left as
    // measured, I(m) would sit above the SCV and the runs fit would read that gap as runs.
    const double shrink = service_mean / (service_mean + extra);
    scv *= shrink * shrink;
    if (third_ratio)
      *third_ratio *= shrink * shrink * shrink;
    for (model::DispersionPoint& point : system.services[0].service_dispersion) {
      point.index *= shrink * shrink;
      if (point.skew_index)
        *point.skew_index *= shrink * shrink * shrink;
    }
    service_mean += extra;
    // The path outside keeps its variance without the hand-off it no longer holds (a level's
    // own path, below, never held it).
    if (!path && system.services.size() > 1 &&
        system.services[1].type == model::ServiceType::delay) {
      Distribution& calibrated = system.services[1].service_time;
      const double outside = std::max(1e-9, calibrated.mean - handoff);
      const double grow = calibrated.mean / outside;
      calibrated = Distribution::from_moments(outside, calibrated.scv * grow * grow);
    }
  }
  // The level's own path, already without the hand-off: the worker queue's wait holds it.
  if (path && system.services.size() > 1 && system.services[1].type == model::ServiceType::delay)
    system.services[1].service_time = *path;
  const std::optional<Distribution> skewed =
      third_ratio ? model::shifted_gamma(service_mean, scv, *third_ratio) : std::nullopt;
  const Distribution service_time =
      skewed ? *skewed : Distribution::from_moments(service_mean, scv);
  system.services[0].service_time = service_time;
  if (closed)
    system.classes[0].population = static_cast<int>(load);
  else
    system.classes[0].rate = load;
  if (cores <= 0 || background_cpu_now <= 0)
    return system;
  // Closed: the throughput depends on the stretch, so iterate to a fixed point.
  double throughput = closed ? 0 : load;
  for (int round = 0; round < (closed ? 20 : 1); ++round) {
    if (closed) {
      model::AnalysisOptions options;
      options.percentiles = false;
      throughput = model::analyze(system, options).throughput;
    }
    const double background = std::min(0.95, throughput * background_cpu_now / cores);
    Distribution stretched = service_time;  // the same shape, every time 1 / (1 − U_bg) longer
    stretched.mean /= 1 - background;
    for (double& x : stretched.samples)
      x /= 1 - background;
    system.services[0].service_time = stretched;
  }
  return system;
}

}  // namespace kendall::validation
