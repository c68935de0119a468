// The binding constraint of a plan, from its slack: predicted / target per SLO and
// utilization / cap per service (the larger the fraction, the less slack).
#include "kendall/gui/plan_summary.hpp"

#include <fmt/format.h>

#include "kendall/base/duration.hpp"

namespace kendall::gui {

std::string binding_constraint(const model::System& system, const model::PlanResult& plan) {
  if (!plan.feasible)
    return plan.reason;
  double tightest = -1;
  std::string words = "every service at its minimum replicas";
  for (const auto& slo : plan.slos) {
    if (!slo.predicted || !(slo.target > 0))
      continue;
    const double used = *slo.predicted / slo.target;
    if (used > tightest) {
      tightest = used;
      words = fmt::format("SLO {} of {} <= {} (predicted {}, {:.0f}% of it)",
                          model::to_string(slo.statistic), slo.workload_class,
                          format_duration(slo.target), format_duration(*slo.predicted), 100 * used);
    }
  }
  const double cap = system.plan.max_utilization;
  for (std::size_t i = 0; i < plan.services.size() && i < system.services.size(); ++i) {
    const auto& s = plan.services[i];
    if (s.replicas <= system.services[i].min_replicas)
      continue;  // held up by its minimum, not by load
    const double used = s.utilization / cap;
    if (used > tightest) {
      tightest = used;
      words = fmt::format("utilization cap {:.0f}% at {} ({:.1f}% with {} replicas)", 100 * cap,
                          s.name, 100 * s.utilization, s.replicas);
    }
  }
  return words;
}

}  // namespace kendall::gui
