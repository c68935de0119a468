// What the model and the simulator say of one level, from the inputs the level measured.
#pragma once

#include <cstdint>
#include <optional>

#include "kendall/model/spec.hpp"
#include "kendall/validate/level_model.hpp"
#include "kendall/validate/level_windows.hpp"
#include "kendall/validate/validate.hpp"

namespace kendall::validation {

/// The model's throughput, mean and percentiles for the class; empty when it is unstable.
std::optional<Stats> predict(const model::System& system);

/// The busiest service's utilization in the model.
double predicted_utilization(const model::System& system);

/// Fills the level's model inputs, predictions (from the level's inputs, mixed from its
/// `windows` when it has several, and from calibration's alone), simulation and errors.
/// `offered` is the load the level really offered (its achieved rate, or its population),
/// `placed_load` the load it was placed at.
void predict_level(const LevelModel& levels, const LevelWork& work,
                   const std::vector<WorkWindow>& windows, int workers, double offered,
                   double placed_load, const ValidationOptions& options, std::uint64_t seed,
                   LevelResult& level);

/// The model alone (no simulator) for another run of a level: `level` holds what that run
/// measured (record_measurement), `work` and `windows` are its own.
std::optional<Stats> model_only(const LevelModel& levels, const LevelWork& work,
                                const std::vector<WorkWindow>& windows, int workers, double offered,
                                const ValidationOptions& options, LevelResult level);

}  // namespace kendall::validation
