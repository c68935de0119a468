// The replica planner against brute-force enumeration over the full model (independent of the
// MILP), a published sizing (LINE's LineOpt tutorial), and hand-derived bin packing.
#include "kendall/model/plan.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::model {
namespace {

using ::testing::HasSubstr;

System one_service(double rate, double service_time, int max_replicas, double cap) {
  System system;
  system.plan.max_utilization = cap;
  Service s;
  s.name = "api";
  s.service_time = Distribution::exponential(service_time);
  s.max_replicas = max_replicas;
  system.services.push_back(s);
  WorkloadClass c;
  c.name = "all";
  c.rate = rate;
  c.visits.push_back(Visit{0, 1.0, std::nullopt});
  system.classes.push_back(c);
  return system;
}

// LINE's LineOpt tutorial (research file §2.3): an M/M/c with λ = 3, μ = 1 and utilization at
// most 0.5 needs 6 servers; at the peak λ = 4.5, 9.
TEST(Plan, MatchesLineOptServerAllocation) {
  const PlanResult base = plan_replicas(one_service(3, 1.0, 50, 0.5));
  ASSERT_TRUE(base.feasible) << base.reason;
  EXPECT_EQ(base.services[0].replicas, 6);
  EXPECT_DOUBLE_EQ(base.cost, 6.0);
  EXPECT_EQ(base.solver_status, "optimal");
  PlanOptions peak;
  peak.rate_scale = 1.5;
  EXPECT_EQ(plan_replicas(one_service(3, 1.0, 50, 0.5), peak).services[0].replicas, 9);
}

TEST(Plan, SaysWhichServiceCannotStayUnderTheCap) {
  // λE[S] = 24.8 busy workers; at 80% that needs 31 replicas of one worker.
  System system = one_service(248, 0.1, 20, 0.8);
  system.services[0].name = "user-login-service";
  const PlanResult r = plan_replicas(system);
  EXPECT_FALSE(r.feasible);
  EXPECT_EQ(
      r.reason,
      "user-login-service needs 31 replicas to stay under 80% utilization; max_replicas is 20");
}

TEST(Plan, SaysWhenAnSloIsOutOfReach) {
  System system = one_service(1, 0.2, 10, 0.8);
  system.slos.push_back(Slo{0, Statistic::mean, 0.1, {}});  // faster than the service time itself
  const PlanResult r = plan_replicas(system);
  EXPECT_FALSE(r.feasible);
  EXPECT_THAT(
      r.reason,
      HasSubstr("all: mean is 200 ms even with every service at max_replicas (SLO 100 ms)"));
}

TEST(Plan, RefusesClosedWorkloads) {
  System system = one_service(1, 0.2, 10, 0.8);
  system.workload = WorkloadType::closed;
  EXPECT_THROW(plan_replicas(system), InputError);
}

/// A random small system: 3 services, 2 classes, mean or percentile SLOs.
System random_system(std::mt19937& random, Statistic statistic) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  System system;
  system.plan.max_utilization = 0.85;
  for (int s = 0; s < 3; ++s) {
    Service service;
    service.name = fmt::format("s{}", s);
    service.workers = 1 + static_cast<int>(unit(random) * 3);
    service.service_time = Distribution::exponential(0.01 + 0.04 * unit(random));
    service.cost = 0.5 + 2.5 * unit(random);
    service.min_replicas = 1;
    service.max_replicas = 6;
    system.services.push_back(service);
  }
  for (int c = 0; c < 2; ++c) {
    WorkloadClass wc;
    wc.name = fmt::format("c{}", c);
    wc.rate = 20 + 60 * unit(random);
    for (std::size_t s = 0; s < 3; ++s) {
      if (unit(random) < 0.7)
        wc.visits.push_back(Visit{s, 1.0, std::nullopt});
    }
    if (wc.visits.empty())
      wc.visits.push_back(Visit{0, 1.0, std::nullopt});
    system.classes.push_back(wc);
    // Targets from "just above the bare service times" to comfortable; p95 needs about 3×.
    const double target =
        statistic == Statistic::mean ? 0.04 + 0.08 * unit(random) : 0.15 + 0.2 * unit(random);
    system.slos.push_back(Slo{static_cast<std::size_t>(c), statistic, target, {}});
  }
  return system;
}

