// Writes a System as a spec that the loader (spec_loader.cpp) reads back to an equal System.
#include "kendall/model/spec_writer.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kendall::model {
namespace {

std::string number_text(double value) {
  return fmt::format("{:.12g}", value);
}

// A flow sequence of numbers: [0.95, 0.9].
std::string numbers_text(const std::vector<double>& values) {
  std::vector<std::string> parts;
  for (const double value : values)
    parts.push_back(number_text(value));
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

// Names as YAML scalars: plain where the name is a letter then letters, digits and -_./
// (what names usually are), else double-quoted.
std::string scalar(std::string_view text) {
  const auto plain_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  };
  if (!text.empty() && std::isalpha(static_cast<unsigned char>(text[0])) &&
      std::all_of(text.begin(), text.end(), plain_char))
    return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

// A user's text becomes one YAML line: no line break can split the document.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

// The family a distribution is written as. Empirical samples live in a file the writer does
// not know: the two-moment family with the same mean and SCV stands in.
std::string_view family(const Distribution& d) {
  if (d.kind == DistributionKind::empirical)
    return to_string(Distribution::from_moments(d.mean, d.scv).kind);
  return to_string(d.kind);
}

std::string distribution_text(const Distribution& d) {
  return fmt::format("{{distribution: {}, mean: {}, scv: {}}}", family(d), duration_text(d.mean),
                     number_text(d.scv));
}

std::string visits_text(const System& system, const WorkloadClass& c) {
  std::vector<std::string> parts;
  for (const Visit& v : c.visits)
    parts.push_back(
        fmt::format("{}: {}", scalar(system.services.at(v.service).name), number_text(v.count)));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string dispersion_text(const std::vector<DispersionPoint>& points) {
  std::vector<std::string> parts;
  for (const DispersionPoint& p : points) {
    std::string part =
        fmt::format("{{jobs: {}, index: {}", number_text(p.jobs), number_text(p.index));
    if (p.skew_index)
      part += fmt::format(", skew_index: {}", number_text(*p.skew_index));
    if (p.blocks)
      part += fmt::format(", blocks: {}", number_text(*p.blocks));
    parts.push_back(part + "}");
  }
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

class Writer {
 public:
  Writer(const System& system, const SpecWriting& writing) : system_(system), writing_(writing) {}

  std::string write() const {
    std::string out;
    if (!writing_.comment.empty()) {
      std::string_view rest = writing_.comment;
      while (!rest.empty()) {
        const std::size_t end = std::min(rest.find('\n'), rest.size());
        out += fmt::format("# {}\n", rest.substr(0, end));
        rest.remove_prefix(std::min(end + 1, rest.size()));
      }
    }
    out += "apiVersion: kendall/v1\nkind: System\n";
    if (!system_.name.empty())
      out += fmt::format("metadata: {{name: {}}}\n", scalar(system_.name));
    const PlanSettings defaults;
    if (system_.plan.max_utilization != defaults.max_utilization ||
        system_.plan.objective != defaults.objective)
      out += fmt::format("plan: {{max_utilization: {}, objective: {}}}\n",
                         number_text(system_.plan.max_utilization), system_.plan.objective);
    if (const auto& n = system_.nodes)
      out += fmt::format("nodes: {{count: {}, cpu: \"{}\", memory: \"{}\", cost: {}}}\n", n->count,
                         number_text(n->cpu), number_text(n->memory), number_text(n->cost));
    out += "services:\n";
    for (std::size_t i = 0; i < system_.services.size(); ++i)
      out += service(i);
    out += fmt::format("workload:\n  type: {}\n  classes:\n", to_string(system_.workload));
    for (std::size_t i = 0; i < system_.classes.size(); ++i)
      out += workload_class(i);
    if (!system_.slos.empty()) {
      out += "slo:\n";
      for (const Slo& slo : system_.slos)
        out += fmt::format("  - {{class: {}, statistic: {}, latency: {}}}\n",
                           field(SpecSection::classes, slo.workload_class, "name"),
                           to_string(slo.statistic), duration_text(slo.latency));
    }
    return out;
  }

 private:
  std::optional<std::string> replaced(SpecSection section, std::size_t row,
                                      std::string_view key) const {
    if (!writing_.replace)
      return std::nullopt;
    if (auto text = writing_.replace(SpecField{section, row, key}))
      return one_line(*std::move(text));
    return std::nullopt;
  }

  // The field as written: the replacement, else the value (names as YAML scalars).
  std::string field(SpecSection section, std::size_t row, std::string_view key) const {
    if (auto text = replaced(section, row, key))
      return *text;
    const std::string value = spec_field_text(system_, {section, row, key});
    return key == "name" ? scalar(value) : value;
  }

  // "    key: value\n" when the field is replaced or its value is not the default.
  std::string optional_line(std::size_t row, std::string_view key, bool at_default) const {
    if (at_default && !replaced(SpecSection::services, row, key))
      return "";
    return fmt::format("    {}: {}\n", key, field(SpecSection::services, row, key));
  }

  std::string service(std::size_t i) const {
    const Service& s = system_.services[i];
    const auto f = [&](std::string_view key) { return field(SpecSection::services, i, key); };
    std::string out = fmt::format("  - name: {}\n", f("name"));
    if (s.type != ServiceType::queue)
      out += fmt::format("    type: {}\n", to_string(s.type));
    // A delay has no servers to count: its replicas and workers only where set.
    const bool delay = s.type == ServiceType::delay;
    out += optional_line(i, "replicas", delay && s.replicas == 1);
    out += optional_line(i, "workers", delay && s.workers == 1);
    if (s.cores)
      out += fmt::format("    cores: {}\n", *s.cores);
    out +=
        fmt::format("    service_time: {{distribution: {}, mean: {}, scv: {}}}\n",
                    f("service_time.distribution"), f("service_time.mean"), f("service_time.scv"));
    if (!s.service_dispersion.empty())
      out += fmt::format("    service_dispersion: {}\n", dispersion_text(s.service_dispersion));
    if (s.hold_scv)
      out += fmt::format("    hold_scv: {}\n", number_text(*s.hold_scv));
    if (!s.sharing_speed.empty())
      out += fmt::format("    sharing_speed: {}\n", numbers_text(s.sharing_speed));
    if (!s.busy_speed.empty())
      out += fmt::format("    busy_speed: {}\n", numbers_text(s.busy_speed));
    const Service defaults;
    out += optional_line(i, "balancer", s.balancer == defaults.balancer);
    out += optional_line(i, "queue_limit", !s.queue_limit);
    out += optional_line(i, "cost", s.cost == defaults.cost);
    if (s.resources.cpu > 0 || s.resources.memory > 0)
      out += fmt::format("    resources: {{cpu: \"{}\", memory: \"{}\"}}\n",
                         number_text(s.resources.cpu), number_text(s.resources.memory));
    out += optional_line(i, "min_replicas", s.min_replicas == defaults.min_replicas);
    out += optional_line(i, "max_replicas", s.max_replicas == std::max(100, s.replicas));
    if (s.port)
      out += fmt::format("    port: {}\n", *s.port);
    return out;
  }

  std::string workload_class(std::size_t i) const {
    const WorkloadClass& c = system_.classes[i];
    const auto f = [&](std::string_view key) { return field(SpecSection::classes, i, key); };
    std::string out = fmt::format("    - name: {}\n", f("name"));
    if (system_.workload == WorkloadType::open) {
      out += fmt::format("      rate: {}\n", f("rate"));
      if (c.arrival_scv != 1)
        out += fmt::format("      arrival_scv: {}\n", number_text(c.arrival_scv));
    } else {
      // The think_time field is its mean; the family and SCV stay as they are.
      out += fmt::format("      population: {}\n", f("population"));
      out += fmt::format("      think_time: {{distribution: {}, mean: {}, scv: {}}}\n",
                         family(c.think_time), f("think_time"), number_text(c.think_time.scv));
    }
    out += fmt::format("      visits: {{{}}}\n", visits(i));
    std::vector<std::string> overrides;
    for (const Visit& v : c.visits)
      if (v.service_time)
        overrides.push_back(fmt::format("{}: {}", field(SpecSection::services, v.service, "name"),
                                        distribution_text(*v.service_time)));
    if (!overrides.empty())
      out += fmt::format("      service_times: {{{}}}\n", fmt::join(overrides, ", "));
    return out;
  }

  // Visits name the services as written, so a renamed service keeps its visits.
  std::string visits(std::size_t i) const {
    if (auto text = replaced(SpecSection::classes, i, "visits"))
      return *text;
    std::vector<std::string> parts;
    for (const Visit& v : system_.classes[i].visits)
      parts.push_back(fmt::format("{}: {}", field(SpecSection::services, v.service, "name"),
                                  number_text(v.count)));
    return fmt::format("{}", fmt::join(parts, ", "));
  }

  const System& system_;
  const SpecWriting& writing_;
};

}  // namespace

std::string duration_text(double seconds) {
  if (seconds == 0)
    return "0s";
  if (seconds >= 1)
    return fmt::format("{:.9g}s", seconds);
  if (seconds >= 1e-3)
    return fmt::format("{:.9g}ms", seconds * 1e3);
  return fmt::format("{:.9g}us", seconds * 1e6);
}

std::string spec_field_text(const System& system, const SpecField& field) {
  const std::string_view key = field.key;
  if (field.section == SpecSection::services) {
    const Service& s = system.services.at(field.row);
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
      return std::string(family(s.service_time));
    if (key == "balancer")
      return std::string(to_string(s.balancer));
    if (key == "queue_limit")
      return s.queue_limit ? std::to_string(*s.queue_limit) : std::string();
    if (key == "cost")
      return number_text(s.cost);
    if (key == "min_replicas")
      return std::to_string(s.min_replicas);
    if (key == "max_replicas")
      return std::to_string(s.max_replicas);
  } else {
    const WorkloadClass& c = system.classes.at(field.row);
    if (key == "name")
      return c.name;
    if (key == "rate")
      return number_text(c.rate);
    if (key == "population")
      return std::to_string(c.population);
    if (key == "think_time")
      return duration_text(c.think_time.mean);
    if (key == "visits")
      return visits_text(system, c);
  }
  throw InputError(fmt::format("no field \"{}\" in the {} list", key,
                               field.section == SpecSection::services ? "services" : "classes"));
}

std::string write_spec(const System& system, const SpecWriting& writing) {
  return Writer(system, writing).write();
}

}  // namespace kendall::model
