// Workers time-sharing fewer cores in a closed network (model/src/occupancy_split.cpp,
// split_by_occupancy): the network's occupancy splits the station's queue into the wait for a
// worker and the work stretched by sharing. Oracle: one station and think time is the
// finite-source birth-death chain, λ_n = (N − n)/Z and μ_n = min(n, c)/S, worked by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "closed_test_support.hpp"
#include "kendall/base/error.hpp"
#include "kendall/model/closed_network.hpp"
#include "kendall/model/system_model.hpp"
#include "model/single_service.hpp"

namespace kendall::model {
namespace {

// N = 6 users thinking Z = 2 s, exponential work S = 1 s, c = 2 cores, K = 3 workers.
// p(n)/p(0) = Π_{i<=n} ((N − i + 1)/Z) / min(i, c): 1, 3, 3.75, 3.75, 2.8125, 1.40625, 0.3515625,
// summing to 16.0703125. X = Σ min(n, 2) p(n) = 27.140625 / 16.0703125 = 1.688867 /s.
constexpr double kUnnormalised[] = {1, 3, 3.75, 3.75, 2.8125, 1.40625, 0.3515625};
constexpr double kTotal = 16.0703125;
constexpr double kThroughput = 27.140625 / kTotal;
// Beyond the 3 workers: 1 × 2.8125 + 2 × 1.40625 + 3 × 0.3515625 = 6.6796875 requests, so the
// wait for a worker is 6.6796875 / 27.140625 = 0.246114 s (Little). In a worker:
// Σ min(n, 3) p(n) = 35.4609375 / kTotal requests, 35.4609375 / 27.140625 = 1.306563 s.
constexpr double kWait = 6.6796875 / 27.140625;
constexpr double kInWorker = 35.4609375 / 27.140625;

System one_station(int users, int workers, int cores, const Distribution& work) {
  return testing::closed_load(testing::single_service(work, workers, cores), users, 2.0);
}

TEST(ClosedOccupancy, AStationThatAsksGetsTheFiniteSourceChain) {
  ClosedModel model = closed_test::single_class({closed_test::queue_station("cpu", 1.0, 2)}, 6, 2);
  model.stations[0].occupancy = true;
  const ClosedResult result = solve_closed(model);
  ASSERT_EQ(result.stations[0].occupancy.size(), 7u);
  for (std::size_t n = 0; n < 7; ++n)
    EXPECT_NEAR(result.stations[0].occupancy[n], kUnnormalised[n] / kTotal, 1e-12) << n;
  EXPECT_NEAR(result.throughput[0], kThroughput, 1e-12);
  // A single server asks too: M/M/1 with 3 sources, S = 1, Z = 2: p ∝ 3!/(3 − n)! (1/2)^n =
  // 1, 1.5, 1.5, 0.75; and the queue is exact MVA's.
  ClosedModel single = closed_test::single_class({closed_test::queue_station("cpu", 1.0)}, 3, 2);
  const ClosedResult by_mva = solve_closed(single);
  EXPECT_TRUE(by_mva.stations[0].occupancy.empty());
  single.stations[0].occupancy = true;
  const ClosedResult by_convolution = solve_closed(single);
  const std::vector<double> expected = {1 / 4.75, 1.5 / 4.75, 1.5 / 4.75, 0.75 / 4.75};
  ASSERT_EQ(by_convolution.stations[0].occupancy.size(), 4u);
  for (std::size_t n = 0; n < 4; ++n)
    EXPECT_NEAR(by_convolution.stations[0].occupancy[n], expected[n], 1e-12) << n;
  EXPECT_NEAR(by_convolution.stations[0].queue_length[0], by_mva.stations[0].queue_length[0],
              1e-12);
}

TEST(ClosedTimeShared, ExponentialWorkWaitsForAWorkerAndSharesTheCoresByHand) {
  const SystemResult result = analyze(one_station(6, 3, 2, Distribution::exponential(1.0)));
  ASSERT_EQ(result.services.size(), 1u);
  const ServiceResult& service = result.services[0];
  EXPECT_NEAR(result.throughput, kThroughput, 1e-9);
  ASSERT_TRUE(service.waiting_time && service.response_time);
  EXPECT_NEAR(*service.waiting_time, kWait, 1e-9);
  EXPECT_NEAR(*service.response_time - *service.waiting_time, kInWorker, 1e-9);
  EXPECT_NEAR(*result.classes[0].mean_response_time, kWait + kInWorker, 1e-9);
  // Utilization is per core: X S / c.
  EXPECT_NEAR(service.utilization, kThroughput / 2, 1e-9);
}

TEST(ClosedTimeShared, FewerUsersThanWorkersNeverWaitForOne) {
  const SystemResult result = analyze(one_station(3, 4, 2, Distribution::deterministic(1.0)));
  const ServiceResult& service = result.services[0];
  ASSERT_TRUE(service.waiting_time && service.response_time);
  EXPECT_DOUBLE_EQ(*service.waiting_time, 0.0);
  // They still share the cores: a third user finding two others runs at 2/3 speed.
  EXPECT_GT(*service.response_time, 1.0);
  // The lone users' work is constant, so the median is the work itself when most run alone.
  ASSERT_TRUE(result.classes[0].response_time_percentiles);
  EXPECT_NEAR(result.classes[0].response_time_percentiles->p50, 1.0, 0.02);
}

TEST(ClosedTimeShared, SeveralClassesPutTheApproximationsErrorInTheWaitNotInTheWorkers) {
  // Approximate MVA gives no occupancy; a birth-death chain with the station's mean number
  // stands in. Two identical classes of 40 users are one class of 80, solved exactly. Near
  // saturation (c = 2 cores, K = 4 workers, S = 50 ms, Z = 2 s: X ≈ 36.5/s of at most 40/s)
  // Schweitzer's method queues too long (0.238 s against 0.193 s at the station), and that
  // excess is requests waiting for a worker: the time in a worker stays the exact one.
  const Distribution work = Distribution::exponential(0.05);
  const SystemResult exact = analyze(one_station(80, 4, 2, work));
  System system = one_station(40, 4, 2, work);
  system.classes.push_back(system.classes[0]);
  system.classes[1].name = "more-users";
  const SystemResult approximate = analyze(system);
  const ServiceResult& one = exact.services[0];
  const ServiceResult& two = approximate.services[0];
  ASSERT_TRUE(one.waiting_time && two.waiting_time && one.response_time && two.response_time);
  EXPECT_NE(two.method.find("approximate occupancy"), std::string::npos) << two.method;
  ASSERT_GT(exact.throughput, 0.9 * 40);
  const double in_worker = *one.response_time - *one.waiting_time;
  EXPECT_NEAR(*two.response_time - *two.waiting_time, in_worker, 0.03 * in_worker);
  EXPECT_NEAR(*two.waiting_time - *one.waiting_time, *two.response_time - *one.response_time,
              0.03 * in_worker);
}


// A speed by the number busy is modelled for open classes; closed ones say so rather than drop it.
TEST(ClosedTimeShared, ASharingSpeedIsRefusedWithTheServiceNamed) {
  System system = one_station(6, 4, 2, Distribution::exponential(1.0));
  system.services[0].sharing_speed = {0.95, 0.9};
  try {
    analyze(system);
    FAIL() << "expected an InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("services[0].sharing_speed: a speed that depends on "
                                             "the number busy is modelled for open classes"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace kendall::model
