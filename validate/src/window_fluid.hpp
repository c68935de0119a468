// An open-loop level's windows as one queue whose arrival rate and work change from window to
// window, the queue carried across them (docs/validate.md, "Windows"), and the mixing of a
// level's windows into its figures.
#pragma once

#include <optional>
#include <vector>

#include "kendall/model/latency.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/level_windows.hpp"
#include "kendall/validate/validate.hpp"

namespace kendall::validation::detail {

/// Each window's mean and, mixed over the level's arrivals, its mean and percentiles; `mixed`
/// is empty when some window's model has no stable load at all.
WindowedPrediction predict_fluid(const LevelModel& levels, const std::vector<WorkWindow>& windows,
                                 int workers, std::optional<double> off_core_share = std::nullopt);

/// A level mixed from its windows: the jobs they served over their span, `mean`, and the
/// percentiles of `parts` mixed by `weights` (summing to 1), each part later by its delay.
Stats mixed_stats(const std::vector<WorkWindow>& windows, double mean,
                  const std::vector<const model::LatencyGrid*>& parts,
                  const std::vector<double>& weights, const std::vector<double>& delays = {});

}  // namespace kendall::validation::detail
