#include <algorithm>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/loadgen/result.hpp"

namespace kendall::loadgen {

void Latencies::merge(const Latencies& other) {
  histogram.merge(other.histogram);
  sum += other.sum;
}

void SendGaps::merge(const SendGaps& other) {
  count += other.count;
  sum += other.sum;
  sum_squares += other.sum_squares;
}

std::optional<double> SendGaps::scv() const {
  if (count < 2 || !(sum > 0))
    return std::nullopt;
  const double n = static_cast<double>(count);
  const double m = sum / n;
  return std::max(0.0, sum_squares / n - m * m) / (m * m);
}

void ErrorCounts::merge(const ErrorCounts& o) {
  connect += o.connect;
  timeout += o.timeout;
  io += o.io;
  status_4xx += o.status_4xx;
  status_5xx += o.status_5xx;
}

void StepResult::merge(const StepResult& o) {
  if (o.target_rate)
    target_rate = target_rate.value_or(0) + *o.target_rate;
  // Runs side by side: the step lasted as long as the longest part of it.
  duration = std::max(duration, o.duration);
  sent += o.sent;
  responses += o.responses;
  unsent += o.unsent;
  late_sends += o.late_sends;
  errors.merge(o.errors);
  for (const auto& [code, count] : o.status_codes)
    status_codes[code] += count;
  latency.merge(o.latency);
  service_time.merge(o.service_time);
  send_lag.merge(o.send_lag);
  outside_server.merge(o.outside_server);
  send_gaps.merge(o.send_gaps);
  if (series.size() < o.series.size())
    series.resize(o.series.size());
  for (std::size_t i = 0; i < o.series.size(); ++i) {
    series[i].responses += o.series[i].responses;
    series[i].errors += o.series[i].errors;
    series[i].latency_sum += o.series[i].latency_sum;
    series[i].latency_max = std::max(series[i].latency_max, o.series[i].latency_max);
    series[i].late_sends += o.series[i].late_sends;
  }
}

void RunResult::merge(const RunResult& other) {
  if (other.steps.size() != steps.size())
    throw InputError(fmt::format("cannot merge a run of {} steps with one of {} steps",
                                 steps.size(), other.steps.size()));
  if (other.mode != mode)
    throw InputError(fmt::format("cannot merge a {} run with a {} run", mode, other.mode));
  for (std::size_t i = 0; i < steps.size(); ++i)
    steps[i].merge(other.steps[i]);
  threads += other.threads;
  connections += other.connections;
  users += other.users;
  interrupted = interrupted || other.interrupted;
  if (target != other.target)
    target += " + " + other.target;
}

}  // namespace kendall::loadgen
