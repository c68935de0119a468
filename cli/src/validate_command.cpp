// kendall validate: the whole loop — start (or target) a service, calibrate, sweep load levels,
// and compare measured latency with the model and the simulator (kendall_validate).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/cli/app.hpp"
#include "kendall/validate/report.hpp"
#include "kendall/validate/validate.hpp"
#include "table.hpp"

namespace kendall::cli {
namespace {

struct ValidateCommandOptions {
  std::string spec;
  bool start_services = false;
  bool quick = false;
  int remeasure = -1;  // -1: the default (1, or 0 with --quick)
  std::string target;
  std::string scenario;
  std::string service;
  int workers = 4;
  int io_threads = 1;
  int worker_nice = 0;
  std::chrono::nanoseconds thread_slice{100'000};
  std::string work_model;
  int hash_ops = 1;
  std::string hash_mem = "8KiB";
  std::string services_dir;
  std::string levels;
  std::string step_duration;
  std::string window = "auto";
  bool fixed_rate = false;
  bool closed = false;
  std::string think_time = "10ms";
  int cores = 0;
  double tolerance_mean = 0.10;
  double tolerance_p95 = 0.15;
  std::uint64_t calibration_requests = 0;  // 0: CalibrationOptions' default, or 1000 with --quick
  std::uint64_t seed = 1;
  std::string out;
  bool quiet = false;
  Format format = Format::table;
};

std::vector<double> split_numbers(const std::string& text, const std::string& option) {
  std::vector<double> values;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      std::size_t used = 0;
      values.push_back(std::stod(item, &used));
      if (used != item.size())
        throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw InputError(
          fmt::format("{}: \"{}\" is not a number (expected e.g. 0.2,0.5,0.8,0.9)", option, item));
    }
  }
  return values;
}

std::vector<double> split_durations(const std::string& text) {
  std::vector<double> values;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    values.push_back(parse_duration(item));
  return values;
}

validation::ValidationOptions to_options(const ValidateCommandOptions& o) {
  validation::ValidationOptions options;
  const bool running = !o.target.empty() || !o.scenario.empty();
  if (running && o.start_services)
    throw InputError("give --start-services or a running --target/--scenario, not both");
  if (!o.target.empty() && !o.scenario.empty())
    throw InputError("give --target URL or --scenario FILE, not both");
  if (!running) {
    // The bundled services are the default target (and --quick's).
    validation::BundledServices bundled;
    bundled.workers = o.workers;
    bundled.io_threads = o.io_threads;
    bundled.worker_nice = o.worker_nice;
    // The default is the controlled experiment: exponential work that holds the worker.
    bundled.work_model = o.work_model.empty()     ? "exp:2ms"
                         : o.work_model == "none" ? ""
                                                  : o.work_model;
    bundled.hash_ops = o.hash_ops;
    bundled.hash_mem = o.hash_mem;
    bundled.services_dir = o.services_dir;
    if (o.workers < 1)
      throw InputError("--workers must be at least 1");
    options.bundled = bundled;
  }
  options.target_url = o.target;
  options.scenario_file = o.scenario;
  options.service = o.service;
  if (!o.spec.empty())
    options.spec = model::load_system(o.spec);
  if (o.quick) {
    options.levels = {0.2, 0.5, 0.8, 0.9};
    options.step_durations = {3.0, 3.0, 15.0, 25.0};
  }
  if (!o.levels.empty())
    options.levels = split_numbers(o.levels, "--levels");
  if (!o.step_duration.empty())
    options.step_durations = split_durations(o.step_duration);
  if (o.window == "0")
    options.window = 0.0;
  else if (o.window != "auto")
    options.window = parse_duration(o.window);
  if (options.window && *options.window != 0 &&
      *options.window < validation::kShortestWindow - 1e-9)
    throw InputError(fmt::format(
        "--window: {} is shorter than 0.2 s, too short to measure the work in (the rate is "
        "placed every 0.2 s); give e.g. 1s, auto, or 0 to model each level whole",
        o.window));
  options.hold_utilization = !o.fixed_rate;
  options.closed = o.closed;
  if (o.cores < 0)
    throw InputError("--cores must be at least 1");
  if (o.cores > 0)
    options.cores = o.cores;
  options.think_time = parse_duration(o.think_time);
  options.tolerance_mean = o.tolerance_mean;
  options.tolerance_p95 = o.tolerance_p95;
  // --quick keeps its minute: its short levels are not measured again unless asked.
  options.remeasure = o.remeasure >= 0 ? o.remeasure : o.quick ? 0 : 1;
  // --quick's levels take their model inputs from themselves; calibration only places the first
  // ones, and its minute is better spent measuring them.
  if (o.calibration_requests > 0)
    options.calibration.requests = o.calibration_requests;
  else if (o.quick)
    options.calibration.requests = 1000;
  if (o.quick)
    options.simulated_requests = 100'000;  // × 5 replications: ±4% on the simulated mean at 0.9
  options.seed = o.seed;
  options.thread_slice = o.thread_slice;
  options.calibration.thread_slice = options.thread_slice;
  if (options.bundled)
    options.bundled->io_slice = options.thread_slice;
  return options;
}

std::string ms(double seconds) {
  return fmt::format("{:.2f}", 1e3 * seconds);
}

// The measured mean's 95% interval (one-second batch means) as ± a share of the mean: how far
// the measurement itself can be trusted.
std::string interval_cell(const validation::LevelResult& l) {
  const auto [low, high] = l.measured_mean_ci;
  if (!(high > low) || !(l.measured.mean > 0))
    return "-";
  return fmt::format("±{:.0f}%", 100 * (high - low) / 2 / l.measured.mean);
}

std::string error_cell(const std::optional<double>& error, bool ok) {
  return error ? fmt::format("{:+.1f}%{}", 100 * *error, ok ? "" : " MISS") : "-";
}

void print_table(std::ostream& out, const validation::ValidationReport& r) {
  const validation::Calibration& c = r.calibration;
  out << r.configuration << "\n";
  out << fmt::format(
      "calibrated {} from {}: service time {} (SCV {:.2f}), overhead {}, {} workers; saturation "
      "{:.1f} {}\n\n",
      c.service, c.source == "metrics" ? "/metrics" : "client latency",
      format_duration(c.service_mean), c.service_scv, format_duration(c.overhead),
      r.system.services.at(0).workers, r.saturation,
      r.mode == "open" ? "requests/s" : "users (knee)");
  Table table({"level", r.mode == "open" ? "rate/s" : "users", "util plan", "util meas", "done/s",
               "mean meas", "±95%", "mean model", "mean sim", "p95 meas", "p95 model", "p95 sim",
               "p99 meas", "p99 model", "err mean", "err p95"});
  for (const auto& l : r.levels) {
    const auto model = [&l](double validation::Stats::*field) {
      return l.predicted ? ms((*l.predicted).*field) : std::string("unstable");
    };
    table.add_row({fmt::format("{:.2f}", l.load_fraction),
                   r.mode == "open" ? fmt::format("{:.1f}", l.rate) : std::to_string(l.users),
                   fmt::format("{:.2f}", l.utilization),
                   l.measured_utilization ? fmt::format("{:.2f}", *l.measured_utilization) : "-",
                   fmt::format("{:.1f}", l.measured.throughput), ms(l.measured.mean),
                   interval_cell(l), model(&validation::Stats::mean), ms(l.simulated.mean),
                   ms(l.measured.p95), model(&validation::Stats::p95), ms(l.simulated.p95),
                   ms(l.measured.p99), model(&validation::Stats::p99),
                   error_cell(l.error_mean, l.mean_ok), error_cell(l.error_p95, l.p95_ok)});
  }
  out << "latencies in ms; ±95%: the measured mean's interval; errors are (model - measured) / "
         "measured\nutil plan: where the level was placed (from calibration's work, then the last "
         "level's; open loop, the rate is placed again every 0.2 s from the latest work, and "
         "rate/s is the first); util meas: the utilization law with the level's own service "
         "time\n"
      << table.render();
  for (const auto& note : r.notes)
    out << "note: " << note << "\n";
  out << fmt::format("\n{}: tolerances mean ±{:.0f}%, p95 ±{:.0f}%\n",
                     r.passed() ? "PASS, every level within tolerance" : "MISS, see above",
                     100 * r.tolerance_mean, 100 * r.tolerance_p95);
}

void write_outputs(const std::string& dir, const validation::ValidationReport& r) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw InputError(fmt::format("--out: cannot create {} ({})", dir, ec.message()));
  const auto write = [&dir](const std::string& name, const std::string& text) {
    std::ofstream file(std::filesystem::path(dir) / name);
    if (!file)
      throw InputError(fmt::format("--out: cannot write {}/{}", dir, name));
    file << text;
  };
  write("report.html", validation::render_html(r));
  write("validation.json", validation::to_json(r).dump(2) + "\n");
  write("calibrated.yaml", r.spec_yaml);
}

