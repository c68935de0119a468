// Percentiles of one-class closed networks (model/src/closed_system.cpp): each visit's wait comes
// from the station's occupancy as an arrival sees it. Oracle: the machine-repairman model worked
// by hand.
#include <gtest/gtest.h>

#include "kendall/model/system_model.hpp"
#include "model/single_service.hpp"

namespace kendall::model {
namespace {

System repairman(int users, const Distribution& work, double think) {
  return testing::closed_load(testing::single_service(work, 1), users, think);
}

TEST(ClosedPercentiles, TwoUsersAtOneExponentialServerByHand) {
  // S = Z = 1 s. An arrival sees the other user in equilibrium with itself removed (the arrival
  // theorem): at the server with probability S/(S + Z) = 1/2, then it waits that user's residual
  // service, Exp(1). So P(R > t) = ½e^{−t} + ½e^{−t}(1 + t) = e^{−t}(1 + t/2), whose quantiles
  // are 1.14619 (p50), 4.11300 (p95) and 5.99024 (p99), by bisection.
  const SystemResult result = analyze(repairman(2, Distribution::exponential(1.0), 1.0));
  ASSERT_TRUE(result.classes[0].response_time_percentiles);
  const ResponsePercentiles& p = *result.classes[0].response_time_percentiles;
  EXPECT_NEAR(p.p50, 1.14619, 0.005);
  EXPECT_NEAR(p.p95, 4.11300, 0.01);
  EXPECT_NEAR(p.p99, 5.99024, 0.015);
  // Mean: ½ × 1 + 1 = 1.5 s.
  EXPECT_NEAR(*result.classes[0].mean_response_time, 1.5, 1e-9);
}

TEST(ClosedPercentiles, ASaturatedServerWaitsForTheDeparturesAheadNotAnExponential) {
  // 40 users, S = Z = 1 s, exponential: an arrival that finds j others leaves after j + 1
  // services, Erlang(j + 1, 1), with j from the 39-user finite-source chain (p(j) ∝ 39!/(39 − j)!).
  // P(R > t) = Σ_j p(j) P(Erlang(j + 1) > t), summed and bisected in a separate script:
  // p50 38.667, p95 49.940, p99 55.164; the mean is 39 (N/X − Z with X = 1). An exponential wait
  // with the same mean, as several classes still take it, puts p95 beyond 110.
  const SystemResult result = analyze(repairman(40, Distribution::exponential(1.0), 1.0));
  EXPECT_NEAR(*result.classes[0].mean_response_time, 39.0, 0.01);
  const ResponsePercentiles& p = *result.classes[0].response_time_percentiles;
  EXPECT_NEAR(p.p50, 38.667, 0.1);
  EXPECT_NEAR(p.p95, 49.940, 0.1);
  EXPECT_NEAR(p.p99, 55.164, 0.15);
}

}  // namespace
}  // namespace kendall::model
