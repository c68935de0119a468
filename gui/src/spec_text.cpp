// Writes a System as YAML and applies cell edits through model::parse_system.
#include "kendall/gui/spec_text.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "kendall/base/error.hpp"

namespace kendall::gui {
namespace {

using model::System;

// Seconds as the shortest exact-enough spec duration: "40ms", "1.5s", "250us".
std::string duration_text(double seconds) {
  if (seconds == 0)
    return "0s";
  if (seconds >= 1)
    return fmt::format("{:.9g}s", seconds);
  if (seconds >= 1e-3)
    return fmt::format("{:.9g}ms", seconds * 1e3);
  return fmt::format("{:.9g}us", seconds * 1e6);
}

std::string number_text(double value) {
  return fmt::format("{:.12g}", value);
}

// A user's text becomes one YAML line: no line breaks can split the document.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string distribution_kind_text(const Distribution& d) {
  // Empirical samples live in a file this writer does not know: keep the moments.
  if (d.kind == DistributionKind::empirical)
    return "gamma";
  return std::string(to_string(d.kind));
}

class Writer {
 public:
  Writer(const System& system, const std::optional<CellText>& replace)
      : system_(system), replace_(replace) {}

  // The field's text: the replacement when it targets this cell, else the system's value.
  std::string field(SpecTable table, std::size_t row, const std::string& key) const {
    if (replace_ && replace_->table == table && replace_->row == row && replace_->key == key)
      return one_line(replace_->text);
    return field_text(system_, table, row, key);
  }

  std::string write() const {
    std::string out = "apiVersion: kendall/v1\nkind: System\n";
    if (!system_.name.empty())
      out += fmt::format("metadata: {{name: {}}}\n", quoted(system_.name));
    out += fmt::format("plan: {{max_utilization: {}, objective: {}}}\n",
                       number_text(system_.plan.max_utilization), system_.plan.objective);
    if (const auto& n = system_.nodes) {
      out += fmt::format("nodes: {{count: {}, cpu: \"{}\", memory: \"{}\", cost: {}}}\n", n->count,
                         number_text(n->cpu), number_text(n->memory), number_text(n->cost));
    }
    out += "services:\n";
    for (std::size_t i = 0; i < system_.services.size(); ++i)
      out += service(i);
    out += fmt::format("workload:\n  type: {}\n  classes:\n", to_string(system_.workload));
    for (std::size_t i = 0; i < system_.classes.size(); ++i)
      out += workload_class(i);
    if (!system_.slos.empty()) {
      out += "slo:\n";
      for (const auto& slo : system_.slos) {
        out += fmt::format("  - {{class: {}, statistic: {}, latency: {}}}\n",
                           quoted(class_name(slo.workload_class)), to_string(slo.statistic),
                           duration_text(slo.latency));
      }
    }
    return out;
  }

 private:
  std::string service_name(std::size_t i) const { return field(SpecTable::services, i, "name"); }
  std::string class_name(std::size_t i) const { return field(SpecTable::classes, i, "name"); }

  std::string service(std::size_t i) const {
    const auto& s = system_.services[i];
    const auto f = [&](const char* key) { return field(SpecTable::services, i, key); };
    std::string out = fmt::format("  - name: {}\n", f("name"));
    out += fmt::format("    type: {}\n", to_string(s.type));
    out += fmt::format("    replicas: {}\n    workers: {}\n", f("replicas"), f("workers"));
    if (s.cores)
      out += fmt::format("    cores: {}\n", *s.cores);
    out +=
        fmt::format("    service_time: {{distribution: {}, mean: {}, scv: {}}}\n",
                    f("service_time.distribution"), f("service_time.mean"), f("service_time.scv"));
    out += fmt::format("    balancer: {}\n", to_string(s.balancer));
    const std::string limit = f("queue_limit");
    if (!limit.empty())
      out += fmt::format("    queue_limit: {}\n", limit);
    out += fmt::format("    cost: {}\n", f("cost"));
    if (s.resources.cpu > 0 || s.resources.memory > 0) {
      out += fmt::format("    resources: {{cpu: \"{}\", memory: \"{}\"}}\n",
                         number_text(s.resources.cpu), number_text(s.resources.memory));
    }
    out += fmt::format("    min_replicas: {}\n    max_replicas: {}\n", f("min_replicas"),
                       f("max_replicas"));
    if (s.port)
      out += fmt::format("    port: {}\n", *s.port);
    return out;
  }

