#include "kendall/validate/mean_interval.hpp"

#include <cmath>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

namespace kendall::validation {

std::pair<double, double> batch_mean_interval(const loadgen::StepResult& step) {
  // The batches: one per second the step sent in; the responses that came after the sends
  // stopped (those still in flight) join the last of them.
  std::vector<loadgen::SecondStats> batches;
  for (std::size_t i = 0; i < step.series.size(); ++i) {
    const loadgen::SecondStats& second = step.series[i];
    const bool drain = step.duration > 0 && static_cast<double>(i) >= step.duration;
    if (drain && !batches.empty()) {
      batches.back().responses += second.responses;
      batches.back().latency_sum += second.latency_sum;
    } else if (second.responses > 0) {
      batches.push_back(second);
    }
  }
  const auto n = static_cast<double>(batches.size());
  if (n < 5)
    return {0, 0};  // too few batches for an interval worth drawing
  double responses = 0, latency = 0;
  for (const loadgen::SecondStats& batch : batches) {
    responses += static_cast<double>(batch.responses);
    latency += batch.latency_sum;
  }
  const double ratio = latency / responses;
  double squares = 0;
  for (const loadgen::SecondStats& batch : batches) {
    const double residual = batch.latency_sum - ratio * static_cast<double>(batch.responses);
    squares += residual * residual;
  }
  const double per_batch = responses / n;
  const double standard_error = std::sqrt(squares / (n * (n - 1))) / per_batch;
  const double t = boost::math::quantile(boost::math::students_t(n - 1), 0.975);
  const double center = step.latency.mean();
  return {center - t * standard_error, center + t * standard_error};
}

}  // namespace kendall::validation