int run_validate(const ValidateCommandOptions& o, std::ostream& out, std::ostream& err) {
  const validation::ValidationOptions options = to_options(o);
  const bool live = !o.quiet;
  const validation::ValidationReport report =
      validation::run_validation(options, [&](const std::string& line) {
        if (live)
          err << "validate: " << line << "\n" << std::flush;
      });
  if (!o.out.empty()) {
    write_outputs(o.out, report);
    if (live)
      err << fmt::format(
          "validate: wrote {0}/report.html, {0}/validation.json and "
          "{0}/calibrated.yaml\n",
          o.out);
  }
  if (o.format == Format::json)
    out << validation::to_json(report).dump(2) << "\n";
  else
    print_table(out, report);
  return report.passed() ? ok : validation_missed;
}

}  // namespace

void add_validate_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ValidateCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "validate",
      "Check the model against a live service: calibrate it, sweep load levels (fractions of the\n"
      "predicted saturation) and compare measured throughput, mean, p50, p95 and p99 with the\n"
      "analytic model and the simulator. Without a target it starts the bundled\n"
      "user-login-service on 127.0.0.1. Exit code 4 when a level misses its tolerance.\n"
      "Examples:\n"
      "  kendall validate --quick\n"
      "  kendall validate --work-model exp:2ms --workers 4 --step-duration 20s --out report\n"
      "  kendall validate --work-model none --hash-mem 4MiB --tolerance-mean 0.2 --tolerance-p95 "
      "0.2\n"
      "  kendall validate spec.yaml --target http://127.0.0.1:8080/api --levels 0.5,0.8");
  command
      ->add_option("spec", o->spec,
                   "Optional spec: the service's workers, replicas and SLO come from it")
      ->check(CLI::ExistingFile);
  command->add_flag("--start-services", o->start_services,
                    "Start the bundled services (the default when no --target is given)");
  command->add_flag("--quick", o->quick,
                    "Short demonstration (under a minute): exp:2ms work, calibrated from 1000 "
                    "requests, levels 0.2,0.5,0.8,0.9 for 3s,3s,15s,25s, each measured once");
  command->add_option("--target", o->target, "A running service: URL to GET");
  command->add_option("--scenario", o->scenario,
                      "A running service: loadgen scenario whose requests all go to it");
  command->add_option("--service", o->service, "Name of the target service in the spec");
  command->add_option("--workers", o->workers, "Bundled: worker threads (default 4)");
  command->add_option("--io-threads", o->io_threads, "Bundled: I/O threads (default 1)");
  command
      ->add_option("--worker-nice", o->worker_nice,
                   "Bundled: the workers' CPU priority below the I/O thread's, 0-19 (default 0: "
                   "the same; CPU-bound work at 19 yields the cores to the I/O thread and the "
                   "load generator)")
      ->check(CLI::Range(0, 19));
  add_thread_slice_option(*command, o->thread_slice,
                          "Scheduler time slice the load generator's threads and the bundled "
                          "services' I/O threads ask for (Linux 6.12+), so that they get a core "
                          "soon after waking even while the work holds every core; 0 keeps the "
                          "kernel's default");
  command->add_option("--work-model", o->work_model,
                      "Bundled: extra sampled service time per request (default exp:2ms; none: "
                      "only the real work, e.g. with --hash-mem 4MiB for CPU-bound hashing)");
  command->add_option("--hash-ops", o->hash_ops, "Bundled: Argon2id passes (default 1)");
  command->add_option("--hash-mem", o->hash_mem, "Bundled: Argon2id memory (default 8KiB)");
  command->add_option("--services-dir", o->services_dir,
                      "Where user-login-service and user-register-service are (default: beside "
                      "kendall, ../services, $PATH)");
  command->add_option("--levels", o->levels,
                      "Load levels as fractions of the predicted saturation (default "
                      "0.2,0.5,0.8,0.9)");
  command->add_option("--step-duration", o->step_duration,
                      "Time per level, or one per level: 10s (default) or 5s,5s,15s,40s. Near "
                      "saturation a queue keeps its backlog for seconds, so 0.8-0.9 need a "
                      "minute or more to measure their mean to the tolerance: the table's ±95% "
                      "says how near each level came");
  command->add_option("--window", o->window,
                      "Model each level window by window, as the host's speed wanders: one queue "
                      "whose rate and work change at every window, its backlog carried from "
                      "one to the next; the next level is placed from the last window (default "
                      "auto: 0.2s for CPU-bound work in open loop, else 1s; at least 0.2s; 0: each "
                      "level whole)");
  command->add_flag("--fixed-rate", o->fixed_rate,
                    "Open loop: keep each level's rate for the whole level (default: the rate "
                    "is placed again every 0.2 s from the work the latest samples measured, so "
                    "the level stays at its fraction while the host's speed moves)");
  command->add_flag("--closed", o->closed,
                    "Closed loop: user populations with think time instead of Poisson arrivals");
  command->add_option("--think-time", o->think_time,
                      "Closed: mean exponential think time (default 10ms)");
  command->add_option("--cores", o->cores,
                      "Cores the service's workers share, for CPU-bound work (default: this "
                      "machine's cores when the bundled service measures CPU-bound)");
  command->add_option("--tolerance-mean", o->tolerance_mean,
                      "Largest |model − measured| / measured for the mean (default 0.10)");
  command->add_option("--tolerance-p95", o->tolerance_p95, "The same for p95 (default 0.15)");
  command
      ->add_option("--remeasure", o->remeasure,
                   "Measure a level again, up to this many times, while its mean's 95% interval "
                   "is wider than ±tolerance-mean or the hypervisor took 50 ms of core time in "
                   "one of its windows (steal): marks of a stall of the host. An undisturbed run "
                   "is kept before a disturbed one, then the most precise; every run is noted "
                   "(default 1; 0 with --quick)")
      ->check(CLI::Range(0, 10));
  command
      ->add_option(
          "--calibration-requests", o->calibration_requests,
          "Requests measured at low load (default 2000: the SCV of a skewed service time needs "
          "many; 1000 with --quick)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}));
  command->add_option("--seed", o->seed, "Seed for arrivals and the simulator");
  command->add_option("--out", o->out,
                      "Directory for report.html (charts), validation.json and calibrated.yaml");
  command->add_flag("-q,--quiet", o->quiet, "No progress lines");
  add_format_option(*command, o->format);
  command->callback([o, &action] {
    action = [o](std::ostream& out, std::ostream& err) { return run_validate(*o, out, err); };
  });
}

}  // namespace kendall::cli
