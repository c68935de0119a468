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
#include "kendall/model/latency.hpp"
#include "kendall/model/plan.hpp"
#include "kendall/model/system_model.hpp"
#include "plan_milp.hpp"
#include "system_model_detail.hpp"

namespace kendall::model {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double probability_of(Statistic statistic) {
  switch (statistic) {
    case Statistic::p50:
      return 0.5;
    case Statistic::p90:
      return 0.9;
    case Statistic::p95:
      return 0.95;
    case Statistic::p99:
      return 0.99;
    case Statistic::p999:
      return 0.999;
    case Statistic::mean:
      break;
  }
  return 0.0;
}

/// Quantile of one sojourn W + S when W is at most one exponential term and S is exponential:
/// P(W + S > t) = (1 - p_w) e^{-μt} + p_w · tail of Exp(θ) + Exp(μ) (hypoexponential), inverted
/// by bisection. Exact, and a thousand times cheaper than the grid for the common case.
std::optional<double> markovian_sojourn_quantile(const WaitingTimeDistribution& w,
                                                 const Distribution& s, double p) {
  if (s.kind != DistributionKind::exponential || w.terms.size() > 1 ||
      (w.terms.size() == 1 && w.terms[0].phases != 1)) {
    return std::nullopt;
  }
  const double mu = 1.0 / s.mean;
  const double pw = w.terms.empty() ? 0.0 : w.probability_of_waiting;
  const double theta = w.terms.empty() ? mu : w.terms[0].rate;
  const auto tail = [&](double t) {
    const double hypo =
        std::fabs(theta - mu) < 1e-12 * mu
            ? std::exp(-mu * t) * (1.0 + mu * t)
            : (mu * std::exp(-theta * t) - theta * std::exp(-mu * t)) / (mu - theta);
    return (1.0 - pw) * std::exp(-mu * t) + pw * hypo;
  };
  double low = 0, high = s.mean + (pw > 0 ? 1.0 / theta : 0.0);
  while (tail(high) > 1.0 - p)
    high *= 2.0;
  for (int i = 0; i < 100 && high - low > 1e-12 * high; ++i) {
    const double middle = 0.5 * (low + high);
    (tail(middle) > 1.0 - p ? low : high) = middle;
  }
  return high;
}

/// The p-quantile of `count` visits' sojourns at one service: the surrogate's building block.
double visit_quantile(const WaitingTimeDistribution& w, const Distribution& s, double count,
                      double p) {
  if (count == 1.0) {
    if (const auto fast = markovian_sojourn_quantile(w, s, p))
      return *fast;
  }
  LatencySum sum;
  sum.add_sojourn(w, s, count);
  return sum.quantiles({p}).front();
}

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

Problem build_problem(const System& system, double scale, std::string& reason) {
  Problem problem;
  problem.system = &system;
  problem.scale = scale;
  const std::size_t classes = system.classes.size();
  for (const auto& c : system.classes)
    problem.class_rate.push_back(c.rate * scale);
  const double cap = system.plan.max_utilization;
  for (std::size_t s = 0; s < system.services.size(); ++s) {
    const Service& service = system.services[s];
    std::vector<double> visit_rate(classes, 0.0);
    std::vector<const Distribution*> times(classes, &service.service_time);
    for (std::size_t c = 0; c < classes; ++c) {
      for (const Visit& v : system.classes[c].visits) {
        if (v.service != s)
          continue;
        visit_rate[c] += problem.class_rate[c] * v.count;
        times[c] = &v.time(service);
      }
    }
    const double rate = std::accumulate(visit_rate.begin(), visit_rate.end(), 0.0);
    const Distribution mixed = detail::mixed_service_time(service, visit_rate, times);
    ServiceOptions options;
    options.fixed = service.type == ServiceType::delay;
    int lowest = service.min_replicas;
    int highest = service.max_replicas;
    if (options.fixed) {
      lowest = highest = service.replicas;
    } else {
      // Utilization a / (r w) <= cap; and strictly below 1 so that the station is stable.
      const double work = rate * mixed.mean / service.workers;
      options.replicas_needed = static_cast<int>(std::ceil(work / cap - 1e-9));
      while (work >= options.replicas_needed)
        ++options.replicas_needed;
      options.replicas_needed = std::max(1, options.replicas_needed);
      lowest = std::max(lowest, options.replicas_needed);
      if (lowest > highest && reason.empty()) {
        reason =
            fmt::format("{} needs {} replicas to stay under {:g}% utilization; max_replicas is {}",
                        service.name, options.replicas_needed, 100 * cap, highest);
      }
    }
    for (int r = lowest; r <= highest; ++r) {
      Service copy = service;
      copy.replicas = r;
      const detail::ServiceSolution solved = detail::solve_service(copy, rate, mixed);
      const StationMetrics& m = solved.station;
      if (!m.stable || !m.mean_waiting_time || !m.waiting_time)
        continue;
      Candidate candidate;
      candidate.replicas = r;
      candidate.cost = r * service.cost;
      for (const Slo& slo : system.slos) {
        double contribution = 0;
        for (const Visit& v : system.classes[slo.workload_class].visits) {
          if (v.service != s)
            continue;
          const Distribution& time = v.time(service);
          contribution +=
              slo.statistic == Statistic::mean
                  ? v.count * (*m.mean_waiting_time + time.mean)
                  : visit_quantile(*m.waiting_time, time, v.count, probability_of(slo.statistic));
        }
        candidate.contribution.push_back(contribution);
      }
      options.candidates.push_back(std::move(candidate));
    }
    problem.services.push_back(std::move(options));
  }
  return problem;
}

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
  const Problem problem = build_problem(system, options.rate_scale, result.reason);
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
    // Scale the traffic up until an SLO breaks (bisection on the rate factor): utilization grows
    // in proportion, so each service's utilization at the limit is its planned one × factor.
    double highest_utilization = 0;
    for (const auto& s : truth.services)
      highest_utilization = std::max(highest_utilization, s.utilization);
    double low = 1.0, high = highest_utilization > 0 ? 1.0 / highest_utilization : 1.0;
    for (int i = 0; i < 30 && high - low > 1e-4 * low; ++i) {
      const double middle = 0.5 * (low + high);
      AnalysisOptions scaled;
      scaled.rate_scale = options.rate_scale * middle;
      const SystemResult r = analyze(planned, scaled);
      const bool met = r.stable && std::all_of(r.slos.begin(), r.slos.end(),
                                               [](const SloResult& s) { return s.met; });
      (met ? low : high) = middle;
    }
    for (std::size_t s = 0; s < result.services.size(); ++s) {
      if (system.services[s].type == ServiceType::queue) {
        result.services[s].utilization_at_slo_limit =
            std::min(1.0, result.services[s].utilization * low);
      }
    }
  }
  return result;
}

}  // namespace kendall::model
