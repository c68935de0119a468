#pragma once
/// Exports of a replica plan for other tools (docs/export.md): a kustomize overlay over the
/// user's Deployment manifests, autoscaling/v2 HorizontalPodAutoscalers, JSON and CSV.
/// Pure: functions return file names and contents; the CLI writes them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kendall/model/plan.hpp"
#include "kendall/model/spec.hpp"

namespace kendall::model {

/// File name (relative to the output folder) → contents.
using ExportFiles = std::map<std::string, std::string>;

struct ExportInput {
  const System* system = nullptr;
  /// At least one row; the first is the plan at the spec's own traffic. More rows (a schedule)
  /// give the autoscaler its min and max.
  std::vector<ScheduleRow> schedule;
  /// Path of the user's manifests folder as the kustomization should reference it (relative
  /// to the output folder), when the user gave one; otherwise Kendall writes seed-style
  /// Deployment and Service manifests of its own into the output.
  std::optional<std::string> manifests;
};

ExportFiles export_kustomize(const ExportInput& input);
ExportFiles export_hpa(const ExportInput& input);
std::string export_json(const ExportInput& input);
std::string export_csv(const ExportInput& input);

}  // namespace kendall::model
