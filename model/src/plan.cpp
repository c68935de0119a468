// Replica planning as a MILP (docs/plan.md). One binary x[s][r] per service s and candidate
// replica count r, Σ_r x[s][r] = 1; each candidate carries its cost and, per SLO, its modelled
// latency contribution, so end-to-end latency constraints are linear. Means add exactly over
// visits; percentiles do not, so a percentile SLO uses the sum of per-service quantiles as a
// linear surrogate, scaled by the ratio true/surrogate measured on the last plan, and every plan
// is verified under the full model (analyze) — iterating until a verified plan stops improving.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/model/plan.hpp"
#include "kendall/model/system_model.hpp"
#include "plan_candidates.hpp"
#include "plan_milp.hpp"
#include "system_model_detail.hpp"

namespace kendall::model {
namespace {

using detail::Candidate;
using detail::Problem;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct Choice {
  std::vector<int> candidate;  ///< per service: index into its candidates
  std::vector<std::vector<int>> placement;
  std::string status;
  double gap = 0;
  bool feasible = false;
};

/// Builds and solves the MILP. `ratio[k]` scales SLO k's surrogate (true / surrogate).
Choice solve(const Problem& problem, const std::vector<double>& ratio, bool with_nodes,
             double time_limit) {
  const System& system = *problem.system;
  detail::Milp milp;
  std::vector<std::vector<int>> column(problem.services.size());
  const bool all_free = std::all_of(system.services.begin(), system.services.end(),
                                    [](const Service& s) { return s.cost == 0; });
  for (std::size_t s = 0; s < problem.services.size(); ++s) {
    std::vector<std::pair<int, double>> one;
    for (const Candidate& c : problem.services[s].candidates) {
      // With every cost zero, prefer fewer replicas rather than any feasible count.
      const double cost = all_free ? 1e-6 * c.replicas : c.cost;
      column[s].push_back(milp.add_column(detail::Milp::Kind::binary, 0, 1, cost));
      one.emplace_back(column[s].back(), 1.0);
    }
    milp.add_row(one, 1.0, 1.0);
  }
  for (std::size_t k = 0; k < system.slos.size(); ++k) {
    std::vector<std::pair<int, double>> terms;
    for (std::size_t s = 0; s < problem.services.size(); ++s) {
      const auto& candidates = problem.services[s].candidates;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        terms.emplace_back(column[s][i], candidates[i].contribution[k]);
      }
    }
    milp.add_row(terms, -kInfinity, system.slos[k].latency / ratio[k]);
  }
  // Bin packing: n[s][k] replicas of s on node k, y[k] node k in use (y[k] >= y[k+1] breaks
  // the symmetry between identical nodes).
  std::vector<std::vector<int>> on_node;
  std::vector<int> node_used;
  if (with_nodes && system.nodes) {
    const NodePool& pool = *system.nodes;
    for (int k = 0; k < pool.count; ++k)
      node_used.push_back(milp.add_column(detail::Milp::Kind::binary, 0, 1, pool.cost));
    on_node.assign(problem.services.size(), {});
    for (std::size_t s = 0; s < problem.services.size(); ++s) {
      std::vector<std::pair<int, double>> balance;
      for (int k = 0; k < pool.count; ++k) {
        on_node[s].push_back(milp.add_column(detail::Milp::Kind::integer, 0, kInfinity, 0));
        balance.emplace_back(on_node[s].back(), 1.0);
      }
      const auto& candidates = problem.services[s].candidates;
      for (std::size_t i = 0; i < candidates.size(); ++i)
        balance.emplace_back(column[s][i], -candidates[i].replicas);
      milp.add_row(balance, 0.0, 0.0);
    }
    for (int k = 0; k < pool.count; ++k) {
      std::vector<std::pair<int, double>> cpu, memory;
      for (std::size_t s = 0; s < problem.services.size(); ++s) {
        cpu.emplace_back(on_node[s][static_cast<std::size_t>(k)], system.services[s].resources.cpu);
        memory.emplace_back(on_node[s][static_cast<std::size_t>(k)],
                            system.services[s].resources.memory);
      }
      cpu.emplace_back(node_used[static_cast<std::size_t>(k)], -pool.cpu);
      memory.emplace_back(node_used[static_cast<std::size_t>(k)], -pool.memory);
      milp.add_row(cpu, -kInfinity, 0.0);
      milp.add_row(memory, -kInfinity, 0.0);
      if (k + 1 < pool.count) {
        milp.add_row({{node_used[static_cast<std::size_t>(k)], 1.0},
                      {node_used[static_cast<std::size_t>(k) + 1], -1.0}},
                     0.0, kInfinity);
      }
    }
  }
  const detail::Milp::Solution solution = milp.minimise(time_limit);
  Choice choice;
  choice.status = solution.status;
  choice.gap = solution.gap;
  choice.feasible = solution.feasible;
  if (!solution.feasible)
    return choice;
  for (std::size_t s = 0; s < problem.services.size(); ++s) {
    int best = 0;
    for (std::size_t i = 0; i < column[s].size(); ++i) {
      if (solution.values[static_cast<std::size_t>(column[s][i])] > 0.5)
        best = static_cast<int>(i);
    }
    choice.candidate.push_back(best);
  }
  for (std::size_t k = 0; k < node_used.size(); ++k) {
    if (solution.values[static_cast<std::size_t>(node_used[k])] < 0.5)
      continue;
    std::vector<int> here;
    for (std::size_t s = 0; s < on_node.size(); ++s) {
      here.push_back(
          static_cast<int>(std::lround(solution.values[static_cast<std::size_t>(on_node[s][k])])));
    }
    choice.placement.push_back(std::move(here));
  }
  return choice;
}

System with_replicas(const System& system, const Problem& problem,
                     const std::vector<int>& candidate) {
  System planned = system;
  for (std::size_t s = 0; s < planned.services.size(); ++s) {
    planned.services[s].replicas =
        problem.services[s].candidates[static_cast<std::size_t>(candidate[s])].replicas;
  }
  return planned;
}

double surrogate(const Problem& problem, const std::vector<int>& candidate, std::size_t slo) {
  double total = 0;
  for (std::size_t s = 0; s < problem.services.size(); ++s) {
    total +=
        problem.services[s].candidates[static_cast<std::size_t>(candidate[s])].contribution[slo];
  }
  return total;
}

/// Why no plan meets the SLOs: the SLO that fails even with every service at its most replicas.
std::string slo_reason(const System& system, double scale) {
  System most = system;
  for (Service& s : most.services) {
    if (s.type == ServiceType::queue)
      s.replicas = s.max_replicas;
  }
  AnalysisOptions options;
  options.rate_scale = scale;
  const SystemResult best = analyze(most, options);
  for (const SloResult& slo : best.slos) {
    if (slo.met)
      continue;
    return fmt::format(
        "{}: {} is {} even with every service at max_replicas (SLO {}); the service "
        "times themselves are too long, or max_replicas too low",
        slo.workload_class, to_string(slo.statistic),
        slo.predicted ? format_duration(*slo.predicted) : "unbounded", format_duration(slo.target));
  }
  return "no replica counts within min_replicas..max_replicas meet every SLO at once (each can "
         "be met alone)";
}

std::string node_reason(const System& system, const Problem& problem,
                        const std::vector<int>& candidate) {
  double cpu = 0, memory = 0;
  for (std::size_t s = 0; s < system.services.size(); ++s) {
    const int replicas =
        problem.services[s].candidates[static_cast<std::size_t>(candidate[s])].replicas;
    cpu += replicas * system.services[s].resources.cpu;
    memory += replicas * system.services[s].resources.memory;
  }
  const NodePool& pool = *system.nodes;
  return fmt::format(
      "the cheapest replicas that meet the SLOs request {:g} CPU and {:.3g} GiB; the node "
      "pool has {} nodes of {:g} CPU and {:.3g} GiB, and replicas cannot be split across nodes",
      cpu, memory / 1073741824.0, pool.count, pool.cpu, pool.memory / 1073741824.0);
}

}  // namespace

