#pragma once
/// The what-if charts' data, computed from model::analyze (no Qt): latency per class against
/// the load (total arrival rate for open workloads, users for closed ones) with the SLO and the
/// operating point, throughput against the load, and utilization per service with its headroom
/// under the plan's utilization cap. Units: seconds, requests per second, users.

#include <optional>
#include <string>
#include <vector>

#include "kendall/model/spec.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::gui {

struct Point {
  double x = 0;
  double y = 0;
};

struct ClassCurves {
  std::string name;
  std::vector<Point> mean;        ///< mean response time (s) against the load
  std::vector<Point> p95;         ///< 95th percentile (s) against the load
  std::optional<double> slo;      ///< the class's first SLO target, seconds
  std::string slo_statistic;      ///< "p95", "mean", ...
  std::optional<Point> now_mean;  ///< at the operating point; empty when unstable there
  std::optional<Point> now_p95;
};

/// How far a service is from the utilization cap: ample below 75% of it, tight up to it, over.
enum class Headroom { ample, tight, over };
Headroom headroom_of(double utilization, double cap);

struct ServiceLoad {
  std::string name;
  double utilization = 0;  ///< busy fraction per worker
  Headroom headroom = Headroom::ample;
};

struct Curves {
  model::WorkloadType workload = model::WorkloadType::open;
  double load_now = 0;  ///< the operating point: requests/s (open) or users (closed)
  double load_max = 0;  ///< right end of the load axis
  std::vector<ClassCurves> classes;
  std::vector<Point> throughput;  ///< completed requests/s against the load
  Point throughput_now;
  std::vector<ServiceLoad> services;
  double max_utilization = 0.8;  ///< the plan's cap
  model::SystemResult now;       ///< the full analysis at the operating point
};

/// The spec's own load: total rate (open) or total population (closed).
double spec_load(const model::System& system);

/// Solves the model at `load_scale` × the spec's load and at loads from near zero to the
/// saturation rate (open) or twice the users (closed): means and throughput at `points` loads,
/// p95 (the costly part) at a fifth of them, spread over the cores.
Curves compute_curves(const model::System& system, double load_scale, int points = 64);

/// Moves only the operating point (one model solve): the curves depend on the system, not on
/// where along them it runs.
void update_operating_point(Curves& curves, const model::System& system, double load_scale);
/// Whether the curves' load axis still shows the operating point with some room.
bool covers(const Curves& curves);

}  // namespace kendall::gui
