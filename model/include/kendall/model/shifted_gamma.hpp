#pragma once
/// A service time matched to three measured moments: a minimum time plus a gamma-distributed
/// rest. A two-moment gamma puts the mode near the mean; work with a floor and a long tail (a hash
/// that takes 1.9 ms, and longer after idle gaps or when it shares its core) is skewed well beyond
/// it, so the gamma puts p50 too high and p95 too low (docs/validate.md, "The work's shape").

#include <cstddef>
#include <optional>

#include "kendall/base/distribution.hpp"

namespace kendall::model {

/// The shifted gamma with the given mean, SCV and third-cumulant ratio κ₃ / mean³ (what the
/// services' hold counters give as the skew index at the smallest block), tabulated at `points`
/// evenly spaced quantiles as an empirical distribution whose mean and SCV are exactly the ones
/// given. Its minimum is mean − 2σ⁴/κ₃ and its shape 4σ⁶/κ₃². Nothing when the skewness is at or
/// below a plain gamma's (κ₃ / mean³ ≤ 2 SCV², which would need a negative minimum) or an input
/// is not positive and finite: the two-moment family describes such work as well.
std::optional<Distribution> shifted_gamma(double mean, double scv, double third_ratio,
                                          std::size_t points = 4096);

}  // namespace kendall::model