/// The cheapest plan by trying every combination under the full model (analyze), or nothing.
std::optional<double> brute_force_cost(const System& system) {
  std::optional<double> best;
  System trial = system;
  AnalysisOptions options;
  options.percentiles = std::any_of(system.slos.begin(), system.slos.end(), [](const Slo& slo) {
    return slo.statistic != Statistic::mean;
  });
  std::function<void(std::size_t)> visit = [&](std::size_t s) {
    if (s == trial.services.size()) {
      const SystemResult r = analyze(trial, options);
      if (!r.stable)
        return;
      double cost = 0;
      for (std::size_t i = 0; i < trial.services.size(); ++i) {
        if (r.services[i].utilization > system.plan.max_utilization + 1e-12)
          return;
        cost += trial.services[i].replicas * trial.services[i].cost;
      }
      for (const auto& slo : r.slos) {
        if (!slo.met)
          return;
      }
      if (!best || cost < *best)
        best = cost;
      return;
    }
    for (int r = trial.services[s].min_replicas; r <= trial.services[s].max_replicas; ++r) {
      trial.services[s].replicas = r;
      visit(s + 1);
    }
  };
  visit(0);
  return best;
}

// Mean SLOs make the MILP exact: its optimal cost equals brute force's on every seed.
TEST(Plan, MeanSloOptimumEqualsBruteForceOnRandomSystems) {
  int feasible = 0;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    std::mt19937 random(seed);
    const System system = random_system(random, Statistic::mean);
    PlanOptions options;
    options.find_slo_limit = false;
    const PlanResult plan = plan_replicas(system, options);
    const auto truth = brute_force_cost(system);
    ASSERT_EQ(plan.feasible, truth.has_value()) << "seed " << seed << ": " << plan.reason;
    if (!truth)
      continue;
    ++feasible;
    EXPECT_NEAR(plan.cost, *truth, 1e-9) << "seed " << seed;
  }
  EXPECT_GE(feasible, 6);  // the generator must exercise the feasible case
}

// Percentile SLOs: every plan is verified under the full model, so it is feasible and never
// cheaper than the true optimum; the surrogate finds the optimum on most seeds.
TEST(Plan, PercentileSloPlansAreVerifiedAndNearTheBruteForceOptimum) {
  int optimal = 0, feasible = 0;
  for (unsigned seed = 1; seed <= 8; ++seed) {
    std::mt19937 random(100 + seed);
    const System system = random_system(random, Statistic::p95);
    PlanOptions options;
    options.find_slo_limit = false;
    const PlanResult plan = plan_replicas(system, options);
    const auto truth = brute_force_cost(system);
    if (!plan.feasible) {
      EXPECT_FALSE(truth.has_value()) << "seed " << seed << ": " << plan.reason;
      continue;
    }
    ASSERT_TRUE(truth.has_value());
    ++feasible;
    for (const auto& slo : plan.slos)
      EXPECT_TRUE(slo.met) << "seed " << seed;
    EXPECT_GE(plan.cost, *truth - 1e-9) << "seed " << seed;
    if (plan.cost <= *truth + 1e-9)
      ++optimal;
  }
  EXPECT_GE(feasible, 4);
  EXPECT_GE(optimal, feasible - 1);
}

