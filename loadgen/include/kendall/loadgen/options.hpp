#pragma once
/// How to load the target: open loop (a rate), closed loop (users with think times) or maximum
/// throughput (each connection sends back to back, as wrk does). Times in seconds.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kendall::loadgen {

enum class Arrival { poisson, uniform };
enum class ThinkTime { exponential, fixed };

/// One step of a run: a target rate (open loop) or nothing (closed loop, max throughput).
struct Step {
  std::optional<double> rate;  // requests per second over all threads
};

struct LoadOptions {
  /// Open loop when non-empty: one step per rate (--rate R is one step).
  std::vector<Step> steps;
  Arrival arrival = Arrival::poisson;
  /// Closed loop when > 0: that many users, each one request at a time, thinking in between.
  int users = 0;
  double think_time = 0;
  ThinkTime think_kind = ThinkTime::exponential;
  /// Connections per endpoint over all threads (open loop and max throughput; closed loop opens
  /// one per user and endpoint).
  int connections = 10;
  int threads = 1;
  /// Scheduler slice the sending threads ask for (kendall/base/time_slice.hpp): a thread that
  /// wakes to send gets a core soon even where the target's work holds the machine's cores.
  /// 0 keeps the kernel's default.
  std::chrono::nanoseconds thread_slice{100'000};
  /// A step ends after `duration` seconds, or (single-step runs) after `requests` requests.
  double duration = 10;
  std::uint64_t requests = 0;
  double timeout = 10;  // per request, from the write to the end of the response
  std::uint64_t seed = 1;
  /// A send starting later than this after its intended time counts as late.
  double late_threshold = 0.001;
  /// Set from another thread (Ctrl-C) to end the run early; what was measured is kept.
  const std::atomic<bool>* stop = nullptr;
  /// Open loop: set from another thread to scale every step's rate from the next arrival on
  /// (1: the rate given). Arrivals stay Poisson (or uniform) at the scaled rate, so a run whose
  /// scale changes now and then is a sequence of open-loop loads; `kendall validate` holds a
  /// level's utilization with it while the host's speed moves.
  const std::atomic<double>* rate_scale = nullptr;
};

/// Parses "exp:1s", "fixed:500ms" or a bare duration (exponential). Throws InputError.
void parse_think_time(const std::string& text, LoadOptions& options);
/// Parses "50,100,200" into steps. Throws InputError.
std::vector<Step> parse_rate_steps(const std::string& text);
/// Parses "FROM:TO:STEPS" (e.g. "100:1000:10") into evenly spaced rates. Throws InputError.
std::vector<Step> parse_ramp(const std::string& text);
/// Checks ranges and combinations; throws InputError saying what to change.
void validate(const LoadOptions& options);

}  // namespace kendall::loadgen
