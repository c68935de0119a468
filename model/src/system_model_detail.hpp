#pragma once
// Pieces shared by the open and closed system analyses.

#include <vector>

#include "kendall/model/latency.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::model::detail {

/// A service solved as a station at a given arrival rate and (mixed) service time.
struct ServiceSolution {
  StationMetrics station;  ///< of one copy
  int copies = 1;          ///< replicas with their own queue (random, round-robin), else 1
  /// Workers time-sharing cores: a request's time in a worker is its work times a factor
  /// drawn from this (empty: the work itself). Its mean is in station's response time.
  std::vector<Stretch> stretch;
  /// A visit's mean time in service: the work, stretched.
  double service_mean(const Distribution& work) const { return work.mean * mean_factor(stretch); }
};
/// The station model a service's balancer and limits call for (docs/model.md, "Open networks").
ServiceSolution solve_service(const Service& service, double rate, const Distribution& time);

SystemResult analyze_open(const System& system, const AnalysisOptions& options);
SystemResult analyze_closed(const System& system, const AnalysisOptions& options);

/// Mean and second moment of the service time seen at a service, mixing the classes' own
/// times by their visit rates (FCFS: every class waits in the same queue).
Distribution mixed_service_time(const Service& service, const std::vector<double>& class_rates,
                                const std::vector<const Distribution*>& class_times);

/// Fills SystemResult::slos and each class's slo_met from the predictions.
void evaluate_slos(const System& system, SystemResult& result);

}  // namespace kendall::model::detail
