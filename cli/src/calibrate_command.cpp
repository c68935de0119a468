// kendall calibrate --target URL…: measures live services at low load (their /metrics, else the
// client's latency) and writes a spec, or updates the service times of an existing one.
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"
#include "kendall/cli/app.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/validate/calibrate.hpp"
#include "kendall/validate/spec_text.hpp"
#include "kendall/validate/validate.hpp"
#include "table.hpp"

namespace kendall::cli {
namespace {

struct CalibrateOptions {
  std::vector<std::string> targets;
  std::string scenario;
  std::string spec;
  std::string out;
  std::uint64_t requests = 1000;
  std::uint64_t warmup = 30;
  std::string timeout = "10s";
  Format format = Format::table;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw InputError(fmt::format("{}: cannot open", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "NAME=URL" names the service; a bare URL takes the spec's service on that port.
std::pair<std::string, std::string> split_target(const std::string& target) {
  const std::size_t equals = target.find('=');
  const std::size_t scheme = target.find("://");
  if (equals != std::string::npos && (scheme == std::string::npos || equals < scheme))
    return {target.substr(0, equals), target.substr(equals + 1)};
  return {"", target};
}

std::string name_for(const std::string& given, const loadgen::Endpoint& endpoint,
                     const std::optional<model::System>& spec) {
  if (!given.empty())
    return given;
  if (spec)
    for (const auto& s : spec->services)
      if (s.port && *s.port == endpoint.port)
        return s.name;
  return fmt::format("service-{}", endpoint.port);
}

int run_calibrate(const CalibrateOptions& o, std::ostream& out, std::ostream& err) {
  if (o.targets.empty() == o.scenario.empty())
    throw InputError(
        "give --target URL (one or more, NAME=URL to name the service) or --scenario FILE");
  std::optional<model::System> spec;
  std::string spec_text;
  if (!o.spec.empty()) {
    spec = model::load_system(o.spec);
    spec_text = read_file(o.spec);
  }
  validation::CalibrationOptions options;
  options.requests = o.requests;
  options.warmup = o.warmup;
  options.timeout = parse_duration(o.timeout);
  if (o.requests < 10)
    throw InputError("--requests: calibration needs at least 10 requests");

  std::vector<validation::CalibrationTarget> targets;
  if (!o.scenario.empty()) {
    validation::CalibrationTarget target;
    target.scenario = loadgen::load_scenario(o.scenario);
    const auto endpoints = target.scenario.endpoints();
    if (endpoints.size() != 1)
      throw InputError(fmt::format(
          "{}: a calibration scenario sends to one service; this one sends to {} (split it, "
          "one file per service)",
          o.scenario, endpoints.size()));
    target.metrics = endpoints[0];
    target.service = name_for("", endpoints[0], spec);
    targets.push_back(target);
  }
  for (const std::string& text : o.targets) {
    const auto [name, url] = split_target(text);
    validation::CalibrationTarget target;
    target.scenario = loadgen::url_scenario(url);
    target.metrics = loadgen::parse_url(url).endpoint;
    target.service = name_for(name, target.metrics, spec);
    targets.push_back(target);
  }

  std::vector<validation::Calibration> results;
  for (const auto& target : targets) {
    err << fmt::format("calibrating {} at {}:{} ({} requests, one user)\n", target.service,
                       target.metrics.host, target.metrics.port, o.requests);
    results.push_back(validation::calibrate(target, options));
  }

  std::string written;
  if (spec) {
    std::map<std::string, validation::MeasuredServiceTime> updates;
    for (const auto& c : results)
      updates[c.service] = {c.service_mean, c.service_scv};
    written = validation::update_service_times(spec_text, o.spec, updates);
  } else {
    model::System system;
    system.name = "calibrated";
    for (const auto& c : results) {
      const model::System one = validation::calibrated_system(c, c.workers.value_or(1), 1);
      const std::size_t base = system.services.size();
      for (auto service : one.services) {
        if (service.type == model::ServiceType::delay)
          service.name = c.service + "-network";
        else
          service.port = std::stoi(c.target.substr(c.target.rfind(':') + 1));
        system.services.push_back(service);
      }
      auto requests = one.classes[0];
      requests.name = c.service;
      for (auto& visit : requests.visits)
        visit.service += base;
      system.classes.push_back(requests);
    }
    written = validation::spec_yaml(system) +
              "# Rates are placeholders (1 request/s): set each class's rate to your traffic.\n";
  }
  if (!o.out.empty()) {
    std::ofstream file(o.out);
    if (!file)
      throw InputError(fmt::format("--out: cannot write {}", o.out));
    file << written;
  }

  if (o.format == Format::json) {
    nlohmann::ordered_json json;
    json["calibrations"] = nlohmann::ordered_json::array();
    for (const auto& c : results)
      json["calibrations"].push_back(
          {{"service", c.service},
           {"target", c.target},
           {"source", c.source},
           {"samples", c.samples},
           {"errors", c.errors},
           {"service_time", {{"mean", c.service_mean}, {"scv", c.service_scv}}},
           {"job_mean", c.job_mean},
           {"queued_mean", c.queued_mean},
           {"low_load_queueing", c.low_load_queueing},
           {"client_mean", c.client_mean},
           {"overhead", c.overhead},
           {"overhead_rounds", c.overhead_rounds},
           {"overhead_scv", c.overhead_scv},
           {"open_loop_scv", c.open_loop_scv},
           {"workers", c.workers ? nlohmann::ordered_json(*c.workers) : nullptr}});
    json["spec"] = written;
    if (!o.out.empty())
      json["written_to"] = o.out;
    out << json.dump(2) << "\n";
    return ok;
  }
  Table table({"service", "target", "from", "samples", "service time", "SCV", "queued", "client",
               "overhead", "workers"});
  for (const auto& c : results)
    table.add_row({c.service, c.target, c.source == "metrics" ? "/metrics" : "client",
                   std::to_string(c.samples), format_duration(c.service_mean),
                   fmt::format("{:.2f}", c.service_scv), format_duration(c.queued_mean),
                   format_duration(c.client_mean), format_duration(c.overhead),
                   c.workers ? std::to_string(*c.workers) : "-"});
  out << table.render();
  for (const auto& c : results)
    if (c.source == "client")
      out << fmt::format(
          "note: {} has no kendall_service_time_seconds metric; its service time is the "
          "client's latency, network included\n",
          c.service);
  if (o.out.empty())
    out << "\n" << written;
  else
    out << fmt::format("\n{} {}\n", spec ? "updated service times in" : "wrote", o.out);
  return ok;
}

}  // namespace

void add_calibrate_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CalibrateOptions>();
  CLI::App* command = app.add_subcommand(
      "calibrate",
      "Measure live services at low load and write their service times into a spec.\n"
      "One user sends requests back to back, so nothing queues; the service's /metrics give the\n"
      "time in service (else the client's latency is used).\n"
      "Examples:\n"
      "  kendall calibrate --target user-login-service=http://127.0.0.1:5001/healthz --out s.yaml\n"
      "  kendall calibrate --scenario login.yaml --spec examples/user-services.yaml --out s.yaml");
  command->add_option("--target", o->targets,
                      "URL to GET, or NAME=URL; the service's /metrics are read from the same "
                      "host:port (repeatable)");
  command->add_option("--scenario", o->scenario,
                      "Loadgen scenario (docs/loadgen.md) whose requests all go to one service");
  command
      ->add_option("--spec", o->spec,
                   "Existing spec: only the measured services' service_time values change")
      ->check(CLI::ExistingFile);
  command->add_option("--out", o->out, "Write the spec here (default: print it)");
  command->add_option("-n,--requests", o->requests, "Measured requests per target (default 1000)");
  command->add_option("--warmup", o->warmup, "Requests sent first and not measured (default 30)");
  command->add_option("--timeout", o->timeout, "Per request (default 10s)");
  add_format_option(*command, o->format);
  command->callback([o, &action] {
    action = [o](std::ostream& out, std::ostream& err) { return run_calibrate(*o, out, err); };
  });
}

}  // namespace kendall::cli
