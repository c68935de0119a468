#include "kendall/validate/level_model.hpp"

#include <algorithm>

#include "kendall/model/system_model.hpp"

namespace kendall::validation {

LevelInputs LevelModel::inputs(const LevelWork& work, int workers) const {
  LevelInputs in;
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
  }
  if (core_per_worker && work.hold_mean) {
    // 8-10% above the CPU time at 0.2 on our VM (waking a core that had gone idle), 1% at 0.9.
    in.service_mean = *work.hold_mean;
    in.background_cpu = 0;
    in.from_level = true;
  } else if (cores > 0 && work.service_cpu) {
    in.service_mean = std::max(1e-6, *work.service_cpu - io_cpu);
    in.background_cpu = std::max(0.0, work.machine_cpu - in.service_mean);
    in.from_level = true;
  } else if (work.hold_mean || work.job_mean) {
    in.service_mean = work.hold_mean ? *work.hold_mean : *work.job_mean;
    if (work.hold_mean)
      in.background_cpu = 0;  // what the machine's other work took from the core is in the hold
    in.from_level = true;
  }
  return in;
}

model::System LevelModel::at(double load) const {
  return at(load, base.services[0].service_time.mean, background_cpu);
}

model::System LevelModel::at(double load, double service_mean, double background_cpu_now,
                             std::optional<double> service_scv,
                             const std::vector<model::DispersionPoint>& dispersion) const {
  model::System system = base;
  system.services[0].service_dispersion = dispersion;
  const Distribution service_time = Distribution::from_moments(
      service_mean, service_scv.value_or(base.services[0].service_time.scv));
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
    system.services[0].service_time =
        Distribution::from_moments(service_time.mean / (1 - background), service_time.scv);
  }
  return system;
}

}  // namespace kendall::validation
