// The what-if charts' data: one analyze() per load on the axis, plus the operating point.
#include "kendall/gui/curves.hpp"

#include <algorithm>
#include <cmath>
#include <future>
#include <thread>

namespace kendall::gui {

namespace {

// Kleinrock's saturation population N* = (D + Z) / D_max per class, with D_max the largest
// demand per server (Lazowska et al., Quantitative System Performance, sec. 5.2), summed over
// classes: where the throughput curve flattens.
double saturation_users(const model::System& system) {
  double users = 0;
  for (const auto& c : system.classes) {
    double demand = 0;
    double per_server = 0;
    for (const auto& v : c.visits) {
      const auto& s = system.services[v.service];
      const double d = v.count * v.time(s).mean;
      demand += d;
      if (s.type == model::ServiceType::queue)
        per_server = std::max(per_server, d / s.servers());
    }
    if (per_server > 0)
      users += (demand + c.think_time.mean) / per_server;
  }
  return users;
}

}  // namespace

Headroom headroom_of(double utilization, double cap) {
  if (utilization >= cap)
    return Headroom::over;
  if (utilization >= 0.75 * cap)
    return Headroom::tight;
  return Headroom::ample;
}

double spec_load(const model::System& system) {
  double total = 0;
  for (const auto& c : system.classes)
    total += system.workload == model::WorkloadType::open ? c.rate : c.population;
  return total;
}

void update_operating_point(Curves& curves, const model::System& system, double load_scale) {
  curves.workload = system.workload;
  curves.max_utilization = system.plan.max_utilization;
  curves.load_now = spec_load(system) * load_scale;
  model::AnalysisOptions options;
  options.rate_scale = load_scale;
  curves.now = model::analyze(system, options);
  curves.classes.resize(system.classes.size());
  for (std::size_t i = 0; i < system.classes.size(); ++i) {
    ClassCurves& c = curves.classes[i];
    c.name = system.classes[i].name;
    c.slo.reset();
    for (const auto& slo : system.slos) {
      if (slo.workload_class == i) {
        c.slo = slo.latency;
        c.slo_statistic = std::string(model::to_string(slo.statistic));
        break;
      }
    }
    const auto& now = curves.now.classes[i];
    c.now_mean.reset();
    c.now_p95.reset();
    if (now.mean_response_time)
      c.now_mean = Point{curves.load_now, *now.mean_response_time};
    if (now.response_time_percentiles)
      c.now_p95 = Point{curves.load_now, now.response_time_percentiles->p95};
  }
  curves.throughput_now = {curves.load_now, curves.now.throughput};
  curves.services.clear();
  for (const auto& s : curves.now.services) {
    curves.services.push_back(
        {s.name, s.utilization, headroom_of(s.utilization, curves.max_utilization)});
  }
}

bool covers(const Curves& curves) {
  return curves.load_now <= curves.load_max / 1.1 + 1e-9;
}

Curves compute_curves(const model::System& system, double load_scale, int points) {
  Curves curves;
  update_operating_point(curves, system, load_scale);
  const bool open = system.workload == model::WorkloadType::open;
  const double base = spec_load(system);

  // The load axis: up to saturation for open workloads (the knee is what matters), at least a
  // little past the operating point; twice the users for closed ones.
  if (open) {
    const double saturation = curves.now.saturation_rate.value_or(2 * curves.load_now);
    curves.load_max = std::max(saturation, 1.25 * curves.load_now);
  } else {
    curves.load_max = std::max({2.0 * curves.load_now, 1.5 * saturation_users(system), 2.0});
  }
  if (!(base > 0) || points < 2)
    return curves;

  // Open: up to 98% of saturation, where latency is still finite, denser towards the knee
  // (x = last (1 - (1 - k/n)^2)). Closed: whole users, since the model rounds populations.
  const double last = open ? 0.98 * curves.load_max : curves.load_max;
  const auto grid = [&](int n) {
    std::vector<double> loads;
    for (int k = 1; k <= n; ++k) {
      const double u = static_cast<double>(k) / n;
      const double x = open ? last * (1 - (1 - u) * (1 - u)) : std::max(1.0, std::round(last * u));
      if (loads.empty() || x != loads.back())
        loads.push_back(x);
    }
    return loads;
  };

  // Means and throughput cost microseconds a solve: a fine grid. Percentiles cost about 2 ms a
  // solve (the latency grid): a fifth as many points, spread over the cores (analyze is pure).
  const std::vector<double> fine = grid(points);
  model::AnalysisOptions means;
  means.percentiles = false;
  for (const double x : fine) {
    means.rate_scale = x / base;
    const model::SystemResult r = model::analyze(system, means);
    for (std::size_t i = 0; i < r.classes.size(); ++i) {
      if (r.classes[i].mean_response_time)
        curves.classes[i].mean.push_back({x, *r.classes[i].mean_response_time});
    }
    curves.throughput.push_back({x, r.throughput});
  }

  std::vector<double> coarse = grid(std::max(2, points / 5));
  if (!fine.empty() && fine.front() < coarse.front())
    coarse.insert(coarse.begin(), fine.front());  // both curves start at the same load
  std::vector<model::SystemResult> results(coarse.size());
  const auto solve = [&](std::size_t first, std::size_t step) {
    model::AnalysisOptions at;
    for (std::size_t k = first; k < coarse.size(); k += step) {
      at.rate_scale = coarse[k] / base;
      results[k] = model::analyze(system, at);
    }
  };
  const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::future<void>> workers;
  for (std::size_t t = 1; t < threads; ++t)
    workers.push_back(std::async(std::launch::async, solve, t, threads));
  solve(0, threads);
  for (auto& w : workers)
    w.get();
  for (std::size_t k = 0; k < coarse.size(); ++k) {
    for (std::size_t i = 0; i < results[k].classes.size(); ++i) {
      if (const auto& p = results[k].classes[i].response_time_percentiles)
        curves.classes[i].p95.push_back({coarse[k], p->p95});
    }
  }
  return curves;
}

}  // namespace kendall::gui
