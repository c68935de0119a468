#pragma once
// The planner's candidates: for each service, the replica counts it may take, each with its cost
// and its modelled latency contribution to every SLO (plan.cpp builds the MILP over them).

#include <string>
#include <vector>

#include "kendall/model/spec.hpp"

namespace kendall::model::detail {

struct Candidate {
  int replicas = 0;
  double cost = 0;
  std::vector<double> contribution;  ///< per SLO: seconds added to the class's latency
};

struct ServiceOptions {
  bool fixed = false;  ///< delay services keep their replica count
  int replicas_needed = 0;
  std::vector<Candidate> candidates;
};

struct Problem {
  const System* system = nullptr;
  double scale = 1;
  std::vector<ServiceOptions> services;
  std::vector<double> class_rate;
};

/// Candidates for every service at `scale` × the spec's rates. Sets `reason` (and leaves the
/// service without candidates) when a service cannot stay under the utilization cap.
Problem build_problem(const System& system, double scale, std::string& reason);

}  // namespace kendall::model::detail
