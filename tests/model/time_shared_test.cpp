// Workers time-sharing fewer cores (model/src/time_shared.cpp), against hand-derived values:
// - exponential work is M/M/c whatever the number of workers (the cores complete work at
//   min(n, c)/S), so by Little's law its mean is Erlang C's;
// - one core and workers enough for every request is M/G/1-PS, whose mean S/(1 − ρ) does not
//   depend on the work's distribution (Kleinrock vol. 2, §4.4);
// - near-constant work on 2 cores and 4 workers, the M/M/2 occupancy worked by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "kendall/base/error.hpp"
#include "kendall/model/system_model.hpp"
#include "model/single_service.hpp"

namespace kendall::model {
namespace {

System time_shared(const Distribution& work, int workers, int cores, double rate) {
  return testing::open_load(testing::single_service(work, workers, cores), rate);
}

double mean_of(const System& system) {
  const SystemResult result = analyze(system);
  EXPECT_TRUE(result.stable);
  return result.classes.at(0).mean_response_time.value_or(NAN);
}

TEST(TimeShared, ExponentialWorkIsErlangCForAnyNumberOfWorkers) {
  // M/M/2, S = 1, λ = 1.6: C = 2ρ²/(1 + ρ) = 0.71111, R = 1 + C/(2 − 1.6) = 2.77778.
  const double exact = 1 + (2 * 0.64 / 1.8) / 0.4;
  for (const int workers : {3, 4, 8, 64})
    EXPECT_NEAR(mean_of(time_shared(Distribution::exponential(1.0), workers, 2, 1.6)), exact, 1e-9)
        << workers << " workers";
}

TEST(TimeShared, OneCoreAndWorkersForEveryRequestIsInsensitiveProcessorSharing) {
  // ρ = 0.5 with 200 workers: ρ^200 of the requests ever wait for one. R = S/(1 − ρ) = 1.
  for (const Distribution& work :
       {Distribution::deterministic(0.5), Distribution::from_moments(0.5, 0.25),
        Distribution::from_moments(0.5, 4.0)})
    EXPECT_NEAR(mean_of(time_shared(work, 200, 1, 1.0)), 1.0, 1e-9) << work.describe();
}

TEST(TimeShared, NearConstantWorkOnTwoCoresAndFourWorkersByHand) {
  // S = 2.8 ms, SCV 0.05, c = 2, K = 4, ρ = 0.5 (λ = 357.14/s, a = 1): C = 1/3; π₀ = π₁ = 1/3,
  // π₂ = 1/6, P(n ≥ 3) = 1/6. In a worker: 2/3 alone (×1), 1/6 with two others (×1.5), 1/6 with
  // three (×2): 1.25 S = 3.5 ms. Waiting for a worker: L₄ = Cρ³/(1 − ρ) = 1/12 by M/M/2, times
  // (1 + 0.05)/2, over λ: 0.1225 ms. R = 3.6225 ms.
  const double rate = 1 / 0.0028;
  const System system = time_shared(Distribution::from_moments(0.0028, 0.05), 4, 2, rate);
  const SystemResult result = analyze(system);
  const double in_worker = 1.25 * 0.0028;
  const double wait = (1.0 / 12) * (1.05 / 2) / rate;
  ASSERT_TRUE(result.classes[0].mean_response_time);
  EXPECT_NEAR(*result.classes[0].mean_response_time, in_worker + wait, 1e-9);
  ASSERT_TRUE(result.services[0].waiting_time);
  EXPECT_NEAR(*result.services[0].waiting_time, wait, 1e-12);
  // Little's law over the service, and utilization per core.
  ASSERT_TRUE(result.services[0].mean_number_in_system);
  EXPECT_NEAR(*result.services[0].mean_number_in_system, rate * (in_worker + wait), 1e-9);
  EXPECT_NEAR(result.services[0].utilization, 0.5, 1e-12);
  // Two thirds of the requests run alone, so the median is above the work's and below its 75th
  // percentile (under 1.5 S); the slowest sixth take twice their work, so p95 is beyond 2 S.
  const auto& percentiles = *result.classes[0].response_time_percentiles;
  EXPECT_GT(percentiles.p50, 0.0028);
  EXPECT_LT(percentiles.p50, 1.5 * 0.0028);
  EXPECT_GT(percentiles.p95, 2 * 0.0028);
}

// The same station with the holds measured at SCV 0.25: processor sharing spreads the time in
// a worker to (1 + 0.05)(1 + c_F²) − 1 = 0.148 (the stretch above: E[F] = 1.25, E[F²] =
// 2/3 + 2.25/6 + 4/6 = 1.70833, c_F² = 0.09333), so the stretch is widened by δ² = 1.25 / 1.148
// − 1 = 0.089. The mean and the wait for a worker stay (Little's law and the cores' work do
// not change); the slowest requests take longer.
TEST(TimeShared, AMeasuredHoldSpreadWidensTheTimeInAWorkerNotItsMean) {
  const double rate = 1 / 0.0028;
  System system = time_shared(Distribution::from_moments(0.0028, 0.05), 4, 2, rate);
  const SystemResult processor_sharing = analyze(system);
  system.services[0].hold_scv = 0.25;
  const SystemResult widened = analyze(system);
  EXPECT_NEAR(*widened.classes[0].mean_response_time,
              *processor_sharing.classes[0].mean_response_time, 1e-12);
  EXPECT_NEAR(*widened.services[0].waiting_time, *processor_sharing.services[0].waiting_time,
              1e-15);
  const auto& before = *processor_sharing.classes[0].response_time_percentiles;
  const auto& after = *widened.classes[0].response_time_percentiles;
  EXPECT_GT(after.p95, 1.02 * before.p95);
  EXPECT_GT(after.p99, 1.02 * before.p99);
  // Holds no more spread than processor sharing makes them leave the station as it was.
  system.services[0].hold_scv = 0.10;
  EXPECT_DOUBLE_EQ(analyze(system).classes[0].response_time_percentiles->p95, before.p95);
}

TEST(TimeShared, AtLowLoadARequestRunsAlone) {
  const System system = time_shared(Distribution::deterministic(0.010), 4, 2, 0.01);
  EXPECT_NEAR(mean_of(system), 0.010, 1e-6);
}

System sharing_at(std::vector<double> speeds, const Distribution& work, int workers, int cores,
                  double rate) {
  System system = testing::open_load(testing::single_service(work, workers, cores), rate);
  system.services[0].sharing_speed = std::move(speeds);
  return system;
}

// One core, two workers, exponential work of 1 s at one busy and half that speed with two, at
// λ = 0.2/s. The chain: μ₁ = 1, μ₂ = μ₃ = … = 0.5, so π₀ : π₁ : π₂ = 1 : 0.2 : 0.08 and beyond
// geometric at ρ₂ = 0.4; normalised π₀ = 0.75, π₁ = 0.15, P(n ≥ 2) = 0.1. An arrival waits for a
// worker with P(n ≥ 2) = 0.1; the queue beyond two is π₂ ρ₂ / (1 − ρ₂)² = 0.06 × 0.4 / 0.36 =
// 1/15, so the wait is 1/3 s. In a worker: alone (0.75) × 1, with the other (0.25) × 2 / 0.5 =
// 4, a mean of 1.75 s. R = 2.0833 s, which is also the chain's L = 0.41667 over λ.
TEST(TimeShared, ASpeedThatDependsOnTheNumberBusyIsTheBirthDeathChainByHand) {
  const SystemResult result = analyze(sharing_at({0.5}, Distribution::exponential(1.0), 2, 1, 0.2));
  ASSERT_TRUE(result.stable);
  ASSERT_TRUE(result.classes[0].mean_response_time);
  EXPECT_NEAR(*result.classes[0].mean_response_time, 1.75 + 1.0 / 3, 1e-9);
  ASSERT_TRUE(result.services[0].waiting_time);
  EXPECT_NEAR(*result.services[0].waiting_time, 1.0 / 3, 1e-9);
  ASSERT_TRUE(result.services[0].mean_number_in_system);
  EXPECT_NEAR(*result.services[0].mean_number_in_system, 0.15 + 2 * 0.1 + 1.0 / 15, 1e-9);
  // The same without the slowdown is M/M/1: R = 1 / (1 − 0.2) = 1.25 s.
  EXPECT_NEAR(mean_of(time_shared(Distribution::exponential(1.0), 2, 1, 0.2)), 1.25, 1e-9);
}

// The speed at every number busy: one core, two workers, exponential work of 1 s run at 0.8 alone
// and 0.5 with both busy, λ = 0.2/s. μ₁ = 0.8, μ₂ = … = 0.5: π₀ : π₁ : π₂ = 1 : 0.25 : 0.1 and
// beyond geometric at ρ₂ = 0.4; Σ = 1 + 0.25 + 0.1 / 0.6 = 1.41667, π₀ = 0.70588, π₂ = 0.070588,
// P(n ≥ 2) = 0.11765. The queue beyond two is π₂ ρ₂ / (1 − ρ₂)² = 0.078431, a wait of 0.39216 s.
// In a worker: alone (π₀) 1 / 0.8 = 1.25 s, else 2 / 0.5 = 4 s, a mean of 2.05882 s. R =
// 2.45098 s, which is the chain's L = π₁ + π₂ (2 / 0.6 + 0.4 / 0.36) = 0.4902 over λ.
TEST(TimeShared, ASpeedAtEveryNumberBusyIsTheBirthDeathChainByHand) {
  System system =
      testing::open_load(testing::single_service(Distribution::exponential(1.0), 2, 1), 0.2);
  system.services[0].busy_speed = {0.8, 0.5};
  const SystemResult result = analyze(system);
  ASSERT_TRUE(result.stable);
  EXPECT_NEAR(*result.classes[0].mean_response_time, 2.45098, 1e-5);
  EXPECT_NEAR(*result.services[0].waiting_time, 0.39216, 1e-5);
  EXPECT_NEAR(*result.services[0].mean_number_in_system, 0.4902, 1e-4);
  // Speeds of 1 up to the cores are sharing_speed's.
  system.services[0].busy_speed = {1.0, 0.5};
  EXPECT_NEAR(mean_of(system),
              mean_of(sharing_at({0.5}, Distribution::exponential(1.0), 2, 1, 0.2)), 1e-12);
  // The capacity is the speed with every worker busy: 0.5 / s here.
  system.services[0].busy_speed = {0.8, 0.19};
  const SystemResult over = analyze(system);
  EXPECT_FALSE(over.stable);
  ASSERT_TRUE(over.saturation_rate);
  EXPECT_NEAR(*over.saturation_rate, 0.19, 1e-12);
  system.services[0].busy_speed = {0.8, 0.5, 0.5};
  EXPECT_THROW(analyze(system), InputError);  // three speeds for two workers
}

// Speeds of 1 are the one-speed model, for any work and load.
TEST(TimeShared, SharingSpeedsOfOneAreTheOneSpeedModel) {
  for (const double rho : {0.3, 0.7, 0.95}) {
    const Distribution work = Distribution::from_moments(0.0028, 0.05);
    const double rate = rho * 2 / 0.0028;
    const SystemResult one = analyze(time_shared(work, 4, 2, rate));
    const SystemResult chain = analyze(sharing_at({1.0, 1.0}, work, 4, 2, rate));
    ASSERT_TRUE(one.stable && chain.stable);
    EXPECT_NEAR(*chain.classes[0].mean_response_time, *one.classes[0].mean_response_time,
                1e-9 * *one.classes[0].mean_response_time)
        << rho;
    EXPECT_NEAR(chain.classes[0].response_time_percentiles->p95,
                one.classes[0].response_time_percentiles->p95,
                1e-6 * one.classes[0].response_time_percentiles->p95)
        << rho;
  }
}

// All four busy at 0.9 of the speed with two: the capacity is 2 × 0.9 / S, so at λ S = 1.85
// (0.925 of the one-speed capacity) the queue has no steady state, and says why.
TEST(TimeShared, ASlowerSpeedWithEveryWorkerBusyLowersTheCapacity) {
  const Distribution work = Distribution::exponential(0.002);
  const double rate = 1.85 / 0.002;
  EXPECT_TRUE(analyze(time_shared(work, 4, 2, rate)).stable);
  const SystemResult slowed = analyze(sharing_at({0.95, 0.9}, work, 4, 2, rate));
  EXPECT_FALSE(slowed.stable);
  EXPECT_NE(slowed.saturation.find("900/s with all 4 workers sharing 2 cores at speed 0.9"),
            std::string::npos)
      << slowed.saturation;
  // The saturation rate is the slowed capacity's.
  ASSERT_TRUE(slowed.saturation_rate);
  EXPECT_NEAR(*slowed.saturation_rate, 900, 1e-9);
  // Below it, slower sharing means longer latency than one speed.
  const double below = 1.6 / 0.002;
  EXPECT_GT(mean_of(sharing_at({0.95, 0.9}, work, 4, 2, below)),
            1.05 * mean_of(time_shared(work, 4, 2, below)));
}

}  // namespace
}  // namespace kendall::model
