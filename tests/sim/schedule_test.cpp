// SimulationOptions::schedule: phases of other arrival rates and service speeds. Oracles: M/M/1
// and its processor-sharing twin at the phase's rate and speed (mean S / (1 − ρ)), Poisson
// counts of the integrated rate, the arrival-weighted mix of long phases' steady states, exact
// MVA for a closed population, and the input errors' wording.
#include <cmath>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/system_model.hpp"
#include "kendall/sim/simulate.hpp"
#include "sim/systems.hpp"

namespace kendall::sim {
namespace {

using ::testing::HasSubstr;
using namespace testing;

Phase phase(double duration, std::vector<double> rates, std::vector<double> slowness = {}) {
  return Phase{duration, std::move(rates), std::move(slowness)};
}

// Within three of the estimate's 95% half-widths (a fixed seed: the same numbers every run).
void expect_estimates(const Estimate& estimate, double truth) {
  EXPECT_NEAR(estimate.mean, truth, 3 * estimate.half_width)
      << "± " << estimate.half_width << " against " << truth;
}

TEST(Schedule, OnePhaseRunsTheQueueAtItsRateAndSpeed) {
  // The spec says M/M/1 at λ = 0.5, S = 1; the phase λ = 0.6 and times 1.25× longer: ρ = 0.75,
  // mean response S / (1 − ρ) = 1.25 / 0.25 = 5.
  SimulationOptions o = replicated(200'000, 5, 11);
  o.schedule = {phase(1, {0.6}, {1.25})};
  const auto result = simulate(mmc(0.5, 1.0, 1), o);
  expect_estimates(result.classes[0].response_time, 5.0);
  expect_estimates(result.classes[0].throughput, 0.6);
  EXPECT_NEAR(result.classes[0].response_time.mean, 5.0, 0.05 * 5.0);
}

TEST(Schedule, SharedCoresRunTheirWorkAtThePhasesSpeed) {
  // Two workers time-sharing one core: with exponential work the number in the system moves as
  // M/M/1's (the core serves at full speed whenever anyone is in), so at λ = 0.8 and work
  // 0.5 × 2 the mean is 1 / (1 − 0.8) = 5.
  model::System system = mmc(0.8, 2.0, 2);
  system.services[0].cores = 1;
  SimulationOptions o = replicated(200'000, 5, 12);
  o.schedule = {phase(1, {}, {2.0})};
  const auto result = simulate(system, o);
  expect_estimates(result.classes[0].response_time, 5.0);
  EXPECT_NEAR(result.classes[0].response_time.mean, 5.0, 0.05 * 5.0);
}

// A delay service of 1 µs: what leaves is what arrived, at once.
model::System pass_through() {
  return system_of({delay_service("wire", Distribution::deterministic(1e-6))},
                   {open_class("requests", 1.0, {visit(0)})});
}

TEST(Schedule, ArrivalsArePoissonAtEachPhasesRate) {
  // 10 s at 100/s, 10 s at none, 10 s at 300/s, then none: 4000 arrivals in 30 s on average,
  // a Poisson count (its standard deviation √4000 = 63.2, 2.11/s as a throughput).
  SimulationOptions o;
  o.duration = 30;
  o.replications = 200;
  o.seed = 13;
  o.threads = 2;
  o.schedule = {phase(10, {100}), phase(10, {0}), phase(10, {300}), phase(1, {0})};
  const auto result = simulate(pass_through(), o);
  const Estimate& throughput = result.classes[0].throughput;
  EXPECT_NEAR(throughput.mean, 4000.0 / 30, 0.6);  // 4 standard errors of 2.11 / √200
  const double t = 1.972;                          // t(0.975, 199)
  const double spread = throughput.half_width * std::sqrt(200.0) / t;
  EXPECT_NEAR(spread, std::sqrt(4000.0) / 30, 0.2 * std::sqrt(4000.0) / 30);

  // The same schedule on one thread: the same numbers.
  o.threads = 1;
  const auto again = simulate(pass_through(), o);
  EXPECT_EQ(again.classes[0].completed, result.classes[0].completed);
  EXPECT_EQ(again.events, result.events);
}

TEST(Schedule, APhaseWithoutArrivalsHasNone) {
  // The warm-up runs through the first phase (10 s at 100/s); the measured 10 s are the empty
  // phase, and the last phase holds on after the schedule: 0 arrivals while measured.
  SimulationOptions o;
  o.duration = 10;
  o.warmup_duration = 10;
  o.replications = 20;
  o.seed = 14;
  o.schedule = {phase(10, {100}), phase(5, {0})};
  const auto result = simulate(pass_through(), o);
  EXPECT_LE(result.classes[0].completed, 1u);  // an arrival within 1 µs of 10 s: p ≈ 2e-3
  // The last phase holding on at 300/s instead: about 3000 per replication.
  o.schedule = {phase(10, {100}), phase(5, {300})};
  const auto busy = simulate(pass_through(), o);
  EXPECT_NEAR(static_cast<double>(busy.classes[0].completed), 20 * 3000.0, 5 * std::sqrt(60000.0));
}

TEST(Schedule, LongPhasesMixTheirSteadyStatesByArrivals) {
  // M/M/1 with S = 10 ms, 100 s at 50/s (mean 20 ms) and 100 s at 80/s (50 ms), over and over:
  // the queue settles within a second or two of each change, so the mean is the two means
  // weighted by arrivals, (50 × 20 + 80 × 50) / 130 = 38.46 ms.
  std::vector<Phase> cycle;
  for (int k = 0; k < 10; ++k) {
    cycle.push_back(phase(100, {50}));
    cycle.push_back(phase(100, {80}));
  }
  SimulationOptions o;
  o.duration = 2000;
  o.replications = 10;
  o.seed = 15;
  o.threads = 2;
  o.schedule = cycle;
  const auto result = simulate(mmc(50, 100, 1), o);
  EXPECT_NEAR(result.classes[0].response_time.mean, 5000.0 / 130 / 1000, 0.03 * 5.0 / 130);
  EXPECT_NEAR(result.classes[0].throughput.mean, 65.0, 1.0);
}

TEST(Schedule, AClosedPopulationSeesItsServiceSlowed) {
  // Five users thinking 1 s on a station of S = 0.1 s, slowed 2×: the system with S = 0.2 s,
  // solved exactly by MVA.
  const auto closed = [](double service) {
    return system_of({queue_service("station", Distribution::exponential(service))},
                     {closed_class("users", 5, Distribution::exponential(1.0), {visit(0)})},
                     model::WorkloadType::closed);
  };
  SimulationOptions o = replicated(200'000, 5, 16);
  o.schedule = {phase(1, {}, {2.0})};
  const auto result = simulate(closed(0.1), o);
  const model::SystemResult exact = model::analyze(closed(0.2));
  ASSERT_TRUE(exact.classes[0].mean_response_time);
  expect_estimates(result.classes[0].response_time, *exact.classes[0].mean_response_time);
  EXPECT_NEAR(result.classes[0].response_time.mean, *exact.classes[0].mean_response_time,
              0.03 * *exact.classes[0].mean_response_time);
}

TEST(Schedule, PhasesThatDoNotFitTheSystemSayWhichAndWhatToFix) {
  SimulationOptions o;
  o.requests = 1000;
  const auto fails_with = [&](std::vector<Phase> schedule, const char* words) {
    o.schedule = std::move(schedule);
    EXPECT_THAT([&] { simulate(mmc(0.5, 1.0, 1), o); },
                ::testing::ThrowsMessage<InputError>(HasSubstr(words)));
  };
  fails_with({phase(1, {0.5}), phase(0, {0.5})}, "schedule phase 2: duration must be");
  fails_with({phase(1, {0.5, 0.2})}, "schedule phase 1: 2 rates for 1 classes");
  fails_with({phase(1, {-1})}, "a rate must be a number of requests per second >= 0");
  fails_with({phase(1, {}, {1, 2})}, "2 slowness factors for 1 services");
  fails_with({phase(1, {}, {0})}, "a slowness must be a number above 0");
  fails_with({phase(1, {0}), phase(1, {0})}, "nothing to simulate");
  const auto users =
      system_of({queue_service("station", Distribution::exponential(0.1))},
                {closed_class("users", 5, Distribution::exponential(1.0), {visit(0)})},
                model::WorkloadType::closed);
  o.schedule = {phase(1, {3})};
  EXPECT_THAT([&] { simulate(users, o); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("populations, not rates")));
  // A spec without rates runs at the schedule's.
  o.schedule = {phase(1, {0.5})};
  EXPECT_EQ(simulate(mmc(0.0, 1.0, 1), o).total.completed, 1000u);
}

}  // namespace
}  // namespace kendall::sim
