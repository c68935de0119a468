#pragma once
/// Extra service time per business request (--work-model), drawn from a seeded sampler and
/// spent holding the worker, so a service can be given a known service-time distribution.

#include <chrono>
#include <cstdint>
#include <mutex>

#include "kendall/base/distribution.hpp"
#include "kendall/base/sampler.hpp"

namespace kendall::services {

class WorkModel {
 public:
  /// Throws InputError when the distribution is invalid (kendall::validate's message).
  WorkModel(const Distribution& distribution, std::uint64_t seed);

  /// The next service time. Thread-safe: workers share one seeded stream.
  std::chrono::nanoseconds draw();

 private:
  std::mutex mutex_;
  Sampler sampler_;
  Rng rng_;
};

}  // namespace kendall::services
