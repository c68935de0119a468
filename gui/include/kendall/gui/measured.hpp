#pragma once
/// Measured points to overlay on the predicted curves, read from the JSON of `kendall loadtest`
/// (docs/loadgen.md: one point per step, or the whole run) and `kendall validate` (one point per
/// load level). Read tolerantly: unknown keys are ignored, missing latencies are left empty.
/// Units: seconds, requests per second, users.

#include <optional>
#include <string>
#include <vector>

namespace kendall::gui {

struct MeasuredPoint {
  double load = 0;        ///< offered rate (requests/s), or users for a closed-loop run
  double throughput = 0;  ///< responses per second
  std::optional<double> mean;
  std::optional<double> p95;
};

struct MeasuredSet {
  std::string label;    ///< "loadtest run.json", "validate levels.json"
  bool closed = false;  ///< a closed-loop load test: load is users
  std::vector<MeasuredPoint> points;
};

/// Reads either kind of file. Throws InputError naming the file when it is not JSON or holds
/// neither a load test result nor validate levels.
MeasuredSet read_measured(const std::string& path);
/// The same, from text; `source` names it in messages and the label.
MeasuredSet parse_measured(const std::string& text, const std::string& source);

}  // namespace kendall::gui
