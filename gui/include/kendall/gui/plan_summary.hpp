#pragma once
/// Words for a replica plan: which constraint binds it. Units: seconds, fractions.

#include <string>

#include "kendall/model/plan.hpp"
#include "kendall/model/spec.hpp"

namespace kendall::gui {

/// The tightest constraint of a feasible plan: the SLO whose prediction is closest to its
/// target, or the service closest to the utilization cap, compared as a fraction of their
/// limits; a service held at min_replicas binds nothing but its minimum. For an infeasible
/// plan, the planner's reason.
std::string binding_constraint(const model::System& system, const model::PlanResult& plan);

}  // namespace kendall::gui
