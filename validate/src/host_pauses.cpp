#include "kendall/validate/host_pauses.hpp"

#include <algorithm>

#include "kendall/base/time_slice.hpp"

namespace kendall::validation {

PauseMeter::PauseMeter(std::chrono::nanoseconds threshold)
    : thread_([this, threshold](std::stop_token stop) { measure(stop, threshold); }) {}

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

void PauseMeter::measure(const std::stop_token& stop, std::chrono::nanoseconds threshold) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kNap = std::chrono::milliseconds(1);
  request_time_slice(kShortestTimeSlice);  // wake ahead of the workers' hashes
  while (!stop.stop_requested()) {
    const Clock::time_point before = Clock::now();
    std::this_thread::sleep_for(kNap);
    const auto late = Clock::now() - before - kNap;
    if (late >= threshold) {
      const double seconds = std::chrono::duration<double>(late).count();
      std::lock_guard lock(mutex_);
      ++pauses_.count;
      pauses_.total += seconds;
      pauses_.longest = std::max(pauses_.longest, seconds);
    }
  }
}

}  // namespace kendall::validation
