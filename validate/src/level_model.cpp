#include "kendall/validate/level_model.hpp"

#include <algorithm>

#include "kendall/model/system_model.hpp"

namespace kendall::validation {

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
