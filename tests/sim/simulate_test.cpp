// The simulate() contract: same seed, same numbers for any thread count; run lengths by requests
// or by time; progress reports; input errors that say what to fix; the unstable-system guard;
// and the Student-t intervals (oracle: published t tables, e.g. Law 5th ed. Table T.1).
#include "kendall/sim/simulate.hpp"

#include <cmath>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/shifted_gamma.hpp"
#include "kendall/model/speed_runs.hpp"
#include "kendall/model/system_model.hpp"
#include "model/hold_curves.hpp"
#include "sim/systems.hpp"

namespace kendall::sim {
namespace {

using ::testing::HasSubstr;
using namespace testing;

void expect_same(const Estimate& a, const Estimate& b) {
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.half_width, b.half_width);
}

void expect_identical(const SimulationResult& a, const SimulationResult& b) {
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.simulated_time, b.simulated_time);
  ASSERT_EQ(a.classes.size(), b.classes.size());
  for (std::size_t c = 0; c < a.classes.size(); ++c) {
    expect_same(a.classes[c].response_time, b.classes[c].response_time);
    expect_same(a.classes[c].throughput, b.classes[c].throughput);
    EXPECT_EQ(a.classes[c].completed, b.classes[c].completed);
    EXPECT_EQ(a.classes[c].rejected, b.classes[c].rejected);
    EXPECT_TRUE(a.classes[c].histogram == b.classes[c].histogram);
    EXPECT_EQ(a.classes[c].percentiles.p999, b.classes[c].percentiles.p999);
  }
  for (std::size_t k = 0; k < a.services.size(); ++k) {
    expect_same(*a.services[k].utilization, *b.services[k].utilization);
    expect_same(a.services[k].mean_number_in_system, b.services[k].mean_number_in_system);
    expect_same(a.services[k].residence_time, b.services[k].residence_time);
  }
}

model::System web_and_db() {
  auto system = system_of({queue_service("web", Distribution::from_moments(0.01, 0.5), 4, 3),
                           queue_service("db", Distribution::exponential(0.02), 2, 2)},
                          {open_class("browse", 150.0, {visit(0), visit(1, 0.5)}),
                           open_class("buy", 20.0, {visit(0, 2.0), visit(1, 1.0)})});
  system.services[0].balancer = model::Balancer::random;
  system.services[1].queue_limit = 5;
  return system;
}

TEST(Determinism, SameSeedGivesIdenticalResultsOnOneOrTwoThreads) {
  SimulationOptions o;
  o.requests = 50'000;
  o.warmup_requests = 5'000;
  o.replications = 5;
  o.seed = 2024;
  o.threads = 1;
  const auto one = simulate(web_and_db(), o);
  o.threads = 2;
  const auto two = simulate(web_and_db(), o);
  expect_identical(one, two);
  EXPECT_GT(one.classes[1].completed, 0u);
}

TEST(Determinism, ADifferentSeedGivesDifferentNumbers) {
  SimulationOptions o;
  o.requests = 20'000;
  o.replications = 2;
  o.seed = 1;
  const auto a = simulate(web_and_db(), o);
  o.seed = 2;
  const auto b = simulate(web_and_db(), o);
  EXPECT_NE(a.classes[0].response_time.mean, b.classes[0].response_time.mean);
}

