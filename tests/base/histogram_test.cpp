// Oracles: the exact order statistics of the recorded values (the histogram's quantile must lie
// within relative 2^-8 of them), the bucket layout's definition (each bucket at most 2^-7 of its
// lower edge wide) and exact merge (merging equals recording both sets).
#include "kendall/base/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "kendall/base/sampler.hpp"

namespace kendall {
namespace {

std::vector<double> log_uniform_values(std::uint64_t seed, int n) {
  // Spread over [1 ns, 1 h]: 10^u for u uniform in [−9, log10(3600)].
  Rng rng(seed);
  std::vector<double> values(static_cast<std::size_t>(n));
  for (auto& v : values)
    v = std::pow(10.0, -9.0 + rng.uniform() * (9.0 + std::log10(3600.0)));
  return values;
}

TEST(Histogram, QuantilesAreWithinTheRelativeErrorBoundOfTheExactOrderStatistics) {
  const int n = 100'000;
  std::vector<double> values = log_uniform_values(1, n);
  Histogram h;
  for (double v : values)
    h.record(v);
  std::sort(values.begin(), values.end());
  for (int k = 1; k <= 1000; ++k) {
    // The q = k/1000 quantile is the ⌈qn⌉-th smallest value: rank k·n/1000 exactly.
    const double exact = values[static_cast<std::size_t>(k * (n / 1000) - 1)];
    const double reported = h.value_at_quantile(k / 1000.0);
    ASSERT_LE(std::abs(reported - exact), Histogram::relative_error * exact)
        << "q = " << k / 1000.0 << ": " << reported << " vs " << exact;
  }
  EXPECT_EQ(h.value_at_quantile(0.0), values.front());
  EXPECT_EQ(h.value_at_quantile(1.0), values.back());
}

TEST(Histogram, BucketsAreAtMostTwoToTheMinusSevenWide) {
  for (double v : log_uniform_values(2, 10'000)) {
    const std::size_t i = Histogram::bucket_index(v);
    ASSERT_LE(Histogram::bucket_lower(i), v);
    ASSERT_LT(v, Histogram::bucket_upper(i));
    const double width = Histogram::bucket_upper(i) - Histogram::bucket_lower(i);
    ASSERT_LE(width, 0x1.0p-7 * Histogram::bucket_lower(i));
  }
  EXPECT_LE(Histogram::lowest, 1e-9);
  EXPECT_GE(Histogram::highest, 3600.0);
}

TEST(Histogram, KeepsExactCountMinMaxAndMean) {
  Histogram h;
  for (double v : {0.003, 0.001, 0.002, 0.010})
    h.record(v);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.min(), 0.001);
  EXPECT_EQ(h.max(), 0.010);
  EXPECT_DOUBLE_EQ(h.mean(), 0.004);
}

TEST(Histogram, MergeEqualsRecordingBothSets) {
  const auto a = log_uniform_values(3, 5'000);
  const auto b = log_uniform_values(4, 7'000);
  Histogram ha, hb, both;
  for (double v : a)
    ha.record(v), both.record(v);
  for (double v : b)
    hb.record(v), both.record(v);
  ha.merge(hb);
  EXPECT_EQ(ha.count(), both.count());
  EXPECT_EQ(ha.min(), both.min());
  EXPECT_EQ(ha.max(), both.max());
  EXPECT_NEAR(ha.sum(), both.sum(), 1e-9 * both.sum());  // summation order differs
  for (std::size_t i = 0; i < Histogram::bucket_count; ++i) {
    ASSERT_EQ(ha.bucket_at(i), both.bucket_at(i)) << i;
  }
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    EXPECT_EQ(ha.value_at_quantile(q), both.value_at_quantile(q));
  }
}

TEST(Histogram, ValuesOutsideTheRangeAreCountedAndMinMaxStayExact) {
  Histogram h;
  h.record(0.0);
  h.record(7200.0);
  h.record(0.5);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.min(), 0.0);
  EXPECT_EQ(h.max(), 7200.0);
  EXPECT_EQ(h.value_at_quantile(1.0), 7200.0);
  EXPECT_EQ(h.value_at_quantile(0.0), 0.0);
}

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.value_at_quantile(0.99), 0.0);
  EXPECT_EQ(h.mean(), 0.0);
  h.record(1.0);
  h.clear();
  EXPECT_TRUE(h == Histogram{});
}

}  // namespace
}  // namespace kendall
