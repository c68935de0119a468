#include "kendall/services/work_model.hpp"

#include "kendall/base/error.hpp"

namespace kendall::services {

namespace {

const Distribution& validated(const Distribution& distribution) {
  if (const auto problem = validate(distribution)) {
    throw InputError("--work-model: " + *problem);
  }
  return distribution;
}

}  // namespace

WorkModel::WorkModel(const Distribution& distribution, std::uint64_t seed)
    : sampler_(validated(distribution)), rng_(seed) {}

std::chrono::nanoseconds WorkModel::draw() {
  double seconds = 0;
  {
    std::lock_guard lock(mutex_);
    seconds = sampler_(rng_);
  }
  return std::chrono::nanoseconds(static_cast<long long>(seconds * 1e9));
}

}  // namespace kendall::services
