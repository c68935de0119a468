#pragma once
/// Replica planning: the cheapest integer replica count per service such that every SLO holds
/// under the model, no service exceeds the utilization cap, and (with a node pool) the replicas
/// fit on the nodes. Solved as a MILP with GLPK (docs/plan.md). Units: seconds, requests per
/// second, cost per hour.

#include <optional>
#include <string>
#include <vector>

#include "kendall/model/spec.hpp"

namespace kendall::model {

struct PlanOptions {
  double rate_scale = 1.0;         ///< multiplies every class's rate
  double time_limit_seconds = 10;  ///< GLPK branch-and-cut time limit per solve
  int max_iterations = 20;         ///< percentile-SLO refinement rounds
  /// Also find each service's utilization at the SLO limit (for autoscaler targets); costs
  /// about 30 model solves.
  bool find_slo_limit = true;
};

struct ServicePlan {
  std::string name;
  int replicas = 0;
  int current_replicas = 0;
  double utilization = 0;               ///< busy fraction per worker with the planned replicas
  std::optional<double> response_time;  ///< per visit, mean, with the planned replicas
  double cost = 0;                      ///< replicas × cost per replica-hour
  /// The highest utilization this service may reach, the others as planned, while every SLO
  /// still holds (its load scaled up until an SLO breaks): the basis of an autoscaler's target.
  std::optional<double> utilization_at_slo_limit;
};

struct SloPlan {
  std::string workload_class;
  Statistic statistic = Statistic::p95;
  double target = 0;
  std::optional<double> predicted;  ///< under the full model, with the planned replicas
  bool met = false;
};

struct NodePlan {
  int nodes_used = 0;
  int nodes_available = 0;
  double cpu_requested = 0;     ///< cores, all planned replicas
  double memory_requested = 0;  ///< bytes
  double cost = 0;              ///< nodes_used × cost per node-hour
  /// placement[k][s]: replicas of service s on node k (nodes in use only).
  std::vector<std::vector<int>> placement;
};

struct PlanResult {
  bool feasible = false;
  /// When infeasible: the binding reason in words ("user-login-service needs 31 replicas to
  /// stay under 80% utilization; max_replicas is 20").
  std::string reason;
  double rate_scale = 1.0;
  double total_rate = 0;  ///< requests per second after scaling
  double cost = 0;        ///< per hour: replicas, plus nodes when a pool is given
  std::vector<ServicePlan> services;
  std::vector<SloPlan> slos;
  std::optional<NodePlan> nodes;
  std::string solver_status;  ///< "optimal", "feasible (time limit)", "infeasible", ...
  double gap = 0;             ///< relative MIP gap of the reported solution
  int iterations = 0;         ///< MILP solves (more than one with percentile SLOs)
  std::string method;
  std::vector<std::string> notes;
};

/// Plans replicas for an open-workload spec. Throws InputError for specs it cannot plan
/// (closed workloads). Infeasibility is a result, not an exception.
PlanResult plan_replicas(const System& system, const PlanOptions& options = {});

/// One plan per load level (rate scales), e.g. from --rates or a time-of-day schedule.
struct ScheduleLevel {
  std::string label;  ///< "08:00" or "200/s"
  double rate_scale = 1.0;
};
struct ScheduleRow {
  ScheduleLevel level;
  PlanResult plan;
};
std::vector<ScheduleRow> plan_schedule(const System& system,
                                       const std::vector<ScheduleLevel>& levels,
                                       const PlanOptions& options = {});

/// Reads a time-of-day schedule: one "HH:MM,RATE" per line (total requests per second; '#'
/// comments; an optional "time,rate" header). Levels are rate scales relative to the spec's
/// total rate. Throws InputError with file and line.
std::vector<ScheduleLevel> read_schedule(const std::string& path, double spec_total_rate);

}  // namespace kendall::model
