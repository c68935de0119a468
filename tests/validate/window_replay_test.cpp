// The simulator's replay of a level window by window (validate/src/window_replay.cpp). Oracles:
// the phases hold each window's rate and its work against the first window's, by hand; and with
// windows long next to the queue's settling, the simulated mean is the mixture of each window's
// M/M/1 mean by arrivals.
#include "kendall/validate/window_replay.hpp"

#include <gtest/gtest.h>

#include "validate/window_fixtures.hpp"

namespace kendall::validation {
namespace {

using namespace testing;

// The replay of `windows` (one worker) with the inputs the model took for them.
std::optional<WindowReplay> replay_of(const LevelModel& levels,
                                      const std::vector<WorkWindow>& windows, int population = 0) {
  return replay_windows(levels, windows, predict_windows(levels, windows, 1, population).inputs,
                        population);
}

TEST(WindowReplay, APhasePerWindowAtItsRateAndItsWorksSpeed) {
  const auto replay = replay_of(one_exponential_worker(),
                                {window_of(0, 500, 0.001, 200), window_of(200, 400, 0.0016, 100)});
  ASSERT_TRUE(replay);
  ASSERT_EQ(replay->phases.size(), 2u);
  // The first window settles (ρ = 0.5): 5 s at its load before the level's 300 s.
  EXPECT_DOUBLE_EQ(replay->warmup, 5);
  EXPECT_DOUBLE_EQ(replay->duration, 300);
  EXPECT_DOUBLE_EQ(replay->jobs, 500 * 200 + 400 * 100);
  EXPECT_DOUBLE_EQ(replay->phases[0].duration, 205);
  EXPECT_DOUBLE_EQ(replay->phases[1].duration, 100);
  EXPECT_EQ(replay->phases[0].rates, std::vector<double>{500});
  EXPECT_EQ(replay->phases[1].rates, std::vector<double>{400});
  // The system is the first window's: 1 ms of work; the second window's is 1.6 ms.
  EXPECT_NEAR(replay->system.services[0].service_time.mean, 0.001, 1e-12);
  EXPECT_NEAR(replay->phases[0].slowness[0], 1, 1e-12);
  EXPECT_NEAR(replay->phases[1].slowness[0], 1.6, 1e-9);
  for (std::size_t k = 1; k < replay->system.services.size(); ++k)
    EXPECT_NEAR(replay->phases[1].slowness[k], 1, 1e-12) << "the path outside kept its time";
}

TEST(WindowReplay, TheLevelIsSimulatedAsTheMixtureOfItsWindows) {
  // 500/s throughout, the work 1 ms for 200 s and 1.6 ms for the next 200 s: M/M/1 means of
  // 2 ms and 8 ms, equal arrivals, 5 ms mixed. The level's average work (1.3 ms) would say
  // 1 / (1/1.3 ms − 500) = 3.7 ms, which the simulator said before it replayed the windows.
  const auto replay = replay_of(one_exponential_worker(),
                                {window_of(0, 500, 0.001, 200), window_of(200, 500, 0.0016, 200)});
  ASSERT_TRUE(replay);
  const sim::SimulationResult result = simulate_replay(*replay, 1'000'000, 5, 21);
  EXPECT_EQ(result.replications, 5);  // 200,000 requests a pass
  const sim::ClassResult& c = result.classes.at(0);
  const double path = replay->system.services.size() > 1
                          ? replay->system.services[1].service_time.mean
                          : 0;  // the calibrated path outside the service, if any
  EXPECT_NEAR(c.response_time.mean, 0.005 + path, 0.03 * 0.005);
  EXPECT_NEAR(c.throughput.mean, 500, 5);
}

TEST(WindowReplay, AFirstWindowBeyondSaturationStartsFromEmpty) {
  // 1100/s against the 1000/s the work allows: no steady state to start from, as in the model.
  const auto replay =
      replay_of(one_exponential_worker(), {window_of(0, 1100, 0.001, 2), window_of(2, 500, 0.001)});
  ASSERT_TRUE(replay);
  EXPECT_DOUBLE_EQ(replay->warmup, 0);
  EXPECT_DOUBLE_EQ(replay->phases[0].duration, 2);
  // The backlog of ~200 grown in 2 s drains in the next 5 s: the level's mean is tens of ms
  // (the fluid approximation of the model says 65 ms, the simulator 56 ms with this seed), where
  // starting from the spell's would-be steady state is impossible and the 500/s one is 2 ms.
  const sim::SimulationResult result = simulate_replay(*replay, 100'000, 5, 22);
  EXPECT_GT(result.classes.at(0).response_time.mean, 0.03);
  EXPECT_LT(result.classes.at(0).response_time.mean, 0.1);
}

TEST(WindowReplay, OneWindowIsNotReplayed) {
  EXPECT_FALSE(replay_of(one_exponential_worker(), {window_of(0, 500, 0.001)}));
  // Inputs that are not one per window: nothing to replay.
  EXPECT_FALSE(replay_windows(one_exponential_worker(),
                              {window_of(0, 500, 0.001), window_of(5, 500, 0.001)}, {}));
}

TEST(WindowReplay, AClosedLevelKeepsItsUsersAndReplaysOnlyTheSpeed) {
  LevelModel levels = one_exponential_worker();
  levels.closed = true;
  levels.base.workload = model::WorkloadType::closed;
  levels.base.classes[0].think_time = Distribution::exponential(0.01);
  const auto replay =
      replay_of(levels, {window_of(0, 400, 0.001, 10), window_of(10, 300, 0.0015, 10)}, 5);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->system.classes[0].population, 5);
  EXPECT_TRUE(replay->phases[0].rates.empty());
  EXPECT_TRUE(replay->phases[1].rates.empty());
  EXPECT_NEAR(replay->phases[1].slowness[0], 1.5, 1e-9);
}

}  // namespace
}  // namespace kendall::validation
