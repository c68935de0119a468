// Sweeps vary one parameter and report the model's outputs (oracles: the utilization law
// U = X E[S] / c, model::analyze at the same inputs) and stop when cancelled.
#include "kendall/gui/sweep.hpp"

#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::gui {
namespace {

const std::string example = std::string(KENDALL_SOURCE_DIR) + "/examples/user-services.yaml";

TEST(Sweep, ReplicasFollowTheUtilizationLaw) {
  const model::System system = model::load_system(example);
  SweepRequest r;
  r.parameter = SweepParameter::replicas;
  r.service = 1;
  r.from = 2;
  r.to = 5;
  r.steps = 4;
  const auto result = run_sweep(system, r);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->x, (std::vector<double>{2, 3, 4, 5}));
  EXPECT_EQ(result->x_label, "replicas of user-login-service");
  for (std::size_t k = 0; k < result->x.size(); ++k) {
    // 180 requests/s x 25 ms over replicas x 4 workers.
    EXPECT_NEAR(*result->utilization[1].y[k], 180 * 0.025 / (result->x[k] * 4), 1e-6);
  }
}

TEST(Sweep, LoadStepsAreTheModelAtEachRate) {
  const model::System system = model::load_system(example);
  SweepRequest r;
  r.from = 100;
  r.to = 300;
  r.steps = 3;
  const auto result = run_sweep(system, r);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->latency.size(), 4u);  // mean and p95 per class
  EXPECT_EQ(result->latency[3].name, "login p95");
  model::AnalysisOptions options;
  options.rate_scale = 300.0 / 200.0;
  const auto expected = model::analyze(system, options);
  EXPECT_DOUBLE_EQ(*result->latency[3].y[2], expected.classes[1].response_time_percentiles->p95);
  EXPECT_DOUBLE_EQ(*result->throughput[1].y[2], expected.classes[1].throughput);
}

TEST(Sweep, SimulatedStepsAreCloseToTheModel) {
  const model::System system = model::load_system(example);
  SweepRequest r;
  r.from = 100;
  r.to = 100;
  r.steps = 2;
  r.simulate = true;
  r.simulated_requests = 20'000;
  const auto result = run_sweep(system, r);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->latency.size(), 8u);
  EXPECT_EQ(result->latency[6].name, "simulated login mean");
  // At 50% of the login service's capacity the simulated mean is within 10% of the model's.
  EXPECT_NEAR(*result->latency[6].y[0], *result->latency[2].y[0], 0.1 * *result->latency[2].y[0]);
}

TEST(Sweep, CancelStopsBeforeTheNextStep) {
  const model::System system = model::load_system(example);
  SweepRequest r;
  r.from = 10;
  r.to = 300;
  r.steps = 50;
  int steps_seen = 0;
  SweepControl control;
  control.cancelled = [&] { return steps_seen >= 3; };
  control.progress = [&](double) { ++steps_seen; };
  EXPECT_FALSE(run_sweep(system, r, control));
  EXPECT_EQ(steps_seen, 3);
}

TEST(Sweep, CancelStopsASimulationPartWay) {
  const model::System system = model::load_system(example);
  SweepRequest r;
  r.from = 100;
  r.to = 200;
  r.steps = 2;
  r.simulate = true;
  r.simulated_requests = 50'000'000;  // minutes of work if not cancelled
  bool polled = false;
  SweepControl control;
  control.cancelled = [&] {
    const bool was = polled;
    polled = true;
    return was;  // the first poll is before the step; the next ones are inside the simulation
  };
  EXPECT_FALSE(run_sweep(system, r, control));
}

TEST(Sweep, BadRangesAreInputErrors) {
  const model::System system = model::load_system(example);
  SweepRequest r;
  r.from = 0;
  r.to = 10;
  EXPECT_THROW(run_sweep(system, r), InputError);
  r.from = 1;
  r.steps = 1;
  EXPECT_THROW(run_sweep(system, r), InputError);
}

}  // namespace
}  // namespace kendall::gui
