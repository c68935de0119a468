// An open-loop level's windows as one queue whose arrival rate and work change from window to
// window, the queue carried across them (docs/validate.md, "Windows").
#pragma once

#include <vector>

#include "kendall/validate/level_model.hpp"
#include "kendall/validate/level_windows.hpp"

namespace kendall::validation::detail {

/// Each window's mean and, mixed over the level's arrivals, its mean and percentiles; `mixed`
/// is empty when some window's model has no stable load at all.
WindowedPrediction predict_fluid(const LevelModel& levels, const std::vector<WorkWindow>& windows,
                                 int workers);

}  // namespace kendall::validation::detail