TEST(RunLength, ByDurationMeasuresThatManySimulatedSeconds) {
  // Oracle: an open class's throughput is its arrival rate (no rejections), 0.8/s here.
  SimulationOptions o;
  o.duration = 50'000;
  o.warmup_duration = 1'000;
  o.seed = 3;
  const auto result = simulate(mmc(0.8, 1.0, 1), o);
  EXPECT_TRUE(result.classes[0].throughput.contains(0.8)) << result.classes[0].throughput.mean;
  EXPECT_NEAR(static_cast<double>(result.classes[0].completed), 0.8 * 50'000, 0.03 * 40'000);
  EXPECT_GE(result.simulated_time, 51'000.0);
}

TEST(RunLength, ByRequestsEndsAfterThatManyRequests) {
  SimulationOptions o;
  o.requests = 30'000;
  o.warmup_requests = 1'000;
  o.replications = 3;
  const auto result = simulate(mmc(0.5, 1.0, 1), o);
  EXPECT_EQ(result.total.completed, 3u * 30'000u);
  EXPECT_EQ(result.replications, 3);
  EXPECT_GT(result.events, 2u * result.total.completed);  // an arrival and a departure each
  EXPECT_GT(result.events_per_second, 0.0);
  EXPECT_NE(result.interval_method.find("independent replications (R = 3)"), std::string::npos);
}

// A service-time dispersion: the simulator draws the jobs' speed in runs, as the analytic model
// assumes. Two servers at ρ = 0.8 whose speed wanders by ±15% over runs of ~200 jobs respond
// about 1.6 times slower than with independent service times (the analytic model's wait is
// checked against a Kiefer–Wolfowitz recursion of the same queue in
// tests/model/speed_runs_test.cpp); the simulated mean response must agree with that model,
// not with the independent one. Long runs make the estimate noisy: 10 × 1,000,000 requests
// give an interval of about ±5%.
TEST(ServiceDispersion, RunsOfSlowJobsLengthenTheSimulatedWait) {
  const model::SpeedModel runs{0.0, {{0.15 * 0.15, 200}}};
  model::System system =
      system_of({queue_service("station", Distribution::from_moments(1.0, 0.0225), 2)},
                {open_class("requests", 1.6, {visit(0)})});
  const model::System independent = system;
  for (double m = 2; m <= 4096; m *= 2)
    system.services[0].service_dispersion.push_back({m, model::dispersion_of(runs, m)});
  SimulationOptions o;
  o.requests = 1'000'000;
  o.warmup_requests = 50'000;
  o.replications = 10;
  o.threads = 2;
  const auto simulated = simulate(system, o);
  EXPECT_FALSE(simulated.warning);
  model::AnalysisOptions analysis;
  analysis.percentiles = false;
  const double modelled = *model::analyze(system, analysis).classes[0].mean_response_time;
  const double without = *model::analyze(independent, analysis).classes[0].mean_response_time;
  const Estimate& response = simulated.classes[0].response_time;
  EXPECT_NEAR(response.mean, modelled, modelled * 0.08) << response.half_width;
  EXPECT_GT(response.low(), without * 1.3) << without;
}

// Skewed runs: slow spells rarer and deeper than fast ones (+30% one run in ten, −3.3% otherwise;
// the curve measured by brute force from 4M such jobs). The simulator draws each run's share
// from the skewed law the model fitted, so its mean response must agree with the model's, which
// is a third above the same variance without skewness.
TEST(ServiceDispersion, SkewedRunsAreDrawnSkewed) {
  const auto curve = model::hold_curves::measured_curve(
      model::hold_curves::holds_with_runs(4'000'000, 200, 8, model::hold_curves::rare_deep_share));
  const double scv = 0.05 * 1.01 + 0.01;
  model::System system =
      system_of({queue_service("station", Distribution::from_moments(1.0, scv), 2)},
                {open_class("requests", 1.6, {visit(0)})});
  model::System symmetric = system;
  system.services[0].service_dispersion = curve;
  for (const model::DispersionPoint& p : curve)
    symmetric.services[0].service_dispersion.push_back({p.jobs, p.index});
  SimulationOptions o;
  o.requests = 1'000'000;
  o.warmup_requests = 50'000;
  o.replications = 10;
  o.threads = 2;
  const auto simulated = simulate(system, o);
  model::AnalysisOptions analysis;
  analysis.percentiles = false;
  const double modelled = *model::analyze(system, analysis).classes[0].mean_response_time;
  const double without = *model::analyze(symmetric, analysis).classes[0].mean_response_time;
  const Estimate& response = simulated.classes[0].response_time;
  EXPECT_NEAR(response.mean, modelled, modelled * 0.08) << response.half_width;
  EXPECT_GT(response.low(), without * 1.1) << without;
}

// A tabulated shape (a 0.8 floor plus a gamma tail: mean 1, SCV 0.09) whose runs account for
// part of that SCV: the simulator keeps the shape but draws the samples nearer their mean, so
// that jobs and runs together vary as measured. At ρ = 0.05 the response is the service time,
// whose p95 the analytic model reads off the same table. Drawing the samples as they are and
// slowing them by the runs on top would make p95 about 5% longer.
TEST(ServiceDispersion, ATabulatedShapeLeavesTheRunsTheirShareOfTheVariance) {
  const auto shape = model::shifted_gamma(1.0, 0.09, 0.162);
  ASSERT_TRUE(shape);
  const model::SpeedModel runs{0.0, {{0.04, 200}}};
  model::System system =
      system_of({queue_service("station", *shape, 1)}, {open_class("requests", 0.05, {visit(0)})});
  for (double m = 2; m <= 4096; m *= 2)
    system.services[0].service_dispersion.push_back({m, 0.05 + model::dispersion_of(runs, m)});
  SimulationOptions o;
  o.requests = 400'000;
  o.warmup_requests = 10'000;
  o.replications = 4;
  o.threads = 2;
  const auto simulated = simulate(system, o);
  const auto modelled = *model::analyze(system).classes[0].response_time_percentiles;
  EXPECT_NEAR(simulated.classes[0].percentiles.p95, modelled.p95, 0.02 * modelled.p95);
  EXPECT_NEAR(simulated.classes[0].response_time.mean,
              *model::analyze(system).classes[0].mean_response_time, 0.01);
}

TEST(Progress, ReportsFractionsUpToOneFromTheCallingThread) {
  SimulationOptions o;
  o.requests = 200'000;
  o.replications = 4;
  o.threads = 2;
  std::vector<double> seen;
  simulate(mmc(0.5, 1.0, 1), o, [&](double f) { seen.push_back(f); });
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), 1.0);
  for (double f : seen) {
    EXPECT_GE(f, 0.0);
    EXPECT_LE(f, 1.0);
  }
}

