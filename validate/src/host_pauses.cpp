#include "kendall/validate/host_pauses.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <utility>

#include "kendall/base/time_slice.hpp"
#include "kendall/validate/calibrate.hpp"

namespace kendall::validation {

namespace {

using Clock = std::chrono::steady_clock;

// Stops of one or more cores that overlap, merged, with their lengths added up.
struct MergedStop {
  StopSpan span;
  double core_time = 0;
};

std::vector<MergedStop> merge_overlapping(std::vector<CoreStop> stops) {
  std::sort(stops.begin(), stops.end(),
            [](const CoreStop& a, const CoreStop& b) { return a.began < b.began; });
  std::vector<MergedStop> merged;
  for (const CoreStop& s : stops) {
    if (merged.empty() || s.began > merged.back().span.ended)
      merged.push_back({{s.began, s.ended}, 0});
    merged.back().span.ended = std::max(merged.back().span.ended, s.ended);
    merged.back().core_time += s.ended - s.began;
  }
  return merged;
}

double worst_core_time(const std::vector<CoreStop>& stops) {
  double worst = 0;
  for (const MergedStop& m : merge_overlapping(stops))
    worst = std::max(worst, m.core_time);
  return worst;
}

// The CPUs this process may run on, each to be watched by a thread of its own.
std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &set))
        cpus.push_back(cpu);
  if (cpus.empty())
    cpus.push_back(-1);  // not pinned: one thread, wherever it runs
  return cpus;
}

}  // namespace

double stops_wait(std::vector<CoreStop> stops, double seconds) {
  if (!(seconds > 0))
    return 0;
  double squares = 0;
  for (const StopSpan& m : merged_stops(std::move(stops)))
    squares += m.length() * m.length();
  return squares / (2 * seconds);
}

std::vector<StopSpan> merged_stops(std::vector<CoreStop> stops) {
  std::vector<StopSpan> spans;
  for (const MergedStop& m : merge_overlapping(std::move(stops)))
    spans.push_back(m.span);
  return spans;
}

double machine_cores() {
  return std::max(1u, std::thread::hardware_concurrency());
}

PauseMeter::PauseMeter(Clock::time_point start, std::chrono::nanoseconds threshold)
    : start_(start), began_(since_start(Clock::now())) {
  for (const int cpu : allowed_cpus())
    threads_.emplace_back(
        [this, cpu, threshold](std::stop_token stop) { watch_core(stop, cpu, threshold); });
  threads_.emplace_back([this](std::stop_token stop) { read_steal(stop); });
}

PauseMeter::~PauseMeter() {
  finish();
}

double PauseMeter::since_start(Clock::time_point t) const {
  return std::chrono::duration<double>(t - start_).count();
}

HostPauses PauseMeter::finish() {
  for (std::jthread& thread : threads_)
    thread.request_stop();
  for (std::jthread& thread : threads_)
    if (thread.joinable())
      thread.join();
  const double ended = since_start(Clock::now());
  std::lock_guard lock(mutex_);
  HostPauses pauses;
  pauses.seconds = std::max(0.0, ended - began_);
  pauses.stops_wait = stops_wait(stops_, pauses.seconds);
  for (const CoreStop& s : stops_) {
    ++pauses.count;
    pauses.total += s.ended - s.began;
    pauses.longest = std::max(pauses.longest, s.ended - s.began);
  }
  pauses.worst_core_time = worst_core_time(stops_);
  return pauses;
}

std::vector<StealPoint> PauseMeter::steal_trace() {
  std::lock_guard lock(mutex_);
  const double cores = machine_cores();
  std::vector<StealPoint> trace;
  double from = began_;
  for (const StealReading& reading : readings_) {
    const double span = reading.seconds - from;
    trace.push_back({reading.seconds, span > 0 ? reading.core_seconds / span / cores : 0});
    from = reading.seconds;
  }
  return trace;
}

std::vector<StopSpan> PauseMeter::stop_spans() {
  std::lock_guard lock(mutex_);
  return merged_stops(stops_);
}

std::vector<StealReading> PauseMeter::steal_readings() {
  std::lock_guard lock(mutex_);
  return readings_;
}

void PauseMeter::watch_core(const std::stop_token& stop, int cpu,
                            std::chrono::nanoseconds threshold) {
  constexpr auto kNap = std::chrono::milliseconds(1);
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);  // unpinned if refused
  }
  request_time_slice(kShortestTimeSlice);  // wake ahead of the workers' hashes
  // Oversleeps count from one wake-up to the next, the bookkeeping between them included.
  Clock::time_point woke = Clock::now();
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(kNap);
    const Clock::time_point now = Clock::now();
    if (const auto late = now - woke - kNap; late >= threshold) {
      std::lock_guard lock(mutex_);
      stops_.push_back({cpu, since_start(now - late), since_start(now)});
    }
    woke = now;
  }
}

void PauseMeter::read_steal(const std::stop_token& stop) {
  constexpr auto kStealEvery = std::chrono::milliseconds(10);
  request_time_slice(kShortestTimeSlice);
  double stolen = machine_cpu_seconds().steal;
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(kStealEvery);
    const double steal = machine_cpu_seconds().steal;
    const Clock::time_point now = Clock::now();
    std::lock_guard lock(mutex_);
    readings_.push_back({since_start(now), steal - stolen});
    stolen = steal;
  }
}

}  // namespace kendall::validation
