#include "level_run.hpp"

#include <cmath>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

#include "kendall/validate/calibrate.hpp"

namespace kendall::validation {

double LevelRun::uncertainty() const {
  const double mean = step.latency.mean();
  const auto [low, high] = mean_interval;
  return mean > 0 && high > 0 ? (high - low) / 2 / mean : 0;
}

LevelRun run_level(const loadgen::Scenario& scenario, const loadgen::Endpoint& metrics,
                   std::optional<int> service_pid, const loadgen::LoadOptions& load) {
  LevelRun level;
  level.before = scrape_metrics(metrics.host, metrics.port);
  const auto service_before = service_pid ? process_cpu_seconds(*service_pid) : std::nullopt;
  const double machine_before = machine_busy_seconds();
  loadgen::RunResult run = loadgen::run_load(scenario, load);
  level.machine_cpu = machine_busy_seconds() - machine_before;
  const auto service_after = service_pid ? process_cpu_seconds(*service_pid) : std::nullopt;
  level.after = scrape_metrics(metrics.host, metrics.port);
  if (service_before && service_after)
    level.service_cpu = *service_after - *service_before;
  level.step = std::move(run.steps.at(0));
  level.mean_interval = batch_mean_interval(level.step);
  return level;
}

std::pair<double, double> batch_mean_interval(const loadgen::StepResult& step) {
  std::vector<double> batches;
  for (const auto& second : step.series)
    if (second.responses > 0)
      batches.push_back(second.latency_sum / static_cast<double>(second.responses));
  // The first and last seconds are partial; keep the rest.
  if (batches.size() > 4)
    batches = std::vector<double>(batches.begin() + 1, batches.end() - 1);
  if (batches.size() < 5)
    return {0, 0};  // too few batches for an interval worth drawing
  double mean = 0;
  for (const double b : batches)
    mean += b;
  mean /= static_cast<double>(batches.size());
  double squares = 0;
  for (const double b : batches)
    squares += (b - mean) * (b - mean);
  const double n = static_cast<double>(batches.size());
  const double sd = std::sqrt(squares / (n - 1));
  const double t = boost::math::quantile(boost::math::students_t(n - 1), 0.975);
  const double center = step.latency.mean();
  return {center - t * sd / std::sqrt(n), center + t * sd / std::sqrt(n)};
}

}  // namespace kendall::validation