TEST(Unstable, AnOverloadedQueueStopsWithAWarningNamingTheService) {
  auto system = mmc(2.0, 1.0, 1);
  system.services[0].name = "checkout";
  SimulationOptions o;
  o.requests = 1'000'000;
  o.max_requests_in_system = 10'000;
  const auto result = simulate(system, o);
  ASSERT_TRUE(result.warning.has_value());
  EXPECT_THAT(*result.warning, HasSubstr("\"checkout\""));
  EXPECT_THAT(*result.warning, HasSubstr("unstable"));
}

TEST(Errors, OptionsWithoutARunLengthSayWhatToSet) {
  SimulationOptions o;
  try {
    simulate(mmc(0.5, 1.0, 1), o);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("requests"));
    EXPECT_THAT(e.what(), HasSubstr("duration"));
  }
  o.requests = 10;
  o.duration = 10;
  EXPECT_THROW(simulate(mmc(0.5, 1.0, 1), o), InputError);
  o.duration = 0;
  o.replications = 0;
  EXPECT_THROW(simulate(mmc(0.5, 1.0, 1), o), InputError);
}

TEST(Errors, BadSystemsNameTheServiceOrClass) {
  SimulationOptions o;
  o.requests = 1000;
  auto no_workers = mmc(0.5, 1.0, 1);
  no_workers.services[0].workers = 0;
  EXPECT_THAT([&] { simulate(no_workers, o); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("service \"station\": workers")));
  auto idle = mmc(0.0, 1.0, 1);
  EXPECT_THAT([&] { simulate(idle, o); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("nothing to simulate")));
  auto bad_time = mmc(0.5, 1.0, 1);
  bad_time.services[0].service_time =
      Distribution{DistributionKind::hyperexponential, 1.0, 0.5, {}};
  EXPECT_THAT([&] { simulate(bad_time, o); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("scv >= 1")));
}

TEST(ConfidenceIntervals, CoverAboutNinetyFivePercentOfRuns) {
  // Oracle: a 95% interval from independent replications contains the true mean in 95% of runs,
  // so of 60 independent runs X ~ Binomial(60, 0.95) contain the M/M/1 mean 1/(μ − λ) = 2
  // (λ = 0.5, μ = 1). P(X ≤ 51) < 0.2%.
  int covered = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    SimulationOptions o;
    o.requests = 20'000;
    o.warmup_requests = 2'000;
    o.replications = 5;
    o.seed = 1000 + seed;
    o.threads = 2;
    covered += simulate(mmc(0.5, 1.0, 1), o).classes[0].response_time.contains(2.0) ? 1 : 0;
  }
  EXPECT_GE(covered, 52);
}

TEST(StudentT, MatchesThePublishedTable) {
  EXPECT_NEAR(student_t_975(1), 12.706, 1e-3);
  EXPECT_NEAR(student_t_975(4), 2.776, 1e-3);
  EXPECT_NEAR(student_t_975(9), 2.262, 1e-3);
  EXPECT_NEAR(student_t_975(19), 2.093, 1e-3);
  EXPECT_NEAR(student_t_975(40), 2.021, 1e-3);
  EXPECT_NEAR(student_t_975(120), 1.980, 1e-3);
  EXPECT_NEAR(student_t_975(100000), 1.960, 1e-3);
}

TEST(StudentT, IntervalOfFiveValuesByHand) {
  // Values 1..5: mean 3, s² = 2.5, half-width = 2.7764·√(2.5/5) = 1.96324.
  const std::vector<double> values = {1, 2, 3, 4, 5};
  const Estimate e = estimate_mean(values);
  EXPECT_DOUBLE_EQ(e.mean, 3.0);
  EXPECT_NEAR(e.half_width, 2.7764 * std::sqrt(0.5), 1e-4);
  const std::vector<double> with_gap = {1, std::nan(""), 3};
  EXPECT_DOUBLE_EQ(estimate_mean(with_gap).mean, 2.0);
}

}  // namespace
}  // namespace kendall::sim
