#include "kendall/validate/mean_interval.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

namespace kendall::validation {

namespace {

// Schmeiser's 10-30 batches, and the simulator's default (sim::SimulationOptions::batches): fewer
// leaves the variance poorly estimated, more makes each batch shorter than the queue's memory
// near saturation (batch_mean_interval's comment).
constexpr std::size_t kMostBatches = 20;

struct Batch {
  double responses = 0;
  double latency_sum = 0;
};

// One batch per second the step sent in; the responses that came after the sends stopped (those
// still in flight) join the last of them. Seconds that answered nothing are left out.
std::vector<Batch> seconds_of(const loadgen::StepResult& step) {
  std::vector<Batch> seconds;
  for (std::size_t i = 0; i < step.series.size(); ++i) {
    const loadgen::SecondStats& second = step.series[i];
    const bool drain = step.duration > 0 && static_cast<double>(i) >= step.duration;
    if (drain && !seconds.empty()) {
      seconds.back().responses += static_cast<double>(second.responses);
      seconds.back().latency_sum += second.latency_sum;
    } else if (second.responses > 0) {
      seconds.push_back({static_cast<double>(second.responses), second.latency_sum});
    }
  }
  return seconds;
}

// Consecutive seconds in batches of ⌈n / kMostBatches⌉; the seconds left over join the last.
std::vector<Batch> batched(const std::vector<Batch>& seconds) {
  const std::size_t size = (seconds.size() + kMostBatches - 1) / kMostBatches;
  std::vector<Batch> batches(seconds.size() / size);
  for (std::size_t i = 0; i < seconds.size(); ++i) {
    Batch& batch = batches[std::min(i / size, batches.size() - 1)];
    batch.responses += seconds[i].responses;
    batch.latency_sum += seconds[i].latency_sum;
  }
  return batches;
}

}  // namespace

std::pair<double, double> batch_mean_interval(const loadgen::StepResult& step) {
  const std::vector<Batch> seconds = seconds_of(step);
  if (seconds.size() < 5)
    return {0, 0};  // too few seconds for an interval worth drawing
  const std::vector<Batch> batches = batched(seconds);
  const auto n = static_cast<double>(batches.size());
  double responses = 0, latency = 0;
  for (const Batch& batch : batches) {
    responses += batch.responses;
    latency += batch.latency_sum;
  }
  const double ratio = latency / responses;
  double squares = 0;
  for (const Batch& batch : batches) {
    const double residual = batch.latency_sum - ratio * batch.responses;
    squares += residual * residual;
  }
  const double per_batch = responses / n;
  const double standard_error = std::sqrt(squares / (n * (n - 1))) / per_batch;
  const double t = boost::math::quantile(boost::math::students_t(n - 1), 0.975);
  const double center = step.latency.mean();
  return {center - t * standard_error, center + t * standard_error};
}

}  // namespace kendall::validation
