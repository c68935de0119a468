// The binding constraint is the one with the least slack (oracle: hand-built plans where the
// fractions of each limit are worked out in the comments).
#include "kendall/gui/plan_summary.hpp"

#include <gtest/gtest.h>

namespace kendall::gui {
namespace {

model::System two_services() {
  model::System system;
  system.plan.max_utilization = 0.8;
  for (const char* name : {"a", "b"}) {
    model::Service s;
    s.name = name;
    s.min_replicas = 1;
    system.services.push_back(s);
  }
  return system;
}

model::PlanResult plan(double slo_predicted, double utilization_b) {
  model::PlanResult p;
  p.feasible = true;
  p.services = {{"a", 1, 1, 0.2, {}, 0, {}}, {"b", 3, 2, utilization_b, {}, 0, {}}};
  p.slos = {{"login", model::Statistic::p95, 0.100, slo_predicted, true}};
  return p;
}

TEST(BindingConstraint, AnSloAt90PercentBindsBeforeUtilizationAt62Percent) {
  // SLO: 90 ms / 100 ms = 0.90; b: 0.5 / 0.8 = 0.625.
  EXPECT_EQ(binding_constraint(two_services(), plan(0.090, 0.5)),
            "SLO p95 of login <= 100 ms (predicted 90 ms, 90% of it)");
}

TEST(BindingConstraint, UtilizationNearTheCapBindsBeforeALooseSlo) {
  // SLO: 40 / 100 = 0.40; b: 0.76 / 0.8 = 0.95.
  EXPECT_EQ(binding_constraint(two_services(), plan(0.040, 0.76)),
            "utilization cap 80% at b (76.0% with 3 replicas)");
}

TEST(BindingConstraint, AnInfeasiblePlanGivesThePlannersReason) {
  model::PlanResult p;
  p.reason = "b needs 31 replicas to stay under 80% utilization; max_replicas is 20";
  EXPECT_EQ(binding_constraint(two_services(), p), p.reason);
}

}  // namespace
}  // namespace kendall::gui
