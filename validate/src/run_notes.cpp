#include "kendall/validate/run_notes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"

namespace kendall::validation {

namespace {

constexpr double kUnevenCores = 1.15;

// "cpu0 2.64 ms per job (48% of jobs), cpu1 1.66 ms (52%)".
std::string describe_cores(const std::vector<CoreSpeed>& cores) {
  double jobs = 0;
  for (const CoreSpeed& core : cores)
    jobs += core.jobs;
  std::string out;
  for (const CoreSpeed& core : cores)
    out += fmt::format("{}cpu{} {}{} ({:.0f}%{})", out.empty() ? "" : ", ", core.cpu,
                       format_duration(core.cpu_per_job), out.empty() ? " per job" : "",
                       100 * core.jobs / jobs, out.empty() ? " of jobs" : "");
  return out;
}

}  // namespace

std::optional<std::string> stalled_overhead_round_note(const Calibration& c) {
  if (c.overhead_rounds.empty())
    return std::nullopt;
  const double highest = *std::max_element(c.overhead_rounds.begin(), c.overhead_rounds.end());
  if (!(highest > 2 * c.overhead && highest - c.overhead > 100e-6))
    return std::nullopt;
  return fmt::format(
      "calibration: one round of the overhead phase measured {} outside the server against the "
      "rounds' median {} (a stall of the host); the median is the model's overhead",
      format_duration(highest), format_duration(c.overhead));
}

std::optional<std::string> uneven_cores_note(std::size_t level,
                                             const std::vector<CoreSpeed>& cores) {
  const auto ratio = core_speed_ratio(cores);
  if (!ratio || *ratio < kUnevenCores)
    return std::nullopt;
  return fmt::format(
      "level {}: the cores ran the work at speeds {:.2f}× apart ({}): a job's time depends on "
      "where it runs, which the model sees only as the jobs' spread and runs",
      level, *ratio, describe_cores(cores));
}

}  // namespace kendall::validation
