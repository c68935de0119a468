// The three-moment service time: a minimum plus a gamma, against the shifted exponential (a
// gamma of shape 1), whose moments and quantiles are closed forms.
#include "kendall/model/shifted_gamma.hpp"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "kendall/model/latency.hpp"

namespace kendall::model {
namespace {

// x₀ + Exp(mean θ): mean x₀ + θ, variance θ², third cumulant 2θ³. With x₀ = 0.2 ms and
// θ = 1 ms: mean 1.2 ms, SCV 1/1.44, κ₃ / mean³ = 2 / 1.728.
constexpr double kMinimum = 0.0002, kTheta = 0.001, kMean = kMinimum + kTheta;
constexpr double kScv = kTheta * kTheta / (kMean * kMean);
constexpr double kThirdRatio = 2 * kTheta * kTheta * kTheta / (kMean * kMean * kMean);

TEST(ShiftedGamma, AShiftedExponentialIsRecoveredFromItsThreeMoments) {
  const auto d = shifted_gamma(kMean, kScv, kThirdRatio);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->kind, DistributionKind::empirical);
  EXPECT_DOUBLE_EQ(d->mean, kMean);
  EXPECT_DOUBLE_EQ(d->scv, kScv);
  // The table's own moments: mean and variance exact, the third cumulant within 3% (the table
  // leaves out the tail beyond its last quantile).
  const double n = static_cast<double>(d->samples.size());
  double sum = 0, squares = 0, cubes = 0;
  for (const double x : d->samples)
    sum += x;
  for (const double x : d->samples) {
    squares += (x - sum / n) * (x - sum / n);
    cubes += std::pow(x - sum / n, 3);
  }
  EXPECT_NEAR(sum / n, kMean, 1e-12);
  EXPECT_NEAR(squares / n, kTheta * kTheta, 1e-12);
  EXPECT_NEAR(cubes / n, 2 * kTheta * kTheta * kTheta, 0.03 * 2 * kTheta * kTheta * kTheta);
  // Its floor is the minimum: the first of 4096 quantiles is x₀ + θ·ln(8192/8191).
  EXPECT_NEAR(d->samples.front(), kMinimum, 2e-6);
}

// Its quantiles where latencies are read: x₀ − θ ln(1 − p), through the model's convolution grid.
TEST(ShiftedGamma, ItsPercentilesAreTheShiftedExponentials) {
  const auto d = shifted_gamma(kMean, kScv, kThirdRatio);
  ASSERT_TRUE(d);
  LatencySum latency;
  latency.add_service(*d);
  const auto q = latency.quantiles({0.5, 0.95, 0.99});
  EXPECT_NEAR(q[0], kMinimum + kTheta * std::log(2.0), 0.01 * kMean);
  EXPECT_NEAR(q[1], kMinimum + kTheta * std::log(20.0), 0.01 * kMean);
  EXPECT_NEAR(q[2], kMinimum + kTheta * std::log(100.0), 0.02 * kMean);
  // A gamma with only the mean and SCV puts the median higher and p95 lower.
  LatencySum two_moments;
  two_moments.add_service(Distribution::from_moments(kMean, kScv));
  const auto g = two_moments.quantiles({0.5, 0.95});
  EXPECT_GT(g[0], q[0]);
  EXPECT_LT(g[1], q[1]);
}

TEST(ShiftedGamma, NothingWhereAPlainGammaIsAsSkewedOrMore) {
  // A gamma's own third-cumulant ratio is 2 SCV²: at it the minimum is 0, below it negative.
  EXPECT_FALSE(shifted_gamma(0.002, 0.25, 2 * 0.25 * 0.25));
  EXPECT_FALSE(shifted_gamma(0.002, 0.25, 0.1));
  EXPECT_TRUE(shifted_gamma(0.002, 0.25, 0.2));
  EXPECT_FALSE(shifted_gamma(0.002, 0.25, -0.5));
  EXPECT_FALSE(shifted_gamma(0.002, 0, 0.2));
  EXPECT_FALSE(shifted_gamma(0.002, 0.25, std::nan("")));
}

}  // namespace
}  // namespace kendall::model
