// Erlang B/C, M/M/1, M/M/c and M/M/inf against published tables and closed forms. Every test
// names its oracle; "research file Tn" is /work/shared/research/anchors-model.md §4.
#include "kendall/model/station.hpp"

#include "kendall/base/error.hpp"

#include <cmath>

#include <gtest/gtest.h>
#include <boost/math/special_functions/gamma.hpp>

namespace kendall::model {
namespace {

StationInput markovian(double arrival_rate, double service_rate, int servers = 1) {
  StationInput input;
  input.arrival_rate = arrival_rate;
  input.service = Distribution::exponential(1.0 / service_rate);
  input.servers = servers;
  return input;
}

/// Erlang B from the Poisson distribution, B = P(N = c) / P(N <= c) with N ~ Poisson(a), through
/// Boost's incomplete gamma (Temme's asymptotics at large c): a second implementation that shares
/// nothing with the recursion under test.
double erlang_b_by_incomplete_gamma(int c, double a) {
  const double x = c + 1.0;
  return boost::math::gamma_p_derivative(x, a) / boost::math::gamma_q(x, a);
}

// Research file T3: Erlang B(48 Erl, 55) = 0.0383742807 (Octave erlangb, lgamma form, recursion).
TEST(ErlangB, MatchesTheCallCentreTableAt55Servers) {
  EXPECT_NEAR(erlang_b(55, 48.0), 0.0383742807, 1e-10);
}

// B(0, a) = 1 (no server: every call is lost); B(1, a) = a / (1 + a) (Kleinrock Vol. 1 §3.7).
TEST(ErlangB, FollowsTheOneServerClosedForm) {
  EXPECT_DOUBLE_EQ(erlang_b(0, 3.0), 1.0);
  EXPECT_NEAR(erlang_b(1, 3.0), 0.75, 1e-15);
  EXPECT_DOUBLE_EQ(erlang_b(5, 0.0), 0.0);
}

// The Poisson-ratio form through Boost's incomplete gamma, at sizes where a^c/c! overflows.
TEST(ErlangB, AgreesWithTheIncompleteGammaFormAtLargeSizes) {
  for (const auto& [c, a] : {std::pair{1000, 950.0}, {100000, 99990.0}, {10000, 11000.0}}) {
    const double expected = erlang_b_by_incomplete_gamma(c, a);
    EXPECT_NEAR(erlang_b(c, a), expected, 1e-10 * expected) << c << " servers, " << a << " Erl";
  }
}

// Research file T1 and T2: C(2, 1.8) = 81/95 exactly; C(4, 1.8) = 0.128533646782.
TEST(ErlangC, MatchesTheClosedFormsForTwoAndFourServers) {
  EXPECT_NEAR(erlang_c(2, 1.8), 81.0 / 95.0, 1e-12);
  EXPECT_NEAR(erlang_c(4, 1.8), 0.128533646782, 1e-12);
}

// Research file T3: the call centre with A = 48 Erl on 55 agents waits with probability
// 0.238700936378 (Octave erlangc = lgamma form = recursion, to 1e-12).
TEST(ErlangC, MatchesPublishedTableAt55Servers) {
  EXPECT_NEAR(erlang_c(55, 48.0), 0.238700936378, 1e-12);
}

// Research file T22: C(1000, 950) = 0.0682534153771 and C(100000, 95000) = 1.7174262659e-58 —
// the cases that overflow a factorial form.
TEST(ErlangC, StaysExactAtOneHundredThousandServers) {
  EXPECT_NEAR(erlang_c(1000, 950.0), 0.0682534153771, 1e-12);
  EXPECT_NEAR(erlang_c(100000, 95000.0), 1.7174262659e-58, 1e-10 * 1.7174262659e-58);
}

// A load a ≥ c has no stable queue; the message says what to add (house rule 4).
TEST(ErlangC, RejectsALoadAtOrAboveTheServerCount) {
  try {
    erlang_c(4, 4.0);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("add servers (at least 5)"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(erlang_c(0, 0.0), InputError);
  EXPECT_THROW(erlang_b(2, -1.0), InputError);
  EXPECT_THROW(erlang_b(20'000'000, 1.0), InputError);
}

// Research file T1: M/M/2, λ = 9, μ = 5: C = 81/95, R = 20/19, L_q = 7.673684210526 (exact).
TEST(MMcStation, MatchesTheClosedFormForTwoServers) {
  const auto m = solve_station(QueueModel::mmc, markovian(9, 5, 2));
  ASSERT_TRUE(m.stable);
  EXPECT_EQ(m.method, "exact (Erlang C)");
  EXPECT_NEAR(*m.probability_of_waiting, 81.0 / 95.0, 1e-9);
  EXPECT_NEAR(*m.mean_response_time, 20.0 / 19.0, 1e-9);
  EXPECT_NEAR(*m.mean_queue_length, 7.673684210526, 1e-9);
  EXPECT_NEAR(m.utilization, 0.9, 1e-12);
  EXPECT_NEAR(m.offered_load, 1.8, 1e-12);
}

// Research file T2: M/M/4, λ = 9, μ = 5: R = 0.211684876980, L_q = 0.105163892822.
TEST(MMcStation, MatchesTheClosedFormForFourServers) {
  const auto m = solve_station(QueueModel::mmc, markovian(9, 5, 4));
  EXPECT_NEAR(*m.probability_of_waiting, 0.128533646782, 1e-9);
  EXPECT_NEAR(*m.mean_response_time, 0.211684876980, 1e-9);
  EXPECT_NEAR(*m.mean_queue_length, 0.105163892822, 1e-9);
}

// Research file T3: 360 calls per 30 min (0.2/s), 4 min each, 55 agents: W_q = 8.184032 s, and
// the service level P(W <= 15 s) = 0.845883 from the exponential conditional wait.
TEST(MMcStation, MatchesTheCallCentreWalkthrough) {
  StationInput input;
  input.arrival_rate = 0.2;
  input.service = Distribution::exponential(240.0);
  input.servers = 55;
  const auto m = solve_station(QueueModel::mmc, input);
  EXPECT_NEAR(*m.mean_waiting_time, 8.184032, 1e-6);
  const auto& w = *m.waiting_time;
  ASSERT_EQ(w.terms.size(), 1u);
  const double service_level = 1.0 - w.probability_of_waiting * std::exp(-w.terms[0].rate * 15.0);
  EXPECT_NEAR(service_level, 0.845883, 1e-6);
  // Research file T6 for T3: T95 = 728.3387 s.
  EXPECT_NEAR(m.response_time_percentiles->p95, 728.3387, 1e-4);
}

// Research file T6: M/M/c response-time quantiles from P(T>t) = e^{-μt}[1 + Cμ/δ(1 - e^{-δt})]:
// (9, 5, 2): T95 = 3.059448, T99 = 4.668886; (9, 5, 4): T95 = 0.619025, T99 = 0.941317.
TEST(MMcStation, ResponsePercentilesMatchTheClosedForm) {
  const auto two = solve_station(QueueModel::mmc, markovian(9, 5, 2));
  EXPECT_NEAR(two.response_time_percentiles->p95, 3.059448, 1e-6);
  EXPECT_NEAR(two.response_time_percentiles->p99, 4.668886, 1e-6);
  const auto four = solve_station(QueueModel::mmc, markovian(9, 5, 4));
  EXPECT_NEAR(four.response_time_percentiles->p95, 0.619025, 1e-6);
  EXPECT_NEAR(four.response_time_percentiles->p99, 0.941317, 1e-6);
  EXPECT_NE(two.percentile_method.find("exact"), std::string::npos);
}

// δ = (c-1)μ - λ = 0 is the removable singularity of the T6 formula, where
// P(T>t) = e^{-μt}(1 + Cμt). With λ = 5, μ = 5, c = 2 (a = 1): C = 1/3 (T1-style closed form:
// B(2,1) = 1/5, C = B/(1 - ρ(1-B)) = (1/5)/(3/5)), so P(T>t) = e^{-5t}(1 + 5t/3). The quantile
// must put the tail at exactly 1 - p, and match the neighbouring δ ≠ 0 cases continuously.
TEST(MMcStation, ResponsePercentilesSurviveTheEqualRatesLimit) {
  const auto m = solve_station(QueueModel::mmc, markovian(5, 5, 2));
  const double t95 = m.response_time_percentiles->p95;
  EXPECT_NEAR(std::exp(-5 * t95) * (1 + 5 * t95 / 3), 0.05, 1e-12);
  const auto near = solve_station(QueueModel::mmc, markovian(5 * (1 + 1e-9), 5, 2));
  EXPECT_NEAR(near.response_time_percentiles->p95, t95, 1e-7);
}

// For c = 1 the M/M/c formula is M/M/1, whose response time is Exp(μ - λ) (research file T5).
TEST(MMcStation, ReducesToMM1ForOneServer) {
  const auto m = solve_station(QueueModel::mmc, markovian(0.9, 1, 1));
  EXPECT_NEAR(m.response_time_percentiles->p99, 46.051702, 1e-6);
  EXPECT_NEAR(*m.mean_response_time, 10.0, 1e-12);
  // Near saturation |δ|t passes 700, where e^{|δ|t} would overflow: t_p = -ln(1-p)/(μ - λ).
  const auto busy = solve_station(QueueModel::mmc, markovian(0.999, 1, 1));
  EXPECT_NEAR(busy.response_time_percentiles->p999, std::log(1000.0) / 0.001, 1e-12 * 6907.8);
  EXPECT_NEAR(busy.response_time_percentiles->p50, std::log(2.0) / 0.001, 1e-12 * 693.1);
}

// Research file T22 scale, at utilization 0.9999: C(100000, 99990) from the incomplete-gamma
// form; every output finite; the Halfin–Whitt limit (Halfin & Whitt 1981), C ≈ 1 / (1 + β Φ(β) /
// φ(β)) with β = (c - a)/√a = 0.0316, gives 0.961 to O(1/√c).
TEST(MMcStation, StaysFiniteAndSaneAtOneHundredThousandServers) {
  const auto m = solve_station(QueueModel::mmc, markovian(99990, 1, 100000));
  ASSERT_TRUE(m.stable);
  const double b = erlang_b_by_incomplete_gamma(100000, 99990);
  const double rho = 0.9999;
  EXPECT_NEAR(*m.probability_of_waiting, b / (1 - rho * (1 - b)), 1e-9);
  EXPECT_NEAR(*m.probability_of_waiting, 0.961, 0.01);
  EXPECT_NEAR(*m.mean_waiting_time, *m.probability_of_waiting / 10.0, 1e-12);
  const auto& p = *m.response_time_percentiles;
  for (double value : {p.p50, p.p90, p.p95, p.p99, p.p999})
    EXPECT_TRUE(std::isfinite(value) && value > 0);
  EXPECT_LT(p.p50, p.p90);
  EXPECT_LT(p.p99, p.p999);
}

// Research file T5: M/M/1, λ = 0.9, μ = 1: R = 10, p50 = 6.931472, p95 = 29.957323,
// p99 = 46.051702 (= -ln(1-p)/(μ-λ)).
TEST(MM1Station, MatchesTheClosedFormMeansAndPercentiles) {
  const auto m = solve_station(QueueModel::mm1, markovian(0.9, 1));
  ASSERT_TRUE(m.stable);
  EXPECT_NEAR(*m.mean_response_time, 10.0, 1e-12);
  EXPECT_NEAR(*m.mean_waiting_time, 9.0, 1e-12);
  EXPECT_NEAR(*m.mean_number_in_system, 9.0, 1e-12);
  EXPECT_NEAR(*m.mean_queue_length, 8.1, 1e-12);
  EXPECT_NEAR(*m.probability_of_waiting, 0.9, 1e-15);
  const auto& p = *m.response_time_percentiles;
  EXPECT_NEAR(p.p50, 6.931472, 1e-6);
  EXPECT_NEAR(p.p95, 29.957323, 1e-6);
  EXPECT_NEAR(p.p99, 46.051702, 1e-6);
  EXPECT_NEAR(p.p999, 10.0 * std::log(1000.0), 1e-9);
  // The wait of M/M/1: P(wait) = ρ, then Exp(μ - λ) (Kleinrock Vol. 1 §3.2).
  ASSERT_EQ(m.waiting_time->terms.size(), 1u);
  EXPECT_NEAR(m.waiting_time->terms[0].rate, 0.1, 1e-12);
  EXPECT_NEAR(m.waiting_time->mean(), 9.0, 1e-12);
}

// Stability condition ρ < 1 (Kleinrock Vol. 1 §3.2): at λ = 120/s against 100/s there is no
// steady state, so latencies are absent (not NaN, not infinite) and the reason is spelled out.
TEST(MM1Station, ReportsSaturationInsteadOfLatencies) {
  StationInput input;
  input.arrival_rate = 120;
  input.service = Distribution::exponential(0.01);
  const auto m = solve_station(QueueModel::mm1, input);
  EXPECT_FALSE(m.stable);
  EXPECT_EQ(m.saturation, "arrival rate 120/s exceeds capacity 100/s (utilization 1.2)");
  EXPECT_FALSE(m.mean_response_time);
  EXPECT_FALSE(m.mean_waiting_time);
  EXPECT_FALSE(m.mean_number_in_system);
  EXPECT_FALSE(m.mean_queue_length);
  EXPECT_FALSE(m.response_time_percentiles);
  EXPECT_FALSE(m.waiting_time);
  EXPECT_DOUBLE_EQ(m.throughput, 100.0);  // completions at full speed
  EXPECT_NEAR(m.offered_load, 1.2, 1e-12);
  EXPECT_NEAR(m.utilization, 1.2, 1e-12);  // demanded, so sweeps show how far past saturation
}

// At ρ = 1 exactly the M/M/c queue is null-recurrent: still no steady state (Kleinrock §3.5).
TEST(MMcStation, TreatsUtilizationOneAsUnstable) {
  const auto m = solve_station(QueueModel::mmc, markovian(10, 5, 2));
  EXPECT_FALSE(m.stable);
  EXPECT_EQ(m.saturation, "arrival rate 10/s equals capacity 10/s (utilization 1)");
  EXPECT_FALSE(m.mean_response_time);
}

// M/M/inf (Kleinrock Vol. 1 §3.4): nobody waits, R = E[S], L = a, and the response time is the
// exponential service time, t_p = -ln(1-p) E[S].
TEST(MMInfStation, IsTheServiceTimeAlone) {
  StationInput input;
  input.arrival_rate = 50;
  input.service = Distribution::exponential(0.2);
  const auto m = solve_station(QueueModel::mminf, input);
  ASSERT_TRUE(m.stable);
  EXPECT_DOUBLE_EQ(*m.mean_response_time, 0.2);
  EXPECT_DOUBLE_EQ(*m.mean_waiting_time, 0.0);
  EXPECT_NEAR(*m.mean_number_in_system, 10.0, 1e-12);
  EXPECT_DOUBLE_EQ(*m.probability_of_waiting, 0.0);
  EXPECT_DOUBLE_EQ(m.waiting_time->probability_of_waiting, 0.0);
  EXPECT_NEAR(m.response_time_percentiles->p50, 0.2 * std::log(2.0), 1e-12);
  EXPECT_NEAR(m.response_time_percentiles->p99, 0.2 * std::log(100.0), 1e-12);
}

}  // namespace
}  // namespace kendall::model
