#pragma once
/// Notes a validation run adds when what it measured needs saying beside the figures.

#include <optional>
#include <string>
#include <vector>

#include "kendall/loadgen/result.hpp"
#include "kendall/validate/calibrate.hpp"
#include "kendall/validate/validate.hpp"

namespace kendall::validation {

/// When rounds of calibration's overhead phase were stalled (stalled_overhead_rounds): how
/// many, whether the phase ran on for them, and whether they set the model's overhead.
std::optional<std::string> stalled_overhead_round_note(const Calibration& calibration);

/// When the cores ran level `level`'s work 15% or more apart (core_speed_ratio): beyond what a
/// level's sampling and the cores' caches give.
std::optional<std::string> uneven_cores_note(std::size_t level,
                                             const std::vector<CoreSpeed>& cores);

/// When the pool finished jobs 5% or more slower or faster with all `workers` busy than with as
/// many busy as `cores` (LevelResult::server_sharing_speed): the model's cores have one speed.
std::optional<std::string> sharing_speed_note(std::size_t level, const LevelResult& result,
                                              int cores, int workers);

/// How the host disturbed a run (LevelRunResult::disturbed): the steal in one of its windows or
/// its worst stop of the cores, whichever took more core time.
std::string disturbance(const LevelRunResult& run);

/// What level `number` needs said beside its figures: failed requests (by kind, from
/// `errors`), a measured mean too uncertain to judge the model, its runs when measured again,
/// time off the core counted as work, runs of slow jobs the model's wait took in, cores at
/// uneven speeds (when the model shares `cores_modelled`), the host's speed moving between the
/// level's windows, windows that measured over twice the model's mean (a stall shorter than a
/// window, and where the server's own time puts it), a utilization other than the one it was
/// placed at, and sends that left late (open loop).
std::vector<std::string> level_notes(std::size_t number, const LevelResult& level,
                                     const loadgen::ErrorCounts& errors, double tolerance_mean,
                                     bool cores_modelled, bool closed);

}  // namespace kendall::validation
