#pragma once
/// Renderings of a validation report: JSON for tools, a self-contained HTML page (inline SVG
/// charts, no scripts or downloads) for people.

#include <string>

#include <nlohmann/json.hpp>

#include "kendall/validate/validate.hpp"

namespace kendall::validation {

/// {"configuration", "mode", "calibration", "saturation", "tolerances", "levels": [{
/// "load_fraction", "rate" | "users", "measured": {…}, "predicted": {…}, "simulated": {…},
/// "error": {"mean", "p95"}, "within_tolerance": {…}}], "curve", "passed"}; seconds.
nlohmann::ordered_json to_json(const ValidationReport& report);

/// The HTML report: latency vs load (model lines, simulated lines, measured points with their
/// intervals, the SLO line), throughput, and the level table.
std::string render_html(const ValidationReport& report);

}  // namespace kendall::validation
