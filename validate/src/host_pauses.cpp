#include "kendall/validate/host_pauses.hpp"

#include <algorithm>

#include "kendall/base/time_slice.hpp"
#include "kendall/validate/calibrate.hpp"

namespace kendall::validation {

double machine_cores() {
  return std::max(1u, std::thread::hardware_concurrency());
}

PauseMeter::PauseMeter(std::chrono::steady_clock::time_point start,
                       std::chrono::nanoseconds threshold)
    : thread_([this, start, threshold](std::stop_token stop) { measure(stop, start, threshold); }) {
}

PauseMeter::~PauseMeter() {
  finish();
}

HostPauses PauseMeter::finish() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  std::lock_guard lock(mutex_);
  return pauses_;
}

std::vector<StealPoint> PauseMeter::steal_trace() {
  std::lock_guard lock(mutex_);
  return steal_trace_;
}

void PauseMeter::measure(const std::stop_token& stop, std::chrono::steady_clock::time_point start,
                         std::chrono::nanoseconds threshold) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kNap = std::chrono::milliseconds(1);
  constexpr auto kStealEvery = std::chrono::milliseconds(10);
  request_time_slice(kShortestTimeSlice);  // wake ahead of the workers' hashes
  const double cores = machine_cores();
  const auto since_start = [start](Clock::time_point t) {
    return std::chrono::duration<double>(t - start).count();
  };
  Clock::time_point read_at = Clock::now();
  double stolen = machine_cpu_seconds().steal;
  // Oversleeps count from one wake-up to the next, the steal reading between them included: a
  // stop that lands while /proc/stat is read is a pause like any other.
  Clock::time_point woke = Clock::now();
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(kNap);
    const Clock::time_point now = Clock::now();
    if (const auto late = now - woke - kNap; late >= threshold) {
      const double seconds = std::chrono::duration<double>(late).count();
      std::lock_guard lock(mutex_);
      ++pauses_.count;
      pauses_.total += seconds;
      pauses_.longest = std::max(pauses_.longest, seconds);
    }
    woke = now;
    if (now - read_at >= kStealEvery) {
      const double steal = machine_cpu_seconds().steal;
      const double span = std::chrono::duration<double>(now - read_at).count();
      std::lock_guard lock(mutex_);
      steal_trace_.push_back({since_start(now), (steal - stolen) / span / cores});
      stolen = steal;
      read_at = now;
    }
  }
}

}  // namespace kendall::validation
