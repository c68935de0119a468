#include "kendall/validate/report.hpp"

namespace kendall::validation {

namespace {

using Json = nlohmann::ordered_json;

Json stats_json(const Stats& s) {
  return {{"throughput", s.throughput},
          {"mean", s.mean},
          {"p50", s.p50},
          {"p95", s.p95},
          {"p99", s.p99}};
}

Json optional_number(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json dispersion_json(const std::vector<model::DispersionPoint>& points) {
  Json out = Json::array();
  for (const model::DispersionPoint& p : points)
    out.push_back({{"jobs", p.jobs},
                   {"index", p.index},
                   {"skew_index", optional_number(p.skew_index)},
                   {"blocks", optional_number(p.blocks)}});
  return out;
}

}  // namespace

Json to_json(const ValidationReport& report) {
  const Calibration& c = report.calibration;
  Json json;
  json["version"] = 1;
  json["configuration"] = report.configuration;
  json["mode"] = report.mode;
  json["cores"] = report.cores;
  json["window"] = report.window;
  json["calibration"] = {{"service", c.service},
                         {"target", c.target},
                         {"source", c.source},
                         {"samples", c.samples},
                         {"service_time", {{"mean", c.service_mean}, {"scv", c.service_scv}}},
                         {"job_mean", c.job_mean},
                         {"queued_mean", c.queued_mean},
                         {"low_load_queueing", c.low_load_queueing},
                         {"client_mean", c.client_mean},
                         {"overhead", c.overhead},
                         {"overhead_rounds", c.overhead_rounds},
                         {"overhead_scv", c.overhead_scv},
                         {"open_loop_scv", c.open_loop_scv},
                         {"workers", c.workers ? Json(*c.workers) : Json(nullptr)}};
  json["saturation"] = report.saturation;
  json["saturation_unit"] = report.mode == "open" ? "requests/s" : "users";
  json["tolerances"] = {{"mean", report.tolerance_mean}, {"p95", report.tolerance_p95}};
  if (report.slo)
    json["slo"] = {{"statistic", model::to_string(report.slo->statistic)},
                   {"latency", report.slo->latency}};
  Json levels = Json::array();
  for (const LevelResult& l : report.levels) {
    Json level;
    level["load_fraction"] = l.load_fraction;
    if (report.mode == "open")
      level["rate"] = l.rate;
    else
      level["users"] = l.users;
    level["duration"] = l.duration;
    level["utilization"] = l.utilization;
    level["placement"] = {{"from", l.placed_from},
                          {"service_time", l.placement_service_time},
                          {"background_cpu", l.placement_background_cpu}};
    Json measured = stats_json(l.measured);
    measured["mean_ci"] = {l.measured_mean_ci.first, l.measured_mean_ci.second};
    measured["utilization"] = optional_number(l.measured_utilization);
    measured["requests"] = l.requests;
    measured["errors"] = l.errors;
    measured["late_sends"] = l.late_sends;
    measured["host_pauses"] = {
        {"count", l.host_pauses.count},     {"total", l.host_pauses.total},
        {"longest", l.host_pauses.longest}, {"worst_core_time", l.host_pauses.worst_core_time},
        {"steal", l.host_pauses.steal},     {"stops_wait", l.host_pauses.stops_wait}};
    Json runs = Json::array();
    for (std::size_t r = 0; r < l.runs.size(); ++r) {
      const LevelRunResult& run = l.runs[r];
      Json error = {{"mean", nullptr}, {"p95", nullptr}};
      if (run.predicted && run.mean > 0 && run.p95 > 0)
        error = {{"mean", (run.predicted->mean - run.mean) / run.mean},
                 {"p95", (run.predicted->p95 - run.p95) / run.p95}};
      runs.push_back({{"mean", run.mean},
                      {"p95", run.p95},
                      {"uncertainty", run.uncertainty},
                      {"host_pauses", run.pauses.count},
                      {"host_steal", run.pauses.steal},
                      {"window_steal", run.window_steal},
                      {"stopped_core_time", run.stopped_core_time},
                      {"stops_wait", run.pauses.stops_wait},
                      {"predicted", run.predicted ? stats_json(*run.predicted) : Json(nullptr)},
                      {"error", error},
                      {"kept", static_cast<int>(r) == l.kept_run}});
    }
    measured["runs"] = runs;
    measured["send_gap_scv"] = optional_number(l.send_gap_scv);
    measured["server_service_time"] = optional_number(l.server_service_mean);
    measured["server_hold_time"] = optional_number(l.server_hold_mean);
    measured["server_hold_scv"] = optional_number(l.server_hold_scv);
    measured["server_hold_dispersion"] = dispersion_json(l.server_hold_dispersion);
    measured["server_queue_wait"] = optional_number(l.server_queue_wait);
    measured["server_arrival_scv"] = optional_number(l.server_arrival_scv);
    measured["server_arrival_dispersion"] = dispersion_json(l.server_arrival_dispersion);
    measured["server_cpu_scv"] = optional_number(l.server_cpu_scv);
    measured["server_cpu_dispersion"] = dispersion_json(l.server_cpu_dispersion);
    Json cores = Json::array();
    for (const CoreSpeed& core : l.server_cores)
      cores.push_back({{"cpu", core.cpu}, {"jobs", core.jobs}, {"cpu_per_job", core.cpu_per_job}});
    measured["server_cores"] = cores;
    Json busy = Json::array();
    for (const BusySpeed& span : l.server_busy)
      busy.push_back({{"busy", span.busy},
                      {"seconds", span.seconds},
                      {"jobs", span.jobs},
                      {"rate", span.rate()}});
    measured["server_busy"] = busy;
    measured["server_sharing_speed"] = optional_number(l.server_sharing_speed);
    level["measured"] = measured;
    level["model_inputs"] = {
        {"from", l.model_inputs},
        {"service_time", l.model_service_time},
        {"service_scv",
         l.model_service_scv ? *l.model_service_scv : report.system.services[0].service_time.scv},
        {"service_third_ratio", optional_number(l.model_service_third_ratio)},
        {"hold_scv", optional_number(l.model_hold_scv)},
        {"service_shape", l.model_service_minimum ? "shifted gamma" : "two moments"},
        {"service_minimum", optional_number(l.model_service_minimum)},
        {"background_cpu", l.model_background_cpu},
        {"off_core", l.model_off_core},
        {"handoff", l.model_handoff},
        {"path", optional_number(l.model_path)},
        {"path_scv", optional_number(l.model_path_scv)},
        {"path_shape", !l.model_path              ? "calibration's"
                       : l.model_path_per_request ? "each request's (Server-Timing)"
                                                  : "calibration's SCV"},
        {"arrival_scv", optional_number(l.model_arrival_scv)},
        {"held_stops", l.model_held_stops},
        {"service_dispersion", dispersion_json(l.model_service_dispersion)},
        {"dispersion_factor", optional_number(l.model_dispersion_factor)},
        {"window_dispersion", dispersion_json(l.model_window_dispersion)}};
    level["predicted"] = l.predicted ? stats_json(*l.predicted) : Json(nullptr);
    if (l.predicted) {
      level["predicted"]["queue_wait"] = optional_number(l.model_queue_wait);
      level["predicted"]["from"] = l.predicted_from_windows ? "windows" : "level";
    }
    level["predicted_stationary"] =
        l.predicted_stationary ? stats_json(*l.predicted_stationary) : Json(nullptr);
    Json windows = Json::array();
    for (const WindowResult& w : l.windows)
      windows.push_back({{"start", w.start},
                         {"duration", w.duration},
                         {"jobs", w.jobs},
                         {"offered_rate", optional_number(w.offered_rate)},
                         {"utilization", w.utilization},
                         {"service_time", w.service_time},
                         {"predicted_mean", optional_number(w.mean)},
                         {"measured_mean", optional_number(w.measured_mean)},
                         {"measured_server_mean", optional_number(w.measured_server_mean)},
                         {"measured_service_cpu", optional_number(w.measured_service_cpu)},
                         {"measured_worker_cpu", optional_number(w.measured_worker_cpu)},
                         {"measured_hold_scv", optional_number(w.measured_hold_scv)},
                         {"host_steal", w.host_steal},
                         {"late_sends", w.measured_late_sends}});
    level["windows"] = windows;
    level["predicted_from_calibration"] =
        l.predicted_from_calibration ? stats_json(*l.predicted_from_calibration) : Json(nullptr);
    level["error_from_calibration"] = {{"mean", optional_number(l.error_mean_from_calibration)},
                                       {"p95", optional_number(l.error_p95_from_calibration)}};
    Json simulated = stats_json(l.simulated);
    simulated["mean_ci"] = {l.simulated_mean_ci.first, l.simulated_mean_ci.second};
    level["simulated"] = simulated;
    level["error"] = {{"mean", optional_number(l.error_mean)},
                      {"p95", optional_number(l.error_p95)}};
    level["within_tolerance"] = {{"mean", l.mean_ok}, {"p95", l.p95_ok}};
    levels.push_back(level);
  }
  json["levels"] = levels;
  Json curve = Json::array();
  for (const CurvePoint& p : report.curve) {
    Json point{{"load_fraction", p.load_fraction}};
    if (report.mode == "open")
      point["rate"] = p.rate;
    else
      point["users"] = p.users;
    point["mean"] = p.mean;
    point["p95"] = p.p95;
    curve.push_back(point);
  }
  json["curve"] = curve;
  json["notes"] = report.notes;
  json["passed"] = report.passed();
  json["spec"] = report.spec_yaml;
  return json;
}

}  // namespace kendall::validation
