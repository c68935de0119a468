// kendall loadtest URL|--scenario FILE: HTTP load from kendall_loadgen (open loop, closed loop,
// max throughput, sweeps), and `kendall loadtest merge` of saved JSON runs.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <memory>
#include <ostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/cli/app.hpp"
#include "kendall/loadgen/run.hpp"
#include "table.hpp"

namespace kendall::cli {
namespace {

struct LoadtestOptions {
  std::string url;
  std::string scenario;
  std::optional<double> rate;
  std::string rate_steps;
  std::string ramp;
  std::string step_duration;
  std::string arrival = "poisson";
  int users = 0;
  std::string think_time = "1s";
  int connections = 10;
  int threads = 1;
  std::chrono::nanoseconds thread_slice{100'000};
  std::string duration;
  std::uint64_t requests = 0;
  std::string timeout = "10s";
  std::uint64_t seed = 1;
  std::string hgrm;
  bool quiet = false;
  Format format = Format::table;
  std::vector<std::string> merge_files;
};

// Ctrl-C only sets a flag; the run ends its step and reports what it measured.
std::atomic<bool>& interrupt_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}

extern "C" void on_interrupt(int) {
  interrupt_flag() = true;
}

loadgen::LoadOptions to_options(const LoadtestOptions& o) {
  loadgen::LoadOptions options;
  const int modes = (o.rate ? 1 : 0) + (!o.rate_steps.empty() ? 1 : 0) + (!o.ramp.empty() ? 1 : 0);
  if (modes > 1)
    throw InputError("give one of --rate, --rate-steps and --ramp");
  if (o.rate)
    options.steps = {{*o.rate}};
  if (!o.rate_steps.empty())
    options.steps = loadgen::parse_rate_steps(o.rate_steps);
  if (!o.ramp.empty())
    options.steps = loadgen::parse_ramp(o.ramp);
  options.arrival = o.arrival == "uniform" ? loadgen::Arrival::uniform : loadgen::Arrival::poisson;
  options.users = o.users;
  if (o.users > 0)
    loadgen::parse_think_time(o.think_time, options);
  options.connections = o.connections;
  options.threads = o.threads;
  options.thread_slice = o.thread_slice;
  options.requests = o.requests;
  if (!o.step_duration.empty() && !o.duration.empty())
    throw InputError("give --duration or --step-duration, not both");
  const std::string& duration = o.step_duration.empty() ? o.duration : o.step_duration;
  if (!duration.empty())
    options.duration = parse_duration(duration);
  else if (o.requests > 0)
    options.duration = 0;
  options.timeout = parse_duration(o.timeout);
  options.seed = o.seed;
  loadgen::validate(options);
  return options;
}

std::string rate_cell(double value) {
  return fmt::format("{:.1f}", value);
}

// "100us (applied)", "kernel default", or what the kernel did instead.
std::string slice_cell(const loadgen::RunResult& r) {
  if (r.thread_slice_outcome.empty())
    return "not recorded";
  if (r.thread_slice <= 0)
    return r.thread_slice_outcome;
  return fmt::format("{} ({})", format_duration(r.thread_slice), r.thread_slice_outcome);
}

void print_table(std::ostream& out, const loadgen::RunResult& r) {
  out << fmt::format("{}: {} loop, {} thread{}, {} {}, seed {}, time slice {}{}\n\n", r.target,
                     r.mode, r.threads, r.threads == 1 ? "" : "s",
                     r.mode == "closed" ? r.users : r.connections,
                     r.mode == "closed" ? "users" : "connections per endpoint", r.seed,
                     slice_cell(r), r.interrupted ? " (interrupted: partial results)" : "");
  Table table({"step", "target/s", "sent/s", "done/s", "sent", "errors", "late", "p50", "p90",
               "p99", "p99.9", "max"});
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const loadgen::StepResult& s = r.steps[i];
    const auto q = [&s](double v) {
      return s.latency.count() ? format_duration(s.latency.quantile(v)) : std::string("-");
    };
    table.add_row({std::to_string(i + 1), s.target_rate ? rate_cell(*s.target_rate) : "-",
                   rate_cell(s.achieved_rate()), rate_cell(s.throughput()), std::to_string(s.sent),
                   std::to_string(s.errors.total()), std::to_string(s.late_sends), q(0.5), q(0.9),
                   q(0.99), q(0.999),
                   s.latency.count() ? format_duration(s.latency.histogram.max()) : "-"});
  }
  out << table.render();
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const loadgen::StepResult& s = r.steps[i];
    const std::string label = r.steps.size() > 1 ? fmt::format("step {}: ", i + 1) : "";
    const double late_share =
        s.sent ? static_cast<double>(s.late_sends) / static_cast<double>(s.sent) : 0.0;
    // A Poisson count differs from rate × duration by chance; falling behind shows as requests
    // that could not be sent on time.
    if (s.target_rate && (s.unsent > 0 || late_share > 0.01))
      out << fmt::format(
          "WARNING: {}the client fell behind: sent {:.1f}/s of {:.1f}/s target, {} unsent, "
          "{:.1f}% late (p99 send lag {}); latency still counts from the intended time; add "
          "--connections or --threads\n",
          label, s.achieved_rate(), *s.target_rate, s.unsent, 100 * late_share,
          format_duration(s.send_lag.quantile(0.99)));
    else if (late_share > 0.01)
      out << fmt::format("note: {}{:.1f}% of sends started over 1 ms late (p99 send lag {})\n",
                         label, 100 * late_share, format_duration(s.send_lag.quantile(0.99)));
    if (s.outside_server.count() > 0)
      out << fmt::format(
          "{}outside the server: mean {}, p50 {}, p99 {} (each latency less the time its "
          "answer's Server-Timing gave; {} of {} answers)\n",
          label, format_duration(s.outside_server.mean()),
          format_duration(s.outside_server.quantile(0.5)),
          format_duration(s.outside_server.quantile(0.99)), s.outside_server.count(), s.responses);
    if (s.errors.total() > 0)
      out << fmt::format("{}errors: connect {}, timeout {}, io {}, 4xx {}, 5xx {}\n", label,
                         s.errors.connect, s.errors.timeout, s.errors.io, s.errors.status_4xx,
                         s.errors.status_5xx);
  }
  out << "\nlatency: from each request's intended send time (no coordinated omission); "
         "percentiles within 0.4%\n";
}

