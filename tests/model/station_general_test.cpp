// M/G/1, M/D/1 and G/G/c, laws that every model obeys, and input errors. "Research file Tn" is
// /work/shared/research/anchors-model.md §4.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/station.hpp"

namespace kendall::model {
namespace {

StationInput with_service(double arrival_rate, Distribution service, int servers = 1) {
  StationInput input;
  input.arrival_rate = arrival_rate;
  input.service = std::move(service);
  input.servers = servers;
  return input;
}

// Research file T4(a): M/D/1, λ = 0.8, E[S] = 1: P-K gives W_q = ρE[S]/(2(1-ρ)) = 2, R = 3 and
// L = λR = 2.4 (Octave qsmg1 identical).
TEST(MD1Station, MatchesPollaczekKhinchine) {
  const auto m = solve_station(QueueModel::md1, with_service(0.8, Distribution::deterministic(1)));
  ASSERT_TRUE(m.stable);
  EXPECT_NEAR(*m.mean_response_time, 3.0, 1e-12);
  EXPECT_NEAR(*m.mean_number_in_system, 2.4, 1e-12);
  EXPECT_NE(m.method.find("Pollaczek"), std::string::npos);
}

// M/D/1 uses only the mean: the service family passed in is ignored (T4(a) again).
TEST(MD1Station, ImpliesDeterministicServiceWhateverTheInputFamily) {
  const auto m = solve_station(QueueModel::md1, with_service(0.8, Distribution::exponential(1)));
  EXPECT_NEAR(*m.mean_response_time, 3.0, 1e-12);
  // The response time is at least the fixed 1 s of service.
  EXPECT_GE(m.response_time_percentiles->p50, 1.0 - 1e-3);
}

// Research file T4: M/G/1, λ = 0.8, E[S] = 1: deterministic service (E[S²] = 1) R = 3, Q = 2.4;
// exponential (E[S²] = 2) R = 5, Q = 4.
TEST(MG1Station, MatchesPollaczekKhinchineForBothServiceLaws) {
  const auto fixed =
      solve_station(QueueModel::mg1, with_service(0.8, Distribution::deterministic(1)));
  EXPECT_NEAR(*fixed.mean_response_time, 3.0, 1e-12);
  EXPECT_NEAR(*fixed.mean_number_in_system, 2.4, 1e-12);
  const auto exp = solve_station(QueueModel::mg1, with_service(0.8, Distribution::exponential(1)));
  EXPECT_NEAR(*exp.mean_response_time, 5.0, 1e-12);
  EXPECT_NEAR(*exp.mean_number_in_system, 4.0, 1e-12);
  EXPECT_NEAR(*exp.probability_of_waiting, 0.8, 1e-15);
}

// With exponential service the exponential-wait approximation is exact M/M/1 (research file T5:
// λ = 0.9, μ = 1: p50 = 6.931472, p95 = 29.957323, p99 = 46.051702), up to the grid's 1e-3.
TEST(MG1Station, PercentilesAreExactMM1ForExponentialService) {
  const auto m = solve_station(QueueModel::mg1, with_service(0.9, Distribution::exponential(1)));
  const auto& p = *m.response_time_percentiles;
  EXPECT_NEAR(p.p50, 6.931472, 6.931472 * 1e-3);
  EXPECT_NEAR(p.p95, 29.957323, 29.957323 * 1e-3);
  EXPECT_NEAR(p.p99, 46.051702, 46.051702 * 1e-3);
  EXPECT_NE(m.percentile_method.find("approximate"), std::string::npos);
}

// The approximate wait keeps the exact mean: P(wait) = ρ and the exponential has mean W_q/ρ.
// λ = 0.5, lognormal E[S] = 1, SCV 4: W_q = 0.5·1·5/(2·0.5) = 2.5 (P-K).
TEST(MG1Station, WaitingDistributionKeepsThePollaczekKhinchineMean) {
  Distribution service = Distribution::from_moments(1.0, 4.0);
  const auto m = solve_station(QueueModel::mg1, with_service(0.5, service));
  EXPECT_NEAR(*m.mean_waiting_time, 2.5, 1e-12);
  EXPECT_NEAR(m.waiting_time->probability_of_waiting, 0.5, 1e-15);
  EXPECT_NEAR(m.waiting_time->mean(), 2.5, 1e-12);
}

// Research file T21: G/G/2 Allen–Cunneen, λ = 9, μ = 5, c_a² = 1, c_s² = 0.5:
// W_q ≈ W_q(M/M/2)·(1 + 0.5)/2 = 0.852632 × 0.75 = 0.639474 (a formula check, not a truth).
TEST(GGcStation, MatchesTheAllenCunneenFormula) {
  StationInput input = with_service(9, Distribution::from_moments(0.2, 0.5), 2);
  input.scv_arrival = 1.0;
  const auto m = solve_station(QueueModel::ggc, input);
  ASSERT_TRUE(m.stable);
  EXPECT_NEAR(*m.mean_waiting_time, 0.639474, 1e-6);
  EXPECT_NE(m.method.find("Allen–Cunneen approximation (Allen 1990)"), std::string::npos);
  EXPECT_NEAR(*m.probability_of_waiting, 81.0 / 95.0, 1e-9);
  EXPECT_NEAR(m.waiting_time->mean(), 0.639474, 1e-6);
}

// With Poisson arrivals and exponential service, c_a² + c_s² = 2 and Allen–Cunneen is exact
// M/M/c: research file T2 (M/M/4, λ = 9, μ = 5: R = 0.211684876980).
TEST(GGcStation, IsExactForMarkovianInputs) {
  const auto m = solve_station(QueueModel::ggc, with_service(9, Distribution::exponential(0.2), 4));
  EXPECT_NEAR(*m.mean_response_time, 0.211684876980, 1e-12);
}

// D/D/c: no variability, so nobody waits (Allen–Cunneen gives W_q = 0 and we say P(wait) = 0).
TEST(GGcStation, HasNoWaitWithoutVariability) {
  StationInput input = with_service(9, Distribution::deterministic(0.2), 2);
  input.scv_arrival = 0.0;
  const auto m = solve_station(QueueModel::ggc, input);
  EXPECT_DOUBLE_EQ(*m.mean_waiting_time, 0.0);
  EXPECT_DOUBLE_EQ(m.waiting_time->probability_of_waiting, 0.0);
  EXPECT_NEAR(m.response_time_percentiles->p99, 0.2, 1e-3);
}

/// One stable case per model, for the laws below.
std::vector<std::pair<QueueModel, StationInput>> one_case_per_model() {
  StationInput finite = with_service(9, Distribution::exponential(0.2), 2);
  finite.capacity = 12;
  StationInput general = with_service(9, Distribution::from_moments(0.2, 2.5), 3);
  general.scv_arrival = 1.7;
  return {
      {QueueModel::mm1, with_service(4, Distribution::exponential(0.2))},
      {QueueModel::mmc, with_service(9, Distribution::exponential(0.2), 2)},
      {QueueModel::mmck, finite},
      {QueueModel::mminf, with_service(9, Distribution::exponential(0.2))},
      {QueueModel::mg1, with_service(4, Distribution::from_moments(0.2, 0.3))},
      {QueueModel::md1, with_service(4, Distribution::deterministic(0.2))},
      {QueueModel::ggc, general},
  };
}

// Little's law (Little 1961) on the whole station, L = λ_eff R, and on the queue,
// L_q = λ_eff W_q, for every model; and R = W_q + E[S].
TEST(StationLaws, LittlesLawHoldsOnEveryModel) {
  for (const auto& [model, input] : one_case_per_model()) {
    SCOPED_TRACE(std::string(to_string(model)));
    const auto m = solve_station(model, input);
    ASSERT_TRUE(m.stable);
    const double l = *m.mean_number_in_system;
    EXPECT_NEAR(l, m.throughput * *m.mean_response_time, 1e-12 * l);
    EXPECT_NEAR(*m.mean_queue_length, m.throughput * *m.mean_waiting_time, 1e-12 * l);
    EXPECT_NEAR(*m.mean_response_time, *m.mean_waiting_time + input.service.mean, 1e-12);
    // The waiting-time distribution has the mean the formulas report.
    EXPECT_NEAR(m.waiting_time->mean(), *m.mean_waiting_time, 1e-12 * *m.mean_response_time);
  }
}

// A distribution function is non-decreasing, so p50 <= p90 <= p95 <= p99 <= p999; and no
// sojourn is shorter than zero.
TEST(StationLaws, PercentilesIncreaseWithProbability) {
  for (const auto& [model, input] : one_case_per_model()) {
    SCOPED_TRACE(std::string(to_string(model)));
    const auto m = solve_station(model, input);
    const auto& p = *m.response_time_percentiles;
    EXPECT_GT(p.p50, 0.0);
    EXPECT_LT(p.p50, p.p90);
    EXPECT_LT(p.p90, p.p95);
    EXPECT_LT(p.p95, p.p99);
    EXPECT_LT(p.p99, p.p999);
    EXPECT_FALSE(m.percentile_method.empty());
  }
}

// The stability condition λE[S] < c (Kleinrock Vol. 1 §3.5; for M/G/1 §5.5): above it, every
// unbounded model reports no latencies and says why, and never a NaN.
TEST(StationLaws, UnstableModelsReturnNoLatencies) {
  for (QueueModel model :
       {QueueModel::mm1, QueueModel::mmc, QueueModel::mg1, QueueModel::md1, QueueModel::ggc}) {
    SCOPED_TRACE(std::string(to_string(model)));
    const auto m = solve_station(model, with_service(6, Distribution::exponential(0.2)));
    EXPECT_FALSE(m.stable);
    EXPECT_EQ(m.saturation, "arrival rate 6/s exceeds capacity 5/s (utilization 1.2)");
    EXPECT_FALSE(m.mean_response_time);
    EXPECT_FALSE(m.mean_waiting_time);
    EXPECT_FALSE(m.mean_queue_length);
    EXPECT_FALSE(m.response_time_percentiles);
    EXPECT_TRUE(std::isfinite(m.utilization) && std::isfinite(m.throughput));
  }
}

// An idle station (λ = 0) is legal and answers with the bare service time.
TEST(StationLaws, IdleStationsRespondInTheServiceTime) {
  for (auto [model, input] : one_case_per_model()) {
    SCOPED_TRACE(std::string(to_string(model)));
    input.arrival_rate = 0;
    const auto m = solve_station(model, input);
    EXPECT_NEAR(*m.mean_response_time, input.service.mean, 1e-15);
    EXPECT_DOUBLE_EQ(*m.mean_number_in_system, 0.0);
  }
}

/// The message InputError carries for this input, or "" when nothing is thrown.
std::string error_for(QueueModel model, const StationInput& input) {
  try {
    solve_station(model, input);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

// House rule 4: errors say what and how to fix; the tests assert the words.
TEST(StationInput, RejectsBadInputsWithAFix) {
  const auto ok = with_service(1, Distribution::exponential(0.2), 2);
  auto input = ok;
  input.arrival_rate = -1;
  EXPECT_NE(error_for(QueueModel::mmc, input).find("arrival rate is -1/s"), std::string::npos);
  input = ok;
  input.arrival_rate = std::nan("");
  EXPECT_NE(error_for(QueueModel::mmc, input).find("arrival rate"), std::string::npos);
  input = ok;
  input.service.mean = 0;
  EXPECT_NE(error_for(QueueModel::mmc, input).find("mean service time is 0 s"), std::string::npos);
  input = ok;
  input.servers = 0;
  EXPECT_NE(error_for(QueueModel::mmc, input).find("servers is 0; it must be from 1"),
            std::string::npos);
  input = ok;
  input.servers = 20'000'000;
  EXPECT_NE(error_for(QueueModel::ggc, input).find("it must be from 1 to 10000000"),
            std::string::npos);
  EXPECT_NE(error_for(QueueModel::mm1, ok).find("use mmc or ggc for several servers"),
            std::string::npos);
  EXPECT_NE(error_for(QueueModel::mmck, ok).find("capacity K is missing"), std::string::npos);
  input = ok;
  input.capacity = 1;
  EXPECT_NE(error_for(QueueModel::mmck, input).find("must be from 2 (servers)"), std::string::npos);
  input.capacity = 20'000'000;
  EXPECT_NE(error_for(QueueModel::mmck, input).find("to 10000000"), std::string::npos);
  input.capacity = 5;
  EXPECT_NE(error_for(QueueModel::mmc, input).find("use mmck for a finite capacity"),
            std::string::npos);
  input = ok;
  input.scv_arrival = -0.5;
  EXPECT_NE(error_for(QueueModel::ggc, input).find("arrival SCV is -0.5"), std::string::npos);
  input = ok;
  input.service = Distribution{DistributionKind::exponential, 0.2, 3.0, {}};
  EXPECT_NE(error_for(QueueModel::ggc, input).find("service time: an exponential time has scv 1"),
            std::string::npos);
  EXPECT_EQ(error_for(QueueModel::mmc, ok), "");
}

// Names used in specs, reports and the CLI.
TEST(StationNames, SpellEveryModel) {
  EXPECT_EQ(to_string(QueueModel::mmck), "mmck");
  EXPECT_EQ(kendall_notation(QueueModel::mmck), "M/M/c/K");
  EXPECT_EQ(kendall_notation(QueueModel::ggc), "G/G/c");
  EXPECT_EQ(kendall_notation(QueueModel::mminf), "M/M/inf");
}

}  // namespace
}  // namespace kendall::model
