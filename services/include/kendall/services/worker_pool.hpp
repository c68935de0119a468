#pragma once
/// The services' one queue: requests wait in a bounded FIFO for one of W worker threads.
/// A submission that would make more than `queue_limit` requests wait is refused at once (the
/// caller answers 503), so an accepted request is never dropped.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "kendall/services/hold_blocks.hpp"
#include "kendall/services/metrics.hpp"

namespace kendall::services {

class WorkerPool {
 public:
  /// A job learns how long it waited in the queue.
  using Job = std::function<void(std::chrono::steady_clock::duration queued)>;

  /// Starts `workers` threads (at least 1). A positive `nice` lowers their CPU priority below the
  /// I/O threads' (Linux per-thread nice), so CPU-heavy work cannot starve accepting, parsing,
  /// health checks and writing answers.
  WorkerPool(std::size_t workers, std::size_t queue_limit, int nice = 0);
  /// Runs every accepted job, then joins (see shutdown).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues `job` unless `queue_limit` requests would then be waiting beyond the idle
  /// workers; false when refused or shutting down. Never blocks on the queue.
  bool try_submit(Job job);
  /// Stops taking jobs, runs those already accepted, joins the threads. Idempotent.
  void shutdown();

  std::size_t workers() const { return threads_.size(); }
  std::size_t queue_limit() const { return queue_limit_; }
  /// Requests waiting for a worker now.
  std::size_t queue_length() const;
  /// Workers running a job now.
  std::size_t busy() const;

  /// What the workers have done since the start: jobs finished, and the time they were held by
  /// them. The hold runs from taking a job off the queue until the worker is free for the next
  /// one, so it includes handing the answer back to the I/O thread and releasing the request:
  /// work the job's own timing (kendall_service_time_seconds) leaves out but the queue still
  /// waits for. holds.sum / holds.count is the service time the queue really sees (U = X·S); the
  /// sum of squared holds gives its variance, which the queue's wait is proportional to.
  struct Usage {
    ValueSeries holds;  ///< one per finished job: count is the jobs, sum their busy time
    /// The CPU time each job's thread used (CLOCK_THREAD_CPUTIME_ID): the work without the waits
    /// for a core that a hold includes when more workers than cores share them, so its
    /// dispersion is the machine's speed alone.
    ValueSeries cpu;
    /// The gaps between consecutive accepted jobs, as the queue sees them arrive: their SCV and
    /// dispersion. An I/O thread's wake hands on every ready request at once, so they bunch at
    /// a scale the queue hardly feels (docs/validate.md).
    ValueSeries arrival_gaps;
    /// Jobs and their CPU time by the CPU each job ended on (index: the CPU's number).
    std::vector<CoreWork> cores;
    /// Time with n workers busy and the jobs finished then (index n, 0 to the workers), up to
    /// the moment usage() was called.
    std::vector<BusySpan> by_busy;
  };
  Usage usage() const;

 private:
  struct Entry {
    Job job;
    std::chrono::steady_clock::time_point queued_at;
  };
  void run();
  /// Counts the time since busy_ last changed to its present value; call under the mutex before
  /// changing it.
  void close_busy_span(std::chrono::steady_clock::time_point now);

  int nice_ = 0;
  std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Entry> queue_;
  std::size_t busy_ = 0;
  std::chrono::steady_clock::time_point busy_since_ = std::chrono::steady_clock::now();
  Usage usage_;
  std::chrono::steady_clock::time_point last_arrival_{};  ///< of the last accepted job
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kendall::services
