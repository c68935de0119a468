// One run of a level's load, with the service's counters and the CPU times around it: what a
// level measures before anything is modelled, so that a level can be measured again.
#pragma once

#include <optional>
#include <utility>

#include "kendall/loadgen/run.hpp"
#include "kendall/validate/prometheus.hpp"

namespace kendall::validation {

struct LevelRun {
  loadgen::StepResult step;
  std::optional<Samples> before;  ///< the service's /metrics before the load
  std::optional<Samples> after;
  std::optional<double> service_cpu;  ///< CPU seconds the service process used during the load
  double machine_cpu = 0;             ///< busy CPU seconds of the whole machine
  std::pair<double, double> mean_interval{0, 0};  ///< 95%, one-second batch means; {0,0}: none

  /// Half the interval's width over the measured mean; 0 when there is no interval.
  double uncertainty() const;
};

/// Sends `load` to `scenario`, scraping `metrics` and reading the CPU times of `service_pid`
/// (when given) and of the machine just before and after.
LevelRun run_level(const loadgen::Scenario& scenario, const loadgen::Endpoint& metrics,
                   std::optional<int> service_pid, const loadgen::LoadOptions& load);

/// A 95% interval for the step's mean latency from its one-second batch means (Student's t);
/// {0, 0} with fewer than five full seconds.
std::pair<double, double> batch_mean_interval(const loadgen::StepResult& step);

}  // namespace kendall::validation
