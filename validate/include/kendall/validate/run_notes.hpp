#pragma once
/// Notes a validation run adds when what it measured needs saying beside the figures.

#include <optional>
#include <string>
#include <vector>

#include "kendall/validate/calibrate.hpp"

namespace kendall::validation {

/// When one round of calibration's overhead phase measured more than twice the median (and
/// 0.1 ms more): a stall of the host, left out of the model's overhead.
std::optional<std::string> stalled_overhead_round_note(const Calibration& calibration);

/// When the cores ran level `level`'s work 15% or more apart (core_speed_ratio): beyond what a
/// level's sampling and the cores' caches give.
std::optional<std::string> uneven_cores_note(std::size_t level,
                                             const std::vector<CoreSpeed>& cores);

}  // namespace kendall::validation
