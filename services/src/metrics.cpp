#include "kendall/services/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kendall::services {

void LatencyBuckets::record(double seconds) {
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), seconds);
  if (it != bounds.end()) {
    counts_[static_cast<std::size_t>(it - bounds.begin())].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(seconds, std::memory_order_relaxed);
}

void LatencyBuckets::render(std::string& out, const std::string& name,
                            const std::string& labels) const {
  const std::string separator = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    fmt::format_to(std::back_inserter(out), "{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels,
                   separator, bounds[i], cumulative);
  }
  fmt::format_to(std::back_inserter(out), "{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels,
                 separator, count_.load());
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  fmt::format_to(std::back_inserter(out), "{}_sum{} {}\n{}_count{} {}\n", name, braces, sum_, name,
                 braces, count_);
}

namespace {

std::size_t index(Route route) {
  return static_cast<std::size_t>(route);
}

}  // namespace

void Metrics::record_request(Route route, unsigned status, double seconds) {
  if (status >= first_status && status < first_status + status_count) {
    requests_[index(route)][status - first_status].fetch_add(1, std::memory_order_relaxed);
  }
  latency_[index(route)].record(seconds);
}

void Metrics::record_queued(double seconds) {
  queued_.record(seconds);
}
void Metrics::record_service(double seconds) {
  service_.record(seconds);
}
void Metrics::record_rejected() {
  rejected_.fetch_add(1, std::memory_order_relaxed);
}
void Metrics::record_refused_connection() {
  refused_connections_.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Metrics::requests(Route route, unsigned status) const {
  if (status < first_status || status >= first_status + status_count) {
    return 0;
  }
  return requests_[index(route)][status - first_status].load();
}

std::string Metrics::render(const Gauges& gauges) const {
  std::string out;
  auto line = [&out](std::string_view text) {
    out += text;
    out += '\n';
  };

  line("# HELP kendall_http_requests_total Requests answered, by route and status.");
  line("# TYPE kendall_http_requests_total counter");
  for (std::size_t r = 0; r < route_count; ++r) {
    for (unsigned s = 0; s < status_count; ++s) {
      if (const auto count = requests_[r][s].load()) {
        fmt::format_to(std::back_inserter(out),
                       "kendall_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       route_label(static_cast<Route>(r)), s + first_status, count);
      }
    }
  }
  line(
      "# HELP kendall_http_request_duration_seconds Time from a request fully read to its "
      "answer, by route.");
  line("# TYPE kendall_http_request_duration_seconds histogram");
  for (std::size_t r = 0; r < route_count; ++r) {
    // Routes never requested stay out, as a labelled series appears on first use.
    if (latency_[r].count() > 0) {
      latency_[r].render(out, "kendall_http_request_duration_seconds",
                         fmt::format("route=\"{}\"", route_label(static_cast<Route>(r))));
    }
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
  fmt::format_to(std::back_inserter(out), "kendall_queue_rejected_total {}\n", rejected_.load());
  line(
      "# HELP kendall_connections_refused_total Connections closed at accept (connection "
      "limit).");
  line("# TYPE kendall_connections_refused_total counter");
  fmt::format_to(std::back_inserter(out), "kendall_connections_refused_total {}\n",
                 refused_connections_.load());

  // One counter: its help, its type and its value.
  const auto counter = [&](std::string_view name, std::string_view help, auto value) {
    line(fmt::format("# HELP {} {}", name, help));
    line(fmt::format("# TYPE {} counter", name));
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
  };
  counter("kendall_worker_jobs_total",
          "Business requests the workers finished (with kendall_worker_busy_seconds_total: the "
          "service time the queue sees).",
          gauges.worker_holds.count);
  counter("kendall_worker_busy_seconds_total",
          "Time workers were held by jobs: service plus handing the answer back.",
          gauges.worker_holds.sum);
  counter("kendall_worker_busy_seconds_squared_total",
          "Sum of each job's hold squared (s^2): with the two counters above, the holds' "
          "variance.",
          gauges.worker_holds.sum_squares);
  // Values in blocks (holds, CPU times, arrival gaps): one series per block size, labelled with
  // its values per block.
  const auto per_block_size = [&](const std::array<HoldBlocks::Scale, HoldBlocks::kScales>& scales,
                                  std::string_view name, std::string_view help, auto value_of) {
    line(fmt::format("# HELP {} {}", name, help));
    line(fmt::format("# TYPE {} counter", name));
    for (const HoldBlocks::Scale& scale : scales)
      fmt::format_to(std::back_inserter(out), "{}{{jobs=\"{}\"}} {}\n", name, scale.jobs_per_block,
                     value_of(scale));
  };
  // prefix_blocks_total, prefix_block_seconds_total, …_squared_total and …_cubed_total.
  const auto blocks = [&](const std::array<HoldBlocks::Scale, HoldBlocks::kScales>& scales,
                          const std::string& prefix, std::string_view what) {
    per_block_size(scales, prefix + "_blocks_total",
                   fmt::format("Blocks of consecutive {} (per block as label).", what),
                   [](const HoldBlocks::Scale& scale) { return scale.blocks; });
    per_block_size(scales, prefix + "_block_seconds_total",
                   fmt::format("Sum over those blocks of the block's {} (s).", what),
                   [](const HoldBlocks::Scale& scale) { return scale.block_seconds; });
    per_block_size(scales, prefix + "_block_seconds_squared_total",
                   fmt::format("Sum over those blocks of the block's {} squared (s^2): how the "
                               "sums spread, their index of dispersion over time.",
                               what),
                   [](const HoldBlocks::Scale& scale) { return scale.block_seconds_squared; });
    per_block_size(scales, prefix + "_block_seconds_cubed_total",
                   fmt::format("Sum over those blocks of the block's {} cubed (s^3): whether the "
                               "sums are skewed (slow runs rarer and deeper than fast ones).",
                               what),
                   [](const HoldBlocks::Scale& scale) { return scale.block_seconds_cubed; });
  };
  blocks(gauges.worker_holds.blocks.scales(), "kendall_worker_hold", "jobs' holds");
  counter("kendall_worker_cpu_seconds_total",
          "CPU time the workers' threads used running jobs (without the waits for a core a hold "
          "includes).",
          gauges.worker_cpu.sum);
  counter("kendall_worker_cpu_seconds_squared_total", "Sum of each job's CPU time squared (s^2).",
          gauges.worker_cpu.sum_squares);
  blocks(gauges.worker_cpu.blocks.scales(), "kendall_worker_cpu", "jobs' CPU times");
  const auto per_core = [&](std::string_view name, std::string_view help, auto value_of) {
    line(fmt::format("# HELP {} {}", name, help));
    line(fmt::format("# TYPE {} counter", name));
    for (std::size_t core = 0; core < gauges.cores.size(); ++core)
      if (gauges.cores[core].jobs > 0)
        fmt::format_to(std::back_inserter(out), "{}{{cpu=\"{}\"}} {}\n", name, core,
                       value_of(gauges.cores[core]));
  };
  per_core("kendall_worker_core_jobs_total", "Jobs the workers finished, by the CPU they ended on.",
           [](const CoreWork& core) { return core.jobs; });
  per_core(
      "kendall_worker_core_cpu_seconds_total",
      "CPU time those jobs used (s), by the CPU they ended on: the cores' speeds for this work.",
      [](const CoreWork& core) { return core.cpu_seconds; });
  const auto per_busy = [&](std::string_view name, std::string_view help, auto value_of) {
    line(fmt::format("# HELP {} {}", name, help));
    line(fmt::format("# TYPE {} counter", name));
    for (std::size_t busy = 0; busy < gauges.by_busy.size(); ++busy)
      fmt::format_to(std::back_inserter(out), "{}{{busy=\"{}\"}} {}\n", name, busy,
                     value_of(gauges.by_busy[busy]));
  };
  per_busy("kendall_workers_busy_seconds_total",
           "Seconds the pool spent with this many workers busy.",
           [](const BusySpan& span) { return span.seconds; });
  per_busy("kendall_worker_jobs_finished_by_busy_total",
           "Jobs that finished with this many workers busy, themselves included: over the "
           "seconds above, the rate the workers finish work at with that many busy.",
           [](const BusySpan& span) { return span.finished; });
  counter("kendall_queue_arrival_gaps_total",
          "Gaps between consecutive jobs accepted into the worker queue (with the two counters "
          "below: the arrivals' SCV as the queue sees them).",
          gauges.queue_arrival_gaps.count);
  counter("kendall_queue_arrival_gap_seconds_total", "Sum of those gaps (s).",
          gauges.queue_arrival_gaps.sum);
  counter("kendall_queue_arrival_gap_seconds_squared_total", "Sum of those gaps squared (s^2).",
          gauges.queue_arrival_gaps.sum_squares);
  blocks(gauges.queue_arrival_gaps.blocks.scales(), "kendall_queue_arrival_gap", "arrival gaps");

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
