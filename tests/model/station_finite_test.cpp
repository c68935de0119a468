// M/M/c/K against hand-derived state probabilities, Erlang B and the M/M/c limit. "Research file
// Tn" is /work/shared/research/anchors-model.md §4.
#include <cmath>

#include <gtest/gtest.h>

#include "kendall/model/station.hpp"

namespace kendall::model {
namespace {

StationInput finite(double arrival_rate, double service_rate, int servers, int capacity) {
  StationInput input;
  input.arrival_rate = arrival_rate;
  input.service = Distribution::exponential(1.0 / service_rate);
  input.servers = servers;
  input.capacity = capacity;
  return input;
}

// M/M/1/K with ρ ≠ 1: p_n = (1-ρ)ρ^n / (1-ρ^{K+1}) (Kleinrock Vol. 1 §3.6). λ = 1, μ = 2, K = 3:
// p = (8, 4, 2, 1)/15, so P_K = 1/15, L = 11/15, L_q = 4/15, λ_eff = 14/15, R = 11/14,
// W_q = 2/7, P(wait | admitted) = (p1 + p2)/(1 - p3) = 3/7, utilization 1 - p0 = 7/15.
TEST(MMcKStation, MatchesTheOneServerClosedForm) {
  const auto m = solve_station(QueueModel::mmck, finite(1, 2, 1, 3));
  ASSERT_TRUE(m.stable);
  EXPECT_NEAR(*m.probability_of_blocking, 1.0 / 15, 1e-14);
  EXPECT_NEAR(*m.mean_number_in_system, 11.0 / 15, 1e-14);
  EXPECT_NEAR(*m.mean_queue_length, 4.0 / 15, 1e-14);
  EXPECT_NEAR(m.throughput, 14.0 / 15, 1e-14);
  EXPECT_NEAR(*m.mean_response_time, 11.0 / 14, 1e-14);
  EXPECT_NEAR(*m.mean_waiting_time, 2.0 / 7, 1e-14);
  EXPECT_NEAR(*m.probability_of_waiting, 3.0 / 7, 1e-14);
  EXPECT_NEAR(m.utilization, 7.0 / 15, 1e-14);
  EXPECT_NEAR(m.offered_load, 0.5, 1e-15);
}

// The same chain: an admitted arrival finds 1 present with probability (4/15)/(14/15) = 2/7 and
// waits Erlang(1, 2), or finds 2 with probability 1/7 and waits Erlang(2, 2). Given that it
// waits, the weights are 2/3 and 1/3 (PASTA, conditioned on admission).
TEST(MMcKStation, WaitingTimeIsTheErlangMixtureSeenOnArrival) {
  const auto m = solve_station(QueueModel::mmck, finite(1, 2, 1, 3));
  const auto& w = *m.waiting_time;
  EXPECT_NEAR(w.probability_of_waiting, 3.0 / 7, 1e-14);
  ASSERT_EQ(w.terms.size(), 2u);
  EXPECT_EQ(w.terms[0].phases, 1);
  EXPECT_NEAR(w.terms[0].weight, 2.0 / 3, 1e-14);
  EXPECT_DOUBLE_EQ(w.terms[0].rate, 2.0);
  EXPECT_EQ(w.terms[1].phases, 2);
  EXPECT_NEAR(w.terms[1].weight, 1.0 / 3, 1e-14);
  EXPECT_NEAR(w.mean(), *m.mean_waiting_time, 1e-14);
}

// M/M/1/K with ρ = 1: every state equally likely, p_n = 1/(K+1) (Kleinrock Vol. 1 §3.6, the
// limit of the closed form). λ = μ = 1, K = 4: P_K = 0.2, L = 2, L_q = 1.2, λ_eff = 0.8,
// R = 2.5, W_q = 1.5, P(wait | admitted) = 0.6/0.8 = 0.75.
TEST(MMcKStation, MatchesTheOneServerClosedFormAtUtilizationOne) {
  const auto m = solve_station(QueueModel::mmck, finite(1, 1, 1, 4));
  EXPECT_NEAR(*m.probability_of_blocking, 0.2, 1e-14);
  EXPECT_NEAR(*m.mean_number_in_system, 2.0, 1e-14);
  EXPECT_NEAR(*m.mean_queue_length, 1.2, 1e-14);
  EXPECT_NEAR(*m.mean_response_time, 2.5, 1e-14);
  EXPECT_NEAR(*m.mean_waiting_time, 1.5, 1e-14);
  EXPECT_NEAR(*m.probability_of_waiting, 0.75, 1e-14);
}

// Overload is stable with finite room. M/M/1/3 with λ = 4, μ = 2 (ρ = 2): p = (1, 2, 4, 8)/15,
// P_K = 8/15, L = 34/15, L_q = 20/15, λ_eff = 28/15, W_q = 5/7, R = 17/14.
TEST(MMcKStation, StaysStableInOverload) {
  const auto m = solve_station(QueueModel::mmck, finite(4, 2, 1, 3));
  ASSERT_TRUE(m.stable);
  EXPECT_TRUE(m.saturation.empty());
  EXPECT_NEAR(*m.probability_of_blocking, 8.0 / 15, 1e-14);
  EXPECT_NEAR(*m.mean_number_in_system, 34.0 / 15, 1e-14);
  EXPECT_NEAR(*m.mean_queue_length, 20.0 / 15, 1e-14);
  EXPECT_NEAR(*m.mean_waiting_time, 5.0 / 7, 1e-14);
  EXPECT_NEAR(*m.mean_response_time, 17.0 / 14, 1e-14);
  EXPECT_NEAR(m.utilization, 14.0 / 15, 1e-14);
}

// Two servers, K = 3, λ = 2, μ = 1 (a = 2, ρ = 1), by hand from q_n = q_{n-1} a / min(n, c):
// q = (1, 2, 2, 2), total 7. P_K = 2/7, L = 12/7, L_q = 2/7, λ_eff = 10/7, W_q = 0.2, R = 1.2,
// utilization λ_eff / (cμ) = 5/7, P(wait | admitted) = (2/7)/(5/7) = 0.4.
TEST(MMcKStation, MatchesAHandSolvedTwoServerChain) {
  const auto m = solve_station(QueueModel::mmck, finite(2, 1, 2, 3));
  EXPECT_NEAR(*m.probability_of_blocking, 2.0 / 7, 1e-14);
  EXPECT_NEAR(*m.mean_number_in_system, 12.0 / 7, 1e-14);
  EXPECT_NEAR(*m.mean_queue_length, 2.0 / 7, 1e-14);
  EXPECT_NEAR(*m.mean_waiting_time, 0.2, 1e-14);
  EXPECT_NEAR(*m.mean_response_time, 1.2, 1e-14);
  EXPECT_NEAR(m.utilization, 5.0 / 7, 1e-14);
  EXPECT_NEAR(*m.probability_of_waiting, 0.4, 1e-14);
}

// K = c is the Erlang loss system: blocking is Erlang B (Kleinrock Vol. 1 §3.7). Research file
// T3: B(48 Erl, 55) = 0.0383742807. Nobody waits.
TEST(MMcKStation, WithNoWaitingRoomBlocksWithErlangB) {
  StationInput input = finite(0.2, 1.0 / 240, 55, 55);
  const auto m = solve_station(QueueModel::mmck, input);
  EXPECT_NEAR(*m.probability_of_blocking, 0.0383742807, 1e-10);
  EXPECT_DOUBLE_EQ(*m.probability_of_waiting, 0.0);
  EXPECT_DOUBLE_EQ(*m.mean_waiting_time, 0.0);
  EXPECT_TRUE(m.waiting_time->terms.empty());
  EXPECT_NEAR(*m.mean_response_time, 240.0, 1e-9);
}

// As K grows the blocked mass ρ^{K-c} vanishes and M/M/c/K becomes M/M/c: research file T1
// (M/M/2, λ = 9, μ = 5; 0.9^400 ≈ 5e-19) and T2 (M/M/4) to 1e-9.
TEST(MMcKStation, ReducesToMMcAsCapacityGrows) {
  const auto two = solve_station(QueueModel::mmck, finite(9, 5, 2, 402));
  EXPECT_NEAR(*two.probability_of_waiting, 81.0 / 95.0, 1e-9);
  EXPECT_NEAR(*two.mean_response_time, 20.0 / 19.0, 1e-9);
  EXPECT_NEAR(*two.mean_queue_length, 7.673684210526, 1e-9);
  EXPECT_LT(*two.probability_of_blocking, 1e-15);
  const auto four = solve_station(QueueModel::mmck, finite(9, 5, 4, 204));
  EXPECT_NEAR(*four.mean_response_time, 0.211684876980, 1e-9);
  EXPECT_NEAR(*four.mean_queue_length, 0.105163892822, 1e-9);
}

// Research file T6 through the limit above: the grid convolution of the exact waiting mixture
// with the service time approaches the exact M/M/c quantiles (T95 = 0.619025, T99 = 0.941317)
// to the grid's resolution (latency.hpp: about 1e-3 relative).
TEST(MMcKStation, PercentilesApproachTheMMcClosedForm) {
  const auto m = solve_station(QueueModel::mmck, finite(9, 5, 4, 100));
  EXPECT_NEAR(m.response_time_percentiles->p95, 0.619025, 0.619025 * 2e-3);
  EXPECT_NEAR(m.response_time_percentiles->p99, 0.941317, 0.941317 * 2e-3);
}

// Sanity at scale (house requirement: 100,000 servers, utilization 0.9999): the chain must not
// overflow; flow balance gives utilization = a (1 - P_K) / c, and Little's law must hold
// between the state-probability L and λ_eff R, which are computed independently.
TEST(MMcKStation, StaysFiniteAtOneHundredThousandServers) {
  const auto m = solve_station(QueueModel::mmck, finite(99990, 1, 100000, 100100));
  ASSERT_TRUE(m.stable);
  for (double value : {*m.mean_response_time, *m.mean_number_in_system, *m.mean_queue_length,
                       *m.probability_of_blocking, *m.probability_of_waiting})
    EXPECT_TRUE(std::isfinite(value));
  EXPECT_GT(*m.probability_of_blocking, 0.0);
  EXPECT_LT(*m.probability_of_blocking, 0.01);
  EXPECT_NEAR(m.utilization, 0.9999 * (1 - *m.probability_of_blocking), 1e-12);
  EXPECT_NEAR(*m.mean_number_in_system, m.throughput * *m.mean_response_time,
              1e-9 * *m.mean_number_in_system);
}

// Deep overload with a big buffer: ρ = 3, K - c = 2000, where ρ^{K-c} = 3^2000 overflows a
// double (past 3^646). Nearly every admitted arrival finds the buffer almost full: blocking
// 1 - 1/ρ to within ρ^{-(K-c)} (flow balance: the servers run flat out, λ_eff = cμ), and the
// wait is about (K - c - 1/2)/(cμ) (the offset below full is geometric with mean 1/(ρ - 1)).
TEST(MMcKStation, HandlesDeepOverloadWithABigBuffer) {
  const auto m = solve_station(QueueModel::mmck, finite(30, 1, 10, 2010));
  EXPECT_NEAR(*m.probability_of_blocking, 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.throughput, 10.0, 1e-10);
  EXPECT_NEAR(*m.mean_waiting_time, (2000 - 0.5) / 10, 1e-9);
  EXPECT_NEAR(*m.mean_number_in_system, m.throughput * *m.mean_response_time,
              1e-12 * *m.mean_number_in_system);
  EXPECT_TRUE(std::isfinite(m.response_time_percentiles->p999));
}

}  // namespace
}  // namespace kendall::model
