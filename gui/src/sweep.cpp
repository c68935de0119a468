// Sweeps one parameter: a copy of the system per step, analyze() (and simulate()) on it.
#include "kendall/gui/sweep.hpp"

#include <cmath>
#include <exception>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/gui/curves.hpp"
#include "kendall/model/system_model.hpp"
#include "kendall/sim/simulate.hpp"

namespace kendall::gui {
namespace {

// Thrown from the simulator's progress callback (called on this thread, since the sweep
// simulates with one thread) to stop a simulation part-way when the user cancels.
struct Cancelled : std::exception {};

void check(const model::System& system, const SweepRequest& r) {
  if (r.steps < 2 || r.steps > 1000)
    throw InputError(fmt::format("steps must be between 2 and 1000, found {}", r.steps));
  if (!(r.from > 0) || !(r.to > 0) || !std::isfinite(r.from) || !std::isfinite(r.to))
    throw InputError("the range's ends must be numbers above 0");
  if (r.parameter != SweepParameter::load && r.service >= system.services.size())
    throw InputError("pick a service to sweep");
  if (!(spec_load(system) > 0))
    throw InputError("the spec has no load to sweep (every rate or population is 0)");
}

// The system and analysis options at one value of the parameter.
model::System at_value(const model::System& system, const SweepRequest& r, double value,
                       double& load_scale) {
  model::System s = system;
  load_scale = r.load_scale;
  switch (r.parameter) {
    case SweepParameter::load:
      load_scale = value / spec_load(system);
      break;
    case SweepParameter::replicas:
      s.services[r.service].replicas = std::max(1, static_cast<int>(std::lround(value)));
      break;
    case SweepParameter::workers:
      s.services[r.service].workers = std::max(1, static_cast<int>(std::lround(value)));
      break;
    case SweepParameter::service_time:
      s.services[r.service].service_time.mean = value;
      break;
  }
  return s;
}

std::optional<double> present(const std::optional<double>& v) {
  return v;
}

}  // namespace

std::string parameter_label(const model::System& system, SweepParameter parameter,
                            std::size_t service) {
  const std::string name = service < system.services.size() ? system.services[service].name : "";
  switch (parameter) {
    case SweepParameter::load:
      return system.workload == model::WorkloadType::open ? "total arrival rate (requests/s)"
                                                          : "users";
    case SweepParameter::replicas:
      return "replicas of " + name;
    case SweepParameter::workers:
      return "workers per replica of " + name;
    case SweepParameter::service_time:
      return "mean service time of " + name + " (ms)";
  }
  return {};
}

std::optional<SweepResult> run_sweep(const model::System& system, const SweepRequest& request,
                                     const SweepControl& control) {
  check(system, request);
  const auto cancelled = [&] { return control.cancelled && control.cancelled(); };
  SweepResult result;
  result.x_label = parameter_label(system, request.parameter, request.service);
  const std::size_t classes = system.classes.size();
  for (const auto& c : system.classes) {
    result.latency.push_back({c.name + " mean", {}});
    result.latency.push_back({c.name + " p95", {}});
    result.throughput.push_back({c.name, {}});
  }
  if (request.simulate) {
    for (const auto& c : system.classes) {
      result.latency.push_back({"simulated " + c.name + " mean", {}});
      result.latency.push_back({"simulated " + c.name + " p95", {}});
    }
  }
  for (const auto& s : system.services)
    result.utilization.push_back({s.name, {}});

  for (int k = 0; k < request.steps; ++k) {
    if (cancelled())
      return std::nullopt;
    const double value = request.from + (request.to - request.from) * k / (request.steps - 1);
    double load_scale = 1;
    const model::System s = at_value(system, request, value, load_scale);
    model::AnalysisOptions options;
    options.rate_scale = load_scale;
    const model::SystemResult r = model::analyze(s, options);
    result.x.push_back(request.parameter == SweepParameter::service_time ? value * 1e3 : value);
    for (std::size_t c = 0; c < classes; ++c) {
      const auto& p = r.classes[c].response_time_percentiles;
      result.latency[2 * c].y.push_back(present(r.classes[c].mean_response_time));
      result.latency[2 * c + 1].y.push_back(p ? std::optional(p->p95) : std::nullopt);
      result.throughput[c].y.push_back(r.classes[c].throughput);
    }
    for (std::size_t i = 0; i < r.services.size(); ++i) {
      result.utilization[i].y.push_back(
          r.services[i].stable ? std::optional(r.services[i].utilization) : std::nullopt);
    }
    const double done = static_cast<double>(k);
    if (request.simulate) {
      model::System scaled = s;
      for (auto& c : scaled.classes) {
        c.rate *= load_scale;
        c.population = std::max(1, static_cast<int>(std::lround(c.population * load_scale)));
      }
      sim::SimulationOptions sim_options;
      sim_options.requests = request.simulated_requests;
      sim_options.warmup_requests = request.simulated_requests / 10;
      sim_options.seed = request.seed;
      sim_options.threads = 1;
      sim_options.max_requests_in_system = 100'000;
      try {
        const sim::SimulationResult simulated =
            sim::simulate(scaled, sim_options, [&](double fraction) {
              if (cancelled())
                throw Cancelled{};
              if (control.progress)
                control.progress((done + fraction) / request.steps);
            });
        for (std::size_t c = 0; c < classes; ++c) {
          const bool answered = simulated.classes[c].completed > 0 && !simulated.warning;
          auto& mean = result.latency[2 * classes + 2 * c].y;
          auto& p95 = result.latency[2 * classes + 2 * c + 1].y;
          mean.push_back(answered ? std::optional(simulated.classes[c].response_time.mean)
                                  : std::nullopt);
          p95.push_back(answered ? std::optional(simulated.classes[c].percentiles.p95)
                                 : std::nullopt);
        }
      } catch (const Cancelled&) {
        return std::nullopt;
      }
    }
    if (control.progress)
      control.progress((done + 1) / request.steps);
  }
  return result;
}

}  // namespace kendall::gui
