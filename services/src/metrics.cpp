#include "kendall/services/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kendall::services {

void LatencyBuckets::record(double seconds) {
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), seconds);
  if (it != bounds.end()) {
    ++counts_[static_cast<std::size_t>(it - bounds.begin())];
  }
  ++count_;
  sum_ += seconds;
}

void LatencyBuckets::render(std::string& out, const std::string& name,
                            const std::string& labels) const {
  const std::string separator = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts_[i];
    fmt::format_to(std::back_inserter(out), "{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels,
                   separator, bounds[i], cumulative);
  }
  fmt::format_to(std::back_inserter(out), "{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels,
                 separator, count_);
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  fmt::format_to(std::back_inserter(out), "{}_sum{} {}\n{}_count{} {}\n", name, braces, sum_, name,
                 braces, count_);
}

void Metrics::record_request(Route route, unsigned status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  latency_[route].record(seconds);
}

void Metrics::record_queued(double seconds) {
  std::lock_guard lock(mutex_);
  queued_.record(seconds);
}

void Metrics::record_service(double seconds) {
  std::lock_guard lock(mutex_);
  service_.record(seconds);
}

void Metrics::record_rejected() {
  std::lock_guard lock(mutex_);
  ++rejected_;
}

void Metrics::record_refused_connection() {
  std::lock_guard lock(mutex_);
  ++refused_connections_;
}

std::uint64_t Metrics::requests(Route route, unsigned status) const {
  std::lock_guard lock(mutex_);
  const auto it = requests_.find({route, status});
  return it == requests_.end() ? 0 : it->second;
}

std::string Metrics::render(const Gauges& gauges) const {
  std::string out;
  auto line = [&out](std::string_view text) {
    out += text;
    out += '\n';
  };
  std::lock_guard lock(mutex_);

  line("# HELP kendall_http_requests_total Requests answered, by route and status.");
  line("# TYPE kendall_http_requests_total counter");
  for (const auto& [key, count] : requests_) {
    fmt::format_to(std::back_inserter(out),
                   "kendall_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                   route_label(key.first), key.second, count);
  }
  line(
      "# HELP kendall_http_request_duration_seconds Time from a request fully read to its "
      "answer, by route.");
  line("# TYPE kendall_http_request_duration_seconds histogram");
  for (const auto& [route, buckets] : latency_) {
    buckets.render(out, "kendall_http_request_duration_seconds",
                   fmt::format("route=\"{}\"", route_label(route)));
  }
  line("# HELP kendall_queue_wait_seconds Time a business request waited for a worker.");
  line("# TYPE kendall_queue_wait_seconds histogram");
  queued_.render(out, "kendall_queue_wait_seconds", "");
  line("# HELP kendall_service_time_seconds Time a business request held its worker.");
  line("# TYPE kendall_service_time_seconds histogram");
  service_.render(out, "kendall_service_time_seconds", "");
  line(
      "# HELP kendall_queue_rejected_total Requests refused with 503 because the queue was "
      "full.");
  line("# TYPE kendall_queue_rejected_total counter");
  fmt::format_to(std::back_inserter(out), "kendall_queue_rejected_total {}\n", rejected_);
  line(
      "# HELP kendall_connections_refused_total Connections closed at accept (connection "
      "limit).");
  line("# TYPE kendall_connections_refused_total counter");
  fmt::format_to(std::back_inserter(out), "kendall_connections_refused_total {}\n",
                 refused_connections_);

  const std::pair<const char*, std::size_t> gauge_values[] = {
      {"kendall_http_requests_in_flight", gauges.in_flight},
      {"kendall_queue_length", gauges.queue_length},
      {"kendall_queue_limit", queue_limit_},
      {"kendall_workers", workers_},
      {"kendall_workers_busy", gauges.busy_workers},
      {"kendall_connections", gauges.connections},
  };
  for (const auto& [name, value] : gauge_values) {
    fmt::format_to(std::back_inserter(out), "# TYPE {} gauge\n{} {}\n", name, name, value);
  }
  return out;
}

}  // namespace kendall::services
