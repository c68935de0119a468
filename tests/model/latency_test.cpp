// Percentiles of latency sums, against closed forms derived in each test's comment.
#include "kendall/model/latency.hpp"

#include <cmath>

#include <gtest/gtest.h>
#include <boost/math/special_functions/gamma.hpp>

namespace kendall::model {
namespace {

WaitingTimeDistribution exponential_wait(double probability, double rate) {
  return WaitingTimeDistribution{probability, {ErlangTerm{1.0, 1, rate}}};
}

// M/M/1 sojourn: W has P(W>0) = rho and W|W>0 ~ Exp(mu - lambda); W + S ~ Exp(mu - lambda), so
// t_p = -ln(1-p)/(mu - lambda). Research file T5: lambda 0.9, mu 1.
TEST(LatencySum, MM1SojournMatchesClosedFormQuantiles) {
  const auto p = sojourn_percentiles(exponential_wait(0.9, 0.1), Distribution::exponential(1.0));
  EXPECT_NEAR(p.p50, 6.931472, 6.931472 * 1e-3);
  EXPECT_NEAR(p.p95, 29.957323, 29.957323 * 1e-3);
  EXPECT_NEAR(p.p99, 46.051702, 46.051702 * 1e-3);
}

// Three visits of Exp(1) sum to Erlang(3, 1): P(X <= t) = P(3, t), the regularized gamma.
TEST(LatencySum, RepeatedExponentialVisitsFormAnErlang) {
  LatencySum sum;
  sum.add_service(Distribution::exponential(1.0), 3.0);
  EXPECT_DOUBLE_EQ(sum.mean(), 3.0);
  EXPECT_DOUBLE_EQ(sum.variance(), 3.0);
  const auto q = sum.quantiles({0.5, 0.95, 0.999});
  EXPECT_NEAR(boost::math::gamma_p(3.0, q[0]), 0.5, 2e-4);
  EXPECT_NEAR(boost::math::gamma_p(3.0, q[1]), 0.95, 2e-4);
  EXPECT_NEAR(boost::math::gamma_p(3.0, q[2]), 0.999, 2e-5);
}

// Exp(1) + Exp(4) is hypoexponential: F(t) = 1 - (4 e^{-t} - e^{-4t}) / 3.
TEST(LatencySum, TwoDifferentStationsConvolveToTheHypoexponential) {
  LatencySum sum;
  sum.add_service(Distribution::exponential(1.0));
  sum.add_service(Distribution::exponential(0.25));
  const auto q = sum.quantiles({0.5, 0.9, 0.99});
  const auto cdf = [](double t) { return 1.0 - (4.0 * std::exp(-t) - std::exp(-4.0 * t)) / 3.0; };
  EXPECT_NEAR(cdf(q[0]), 0.5, 2e-4);
  EXPECT_NEAR(cdf(q[1]), 0.9, 2e-4);
  EXPECT_NEAR(cdf(q[2]), 0.99, 5e-5);
}

// Half a visit of a fixed 1 s: X is 0 or 1 with probability 1/2 each; mean 0.5, variance 0.25.
TEST(LatencySum, FractionalVisitCountsMixTwoWholeCounts) {
  LatencySum sum;
  sum.add_service(Distribution::deterministic(1.0), 0.5);
  EXPECT_DOUBLE_EQ(sum.mean(), 0.5);
  EXPECT_DOUBLE_EQ(sum.variance(), 0.25);
  const auto q = sum.quantiles({0.25, 0.9});
  EXPECT_LT(q[0], 0.01);
  EXPECT_NEAR(q[1], 1.0, 0.01);
}

// Lognormal quantile: exp(mu + sigma z_p) with sigma^2 = ln(1 + scv), mu = ln(m) - sigma^2/2;
// z_0.95 = 1.6448536269514722.
TEST(LatencySum, LognormalServiceQuantileMatchesItsClosedForm) {
  const Distribution lognormal{DistributionKind::lognormal, 0.010, 0.5, {}};
  const auto p = sojourn_percentiles(WaitingTimeDistribution{}, lognormal);
  const double sigma = std::sqrt(std::log(1.5));
  const double mu = std::log(0.010) - 0.5 * sigma * sigma;
  EXPECT_NEAR(p.p50, std::exp(mu), std::exp(mu) * 1e-3);
  const double p95 = std::exp(mu + sigma * 1.6448536269514722);
  EXPECT_NEAR(p.p95, p95, p95 * 1e-3);
}

// A fixed 20 ms repeated twice is exactly 40 ms at every percentile (up to half a grid cell).
TEST(LatencySum, DeterministicPartsAddExactly) {
  LatencySum sum;
  sum.add_service(Distribution::deterministic(0.020), 2.0);
  const auto p = sum.percentiles();
  EXPECT_NEAR(p.p50, 0.040, 0.040 * 2e-3);
  EXPECT_NEAR(p.p999, 0.040, 0.040 * 2e-3);
}

}  // namespace
}  // namespace kendall::model

