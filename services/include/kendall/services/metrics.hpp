#pragma once
/// Service metrics in the Prometheus text exposition format (version 0.0.4): requests by route
/// and status, a latency histogram per route, time queued and time in service, rejections.
/// Gauges (in flight, queue length, busy workers) and the worker pool's own counters are sampled
/// by the caller at render time.
///
/// Units: seconds.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kendall/services/hold_blocks.hpp"
#include "kendall/services/route.hpp"

namespace kendall::services {

/// A Prometheus histogram with fixed upper bounds (seconds), from 100 us to 10 s. Lock-free:
/// records come from every I/O and worker thread on the hot path.
class LatencyBuckets {
 public:
  static constexpr std::array<double, 16> bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                    0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                    1.0,    2.5,     5.0,    10.0};
  void record(double seconds);
  /// Appends the _bucket, _sum and _count lines of `name` with `labels` ("" or `k="v"`).
  void render(std::string& out, const std::string& name, const std::string& labels) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size()> counts_{};  // cumulated on render
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// The jobs that finished on one CPU and the CPU time they used: whether the machine's cores run
/// the work at one speed (on a shared VM two vCPUs ran a memory-hard hash 1.5× apart).
struct CoreWork {
  std::uint64_t jobs = 0;
  double cpu_seconds = 0;
};

/// Time the pool spent with a number of workers busy, and the jobs that finished then: the
/// rate the workers finish work at with that many busy. With more workers than cores each busy
/// worker time-shares them; that rate then holds the cores' speed (4 hashing threads on 2 cores
/// finish fewer hashes than 2: docs/PERFORMANCE.md) and the workers' time off their cores.
struct BusySpan {
  double seconds = 0;
  std::uint64_t finished = 0;  ///< jobs that finished with this many busy (themselves included)
};

/// What the caller samples when /metrics is rendered.
struct Gauges {
  std::size_t in_flight = 0;     ///< requests read and not yet answered
  std::size_t queue_length = 0;  ///< requests waiting for a worker
  std::size_t busy_workers = 0;
  std::size_t connections = 0;
  ValueSeries worker_holds;        ///< counters: the workers' holds, one per finished job
  ValueSeries worker_cpu;          ///< counters: the jobs' own CPU times
  ValueSeries queue_arrival_gaps;  ///< counters: gaps between jobs accepted into the queue
  std::vector<CoreWork> cores;     ///< counters: by the CPU each job finished on
  std::vector<BusySpan> by_busy;   ///< counters: by the number of workers busy (index)
};

/// Thread-safe and lock-free: counters are atomics indexed by route and status code.
class Metrics {
 public:
  Metrics(std::size_t workers, std::size_t queue_limit)
      : workers_(workers), queue_limit_(queue_limit) {}

  /// One answered request: its route, status and time from fully read to answered.
  void record_request(Route route, unsigned status, double seconds);
  /// Time a request waited for a worker, and time it then held the worker.
  void record_queued(double seconds);
  void record_service(double seconds);
  /// A request refused with 503 because the queue was full.
  void record_rejected();
  /// A connection closed at accept because of the connection limit.
  void record_refused_connection();

  /// Count of answered requests with this route and status (for tests and logs).
  std::uint64_t requests(Route route, unsigned status) const;

  std::string render(const Gauges& gauges) const;

 private:
  static constexpr std::size_t route_count = static_cast<std::size_t>(Route::other) + 1;
  static constexpr unsigned first_status = 100, status_count = 500;  // 100..599

  std::size_t workers_;
  std::size_t queue_limit_;
  std::array<std::array<std::atomic<std::uint64_t>, status_count>, route_count> requests_{};
  std::array<LatencyBuckets, route_count> latency_;
  LatencyBuckets queued_;
  LatencyBuckets service_;
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> refused_connections_{0};
};

}  // namespace kendall::services
