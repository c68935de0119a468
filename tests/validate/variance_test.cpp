// Tests for histogram_variance (kendall/validate/calibrate.hpp), against hand-derived values.
#include <gtest/gtest.h>

#include "kendall/base/histogram.hpp"
#include "kendall/validate/calibrate.hpp"

namespace kendall::validation {
namespace {

TEST(HistogramVariance, IsTheSampleVarianceWithinTheBucketError) {
  Histogram h;
  for (const double ms : {1.0, 2.0, 3.0, 4.0, 5.0})
    h.record(ms / 1000);
  // Mean 3 ms; squared deviations 4 + 1 + 0 + 1 + 4 = 10 ms²; over n − 1 = 4: 2.5e-6 s².
  EXPECT_NEAR(histogram_variance(h), 2.5e-6, 0.02 * 2.5e-6);
  EXPECT_NEAR(histogram_variance(h, 1.0), 2.5e-6, 0.02 * 2.5e-6);
}

// One 1 s stall among 999 answers of 1 ms: unclipped it sets the whole variance,
// (0.999 s)² × 999/1000 / 999 ≈ 1.0e-3 s²; clipped at p99 it counts as 1 ms, leaving nothing.
TEST(HistogramVariance, ClippingAtAQuantileStopsOneStallSettingTheSpread) {
  Histogram h;
  for (int i = 0; i < 999; ++i)
    h.record(0.001);
  h.record(1.0);
  EXPECT_NEAR(histogram_variance(h), 0.998e-3, 0.02e-3);
  EXPECT_LT(histogram_variance(h, 0.99), 1e-10);
  EXPECT_EQ(histogram_variance(Histogram{}, 0.99), 0.0);
}

}  // namespace
}  // namespace kendall::validation
