// kendall simulate SPEC: the discrete-event simulator (model/sim) on the same spec as `model`.
#include <charconv>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "json_output.hpp"
#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/cli/app.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/sim/simulate.hpp"
#include "progress.hpp"
#include "table.hpp"

namespace kendall::cli {
namespace {

struct SimulateOptions {
  std::string spec;
  std::optional<std::uint64_t> requests;
  std::optional<std::string> duration;
  std::optional<std::string> warmup;
  int replications = 5;
  std::uint64_t seed = 1;
  int threads = 0;
  bool quiet = false;
  Format format = Format::table;
};

/// A bare whole number counts requests; anything with a unit is a duration.
void apply_warmup(const std::string& text, sim::SimulationOptions& options) {
  std::uint64_t count = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec == std::errc{} && end == text.data() + text.size()) {
    options.warmup_requests = count;
    return;
  }
  try {
    options.warmup_duration = parse_duration(text);
  } catch (const InputError& error) {
    throw InputError(
        fmt::format("--warmup: {} (give a number of requests, e.g. 10000, or a "
                    "simulated time, e.g. 30s)",
                    error.what()));
  }
}

sim::SimulationOptions to_options(const SimulateOptions& o) {
  if (o.requests && o.duration) {
    throw InputError("give --requests or --duration, not both");
  }
  sim::SimulationOptions options;
  options.replications = o.replications;
  options.seed = o.seed;
  options.threads = o.threads;
  if (o.duration) {
    options.duration = parse_duration(*o.duration);
    if (!(options.duration > 0))
      throw InputError("--duration must be > 0");
  } else {
    options.requests = o.requests.value_or(1'000'000);
  }
  if (o.warmup) {
    apply_warmup(*o.warmup, options);
  } else if (options.requests > 0) {
    options.warmup_requests = options.requests / 10;  // default: a tenth of the run
  } else {
    options.warmup_duration = options.duration / 10;
  }
  return options;
}

Json estimate_json(const sim::Estimate& e) {
  return Json::array({e.low(), e.high()});
}

Json simulation_json(const model::System& system, const sim::SimulationResult& r) {
  Json json;
  json["name"] = system.name;
  json["workload"] = std::string(model::to_string(system.workload));
  json["interval_method"] = r.interval_method;
  json["replications"] = r.replications;
  const auto class_json = [](const sim::ClassResult& c) {
    return Json{
        {"name", c.name},
        {"throughput", c.throughput.mean},
        {"mean_response_time", c.completed > 0 ? Json(c.response_time.mean) : Json(nullptr)},
        {"response_time_percentiles", c.completed > 0 ? to_json(c.percentiles) : Json(nullptr)},
        {"rejection_probability", c.rejection_probability.mean},
        {"completed", c.completed},
        {"rejected", c.rejected},
        {"confidence_intervals",
         Json{{"throughput", estimate_json(c.throughput)},
              {"mean_response_time", estimate_json(c.response_time)},
              {"rejection_probability", estimate_json(c.rejection_probability)}}}};
  };
  json["system"] = class_json(r.total);
  json["system"].erase("name");
  Json classes = Json::array();
  for (const auto& c : r.classes)
    classes.push_back(class_json(c));
  json["classes"] = classes;
  Json services = Json::array();
  for (const auto& s : r.services) {
    Json intervals{{"mean_number_in_system", estimate_json(s.mean_number_in_system)},
                   {"residence_time", estimate_json(s.residence_time)},
                   {"throughput", estimate_json(s.throughput)}};
    if (s.utilization)
      intervals["utilization"] = estimate_json(*s.utilization);
    services.push_back(
        Json{{"name", s.name},
             {"utilization", s.utilization ? Json(s.utilization->mean) : Json(nullptr)},
             {"throughput", s.throughput.mean},
             {"mean_number_in_system", s.mean_number_in_system.mean},
             {"residence_time", s.residence_time.mean},
             {"rejection_probability", s.rejection_probability.mean},
             {"rejected", s.rejected},
             {"confidence_intervals", intervals}});
  }
  json["services"] = services;
  json["events"] = r.events;
  json["events_per_second"] = r.events_per_second;
  json["simulated_time"] = r.simulated_time;
  json["wall_seconds"] = r.wall_seconds;
  json["warning"] = r.warning ? Json(*r.warning) : Json(nullptr);
  return json;
}

std::string with_interval(const sim::Estimate& e, bool latency) {
  if (latency)
    return fmt::format("{} ± {}", format_duration(e.mean), format_duration(e.half_width));
  return fmt::format("{} ± {}", number_cell(e.mean), number_cell(e.half_width));
}

void print_table(std::ostream& out, const model::System& system,
                 const sim::SimulationOptions& options, const sim::SimulationResult& r) {
  out << fmt::format("{}: simulated {} replication{} of {} (seed {})\n",
                     system.name.empty() ? system.source : system.name, r.replications,
                     r.replications == 1 ? "" : "s",
                     options.requests > 0 ? fmt::format("{} requests", options.requests)
                                          : format_duration(options.duration),
                     options.seed);
  if (r.warning)
    out << "WARNING: " << *r.warning << "\n";
  out << "\n";
  Table classes({"class", "throughput/s", "mean", "p50", "p90", "p95", "p99", "p99.9", "rejected"});
  const auto add = [&](const sim::ClassResult& c) {
    const bool any = c.completed > 0;
    const auto p = [&](double v) { return any ? format_duration(v) : std::string("-"); };
    classes.add_row(
        {c.name, with_interval(c.throughput, false),
         any ? with_interval(c.response_time, true) : "-", p(c.percentiles.p50),
         p(c.percentiles.p90), p(c.percentiles.p95), p(c.percentiles.p99), p(c.percentiles.p999),
         c.rejected > 0 ? fmt::format("{:.3g}%", 100 * c.rejection_probability.mean) : "0"});
  };
  for (const auto& c : r.classes)
    add(c);
  if (r.classes.size() > 1)
    add(r.total);
  out << classes.render() << "\n";
  Table services({"service", "utilization", "throughput/s", "in system", "residence", "rejected"});
  for (const auto& s : r.services) {
    services.add_row(
        {s.name,
         s.utilization ? fmt::format("{:.1f}% ± {:.2f}", 100 * s.utilization->mean,
                                     100 * s.utilization->half_width)
                       : "-",
         with_interval(s.throughput, false), with_interval(s.mean_number_in_system, false),
         with_interval(s.residence_time, true),
         s.rejected > 0 ? fmt::format("{:.3g}%", 100 * s.rejection_probability.mean) : "0"});
  }
  out << services.render();
  out << fmt::format(
      "\nintervals: {}\npercentiles: merged histograms of all replications (relative "
      "error under 0.4%)\nevents: {} ({:.1f} M events/s per core), wall time {}\n",
      r.interval_method, r.events, r.events_per_second / 1e6, format_duration(r.wall_seconds));
}

}  // namespace

