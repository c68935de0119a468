#pragma once
// Streaming counters of one measured window (a replication or a batch) and what one replication
// hands back. Nothing here grows with the number of requests.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kendall/base/histogram.hpp"

namespace kendall::sim::detail {

struct ClassCounters {
  std::uint64_t completed = 0;
  std::uint64_t rejected = 0;
  double response_sum = 0;  // seconds, completed requests
};

struct ServiceCounters {
  std::uint64_t arrived = 0;  // visits that reached the service, rejected ones included
  std::uint64_t visits = 0;   // visits completed
  std::uint64_t rejected = 0;
  double residence_sum = 0;   // seconds spent in completed visits
  double area_in_system = 0;  // ∫ requests in the service dt
  double area_busy = 0;       // ∫ busy servers dt
};

struct Counters {
  double start = 0;  // simulated time the window opened
  double end = 0;
  std::vector<ClassCounters> classes;
  std::vector<ServiceCounters> services;
};

// Counters of the window (earlier.end, later.end]: later − earlier, field by field.
Counters difference(const Counters& later, const Counters& earlier);

struct ReplicationOutput {
  Counters measured;
  std::vector<Counters> batches;          // consecutive windows covering `measured`, when asked
  std::vector<Histogram> response_times;  // per class, measured window
  std::uint64_t events = 0;
  double simulated_time = 0;
  double loop_seconds = 0;  // wall time of the event loop
  std::optional<std::string> warning;
};

}  // namespace kendall::sim::detail
