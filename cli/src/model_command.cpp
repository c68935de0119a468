// kendall model SPEC: the analytic model of a whole system (model/system_model.hpp).
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "json_output.hpp"
#include "kendall/base/duration.hpp"
#include "kendall/cli/app.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/model/system_model.hpp"
#include "table.hpp"

namespace kendall::cli {
namespace {

struct ModelOptions {
  std::string spec;
  double rate_scale = 1.0;
  Format format = Format::table;
};

std::string slo_text(const model::SystemResult& r, const std::string& name) {
  std::string text;
  for (const auto& slo : r.slos) {
    if (slo.workload_class != name)
      continue;
    if (!text.empty())
      text += "; ";
    text += fmt::format("{} <= {}: {}", model::to_string(slo.statistic),
                        format_duration(slo.target), slo.met ? "met" : "MISSED");
  }
  return text.empty() ? "-" : text;
}

std::string blocked_cell(double probability) {
  if (probability == 0)
    return "0";
  if (probability < 1e-6)
    return "<0.0001%";
  return fmt::format("{:.3g}%", 100 * probability);
}

void print_table(std::ostream& out, const model::System& system, const model::SystemResult& r) {
  out << fmt::format("{} ({} workload): {}\n", r.name.empty() ? system.source : r.name,
                     model::to_string(r.workload), r.stable ? "stable" : "UNSTABLE");
  if (!r.stable)
    out << "saturated: " << r.saturation << "\n";
  if (!r.bottleneck.empty()) {
    out << "bottleneck: " << r.bottleneck;
    if (r.saturation_rate) {
      out << fmt::format(" (saturates at {} requests/s in total, same class mix)",
                         number_cell(*r.saturation_rate));
    }
    out << "\n";
  }
  out << "\n";
  Table classes({"class", "throughput/s", "mean", "p50", "p90", "p95", "p99", "SLO"});
  const auto add_class =
      [&](const std::string& name, double throughput, const std::optional<double>& mean,
          const std::optional<model::ResponsePercentiles>& p, const std::string& slo) {
        classes.add_row({name, number_cell(throughput), latency_cell(mean),
                         latency_cell(p ? std::optional(p->p50) : std::nullopt),
                         latency_cell(p ? std::optional(p->p90) : std::nullopt),
                         latency_cell(p ? std::optional(p->p95) : std::nullopt),
                         latency_cell(p ? std::optional(p->p99) : std::nullopt), slo});
      };
  for (const auto& c : r.classes) {
    add_class(c.name, c.throughput, c.mean_response_time, c.response_time_percentiles,
              slo_text(r, c.name));
  }
  if (r.classes.size() > 1) {
    add_class("(all)", r.throughput, r.mean_response_time, r.response_time_percentiles, "");
  }
  out << classes.render() << "\n";

  Table services({"service", "servers", "utilization", "throughput/s", "in system", "per visit",
                  "residence", "blocked"});
  for (const auto& s : r.services) {
    services.add_row({s.name, s.servers > 0 ? std::to_string(s.servers) : "inf",
                      fmt::format("{:.1f}%", 100.0 * s.utilization), number_cell(s.throughput),
                      s.mean_number_in_system ? number_cell(*s.mean_number_in_system) : "-",
                      latency_cell(s.response_time), latency_cell(s.residence_time),
                      blocked_cell(s.probability_of_blocking)});
  }
  out << services.render();
  if (r.bounds) {
    out << "\nasymptotic bounds (each class alone):\n";
    Table bounds({"class", "throughput <=", "response >=", "bottleneck"});
    for (std::size_t c = 0; c < r.classes.size(); ++c) {
      bounds.add_row({r.classes[c].name, number_cell(r.bounds->throughput_upper[c]),
                      latency_cell(r.bounds->response_time_lower[c]), r.bounds->bottleneck[c]});
    }
    out << bounds.render();
  }
  out << "\nmethod: " << r.method << "\npercentiles: " << r.percentile_method << "\n";
  for (const auto& note : r.notes)
    out << "note: " << note << "\n";
}

}  // namespace

void add_model_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<ModelOptions>();
  CLI::App* command = app.add_subcommand(
      "model",
      "Predict latency, throughput and utilization of a system spec with queueing models.\n"
      "Open workloads: per-service stations (M/M/c, G/G/c, M/M/c/K); closed: exact or\n"
      "approximate MVA. Example: kendall model examples/user-services.yaml --format json");
  command->add_option("spec", options->spec, "System spec, YAML or JSON (docs/spec.md)")
      ->required();
  command
      ->add_option("--rate-scale", options->rate_scale,
                   "Multiply every class's rate (open) or population (closed) by this factor")
      ->check(CLI::PositiveNumber);
  add_format_option(*command, options->format);
  command->callback([options, &action] {
    action = [options](std::ostream& out, std::ostream&) {
      const model::System system = model::load_system(options->spec);
      model::AnalysisOptions analysis;
      analysis.rate_scale = options->rate_scale;
      const model::SystemResult result = model::analyze(system, analysis);
      if (options->format == Format::json) {
        out << to_json(result).dump(2) << "\n";
      } else {
        print_table(out, system, result);
      }
      return static_cast<int>(ok);
    };
  });
}

}  // namespace kendall::cli
