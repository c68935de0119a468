#pragma once
// Helpers shared by the export writers (export_kubernetes.cpp, export_tabular.cpp): input checks
// and the lookups every format needs.

#include <string>

#include "kendall/model/export.hpp"

namespace kendall::model::detail {

/// Throws InputError unless the input has a system and at least one schedule row.
void check_export_input(const ExportInput& input);

/// Throws InputError naming the level and the reason when a row's plan is infeasible: the
/// Kubernetes exports have no way to say "no answer" and must not write a half-plan.
void require_feasible(const ExportInput& input);

/// The planned entry for a service in a row, or nullptr when the plan does not list it.
const ServicePlan* find_plan(const PlanResult& plan, const std::string& service);

/// The row with the most traffic (total rate after scaling; the first on ties).
const ScheduleRow& peak_row(const ExportInput& input);

/// "200 requests/s (rate scale 1)", for comments and messages.
std::string traffic_text(const PlanResult& plan);

/// The row's label, or its total rate as "200/s" when it has none.
std::string level_text(const ScheduleRow& row);

}  // namespace kendall::model::detail
