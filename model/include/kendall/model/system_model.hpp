#pragma once
/// The analytic model of a whole system spec: per class and per service performance, the
/// bottleneck and the saturation rate (docs/model.md). Units: seconds and requests per second.

#include <optional>
#include <string>
#include <vector>

#include "kendall/model/closed_network.hpp"
#include "kendall/model/latency.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/model/station.hpp"

namespace kendall::model {

struct ServiceResult {
  std::string name;
  int servers = 0;     ///< replicas × workers
  std::string method;  ///< station model and formula
  bool stable = true;
  double throughput = 0;   ///< admitted visits per second
  double utilization = 0;  ///< busy fraction per worker (0 for delay services)
  std::optional<double> mean_number_in_system;
  std::optional<double> response_time;   ///< per visit: wait + service
  std::optional<double> waiting_time;    ///< per visit
  std::optional<double> residence_time;  ///< per system request, over all its visits here
  double probability_of_blocking = 0;    ///< rejected visits / offered visits
};

struct ClassResult {
  std::string name;
  double offered_rate = 0;                   ///< open: the class's rate (scaled)
  double throughput = 0;                     ///< completed requests per second
  double rejection_probability = 0;          ///< open: requests rejected at some visit
  std::optional<double> mean_response_time;  ///< end to end, excluding think time
  std::optional<ResponsePercentiles> response_time_percentiles;
  /// The whole end-to-end distribution the percentiles were read from: to mix it with others
  /// (e.g. the same system at several loads, each for a share of the requests).
  std::optional<LatencyGrid> response_time_distribution;
  std::optional<bool> slo_met;  ///< all of this class's SLOs; empty when it has none
};

struct SloResult {
  std::string workload_class;
  Statistic statistic = Statistic::p95;
  double target = 0;                ///< seconds
  std::optional<double> predicted;  ///< seconds; empty when unstable
  bool met = false;
};

struct SystemResult {
  std::string name;
  WorkloadType workload = WorkloadType::open;
  bool stable = true;
  std::string saturation;  ///< when unstable: which service saturates and why
  double throughput = 0;
  std::optional<double> mean_response_time;
  std::optional<ResponsePercentiles> response_time_percentiles;  ///< of the class mix
  std::vector<ClassResult> classes;
  std::vector<ServiceResult> services;
  std::vector<SloResult> slos;
  std::string bottleneck;  ///< the service with the highest utilization
  /// Open: the total arrival rate (same class mix) at which the bottleneck reaches 100%.
  std::optional<double> saturation_rate;
  std::optional<AsymptoticBounds> bounds;  ///< closed only
  std::string method;                      ///< how the network was solved
  std::string percentile_method;
  std::vector<std::string> notes;  ///< approximations the user should know about
};

struct AnalysisOptions {
  double rate_scale = 1.0;  ///< multiplies every open class's rate (or closed population)
  bool percentiles = true;  ///< compute per-class percentiles (the costly part)
  /// Open workloads, what-if: per service, a factor on the load it receives (as if it alone ran
  /// hotter, e.g. with fewer replicas); empty means 1 for every service.
  std::vector<double> service_load_scale;
};

/// Solves the spec's model. Throws InputError for specs the model cannot express.
SystemResult analyze(const System& system, const AnalysisOptions& options = {});

}  // namespace kendall::model
