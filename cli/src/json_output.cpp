#include "json_output.hpp"

namespace kendall::cli {
namespace {

template <typename T>
Json optional(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json optional_percentiles(const std::optional<model::ResponsePercentiles>& p) {
  return p ? to_json(*p) : Json(nullptr);
}

}  // namespace

Json to_json(const model::ResponsePercentiles& p) {
  return Json{{"p50", p.p50}, {"p90", p.p90}, {"p95", p.p95}, {"p99", p.p99}, {"p999", p.p999}};
}

Json to_json(const model::StationMetrics& m) {
  Json json;
  json["model"] = std::string(model::kendall_notation(m.model));
  json["method"] = m.method;
  json["stable"] = m.stable;
  json["saturation"] = m.stable ? Json(nullptr) : Json(m.saturation);
  json["offered_load"] = m.offered_load;
  json["utilization"] = m.utilization;
  json["throughput"] = m.throughput;
  json["mean_response_time"] = optional(m.mean_response_time);
  json["mean_waiting_time"] = optional(m.mean_waiting_time);
  json["mean_number_in_system"] = optional(m.mean_number_in_system);
  json["mean_queue_length"] = optional(m.mean_queue_length);
  json["probability_of_waiting"] = optional(m.probability_of_waiting);
  json["probability_of_blocking"] = optional(m.probability_of_blocking);
  json["response_time_percentiles"] = optional_percentiles(m.response_time_percentiles);
  json["percentile_method"] =
      m.response_time_percentiles ? Json(m.percentile_method) : Json(nullptr);
  return json;
}

Json to_json(const model::SystemResult& r) {
  Json json;
  json["name"] = r.name;
  json["workload"] = std::string(model::to_string(r.workload));
  json["stable"] = r.stable;
  json["saturation"] = r.stable ? Json(nullptr) : Json(r.saturation);
  json["method"] = r.method;
  json["percentile_method"] = r.percentile_method;
  json["system"] =
      Json{{"throughput", r.throughput},
           {"mean_response_time", optional(r.mean_response_time)},
           {"response_time_percentiles", optional_percentiles(r.response_time_percentiles)},
           {"bottleneck", r.bottleneck.empty() ? Json(nullptr) : Json(r.bottleneck)},
           {"saturation_rate", optional(r.saturation_rate)}};
  Json classes = Json::array();
  for (const auto& c : r.classes) {
    classes.push_back(
        Json{{"name", c.name},
             {"offered_rate", c.offered_rate},
             {"throughput", c.throughput},
             {"rejection_probability", c.rejection_probability},
             {"mean_response_time", optional(c.mean_response_time)},
             {"response_time_percentiles", optional_percentiles(c.response_time_percentiles)},
             {"slo_met", optional(c.slo_met)}});
  }
  json["classes"] = classes;
  Json services = Json::array();
  for (const auto& s : r.services) {
    services.push_back(Json{{"name", s.name},
                            {"servers", s.servers},
                            {"stable", s.stable},
                            {"utilization", s.utilization},
                            {"throughput", s.throughput},
                            {"mean_number_in_system", optional(s.mean_number_in_system)},
                            {"residence_time", optional(s.residence_time)},
                            {"response_time", optional(s.response_time)},
                            {"waiting_time", optional(s.waiting_time)},
                            {"probability_of_blocking", s.probability_of_blocking},
                            {"method", s.method}});
  }
  json["services"] = services;
  Json slos = Json::array();
  for (const auto& s : r.slos) {
    slos.push_back(Json{{"class", s.workload_class},
                        {"statistic", std::string(model::to_string(s.statistic))},
                        {"target", s.target},
                        {"predicted", optional(s.predicted)},
                        {"met", s.met}});
  }
  json["slo"] = slos;
  if (r.bounds) {
    Json bounds = Json::array();
    for (std::size_t c = 0; c < r.bounds->throughput_upper.size(); ++c) {
      bounds.push_back(Json{{"class", r.classes[c].name},
                            {"throughput_upper", r.bounds->throughput_upper[c]},
                            {"response_time_lower", r.bounds->response_time_lower[c]},
                            {"bottleneck", r.bounds->bottleneck[c]}});
    }
    json["bounds"] = bounds;
  }
  json["notes"] = r.notes;
  return json;
}

}  // namespace kendall::cli