void write_output(std::ostream& out, const LoadtestOptions& o, const loadgen::RunResult& r) {
  if (!o.hgrm.empty()) {
    std::ofstream file(o.hgrm);
    if (!file)
      throw InputError(fmt::format("--hgrm: cannot write {}", o.hgrm));
    loadgen::Latencies all;
    for (const auto& step : r.steps)
      all.merge(step.latency);
    loadgen::write_hgrm(file, all);
  }
  if (o.format == Format::json)
    out << loadgen::to_json(r).dump(2) << "\n";
  else
    print_table(out, r);
}

int run_loadtest(const LoadtestOptions& o, std::ostream& out, std::ostream& err) {
  if (o.url.empty() == o.scenario.empty())
    throw InputError("give a URL or --scenario FILE (one of them)");
  const loadgen::Scenario scenario =
      o.scenario.empty() ? loadgen::url_scenario(o.url) : loadgen::load_scenario(o.scenario);
  loadgen::LoadOptions options = to_options(o);
  interrupt_flag() = false;
  options.stop = &interrupt_flag();
  const bool live = !o.quiet && ::isatty(STDERR_FILENO) == 1;
  bool drawn = false;
  const auto progress = [&](const loadgen::Progress& p) {
    if (!live)
      return;
    err << fmt::format("\r{}{:.0f} s left  {:.0f}/s  p50 {}  p99 {}  errors {}\033[K",
                       p.steps > 1 ? fmt::format("step {}/{}  ", p.step + 1, p.steps) : "",
                       p.remaining, p.rate, format_duration(p.p50), format_duration(p.p99),
                       p.errors)
        << std::flush;
    drawn = true;
  };
  auto* previous = std::signal(SIGINT, on_interrupt);
  loadgen::RunResult result;
  try {
    result = loadgen::run_load(scenario, options, progress);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  if (drawn)
    err << "\r\033[K" << std::flush;
  write_output(out, o, result);
  return static_cast<int>(ok);
}

int run_merge(const LoadtestOptions& o, std::ostream& out) {
  std::optional<loadgen::RunResult> merged;
  for (const std::string& file : o.merge_files) {
    std::ifstream in(file);
    if (!in)
      throw InputError(fmt::format("{}: cannot open", file));
    loadgen::Json json;
    try {
      json = loadgen::Json::parse(in);
    } catch (const loadgen::Json::exception& error) {
      throw InputError(fmt::format("{}: not JSON ({})", file, error.what()));
    }
    loadgen::RunResult run = loadgen::from_json(json, file);
    if (merged)
      merged->merge(run);
    else
      merged = std::move(run);
  }
  write_output(out, o, *merged);
  return static_cast<int>(ok);
}

}  // namespace