PlanResult plan_replicas(const System& system, const PlanOptions& options) {
  if (system.workload != WorkloadType::open) {
    throw InputError(
        fmt::format("{}: kendall plan handles open workloads (arrival rates); this spec is "
                    "closed — use kendall model to evaluate replica counts by hand",
                    system.source));
  }
  if (!(options.rate_scale > 0))
    throw InputError("the rate scale must be > 0");
  PlanResult result;
  result.rate_scale = options.rate_scale;
  for (const auto& c : system.classes)
    result.total_rate += c.rate * options.rate_scale;
  result.method =
      "MILP (GLPK branch-and-cut): one binary per service and candidate replica count; mean SLOs "
      "exact, percentile SLOs by a verified linear surrogate";

  if (system.nodes) {
    for (const Service& s : system.services) {
      if (s.resources.cpu > system.nodes->cpu || s.resources.memory > system.nodes->memory) {
        result.reason = fmt::format(
            "{} requests {:g} CPU and {:.3g} GiB per replica; a node has {:g} CPU and {:.3g} GiB",
            s.name, s.resources.cpu, s.resources.memory / 1073741824.0, system.nodes->cpu,
            system.nodes->memory / 1073741824.0);
        result.solver_status = "not run";
        return result;
      }
    }
  }
  const Problem problem = detail::build_problem(system, options.rate_scale, result.reason);
  if (!result.reason.empty()) {
    result.solver_status = "not run";
    return result;
  }

  std::vector<double> ratio(system.slos.size(), 1.0);
  std::optional<Choice> best;
  double best_cost = kInfinity;
  std::vector<std::vector<int>> seen;

  // The plan with every service at its most replicas is the easiest on the SLOs: if it misses
  // one, nothing meets it. Otherwise it is a verified fallback and calibrates the surrogate.
  Choice most;
  most.feasible = true;
  most.status = "feasible (most replicas everywhere)";
  for (const auto& options_of_service : problem.services) {
    most.candidate.push_back(static_cast<int>(options_of_service.candidates.size()) - 1);
  }
  {
    AnalysisOptions analysis;
    analysis.rate_scale = options.rate_scale;
    const SystemResult truth = analyze(with_replicas(system, problem, most.candidate), analysis);
    const bool met = truth.stable && std::all_of(truth.slos.begin(), truth.slos.end(),
                                                 [](const SloResult& slo) { return slo.met; });
    if (!met) {
      result.solver_status = "not run";
      result.reason = slo_reason(system, options.rate_scale);
      return result;
    }
    for (std::size_t k = 0; k < system.slos.size(); ++k) {
      const double linear = surrogate(problem, most.candidate, k);
      if (system.slos[k].statistic != Statistic::mean && truth.slos[k].predicted && linear > 0) {
        ratio[k] = std::max(*truth.slos[k].predicted / linear, 1e-3);
      }
    }
    if (!system.nodes) {
      best = most;
      for (std::size_t s = 0; s < problem.services.size(); ++s) {
        best_cost =
            (s == 0 ? 0.0 : best_cost) +
            problem.services[s].candidates[static_cast<std::size_t>(most.candidate[s])].cost;
      }
    }
  }
  for (int iteration = 1; iteration <= options.max_iterations; ++iteration) {
    result.iterations = iteration;
    Choice choice = solve(problem, ratio, true, options.time_limit_seconds);
    if (!choice.feasible) {
      if (!best) {
        result.solver_status = choice.status;
        if (choice.status != "infeasible") {
          result.reason =
              "GLPK found no plan within the time limit; raise it or narrow min/max_replicas";
        } else if (system.nodes) {
          const Choice free = solve(problem, ratio, false, options.time_limit_seconds);
          result.reason = free.feasible ? node_reason(system, problem, free.candidate)
                                        : slo_reason(system, options.rate_scale);
        } else {
          result.reason = slo_reason(system, options.rate_scale);
        }
        return result;
      }
      break;
    }
    if (std::find(seen.begin(), seen.end(), choice.candidate) != seen.end())
      break;
    seen.push_back(choice.candidate);

    AnalysisOptions analysis;
    analysis.rate_scale = options.rate_scale;
    const SystemResult truth = analyze(with_replicas(system, problem, choice.candidate), analysis);
    bool all_met = truth.stable;
    for (std::size_t k = 0; k < system.slos.size(); ++k) {
      const SloResult& slo = truth.slos[k];
      all_met = all_met && slo.met;
      if (system.slos[k].statistic != Statistic::mean && slo.predicted) {
        const double linear = surrogate(problem, choice.candidate, k);
        if (linear > 0)
          ratio[k] = std::max(*slo.predicted / linear, 1e-3);
      }
    }
    double cost = 0;
    for (std::size_t s = 0; s < problem.services.size(); ++s) {
      cost += problem.services[s].candidates[static_cast<std::size_t>(choice.candidate[s])].cost;
    }
    if (system.nodes)
      cost += static_cast<double>(choice.placement.size()) * system.nodes->cost;
    if (all_met && cost < best_cost - 1e-12) {
      best_cost = cost;
      best = choice;
    }
    const bool percentile_slos =
        std::any_of(system.slos.begin(), system.slos.end(),
                    [](const Slo& s) { return s.statistic != Statistic::mean; });
    if (!percentile_slos && all_met)
      break;  // the MILP was exact: this is the optimum
  }
  if (!best) {
    result.solver_status = "no verified plan";
    result.reason = fmt::format(
        "every plan the surrogate proposed in {} rounds missed a percentile SLO under the full "
        "model; {}",
        result.iterations, slo_reason(system, options.rate_scale));
    return result;
  }

  const System planned = with_replicas(system, problem, best->candidate);
  AnalysisOptions analysis;
  analysis.rate_scale = options.rate_scale;
  const SystemResult truth = analyze(planned, analysis);
  result.feasible = true;
  result.solver_status = best->status;
  result.gap = best->gap;
  result.cost = best_cost;
  for (std::size_t s = 0; s < planned.services.size(); ++s) {
    ServicePlan plan;
    plan.name = planned.services[s].name;
    plan.replicas = planned.services[s].replicas;
    plan.current_replicas = system.services[s].replicas;
    plan.utilization = truth.services[s].utilization;
    plan.response_time = truth.services[s].response_time;
    plan.cost = plan.replicas * planned.services[s].cost;
    result.services.push_back(std::move(plan));
  }
  for (const SloResult& slo : truth.slos) {
    result.slos.push_back(
        SloPlan{slo.workload_class, slo.statistic, slo.target, slo.predicted, slo.met});
  }
  if (system.nodes) {
    NodePlan nodes;
    nodes.nodes_available = system.nodes->count;
    nodes.nodes_used = static_cast<int>(best->placement.size());
    nodes.placement = best->placement;
    nodes.cost = nodes.nodes_used * system.nodes->cost;
    for (const Service& s : planned.services) {
      nodes.cpu_requested += s.replicas * s.resources.cpu;
      nodes.memory_requested += s.replicas * s.resources.memory;
    }
    result.nodes = std::move(nodes);
  }
  if (std::any_of(system.slos.begin(), system.slos.end(),
                  [](const Slo& s) { return s.statistic != Statistic::mean; })) {
    result.notes.push_back(fmt::format(
        "percentile SLOs: {} MILP round(s) with a surrogate (sum of per-service quantiles) "
        "rescaled to "
        "the full model; the plan is verified under the full model, optimality is proven for the "
        "surrogate only",
        result.iterations));
  }
  if (std::any_of(system.services.begin(), system.services.end(),
                  [](const Service& s) { return s.queue_limit.has_value(); })) {
    result.notes.push_back(
        "queue limits are ignored while planning (no rejections assumed); the "
        "reported latencies include them");
  }

  if (options.find_slo_limit && !system.slos.empty()) {
    // Each service alone takes more load until an SLO breaks (bisection on its load factor, the
    // others as planned) — what an autoscaler that scales this service by itself may allow. Its
    // utilization grows in proportion, so the limit is the planned utilization × the factor.
    for (std::size_t s = 0; s < result.services.size(); ++s) {
      const double utilization = result.services[s].utilization;
      if (system.services[s].type != ServiceType::queue || !(utilization > 0))
        continue;
      double low = 1.0, high = 1.0 / utilization;
      for (int i = 0; i < 30 && high - low > 1e-4 * low; ++i) {
        const double middle = 0.5 * (low + high);
        AnalysisOptions scaled;
        scaled.rate_scale = options.rate_scale;
        scaled.service_load_scale.assign(system.services.size(), 1.0);
        scaled.service_load_scale[s] = middle;
        const SystemResult r = analyze(planned, scaled);
        const bool met = r.stable && std::all_of(r.slos.begin(), r.slos.end(),
                                                 [](const SloResult& slo) { return slo.met; });
        (met ? low : high) = middle;
      }
      result.services[s].utilization_at_slo_limit = std::min(1.0, utilization * low);
    }
  }
  return result;
}

}  // namespace kendall::model
