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
/// Workers sharing fewer cores, where the time-shared model applies: one queue per replica (or
/// one replica), no queue limit. Elsewhere the cores are FCFS servers.
bool time_shared(const Service& service);

/// The station model a service's balancer and limits call for (docs/model.md, "Open networks"),
/// with the SCV of the gaps between the visits that reach it (1: Poisson).
ServiceSolution solve_service(const Service& service, double rate, const Distribution& time,
                              double arrival_scv = 1.0);

/// The SCV of the merged arrivals at a service: the classes' arrival SCVs weighted by their
/// visit rates there (the superposition rule of Whitt's QNA, 1983; 1 when every class is
/// Poisson). Each class's gaps keep their SCV at every service it visits: the departures of an
/// earlier service are not re-shaped (docs/model.md, "Open networks").
double merged_arrival_scv(const System& system, const std::vector<double>& visit_rate);

SystemResult analyze_open(const System& system, const AnalysisOptions& options);
SystemResult analyze_closed(const System& system, const AnalysisOptions& options);

/// Mean and second moment of the service time seen at a service, mixing the classes' own
/// times by their visit rates (FCFS: every class waits in the same queue).
Distribution mixed_service_time(const Service& service, const std::vector<double>& class_rates,
                                const std::vector<const Distribution*>& class_times);

/// Fills SystemResult::slos and each class's slo_met from the predictions.
void evaluate_slos(const System& system, SystemResult& result);

}  // namespace kendall::model::detail
