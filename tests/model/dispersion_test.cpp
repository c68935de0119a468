// Correlated service times: the dispersion curve, the robust-queueing wait factor against
// Allen–Cunneen where they must agree, and against a Lindley recursion where they must not.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/dispersion.hpp"
#include "kendall/model/station.hpp"

namespace kendall::model {
namespace {

// Hand-derived: between (4, 1) and (16, 3) log-linear, so m = 8 is halfway: 2. Below the first
// point the curve starts from (1, c_s² = 0.2): m = 2 is halfway from 1 to 4 in log: 0.6.
TEST(ServiceDispersion, InterpolatesInLogJobsFromTheServiceScv) {
  const std::vector<DispersionPoint> points{{4, 1.0}, {16, 3.0}};
  EXPECT_DOUBLE_EQ(service_dispersion_at(points, 0.2, 0.5), 0.2);
  EXPECT_DOUBLE_EQ(service_dispersion_at(points, 0.2, 1), 0.2);
  EXPECT_NEAR(service_dispersion_at(points, 0.2, 2), 0.6, 1e-12);
  EXPECT_NEAR(service_dispersion_at(points, 0.2, 8), 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(service_dispersion_at(points, 0.2, 16), 3.0);
  EXPECT_DOUBLE_EQ(service_dispersion_at(points, 0.2, 1e6), 3.0);
  EXPECT_DOUBLE_EQ(service_dispersion_at({}, 0.2, 1e6), 0.2);
}

TEST(ServiceDispersion, NamesWhatIsWrongWithThePoints) {
  EXPECT_FALSE(dispersion_problem(std::vector<DispersionPoint>{{2, 0.1}, {4, 0.3}}));
  const auto descending = dispersion_problem(std::vector<DispersionPoint>{{4, 0.1}, {2, 0.3}});
  ASSERT_TRUE(descending);
  EXPECT_NE(descending->find("point 2"), std::string::npos) << *descending;
  EXPECT_NE(descending->find("ascending"), std::string::npos) << *descending;
  EXPECT_TRUE(dispersion_problem(std::vector<DispersionPoint>{{0.5, 0.1}}));
  EXPECT_TRUE(dispersion_problem(std::vector<DispersionPoint>{{2, -0.1}}));
  EXPECT_TRUE(dispersion_problem(std::vector<DispersionPoint>{{2, NAN}}));
}

// A flat curve is independent service as far as the wait knows: the factor must be
// Allen–Cunneen's (c_a² + c_s²) / 2 (for M/G/1 the P-K formula) at any load.
TEST(RobustWaitFactor, IsAllenCunneenWhenTheDispersionIsFlat) {
  const std::vector<DispersionPoint> flat{{10, 3.0}, {1000, 3.0}};
  for (const double rho : {0.1, 0.5, 0.9, 0.99})
    EXPECT_NEAR(robust_wait_factor(rho, 1.0, 3.0, flat), 2.0, 1e-6) << rho;
  EXPECT_NEAR(robust_wait_factor(0.7, 0.5, 0.25, {}), 0.375, 1e-6);
}

// With runs of slow jobs (I_s rising from 0.05 to 6 over thousands of jobs) light traffic sees
// only single jobs, so Allen–Cunneen's 0.525 exactly; heavy traffic sees long sums, so the
// factor tends to (1 + 6) / 2; in between it only grows with the load.
TEST(RobustWaitFactor, GrowsFromTheServiceScvToTheLongRunDispersionWithLoad) {
  const std::vector<DispersionPoint> rising{{16, 0.4}, {256, 3.0}, {4096, 6.0}};
  EXPECT_NEAR(robust_wait_factor(0.05, 1.0, 0.05, rising), 0.525, 1e-6);
  EXPECT_NEAR(robust_wait_factor(0.9999, 1.0, 0.05, rising), 3.5, 3.5 * 0.02);
  double previous = 0;
  for (double rho = 0.05; rho < 0.999; rho += 0.05) {
    const double factor = robust_wait_factor(rho, 1.0, 0.05, rising);
    EXPECT_GE(factor, previous - 1e-9) << rho;
    previous = factor;
  }
}

// Independent truth: a single server fed Poisson arrivals (ρ = 0.9) whose service speed flips
// between 0.9 and 1.1 times its mean with probability p per job, so slow jobs come in runs of
// about 1/p. Lindley's recursion gives the mean wait of this sample path exactly; the
// dispersion of the modulated times is δ²(1 + 2 Σ_{k<m} (1 - k/m) r^k) with r = 1 - 2p.
// Allen–Cunneen sees only c_s² = δ² = 0.01 and must be far off; the robust factor must not be.
TEST(RobustWaitFactor, PredictsALindleyRecursionWithRunsOfSlowJobs) {
  constexpr double rho = 0.9, mean_service = 1.0, delta = 0.1, flip = 0.01;
  std::mt19937_64 random(20261124);
  std::exponential_distribution<double> gap(rho / mean_service);
  std::bernoulli_distribution flips(flip);
  double sign = 1, wait = 0, previous_service = 0, total_wait = 0;
  constexpr int jobs = 4'000'000;
  for (int i = 0; i < jobs; ++i) {
    if (flips(random))
      sign = -sign;
    wait = std::max(0.0, wait + previous_service - gap(random));
    total_wait += wait;
    previous_service = mean_service * (1 + delta * sign);
  }
  const double simulated = total_wait / jobs;

  std::vector<DispersionPoint> points;
  const double r = 1 - 2 * flip;
  for (double m = 2; m <= 65536; m *= 2) {
    double correlation = 0;
    for (int k = 1; k < m; ++k)
      correlation += (1 - k / m) * std::pow(r, k);
    points.push_back({m, delta * delta * (1 + 2 * correlation)});
  }
  StationInput input;
  input.arrival_rate = rho / mean_service;
  input.service = Distribution::from_moments(mean_service, delta * delta);
  input.servers = 1;
  input.percentiles = false;
  const double allen_cunneen = *solve_station(QueueModel::ggc, input).mean_waiting_time;
  input.service_dispersion = points;
  const StationMetrics robust = solve_station(QueueModel::ggc, input);
  EXPECT_GT(std::abs(allen_cunneen - simulated) / simulated, 0.2)
      << allen_cunneen << " vs " << simulated;
  EXPECT_NEAR(*robust.mean_waiting_time, simulated, simulated * 0.1);
  EXPECT_NE(robust.method.find("Whitt & You"), std::string::npos) << robust.method;
}

TEST(RobustWaitFactor, OnlyGGcReadsADispersion) {
  StationInput input;
  input.arrival_rate = 0.5;
  input.service = Distribution::exponential(1);
  input.servers = 1;
  input.service_dispersion = {{4, 2.0}};
  EXPECT_THROW(solve_station(QueueModel::mm1, input), InputError);
  input.service_dispersion = {{4, 2.0}, {2, 1.0}};
  EXPECT_THROW(solve_station(QueueModel::ggc, input), InputError);
}

}  // namespace
}  // namespace kendall::model
