#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/validate/report.hpp"
#include "svg_chart.hpp"

namespace kendall::validation {

namespace {

using detail::Chart;
using detail::ChartPoint;
using detail::ChartSeries;

constexpr const char* model_color = "#1f5fbf";
constexpr const char* sim_color = "#8e44ad";
constexpr const char* measured_color = "#e67e22";

std::string html_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

std::string percent(const std::optional<double>& value) {
  return value ? fmt::format("{:+.1f}%", 100 * *value) : "—";
}

double load_of(const ValidationReport& r, const LevelResult& l) {
  return r.mode == "open" ? l.rate : l.users;
}

// Latency (ms) against the offered rate (open) or the population (closed).
Chart latency_chart(const ValidationReport& r, bool p95) {
  const std::string what = p95 ? "p95" : "mean";
  Chart chart;
  chart.title = fmt::format("{} latency vs load", p95 ? "95th percentile" : "Mean");
  chart.x_label = r.mode == "open" ? "offered load (requests/s)" : "users";
  chart.y_label = what + " latency (ms)";
  ChartSeries model{"model (" + what + ")", model_color, {}, true, false, false};
  for (const CurvePoint& p : r.curve)
    model.points.push_back({r.mode == "open" ? p.rate : static_cast<double>(p.users),
                            1e3 * (p95 ? p.p95 : p.mean),
                            {},
                            {}});
  ChartSeries simulated{"simulation (" + what + ")", sim_color, {}, true, true, true};
  ChartSeries measured{"measured (" + what + ")", measured_color, {}, false, true, false};
  for (const LevelResult& l : r.levels) {
    const double x = load_of(r, l);
    if (p95) {
      simulated.points.push_back({x, 1e3 * l.simulated.p95, {}, {}});
      measured.points.push_back({x, 1e3 * l.measured.p95, {}, {}});
    } else {
      simulated.points.push_back({x, 1e3 * l.simulated.mean, 1e3 * l.simulated_mean_ci.first,
                                  1e3 * l.simulated_mean_ci.second});
      ChartPoint point{x, 1e3 * l.measured.mean, {}, {}};
      if (l.measured_mean_ci.second > 0) {
        point.low = 1e3 * l.measured_mean_ci.first;
        point.high = 1e3 * l.measured_mean_ci.second;
      }
      measured.points.push_back(point);
    }
  }
  chart.series = {model, simulated, measured};
  if (r.slo && (r.slo->statistic == model::Statistic::mean) != p95) {
    chart.reference = 1e3 * r.slo->latency;
    chart.reference_label = fmt::format("SLO {} {}", model::to_string(r.slo->statistic),
                                        format_duration(r.slo->latency));
  }
  return chart;
}

Chart throughput_chart(const ValidationReport& r) {
  Chart chart;
  chart.title = "Throughput";
  chart.x_label = r.mode == "open" ? "offered load (requests/s)" : "users";
  chart.y_label = "completed requests/s";
  ChartSeries predicted{"model", model_color, {}, true, true, false};
  ChartSeries measured{"measured", measured_color, {}, false, true, false};
  for (const LevelResult& l : r.levels) {
    if (l.predicted)
      predicted.points.push_back({load_of(r, l), l.predicted->throughput, {}, {}});
    measured.points.push_back({load_of(r, l), l.measured.throughput, {}, {}});
  }
  chart.series = {predicted, measured};
  return chart;
}

std::string ms(double seconds) {
  return fmt::format("{:.3f}", 1e3 * seconds);
}

std::string level_table(const ValidationReport& r) {
  std::string html =
      "<table><tr><th>level</th><th>load</th><th>util.<br>placed/meas.</th><th>throughput<br>meas./"
      "model</th>"
      "<th>mean ms<br>measured (95% CI)</th><th>mean ms<br>model</th><th>mean ms<br>sim.</th>"
      "<th>p50 ms<br>meas./model</th>"
      "<th>p95 ms<br>meas.</th><th>p95 ms<br>model</th><th>p95 ms<br>sim.</th>"
      "<th>p99 ms<br>meas./model</th><th>error<br>mean</th><th>error<br>p95</th></tr>\n";
  for (const LevelResult& l : r.levels) {
    const std::string load =
        r.mode == "open" ? fmt::format("{:.1f}/s", l.rate) : fmt::format("{} users", l.users);
    html += fmt::format(
        "<tr><td>{:.2f}</td><td>{}</td><td>{:.2f} / {}</td><td>{:.1f} / {}</td><td>{} ({}–{})</td>"
        "<td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td>"
        "<td class=\"{}\">{}</td><td class=\"{}\">{}</td></tr>\n",
        l.load_fraction, load, l.utilization,
        l.measured_utilization ? fmt::format("{:.2f}", *l.measured_utilization) : "—",
        l.measured.throughput, l.predicted ? fmt::format("{:.1f}", l.predicted->throughput) : "—",
        ms(l.measured.mean), ms(l.measured_mean_ci.first), ms(l.measured_mean_ci.second),
        l.predicted ? ms(l.predicted->mean) : "—", ms(l.simulated.mean), ms(l.measured.p50),
        l.predicted ? ms(l.predicted->p50) : "—", ms(l.measured.p95),
        l.predicted ? ms(l.predicted->p95) : "—", ms(l.simulated.p95), ms(l.measured.p99),
        l.predicted ? ms(l.predicted->p99) : "—", l.mean_ok ? "ok" : "miss", percent(l.error_mean),
        l.p95_ok ? "ok" : "miss", percent(l.error_p95));
  }
  return html + "</table>\n";
}

}  // namespace

std::string render_html(const ValidationReport& r) {
  const Calibration& c = r.calibration;
  std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Kendall validation report</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 1340px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f4f6f8; }
td.ok { color: #1e7e34; font-weight: bold; } td.miss { color: #c0392b; font-weight: bold; }
.verdict { font-size: 1.1em; font-weight: bold; }
pre { background: #f7f7f7; padding: 8px; overflow-x: auto; }
</style></head><body>
)";
  html += "<h1>Kendall validation: predicted vs measured</h1>\n";
  html +=
      fmt::format("<p>{}<br>{} loop; {} cores shared by the service and the load generator.</p>\n",
                  html_escape(r.configuration), r.mode, r.cores);
  html += fmt::format(
      "<p class=\"verdict\">{} — tolerances: mean ±{:.0f}%, p95 ±{:.0f}%; errors are (model − "
      "measured) / measured.</p>\n",
      r.passed() ? "Every level within tolerance" : "Some levels missed", 100 * r.tolerance_mean,
      100 * r.tolerance_p95);
  html += "<div class=\"charts\">\n";
  html += detail::render_svg(latency_chart(r, false));
  html += detail::render_svg(latency_chart(r, true));
  html += detail::render_svg(throughput_chart(r));
  html += "</div>\n<h2>Levels</h2>\n" + level_table(r);
  html += fmt::format(
      "<h2>Calibration</h2>\n<p>{} at {} (from {}, {} requests, one user): service time mean {} "
      "(SCV {:.2f}), waiting at low load {}, client end to end {}, overhead modelled as a delay "
      "{}; workers {}. Saturation: {:.1f} {}.</p>\n",
      html_escape(c.service), c.target, c.source == "metrics" ? "/metrics" : "client latency",
      c.samples, format_duration(c.service_mean), c.service_scv, format_duration(c.queued_mean),
      format_duration(c.client_mean), format_duration(c.overhead),
      c.workers ? std::to_string(*c.workers) : "unknown", r.saturation,
      r.mode == "open" ? "requests/s" : "users (knee)");
  if (!r.notes.empty()) {
    html += "<h2>Notes</h2><ul>\n";
    for (const auto& note : r.notes)
      html += "<li>" + html_escape(note) + "</li>\n";
    html += "</ul>\n";
  }
  html += "<h2>The calibrated model</h2>\n<pre>" + html_escape(r.spec_yaml) + "</pre>\n";
  html +=
      "<p>Measured latency counts from each request's intended send time (no coordinated "
      "omission). The measured interval is a 95% batch-means interval over one-second "
      "batches; the simulation's is over independent replications.</p>\n</body></html>\n";
  return html;
}

}  // namespace kendall::validation
