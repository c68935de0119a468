#pragma once

#include <optional>
#include <vector>

#include "kendall/model/spec.hpp"

namespace kendall::validation {

/// The calibrated model at one load level. CPU-bound services share the machine's cores with the
/// load generator and their own I/O threads: that background CPU work (per request) leaves the
/// workers a fraction 1 − U_bg of the cores, so their service time stretches by 1 / (1 − U_bg),
/// U_bg = throughput × background CPU per request / cores — the "shadow server" approximation.
struct LevelModel {
  model::System base;         ///< the calibrated system; services[0] is the service under test
  bool closed = false;        ///< load is a population (closed) rather than a rate (open)
  double background_cpu = 0;  ///< seconds of other CPU work per request (calibrated)
  double cores = 0;           ///< cores the workers share; 0: not CPU-bound

  /// The system at `load` (a rate, or a population when closed) with the calibrated inputs.
  model::System at(double load) const;

  /// The same with the service time's mean (and SCV, else the calibrated one) and the background
  /// CPU per request given (measured over the level), and the service times' dispersion over
  /// time when measured (empty: independent).
  model::System at(double load, double service_mean, double background_cpu_now,
                   std::optional<double> service_scv = std::nullopt,
                   const std::vector<model::DispersionPoint>& dispersion = {}) const;
};

}  // namespace kendall::validation
