// kendall plan SPEC: the cheapest replica counts that meet every SLO (model/plan.hpp).
#include <memory>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "json_output.hpp"
#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/cli/app.hpp"
#include "kendall/model/plan.hpp"
#include "kendall/model/spec.hpp"
#include "table.hpp"

namespace kendall::cli {
namespace {

struct PlanCommandOptions {
  std::string spec;
  double rate_scale = 1.0;
  std::string rates;
  std::string schedule;
  double time_limit = 10;
  Format format = Format::table;
};

double total_rate(const model::System& system) {
  double total = 0;
  for (const auto& c : system.classes)
    total += c.rate;
  return total;
}

std::vector<model::ScheduleLevel> parse_rates(const std::string& text, double spec_total) {
  std::vector<model::ScheduleLevel> levels;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    double rate = 0;
    try {
      std::size_t used = 0;
      rate = std::stod(item, &used);
      if (used != item.size())
        throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw InputError(
          fmt::format("--rates: \"{}\" is not a number (expected total requests per second, e.g. "
                      "--rates 100,200,400)",
                      item));
    }
    if (!(rate > 0))
      throw InputError(fmt::format("--rates: {} must be > 0", item));
    levels.push_back(model::ScheduleLevel{fmt::format("{:g}/s", rate), rate / spec_total});
  }
  if (levels.empty())
    throw InputError("--rates needs at least one rate, e.g. --rates 100,200,400");
  return levels;
}

Json plan_json(const model::PlanResult& p) {
  Json services = Json::array();
  for (const auto& s : p.services) {
    services.push_back(
        Json{{"name", s.name},
             {"replicas", s.replicas},
             {"current_replicas", s.current_replicas},
             {"utilization", s.utilization},
             {"response_time", s.response_time ? Json(*s.response_time) : Json(nullptr)},
             {"cost", s.cost},
             {"utilization_at_slo_limit",
              s.utilization_at_slo_limit ? Json(*s.utilization_at_slo_limit) : Json(nullptr)}});
  }
  Json classes = Json::array();
  for (const auto& slo : p.slos) {
    classes.push_back(Json{{"name", slo.workload_class},
                           {"statistic", std::string(model::to_string(slo.statistic))},
                           {"predicted", slo.predicted ? Json(*slo.predicted) : Json(nullptr)},
                           {"slo", slo.target},
                           {"met", slo.met}});
  }
  Json json{
      {"feasible", p.feasible},
      {"reason", p.feasible ? Json(nullptr) : Json(p.reason)},
      {"rate_scale", p.rate_scale},
      {"total_rate", p.total_rate},
      {"cost", p.feasible ? Json(p.cost) : Json(nullptr)},
      {"services", services},
      {"classes", classes},
      {"solver", Json{{"status", p.solver_status}, {"gap", p.gap}, {"iterations", p.iterations}}},
      {"method", p.method},
      {"notes", p.notes}};
  if (p.nodes) {
    json["nodes"] = Json{{"used", p.nodes->nodes_used},
                         {"available", p.nodes->nodes_available},
                         {"cpu_requested", p.nodes->cpu_requested},
                         {"memory_requested", p.nodes->memory_requested},
                         {"cost", p.nodes->cost},
                         {"placement", p.nodes->placement}};
  }
  return json;
}

void print_plan(std::ostream& out, const model::System& system, const model::PlanResult& p) {
  out << fmt::format("{}: plan at {} requests/s (max utilization {:g}%)\n",
                     system.name.empty() ? system.source : system.name, number_cell(p.total_rate),
                     100 * system.plan.max_utilization);
  if (!p.feasible) {
    out << "NO FEASIBLE PLAN: " << p.reason << "\n";
    return;
  }
  out << "\n";
  Table services({"service", "current", "recommended", "utilization", "per visit", "cost/h"});
  for (const auto& s : p.services) {
    services.add_row({s.name, std::to_string(s.current_replicas), std::to_string(s.replicas),
                      fmt::format("{:.1f}%", 100 * s.utilization), latency_cell(s.response_time),
                      number_cell(s.cost)});
  }
  out << services.render();
  if (!p.slos.empty()) {
    out << "\n";
    Table slos({"class", "SLO", "predicted", ""});
    for (const auto& slo : p.slos) {
      slos.add_row(
          {slo.workload_class,
           fmt::format("{} <= {}", model::to_string(slo.statistic), format_duration(slo.target)),
           latency_cell(slo.predicted), slo.met ? "met" : "MISSED"});
    }
    out << slos.render();
  }
  if (p.nodes) {
    out << fmt::format("\nnodes: {} of {} used ({:g} CPU, {:.3g} GiB requested), {}/h\n",
                       p.nodes->nodes_used, p.nodes->nodes_available, p.nodes->cpu_requested,
                       p.nodes->memory_requested / 1073741824.0, number_cell(p.nodes->cost));
  }
  out << fmt::format("\ntotal cost: {}/h\nsolver: {} (gap {:.2g}%, {} MILP round{})\n",
                     number_cell(p.cost), p.solver_status, 100 * p.gap, p.iterations,
                     p.iterations == 1 ? "" : "s");
  for (const auto& note : p.notes)
    out << "note: " << note << "\n";
}

void print_schedule(std::ostream& out, const model::System& system,
                    const std::vector<model::ScheduleRow>& rows) {
  std::vector<std::string> headers{"level", "requests/s"};
  for (const auto& s : system.services)
    headers.push_back(s.name);
  headers.push_back("cost/h");
  Table table(headers);
  for (const auto& row : rows) {
    std::vector<std::string> cells{row.level.label, number_cell(row.plan.total_rate)};
    for (std::size_t s = 0; s < system.services.size(); ++s) {
      cells.push_back(row.plan.feasible ? std::to_string(row.plan.services[s].replicas) : "-");
    }
    cells.push_back(row.plan.feasible ? number_cell(row.plan.cost) : "infeasible");
    table.add_row(cells);
  }
  out << fmt::format("{}: replica schedule (recommended replicas per load level)\n\n",
                     system.name.empty() ? system.source : system.name)
      << table.render();
  for (const auto& row : rows) {
    if (!row.plan.feasible)
      out << fmt::format("{}: no feasible plan: {}\n", row.level.label, row.plan.reason);
  }
}

}  // namespace