  std::string workload_class(std::size_t i) const {
    const auto& c = system_.classes[i];
    const auto f = [&](const char* key) { return field(SpecTable::classes, i, key); };
    std::string out = fmt::format("    - name: {}\n", f("name"));
    if (system_.workload == model::WorkloadType::open) {
      out += fmt::format("      rate: {}\n", f("rate"));
    } else {
      // The cell edits the mean think time; the family and SCV stay as they are.
      out += fmt::format("      population: {}\n", f("population"));
      out += fmt::format("      think_time: {{distribution: {}, mean: {}, scv: {}}}\n",
                         distribution_kind_text(c.think_time), f("think_time"),
                         number_text(c.think_time.scv));
    }
    out += fmt::format("      visits: {{{}}}\n", visits(i));
    std::vector<std::string> overrides;
    for (const auto& v : c.visits) {
      if (v.service_time) {
        overrides.push_back(
            fmt::format("{}: {{distribution: {}, mean: {}, scv: {}}}", service_name(v.service),
                        distribution_kind_text(*v.service_time),
                        duration_text(v.service_time->mean), number_text(v.service_time->scv)));
      }
    }
    if (!overrides.empty())
      out += fmt::format("      service_times: {{{}}}\n", fmt::join(overrides, ", "));
    return out;
  }

  // Visits name services as written, so a renamed service keeps its visits.
  std::string visits(std::size_t i) const {
    if (replace_ && replace_->table == SpecTable::classes && replace_->row == i &&
        replace_->key == "visits") {
      return one_line(replace_->text);
    }
    std::vector<std::string> parts;
    for (const auto& v : system_.classes[i].visits)
      parts.push_back(fmt::format("{}: {}", service_name(v.service), number_text(v.count)));
    return fmt::format("{}", fmt::join(parts, ", "));
  }

  const System& system_;
  const std::optional<CellText>& replace_;
};

}  // namespace

const std::vector<std::string>& field_keys(SpecTable table, model::WorkloadType workload) {
  static const std::vector<std::string> services{"name",
                                                 "replicas",
                                                 "workers",
                                                 "service_time.mean",
                                                 "service_time.scv",
                                                 "service_time.distribution",
                                                 "queue_limit",
                                                 "cost",
                                                 "min_replicas",
                                                 "max_replicas"};
  static const std::vector<std::string> open_classes{"name", "rate", "visits"};
  static const std::vector<std::string> closed_classes{"name", "population", "think_time",
                                                       "visits"};
  if (table == SpecTable::services)
    return services;
  return workload == model::WorkloadType::open ? open_classes : closed_classes;
}

std::string field_text(const System& system, SpecTable table, std::size_t row,
                       const std::string& key) {
  if (table == SpecTable::services) {
    const auto& s = system.services.at(row);
    if (key == "name")
      return s.name;
    if (key == "replicas")
      return std::to_string(s.replicas);
    if (key == "workers")
      return std::to_string(s.workers);
    if (key == "service_time.mean")
      return duration_text(s.service_time.mean);
    if (key == "service_time.scv")
      return number_text(s.service_time.scv);
    if (key == "service_time.distribution")
      return distribution_kind_text(s.service_time);
    if (key == "queue_limit")
      return s.queue_limit ? std::to_string(*s.queue_limit) : std::string();
    if (key == "cost")
      return number_text(s.cost);
    if (key == "min_replicas")
      return std::to_string(s.min_replicas);
    if (key == "max_replicas")
      return std::to_string(s.max_replicas);
  } else {
    const auto& c = system.classes.at(row);
    if (key == "name")
      return c.name;
    if (key == "rate")
      return number_text(c.rate);
    if (key == "population")
      return std::to_string(c.population);
    if (key == "think_time")
      return duration_text(c.think_time.mean);
    if (key == "visits") {
      std::vector<std::string> visits;
      for (const auto& v : c.visits)
        visits.push_back(
            fmt::format("{}: {}", system.services.at(v.service).name, number_text(v.count)));
      return fmt::format("{}", fmt::join(visits, ", "));
    }
  }
  throw InputError(fmt::format("no field \"{}\" in the {} table", key,
                               table == SpecTable::services ? "services" : "classes"));
}

std::string write_spec(const System& system, const std::optional<CellText>& replace) {
  return Writer(system, replace).write();
}

EditOutcome apply_edit(const System& system, const CellText& edit) {
  EditOutcome outcome;
  try {
    System edited = model::parse_system(write_spec(system, edit), system.source);
    edited.source = system.source;
    outcome.system = std::move(edited);
  } catch (const InputError& error) {
    outcome.error = error.detail();
  }
  return outcome;
}

}  // namespace kendall::gui
