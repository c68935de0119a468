#pragma once
/// The sweep panel's computation, in the spirit of JMT's what-if analysis: one parameter over a
/// range in equal steps, every output of the model (and optionally the simulator) at each step.
/// Units: seconds, requests per second, users, fractions.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kendall/model/spec.hpp"

namespace kendall::gui {

enum class SweepParameter { load, replicas, workers, service_time };

struct SweepRequest {
  SweepParameter parameter = SweepParameter::load;
  std::size_t service = 0;  ///< for replicas, workers and service_time
  double from = 0;          ///< load: requests/s or users; service_time: seconds
  double to = 0;
  int steps = 10;           ///< points, ends included (at least 2)
  double load_scale = 1.0;  ///< the operating point's load for the other parameters
  bool simulate = false;    ///< also run the simulator at every step (slow)
  std::uint64_t simulated_requests = 20'000;
  std::uint64_t seed = 1;
};

/// One output against the parameter; empty where the model has no answer (unstable).
struct SweepSeries {
  std::string name;  ///< "login p95", "user-login-service", "sim login mean"
  std::vector<std::optional<double>> y;
};

struct SweepResult {
  std::string x_label;  ///< "arrival rate (requests/s)", "replicas of user-login-service"
  std::vector<double> x;
  std::vector<SweepSeries> latency;      ///< seconds: mean and p95 per class (+ simulated)
  std::vector<SweepSeries> throughput;   ///< requests/s per class
  std::vector<SweepSeries> utilization;  ///< per service
};

/// Polled between steps (and inside simulations); a true answer stops the sweep.
struct SweepControl {
  std::function<bool()> cancelled;
  std::function<void(double fraction)> progress;
};

/// The x axis label for a parameter.
std::string parameter_label(const model::System& system, SweepParameter parameter,
                            std::size_t service);

/// Runs the sweep; empty when cancelled. Throws InputError for a bad range or step count.
std::optional<SweepResult> run_sweep(const model::System& system, const SweepRequest& request,
                                     const SweepControl& control = {});

}  // namespace kendall::gui