// Bin packing by hand: replicas of 1.5 CPU fit one per 2-CPU node. Two services needing 3 and
// 2 replicas need 5 nodes; with 4 nodes there is no plan, and the reason names the pool.
TEST(Plan, PacksReplicasOntoWholeNodes) {
  System system = one_service(2.5, 1.0, 10, 0.9);  // 2.5 busy workers → 3 replicas
  system.services[0].resources = Resources{1.5, 1e9};
  Service second = system.services[0];
  second.name = "db";
  system.services.push_back(second);
  system.classes[0].visits.push_back(Visit{1, 0.6, std::nullopt});  // 1.5 busy → 2 replicas
  system.nodes = NodePool{5, 2.0, 8e9, 0.0};
  const PlanResult fits = plan_replicas(system);
  ASSERT_TRUE(fits.feasible) << fits.reason;
  EXPECT_EQ(fits.services[0].replicas, 3);
  EXPECT_EQ(fits.services[1].replicas, 2);
  ASSERT_TRUE(fits.nodes.has_value());
  EXPECT_EQ(fits.nodes->nodes_used, 5);
  for (const auto& node : fits.nodes->placement)
    EXPECT_LE(1.5 * (node[0] + node[1]), 2.0);
  system.nodes->count = 4;
  const PlanResult tight = plan_replicas(system);
  EXPECT_FALSE(tight.feasible);
  EXPECT_THAT(tight.reason, HasSubstr("request 7.5 CPU"));
  EXPECT_THAT(tight.reason, HasSubstr("4 nodes of 2 CPU"));
}

TEST(Plan, FindsTheUtilizationAtWhichTheSloBreaks) {
  // One M/M/1 replica per plan step, mean SLO 50 ms with S = 10 ms: R = S/(1-ρ) <= 0.05 holds
  // up to ρ = 0.8 exactly.
  System system = one_service(20, 0.010, 1, 0.95);
  system.slos.push_back(Slo{0, Statistic::mean, 0.050, {}});
  const PlanResult r = plan_replicas(system);
  ASSERT_TRUE(r.feasible);
  EXPECT_NEAR(r.services[0].utilization, 0.2, 1e-12);
  EXPECT_NEAR(*r.services[0].utilization_at_slo_limit, 0.8, 1e-3);
}

// Each service's limit is its own: two M/M/1 services serving separate classes, with mean SLOs
// 50 ms and 20 ms over S = 10 ms, break at ρ = 1 - S/L: 0.8 and 0.5, whatever the other does.
TEST(Plan, FindsEachServicesOwnSloLimit) {
  System system = one_service(20, 0.010, 1, 0.95);
  Service other = system.services[0];
  other.name = "other";
  system.services.push_back(other);
  WorkloadClass second = system.classes[0];
  second.name = "second";
  second.visits = {Visit{1, 1.0, std::nullopt}};
  system.classes.push_back(second);
  system.slos.push_back(Slo{0, Statistic::mean, 0.050, {}});
  system.slos.push_back(Slo{1, Statistic::mean, 0.020, {}});
  const PlanResult r = plan_replicas(system);
  ASSERT_TRUE(r.feasible) << r.reason;
  EXPECT_NEAR(*r.services[0].utilization_at_slo_limit, 0.8, 1e-3);
  EXPECT_NEAR(*r.services[1].utilization_at_slo_limit, 0.5, 1e-3);
}

TEST(Schedule, ReadsTimesOfDayAndScalesToTheSpec) {
  const auto path = std::filesystem::temp_directory_path() / "kendall-schedule-test.csv";
  std::ofstream(path) << "time,rate\n# night\n00:00,50\n08:00,200\n";
  const auto levels = read_schedule(path.string(), 100.0);
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_EQ(levels[0].label, "00:00");
  EXPECT_DOUBLE_EQ(levels[1].rate_scale, 2.0);
  std::ofstream(path) << "08:00,200\n25:00,10\n";
  try {
    read_schedule(path.string(), 100.0);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(":2:1: \"25:00\" is not a time of day"));
  }
  std::filesystem::remove(path);
}

TEST(Schedule, MoreTrafficNeverNeedsFewerReplicas) {
  const System system = one_service(3, 1.0, 50, 0.5);
  const auto rows = plan_schedule(system, {{"low", 0.5}, {"mid", 1.0}, {"peak", 2.0}});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].plan.services[0].replicas, 3);
  EXPECT_EQ(rows[1].plan.services[0].replicas, 6);
  EXPECT_EQ(rows[2].plan.services[0].replicas, 12);
}

}  // namespace
}  // namespace kendall::model
