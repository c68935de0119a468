// Candidate replica counts per service and what each adds to every SLO (docs/plan.md).
#include "plan_candidates.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "kendall/model/latency.hpp"
#include "system_model_detail.hpp"

namespace kendall::model::detail {
namespace {

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
                      double p, const std::vector<Stretch>& stretch) {
  if (count == 1.0 && stretch.empty()) {
    if (const auto fast = markovian_sojourn_quantile(w, s, p))
      return *fast;
  }
  LatencySum sum;
  sum.add_sojourn(w, s, count, stretch);
  return sum.quantiles({p}).front();
}

}  // namespace

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
    const Distribution mixed = mixed_service_time(service, visit_rate, times);
    ServiceOptions options;
    options.fixed = service.type == ServiceType::delay;
    int lowest = service.min_replicas;
    int highest = service.max_replicas;
    if (options.fixed) {
      lowest = highest = service.replicas;
    } else {
      // Utilization a / (r w) <= cap; and strictly below 1 so that the station is stable.
      const double work = rate * mixed.mean / service.servers_per_replica();
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
      const ServiceSolution solved =
          solve_service(copy, rate, mixed, merged_arrival_scv(system, visit_rate));
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
          contribution += slo.statistic == Statistic::mean
                              ? v.count * (*m.mean_waiting_time + solved.service_mean(time))
                              : visit_quantile(*m.waiting_time, time, v.count,
                                               probability_of(slo.statistic), solved.stretch);
        }
        candidate.contribution.push_back(contribution);
      }
      options.candidates.push_back(std::move(candidate));
    }
    problem.services.push_back(std::move(options));
  }
  return problem;
}

}  // namespace kendall::model::detail
