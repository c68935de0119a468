// The unit chain the windows' means come from (kendall/validate/queue_chain.hpp). Oracles: with
// a unit of one job it is M/M/c, whose steady state is closed form; with half a job, in heavy
// traffic, M/D/1's (Kingman); and M/M/1 through a spell beyond saturation, by hand as a random
// walk.
#include "kendall/validate/queue_chain.hpp"

#include <gtest/gtest.h>

namespace kendall::validation {
namespace {

TEST(UnitChain, WithAUnitOfOneJobItsSteadyStateIsMmc) {
  // M/M/1 at 0.5: ρ/(1 − ρ) = 1. M/M/2 at 0.9: 2ρ/(1 − ρ²) = 1.8/0.19.
  EXPECT_NEAR(UnitChain::steady_mean(500, 1000, 1, 1), 1.0, 1e-9);
  EXPECT_NEAR(UnitChain::steady_mean(1800, 1000, 2, 1), 1.8 / 0.19, 1e-9);
  // And the unit that holds M/M/2's number is one job.
  EXPECT_NEAR(UnitChain::fit_unit(1800, 1000, 2, 1.8 / 0.19), 1.0, 1e-6);
}

TEST(UnitChain, HalfAJobInHeavyTrafficIsDeterministicWork) {
  // A unit of (c_a² + c_s²) / 2 = 0.5 job: M/D/1 at 0.99, ρ + ρ²/(2(1 − ρ)) = 49.995 jobs (the
  // Pollaczek–Khinchine mean), where M/M/1 holds 99.
  EXPECT_NEAR(UnitChain::steady_mean(990, 1000, 1, 0.5), 49.995, 0.02 * 49.995);
  EXPECT_NEAR(UnitChain::steady_mean(990, 1000, 1, 1), 99, 1e-6);
}

TEST(UnitChain, AStepKeepsTheSteadyState) {
  UnitChain chain(1, 2);
  chain.settle(1800, 1000);
  EXPECT_NEAR(chain.mean(), 1.8 / 0.19, 1e-9);
  const double area = chain.advance(1800, 1000, 1);
  EXPECT_NEAR(area, 1.8 / 0.19, 1e-6);
  EXPECT_NEAR(chain.mean(), 1.8 / 0.19, 1e-6);
}

// M/M/1 at 1 ms from the steady state of 500/s, then 1100/s for 2 s. As a random walk stepping
// up with probability 11/21 the queue reaches empty with probability Σ 0.5ⁿ⁺¹ (10/11)ⁿ = 11/12
// and then comes back 11 times on average, idle 1/1100 s each: 9.17 departures lost, nearly all
// early. So E[N] ≈ 1 + 100 t + 9.17: 210 at 2 s, and about 2 + 200 + 17.6 request-seconds in all.
TEST(UnitChain, ASpellBeyondSaturationGrowsAtTheExcessAfterItsIdleSpells) {
  UnitChain chain(1, 1);
  chain.settle(500, 1000);
  const double area = chain.advance(1100, 1000, 2);
  EXPECT_NEAR(chain.mean(), 210.2, 0.005 * 210.2);
  EXPECT_NEAR(area, 219.6, 0.015 * 219.6);
  // Then 500/s: the backlog drains at 500/s, empty after about 0.42 s.
  chain.advance(500, 1000, 1);
  EXPECT_LT(chain.mean(), 1.05);
  EXPECT_GT(chain.mean(), 0.9);
}

// Arrivals held through a stop and released together raise the mean by their number exactly,
// a fraction of a unit split between the two nearest (30 jobs are 60 units of half a job, 7.3 are
// 14.6 units).
TEST(UnitChain, ArrivalsReleasedTogetherRaiseTheMeanByTheirNumber) {
  for (const double unit : {1.0, 0.5}) {
    UnitChain chain(unit, 2);
    chain.settle(1800, 1000);
    const double before = chain.mean();
    chain.arrive(30);
    EXPECT_NEAR(chain.mean(), before + 30, 1e-9) << unit;
    chain.arrive(7.3);
    EXPECT_NEAR(chain.mean(), before + 37.3, 1e-9) << unit;
    chain.arrive(0);
    EXPECT_NEAR(chain.mean(), before + 37.3, 1e-9) << unit;
  }
}

// M/M/1 at λ = 500/s and μ = 1000/s with 30 jobs released on top of its steady state. Give the
// 30 the lowest priority (preemptive: with exponential work the number in system is the same):
// the others are then the calm queue, and the 30 its excess. They are served one by one only once
// the calm queue has emptied (E[N] / (μ − λ) = 2 ms from its steady state) and each takes a busy
// period of 1 / (μ − λ) = 2 ms, so the k-th leaves after 2 + 2k ms on average: 30 · 2 ms +
// 465 · 2 ms = 0.99 request-seconds of excess area, gone within a second.
TEST(UnitChain, ABurstDrainsAsLowPriorityJobsBehindTheCalmQueue) {
  UnitChain calm(1, 1);
  calm.settle(500, 1000);
  const double calm_area = calm.advance(500, 1000, 1);
  UnitChain burst(1, 1);
  burst.settle(500, 1000);
  burst.arrive(30);
  const double burst_area = burst.advance(500, 1000, 1);
  EXPECT_NEAR(burst_area - calm_area, 0.99, 0.02 * 0.99);
  EXPECT_NEAR(burst.mean(), 1.0, 0.01);
}

}  // namespace
}  // namespace kendall::validation