void add_plan_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<PlanCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "plan",
      "Choose the cheapest replica count per service that meets every SLO, keeps every\n"
      "service under plan.max_utilization and fits the node pool (a MILP solved by GLPK).\n"
      "Exit code 3 when no plan is feasible, with the reason.\n"
      "Examples: kendall plan examples/user-services.yaml\n"
      "          kendall plan examples/user-services.yaml --rates 100,200,400");
  command->add_option("spec", options->spec, "System spec, YAML or JSON (docs/spec.md)")
      ->required();
  command
      ->add_option("--rate-scale", options->rate_scale,
                   "Multiply every class's rate by this factor")
      ->check(CLI::PositiveNumber);
  command->add_option(
      "--rates", options->rates,
      "Plan at several total rates (requests/s, same class mix): a replica schedule");
  command->add_option("--schedule", options->schedule,
                      "Plan per time of day from a file of HH:MM,RATE lines (docs/plan.md)");
  command
      ->add_option("--time-limit", options->time_limit,
                   "GLPK time limit per solve, seconds (default 10)")
      ->check(CLI::PositiveNumber);
  add_format_option(*command, options->format);
  command->callback([options, &action] {
    action = [options](std::ostream& out, std::ostream& err) {
      if (!options->rates.empty() && !options->schedule.empty()) {
        throw InputError("give --rates or --schedule, not both");
      }
      const model::System system = model::load_system(options->spec);
      model::PlanOptions plan_options;
      plan_options.rate_scale = options->rate_scale;
      plan_options.time_limit_seconds = options->time_limit;
      if (options->rates.empty() && options->schedule.empty()) {
        const model::PlanResult plan = model::plan_replicas(system, plan_options);
        if (options->format == Format::json) {
          out << plan_json(plan).dump(2) << "\n";
        } else {
          print_plan(out, system, plan);
        }
        if (!plan.feasible)
          err << "kendall: no feasible plan: " << plan.reason << "\n";
        return static_cast<int>(plan.feasible ? ok : infeasible);
      }
      const auto levels = options->rates.empty()
                              ? model::read_schedule(options->schedule, total_rate(system))
                              : parse_rates(options->rates, total_rate(system));
      plan_options.find_slo_limit = false;
      const auto rows = model::plan_schedule(system, levels, plan_options);
      bool all = true;
      Json schedule = Json::array();
      for (const auto& row : rows) {
        all = all && row.plan.feasible;
        Json entry = plan_json(row.plan);
        entry["level"] = row.level.label;
        schedule.push_back(entry);
      }
      if (options->format == Format::json) {
        out << Json{{"feasible", all}, {"schedule", schedule}}.dump(2) << "\n";
      } else {
        print_schedule(out, system, rows);
      }
      return static_cast<int>(all ? ok : infeasible);
    };
  });
}

}  // namespace kendall::cli
