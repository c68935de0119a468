// Checks and lookups shared by every export format (export_detail.hpp).
#include <fmt/format.h>

#include "export_detail.hpp"
#include "kendall/base/error.hpp"

namespace kendall::model::detail {

void check_export_input(const ExportInput& input) {
  if (input.system == nullptr)
    throw InputError("export: no system spec given (ExportInput::system is null)");
  if (input.schedule.empty())
    throw InputError("export: no plan to export (the schedule has no rows)");
}

void require_feasible(const ExportInput& input) {
  for (const ScheduleRow& row : input.schedule) {
    if (!row.plan.feasible) {
      throw InputError(
          fmt::format("no feasible plan at {} to export: {}", level_text(row),
                      row.plan.reason.empty() ? "the planner gave no reason" : row.plan.reason));
    }
  }
}

const ServicePlan* find_plan(const PlanResult& plan, const std::string& service) {
  for (const ServicePlan& planned : plan.services) {
    if (planned.name == service)
      return &planned;
  }
  return nullptr;
}

const ScheduleRow& peak_row(const ExportInput& input) {
  const ScheduleRow* peak = &input.schedule.front();
  for (const ScheduleRow& row : input.schedule) {
    if (row.plan.total_rate > peak->plan.total_rate)
      peak = &row;
  }
  return *peak;
}

std::string traffic_text(const PlanResult& plan) {
  return fmt::format("{:.6g} requests/s (rate scale {:.6g})", plan.total_rate, plan.rate_scale);
}

std::string level_text(const ScheduleRow& row) {
  return row.level.label.empty() ? fmt::format("{:.6g}/s", row.plan.total_rate) : row.level.label;
}

}  // namespace kendall::model::detail