void add_loadtest_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<LoadtestOptions>();
  CLI::App* command = app.add_subcommand(
      "loadtest",
      "Send HTTP load to one address and measure latency from each request's intended send time\n"
      "(no coordinated omission). Open loop with --rate, closed loop with --users, else as fast\n"
      "as the connections allow. Docs: docs/loadgen.md.\n"
      "Example: kendall loadtest http://127.0.0.1:5001/healthz --rate 200 --duration 30s");
  command->add_option("url", o->url, "Target URL (GET), http://host:port/path");
  command->add_option("--scenario", o->scenario, "YAML scenario: requests, templates, captures");
  command->add_option("--rate,-R", o->rate, "Open loop: requests per second over all threads")
      ->check(CLI::PositiveNumber);
  command->add_option("--rate-steps", o->rate_steps, "Sweep: rates, e.g. 50,100,200");
  command->add_option("--ramp", o->ramp, "Sweep: FROM:TO:STEPS, e.g. 100:1000:10");
  command->add_option("--step-duration", o->step_duration, "Length of each sweep step, e.g. 10s");
  command->add_option("--arrival", o->arrival, "Open-loop arrivals: poisson (default) or uniform")
      ->check(CLI::IsMember({"poisson", "uniform"}));
  command->add_option("--users,-u", o->users, "Closed loop: users, each one request at a time")
      ->check(CLI::PositiveNumber);
  command->add_option("--think-time", o->think_time,
                      "Closed loop: exp:1s (default kind), fixed:1s or a bare duration");
  command
      ->add_option("--connections,-c", o->connections,
                   "Keep-alive connections per endpoint (default 10)")
      ->check(CLI::Range(1, 100000));
  command->add_option("--threads,-t", o->threads, "Threads, one event loop each (default 1)")
      ->check(CLI::Range(1, 1024));
  add_thread_slice_option(*command, o->thread_slice,
                          "Scheduler time slice the sending threads ask for (Linux 6.12+), so "
                          "that they send on time even where the target's work holds every core; "
                          "0 keeps the kernel's default");
  command->add_option("--duration,-d", o->duration, "How long to send, e.g. 30s (default 10s)");
  command->add_option("--requests,-n", o->requests, "Or stop after this many requests")
      ->check(CLI::PositiveNumber);
  command->add_option("--timeout", o->timeout, "Per-request timeout (default 10s)");
  command->add_option("--seed", o->seed, "Seed of arrivals, mixes and think times (default 1)");
  command->add_option("--hgrm", o->hgrm, "Also write the latency percentile distribution (.hgrm)");
  command->add_flag("--quiet,-q", o->quiet, "No live progress line");
  add_format_option(*command, o->format);
  CLI::App* merge = command->add_subcommand(
      "merge",
      "Merge saved --format json runs exactly (histograms added, not percentiles averaged).\n"
      "Example: kendall loadtest merge a.json b.json --format json > all.json");
  merge->add_option("files", o->merge_files, "JSON results of kendall loadtest")->required();
  merge->add_option("--hgrm", o->hgrm, "Also write the merged percentile distribution (.hgrm)");
  add_format_option(*merge, o->format);
  merge->callback([o, &action] {
    action = [o](std::ostream& out, std::ostream&) { return run_merge(*o, out); };
  });
  // CLI11 runs this after merge's callback; merge has already chosen the action then.
  command->callback([o, merge, &action] {
    if (merge->parsed())
      return;
    action = [o](std::ostream& out, std::ostream& err) { return run_loadtest(*o, out, err); };
  });
}

}  // namespace kendall::cli
