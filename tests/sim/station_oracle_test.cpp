// Single stations against closed-form queueing results: the exact value must lie inside the
// simulator's 95% confidence interval. Oracles are written out in each test: M/M/1 and M/M/c
// (Erlang C), M/M/c/K (the birth–death p_n), M/G/1 (Pollaczek–Khinchine), M/M/∞.
// Formulas: Kleinrock, Queueing Systems vol. 1 (1975), §3.2–3.7 and eq. 5.86 (P-K);
// Gross et al., Fundamentals of Queueing Theory, 4th ed., §2.2–2.5.
#include <cmath>

#include <gtest/gtest.h>

#include "kendall/sim/simulate.hpp"
#include "sim/systems.hpp"

namespace kendall::sim {
namespace {

using testing::mmc;
using testing::replicated;

// Erlang C written out: C(c, a) = (a^c/c!)/(1−ρ) / (Σ_{k<c} a^k/k! + (a^c/c!)/(1−ρ)).
double erlang_c_textbook(int c, double a) {
  const double rho = a / c;
  double term = 1;  // a^k / k!
  double sum = 0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double tail = term / (1 - rho);
  return tail / (sum + tail);
}

TEST(MM1, MeanResponseTimeMatchesOneOverMuMinusLambda) {
  // λ = 0.8, μ = 1, ρ = 0.8: R = 1/(μ − λ) = 5, L = ρ/(1 − ρ) = 4, U = ρ.
  const auto result = simulate(mmc(0.8, 1.0, 1), replicated(200'000, 10, 11));
  EXPECT_TRUE(result.classes[0].response_time.contains(5.0))
      << result.classes[0].response_time.mean << " ± "
      << result.classes[0].response_time.half_width;
  EXPECT_LT(result.classes[0].response_time.half_width, 0.05 * 5.0);  // the test has teeth
  EXPECT_TRUE(result.services[0].utilization->contains(0.8))
      << result.services[0].utilization->mean;
  EXPECT_TRUE(result.services[0].mean_number_in_system.contains(4.0))
      << result.services[0].mean_number_in_system.mean;
  EXPECT_TRUE(result.classes[0].throughput.contains(0.8)) << result.classes[0].throughput.mean;
}

// GI/M/1 (Kleinrock vol. 1 §6.4): R = 1 / (μ(1 − σ)), σ the root in (0, 1) of σ = A*(μ − μσ),
// A* the gaps' Laplace transform; solved outside the repository by fixed-point iteration. λ 0.7,
// μ 1. Balanced-means H2 gaps of SCV 4 (p₁ = (1 + √(3/5))/2, rates 2p_i λ): σ = 0.847864,
// R = 6.5731. Erlang-2 gaps (SCV 0.5): σ = 0.615477, R = 2.6006.
TEST(GIM1, BurstyAndRegularArrivalsMatchTheExactResponseTime) {
  model::System bursty = mmc(0.7, 1.0, 1);
  bursty.classes[0].arrival_scv = 4;
  const auto h2 = simulate(bursty, replicated(200'000, 10, 21));
  EXPECT_TRUE(h2.classes[0].response_time.contains(6.5731))
      << h2.classes[0].response_time.mean << " ± " << h2.classes[0].response_time.half_width;
  EXPECT_LT(h2.classes[0].response_time.half_width, 0.05 * 6.5731);
  EXPECT_TRUE(h2.classes[0].throughput.contains(0.7)) << h2.classes[0].throughput.mean;

  model::System regular = mmc(0.7, 1.0, 1);
  regular.classes[0].arrival_scv = 0.5;
  const auto e2 = simulate(regular, replicated(200'000, 10, 22));
  EXPECT_TRUE(e2.classes[0].response_time.contains(2.6006))
      << e2.classes[0].response_time.mean << " ± " << e2.classes[0].response_time.half_width;
  EXPECT_LT(e2.classes[0].response_time.half_width, 0.05 * 2.6006);
}

TEST(MM1, BatchMeansIntervalOfOneLongRunCoversTheExactMean) {
  // Same oracle, R = 1: the interval comes from 20 batch means of a single run.
  SimulationOptions o;
  o.requests = 2'000'000;
  o.warmup_requests = 100'000;
  o.seed = 12;
  const auto result = simulate(mmc(0.8, 1.0, 1), o);
  EXPECT_NE(result.interval_method.find("batch means"), std::string::npos);
  EXPECT_TRUE(result.classes[0].response_time.contains(5.0))
      << result.classes[0].response_time.mean << " ± "
      << result.classes[0].response_time.half_width;
  EXPECT_GT(result.classes[0].response_time.half_width, 0.0);
}

TEST(MM1, Percentile95IsMinusLogFivePercentOverMuMinusLambda) {
  // The M/M/1 FCFS response time is exponential with rate μ − λ (Kleinrock eq. 3.28), so
  // p95 = −ln(0.05)/(μ − λ) = 14.9787 and p50 = ln 2/(μ − λ) = 3.4657. Tolerance: the
  // histogram's 0.39% plus about 2% of sampling error for 2 million correlated samples.
  const auto result = simulate(mmc(0.8, 1.0, 1), replicated(200'000, 10, 13));
  const auto& p = result.classes[0].percentiles;
  EXPECT_NEAR(p.p95, -std::log(0.05) / 0.2, 0.025 * 14.9787);
  EXPECT_NEAR(p.p50, std::log(2.0) / 0.2, 0.025 * 3.4657);
  EXPECT_NEAR(p.p99, -std::log(0.01) / 0.2, 0.04 * 23.0259);
}

TEST(MMc, TwoServersMatchErlangC) {
  // λ = 9, μ = 5, c = 2: a = 1.8, ρ = 0.9, C(2, 1.8) = 16.2/19, W_q = C/(cμ − λ),
  // R = W_q + 1/μ = 20/19 = 1.052631578947.
  const double c = erlang_c_textbook(2, 1.8);
  EXPECT_NEAR(c, 16.2 / 19.0, 1e-12);
  const double exact = c / (2 * 5.0 - 9.0) + 1 / 5.0;
  EXPECT_NEAR(exact, 1.052631578947, 1e-12);
  const auto result = simulate(mmc(9.0, 5.0, 2), replicated(400'000, 10, 21));
  EXPECT_TRUE(result.classes[0].response_time.contains(exact))
      << result.classes[0].response_time.mean << " ± "
      << result.classes[0].response_time.half_width;
  EXPECT_TRUE(result.services[0].utilization->contains(0.9));
}

TEST(MMc, EightServersMatchErlangC) {
  // λ = 6.4, μ = 1, c = 8: ρ = 0.8.
  const double exact = erlang_c_textbook(8, 6.4) / (8 - 6.4) + 1.0;
  const auto result = simulate(mmc(6.4, 1.0, 8), replicated(200'000, 10, 22));
  EXPECT_TRUE(result.classes[0].response_time.contains(exact))
      << exact << " vs " << result.classes[0].response_time.mean << " ± "
      << result.classes[0].response_time.half_width;
}

TEST(MMcK, BlockingProbabilityMatchesTheBirthDeathSolution) {
  // c = 2 workers, queue_limit 3 (K = 5), λ = 3, μ = 1 (a = 3, overloaded but finite).
  // p_n ∝ a^n/n! for n ≤ c and a^n/(c! c^(n−c)) for c < n ≤ K; blocking = p_K (PASTA).
  const int c = 2, k_max = 5;
  const double a = 3.0;
  std::vector<double> p(k_max + 1);
  double term = 1;
  for (int n = 0; n <= k_max; ++n) {
    p[n] = term;
    term *= a / std::min(n + 1, c);
  }
  double total = 0;
  for (double x : p)
    total += x;
  double mean_in_system = 0;
  for (int n = 0; n <= k_max; ++n)
    mean_in_system += n * p[n] / total;
  const double blocking = p[k_max] / total;
  const double response = mean_in_system / (a * (1 - blocking));  // Little on admitted requests

  auto system = mmc(3.0, 1.0, 2);
  system.services[0].queue_limit = 3;
  const auto result = simulate(system, replicated(200'000, 10, 31));
  EXPECT_TRUE(result.classes[0].rejection_probability.contains(blocking))
      << blocking << " vs " << result.classes[0].rejection_probability.mean;
  EXPECT_TRUE(result.classes[0].response_time.contains(response))
      << response << " vs " << result.classes[0].response_time.mean;
  EXPECT_TRUE(result.services[0].mean_number_in_system.contains(mean_in_system));
  EXPECT_GT(result.classes[0].rejected, 0u);
  EXPECT_EQ(result.classes[0].rejected, result.services[0].rejected);
}

TEST(MMcK, QueueLimitZeroIsErlangLoss) {
  // No waiting room: blocking is Erlang B, B(3, 2) = (8/6)/(1 + 2 + 2 + 8/6) = 4/19.
  auto system = mmc(2.0, 1.0, 3);
  system.services[0].queue_limit = 0;
  const auto result = simulate(system, replicated(100'000, 10, 32));
  EXPECT_TRUE(result.services[0].rejection_probability.contains(4.0 / 19.0))
      << result.services[0].rejection_probability.mean;
  EXPECT_TRUE(result.classes[0].response_time.contains(1.0));  // nobody waits
}

TEST(MG1, DeterministicServiceMatchesPollaczekKhinchine) {
  // M/D/1, λ = 0.5, S = 1: W_q = λE[S²]/(2(1 − ρ)) = 0.5, R = 1.5.
  auto system =
      testing::system_of({testing::queue_service("disk", Distribution::deterministic(1.0))},
                         {testing::open_class("io", 0.5, {testing::visit(0)})});
  const auto result = simulate(system, replicated(100'000, 10, 41));
  EXPECT_TRUE(result.classes[0].response_time.contains(1.5))
      << result.classes[0].response_time.mean;
}

TEST(MG1, VisitOverrideWithHyperexponentialServiceMatchesPollaczekKhinchine) {
  // The class overrides the service's time with H2(mean 1, SCV 4): E[S²] = (1 + 4)·1 = 5,
  // λ = 0.5: W_q = 0.5·5/(2·0.5) = 2.5, R = 3.5.
  auto system =
      testing::system_of({testing::queue_service("cpu", Distribution::deterministic(9.0))},
                         {testing::open_class("jobs", 0.5, {testing::visit(0)})});
  system.classes[0].visits[0].service_time = Distribution::from_moments(1.0, 4.0);
  const auto result = simulate(system, replicated(400'000, 10, 42));
  EXPECT_TRUE(result.classes[0].response_time.contains(3.5))
      << result.classes[0].response_time.mean;
}

TEST(DelayService, MeanResponseIsTheServiceMean) {
  // M/G/∞: no queueing, so R = E[S] = 0.2 and L = λE[S] = 1 for any service distribution.
  Distribution lognormal{DistributionKind::lognormal, 0.2, 2.0, {}};
  auto system = testing::system_of({testing::delay_service("network", lognormal)},
                                   {testing::open_class("calls", 5.0, {testing::visit(0)})});
  const auto result = simulate(system, replicated(100'000, 10, 51));
  EXPECT_TRUE(result.classes[0].response_time.contains(0.2))
      << result.classes[0].response_time.mean;
  EXPECT_TRUE(result.services[0].mean_number_in_system.contains(1.0));
  EXPECT_FALSE(result.services[0].utilization.has_value());
}

}  // namespace
}  // namespace kendall::sim
