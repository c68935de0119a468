#pragma once
/// How precisely a level measured its mean latency: the interval the level is judged by, and
/// measured again when it is wider than the tolerance.

#include <utility>

#include "kendall/loadgen/result.hpp"

namespace kendall::validation {

/// A 95% interval (Student's t) for the step's mean latency from batch means, by completion
/// time. Every second the step sent in counts, each by its responses (those that answered after
/// the sends stopped join the last): the mean is the ratio of the latencies' sum to the
/// responses, so its variance is the ratio estimator's, Σ(yᵢ − R mᵢ)² / (n (n − 1) m̄²) for n
/// batches with latency sum yᵢ over mᵢ responses. Up to 20 seconds, each second is a batch;
/// longer steps group consecutive seconds into at most 20 batches of ⌈seconds / 20⌉ (the seconds
/// left over join the last): near saturation a queue remembers its backlog for seconds, and
/// one-second means that share it understate the variance (M/M/1 at ρ 0.9 for 120 s: 77% of
/// one-second intervals held the true mean, 90% of these; tests/validate/mean_interval_test.cpp).
/// A stall in the level's first second is part of its mean, and so of its interval. {0, 0} with
/// fewer than five seconds that answered.
std::pair<double, double> batch_mean_interval(const loadgen::StepResult& step);

}  // namespace kendall::validation