void add_simulate_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<SimulateOptions>();
  CLI::App* command = app.add_subcommand(
      "simulate",
      "Run the spec through the discrete-event simulator: real per-replica queues and\n"
      "balancers, any service-time distribution, 95% confidence intervals.\n"
      "Example: kendall simulate examples/user-services.yaml --requests 200000 --replications 5");
  command->add_option("spec", options->spec, "System spec, YAML or JSON (docs/spec.md)")
      ->required();
  command
      ->add_option("--requests,-n", options->requests,
                   "Measured requests per replication (completed or rejected; default 1000000)")
      ->check(CLI::PositiveNumber);
  command->add_option("--duration,-d", options->duration,
                      "Or a simulated time per replication, e.g. 10min");
  command->add_option("--warmup,-w", options->warmup,
                      "Discarded start: requests (10000) or simulated time (30s); default a tenth");
  command
      ->add_option("--replications,-r", options->replications,
                   "Independent replications (>= 2: Student-t intervals; 1: batch means)")
      ->check(CLI::Range(1, 10000));
  command->add_option("--seed", options->seed, "Random seed: the same seed gives the same numbers");
  command
      ->add_option("--threads,-j", options->threads,
                   "Threads for replications (0: one per core); never changes the numbers")
      ->check(CLI::Range(0, 1024));
  command->add_flag("--quiet,-q", options->quiet, "No progress bar");
  add_format_option(*command, options->format);
  command->callback([options, &action] {
    action = [options](std::ostream& out, std::ostream& err) {
      const model::System system = model::load_system(options->spec);
      const sim::SimulationOptions run = to_options(*options);
      sim::SimulationResult result;
      {
        ProgressBar bar(err, !options->quiet, "simulating");
        result = sim::simulate(system, run, [&bar](double fraction) { bar.update(fraction); });
      }
      if (options->format == Format::json) {
        out << simulation_json(system, result).dump(2) << "\n";
      } else {
        print_table(out, system, run, result);
      }
      return static_cast<int>(ok);
    };
  });
}

}  // namespace kendall::cli
