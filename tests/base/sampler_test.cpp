// Oracles: each family's mean and SCV by definition (the sample moments of a million draws lie
// within a few standard errors of them), the published xoshiro256++ construction (same seed, same
// stream; jumps give distinct streams) and the bootstrap rule for empirical samples.
#include "kendall/base/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace kendall {
namespace {

struct Moments {
  double mean = 0;
  double scv = 0;
};

Moments sample_moments(const Distribution& d, std::uint64_t seed, int n = 1'000'000) {
  Rng rng(seed);
  const Sampler sampler(d);
  double sum = 0, squares = 0;
  for (int i = 0; i < n; ++i) {
    const double x = sampler(rng);
    sum += x;
    squares += x * x;
  }
  const double mean = sum / n;
  const double variance = squares / n - mean * mean;
  return {mean, variance / (mean * mean)};
}

void expect_moments(const Distribution& d, std::uint64_t seed, double mean_tolerance,
                    double scv_tolerance) {
  const Moments m = sample_moments(d, seed);
  EXPECT_NEAR(m.mean, d.mean, mean_tolerance * d.mean) << d.describe();
  EXPECT_NEAR(m.scv, d.scv, scv_tolerance * std::max(d.scv, 0.01)) << d.describe();
}

TEST(Sampler, ExponentialHasItsMeanAndScvOne) {
  expect_moments(Distribution::exponential(0.02), 1, 0.005, 0.02);
}

TEST(Sampler, DeterministicAlwaysReturnsTheMean) {
  Rng rng(2);
  const Sampler sampler(Distribution::deterministic(0.005));
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(sampler(rng), 0.005);
}

TEST(Sampler, LognormalMatchesMeanAndScv) {
  expect_moments({DistributionKind::lognormal, 0.01, 0.5, {}}, 3, 0.005, 0.03);
  expect_moments({DistributionKind::lognormal, 0.01, 2.0, {}}, 4, 0.01, 0.05);
}

TEST(Sampler, GammaMatchesMeanAndScvAboveAndBelowShapeOne) {
  expect_moments({DistributionKind::gamma, 0.01, 0.25, {}}, 5, 0.005, 0.02);  // shape 4
  expect_moments({DistributionKind::gamma, 0.01, 2.0, {}}, 6, 0.01, 0.04);    // shape 0.5
}

TEST(Sampler, HyperexponentialMatchesMeanAndScv) {
  expect_moments({DistributionKind::hyperexponential, 0.01, 4.0, {}}, 7, 0.01, 0.05);
  expect_moments({DistributionKind::hyperexponential, 0.01, 1.0, {}}, 8, 0.005, 0.02);
}

TEST(Sampler, EmpiricalResamplesTheGivenValues) {
  const Distribution d = Distribution::empirical({0.001, 0.002, 0.004, 0.010});
  Rng rng(9);
  const Sampler sampler(d);
  std::vector<int> hits(4, 0);
  for (int i = 0; i < 40'000; ++i) {
    const double x = sampler(rng);
    const auto at = std::find(d.samples.begin(), d.samples.end(), x);
    ASSERT_NE(at, d.samples.end()) << x;
    ++hits[static_cast<std::size_t>(at - d.samples.begin())];
  }
  for (int h : hits)
    EXPECT_NEAR(h, 10'000, 400);  // binomial sd ≈ 87
  expect_moments(d, 10, 0.01, 0.02);
}

TEST(Rng, SameSeedGivesTheSameStream) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a();
    EXPECT_EQ(x, b());
    differs = differs || x != c();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, StreamsAreJumpsFromTheSeed) {
  Rng jumped(7);
  jumped.jump();
  Rng stream = Rng::stream(7, 1);
  Rng first = Rng::stream(7, 0);
  Rng plain(7);
  EXPECT_EQ(stream(), jumped());
  EXPECT_EQ(first(), plain());
  EXPECT_NE(Rng::stream(7, 1)(), Rng::stream(7, 2)());
}

TEST(Rng, UniformsStayInTheirIntervals) {
  Rng rng(11);
  double low = 1, high = 0;
  for (int i = 0; i < 100'000; ++i) {
    const double u = rng.uniform();
    const double v = rng.uniform_positive();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_GT(v, 0.0);
    ASSERT_LE(v, 1.0);
    low = std::min(low, u);
    high = std::max(high, u);
    ASSERT_LT(rng.below(3), 3u);
  }
  EXPECT_LT(low, 1e-3);
  EXPECT_GT(high, 1 - 1e-3);
}

}  // namespace
}  // namespace kendall