namespace kendall::model {
namespace {

// An equal mixture of Exp(1) and Exp(1/2) (means 1 and 2) has P(X > t) = (e^{-t} + e^{-t/2})/2;
// at t = 2 ln 10 that is (0.01 + 0.1)/2 = 0.055, so the 0.945 quantile is 2 ln 10.
// The M/M/2 stretch of 4 workers on 2 cores at ρ 0.5 (time_shared_test.cpp): E[F] = 1.25,
// c_F² = 0.09333. Widened for constant work to holds of SCV 0.25, by hand: the mean stays 1.25
// and c_F'² = 0.25, each factor spread by δ = √(1.25 / 1.09333 − 1) = 0.3785, the lowest of
// them 1 − 0.3785 × 1.2816 / 0.8758 = 0.446.
TEST(Stretch, WidenedToAHoldScvKeepsItsMean) {
  const std::vector<Stretch> shared{{2.0 / 3, 1.0}, {1.0 / 6, 1.5}, {1.0 / 6, 2.0}};
  const std::vector<Stretch> widened = widened_stretch(shared, 0.0, 0.25);
  ASSERT_EQ(widened.size(), 15u);
  double weight = 0, mean = 0, square = 0;
  for (const Stretch& share : widened) {
    weight += share.weight;
    mean += share.weight * share.factor;
    square += share.weight * share.factor * share.factor;
    EXPECT_GT(share.factor, 0.446);
  }
  EXPECT_NEAR(weight, 1, 1e-12);
  EXPECT_NEAR(mean, 1.25, 1e-9);
  EXPECT_NEAR(square / (mean * mean) - 1, 0.25, 1e-6);
  EXPECT_NEAR(widened.front().factor, 1 - 0.3785 * 1.2815516 / 0.8757557, 1e-4);
  // Already as spread (1.05 × 1.09333 = 1.148 > 1.10): unchanged. No stretch at all (a worker
  // per core): the work's own, spread by δ = 0.2 for holds of SCV 0.04.
  EXPECT_EQ(widened_stretch(shared, 0.05, 0.10).size(), 3u);
  const std::vector<Stretch> alone = widened_stretch({}, 0.0, 0.04);
  ASSERT_EQ(alone.size(), 5u);
  EXPECT_NEAR(alone.back().factor - 1, 0.2 * 1.2815516 / 0.8757557, 1e-6);
}

TEST(LatencyGrid, MixtureQuantileInvertsTheMixedCdf) {
  LatencySum fast;
  fast.add_service(Distribution::exponential(1.0));
  LatencySum slow;
  slow.add_service(Distribution::exponential(2.0));
  const LatencyGrid a = fast.grid();
  const LatencyGrid b = slow.grid();
  const double q = LatencyGrid::mixture_quantile({&a, &b}, {0.5, 0.5}, 0.945);
  EXPECT_NEAR(q, 2.0 * std::log(10.0), 2.0 * std::log(10.0) * 1e-3);
  EXPECT_NEAR(a.cdf(std::log(2.0)), 0.5, 1e-4);
}

// Nine tenths Exp(1), one tenth Exp(1) delayed by 10: below 10, P(X > t) = 0.9 e^{-t} + 0.1, so
// the median is ln(9/4); above it 0.9 e^{-t} + 0.1 e^{-(t-10)}, whose 0.95 point is 10 + ln 2
// (the first term is 2e-5 there: 10.6935 with it).
TEST(LatencyGrid, MixtureQuantileShiftsEachPartByItsDelay) {
  LatencySum one;
  one.add_service(Distribution::exponential(1.0));
  const LatencyGrid a = one.grid();
  EXPECT_NEAR(LatencyGrid::mixture_quantile({&a, &a}, {0.9, 0.1}, 0.5, {0.0, 10.0}),
              std::log(9.0 / 4.0), 2e-3);
  EXPECT_NEAR(LatencyGrid::mixture_quantile({&a, &a}, {0.9, 0.1}, 0.95, {0.0, 10.0}), 10.6935,
              1e-2);
}

}  // namespace
}  // namespace kendall::model

namespace kendall::model {
namespace {

// An equal mix of Erlang(1, 2) and Erlang(3, 2) waits, always waiting: the mean is
// (1/2 + 3/2)/2 = 1, and P(W <= 1) = (P(1, 2) + P(3, 2))/2 with the regularized gamma P.
TEST(LatencySum, SameRateErlangMixtureMatchesTheGammaFunction) {
  const WaitingTimeDistribution wait{1.0, {ErlangTerm{0.5, 1, 2.0}, ErlangTerm{0.5, 3, 2.0}}};
  EXPECT_DOUBLE_EQ(wait.mean(), 1.0);
  LatencySum sum;
  sum.add_sojourn(wait, Distribution::deterministic(0.0));
  const double expected_median_cdf =
      0.5 * (boost::math::gamma_p(1.0, 2.0) + boost::math::gamma_p(3.0, 2.0));
  EXPECT_NEAR(sum.grid().cdf(1.0), expected_median_cdf, 1e-3);
}

}  // namespace
}  // namespace kendall::model
