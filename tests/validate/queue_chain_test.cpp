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

}  // namespace
}  // namespace kendall::validation
