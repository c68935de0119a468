// Laws every closed-network result must obey, whatever the method: Little's law over the cycle,
// flow balance, utilization <= 1, monotone throughput, the asymptotic bounds (QSP §5.2) — and the
// input checks, which must say what is wrong and how to fix it.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "closed_test_support.hpp"
#include "kendall/base/error.hpp"
#include "kendall/model/closed_network.hpp"

namespace kendall::model {
namespace {

using closed_test::delay_station;
using closed_test::queue_station;
using closed_test::single_class;
using closed_test::timesharing;

// Not prefix + std::to_string(k): GCC 12 warns falsely on it (-Wrestrict, GCC bug 105329).
std::string numbered(const char* prefix, int k) {
  std::string name(prefix);
  name += std::to_string(k);
  return name;
}

// T14's network: a 2-server station, two single servers and a delay (Bolch Ex. 8.4).
ClosedModel bolch_8_4(int users) {
  return single_class({queue_station("cpu", 0.5, 2), queue_station("d1", 0.3),
                       queue_station("d2", 0.4), delay_station("terminals", 1.0)},
                      users, 0.0);
}

ClosedModel three_classes() {
  return ClosedModel{{ClosedStation{"web", false, 4, {0.2, 0.05, 0.1}},
                      ClosedStation{"db", false, 1, {0.1, 0.3, 0.05}},
                      ClosedStation{"net", true, 1, {0.5, 0.5, 0.5}}},
                     {10, 4, 7},
                     {2.0, 0.0, 5.0}};
}

// Little's law over the whole cycle, N = X (R + Z); flow balance (every station passes the
// class throughput, demands already folding in visits); R = sum of residence times; Little per
// station, Q = X R; and utilization per server in [0, 1].
void expect_laws(const ClosedModel& model, const ClosedResult& r) {
  for (std::size_t c = 0; c < model.populations.size(); ++c) {
    const double n = model.populations[c];
    const double x = r.throughput[c];
    EXPECT_TRUE(std::isfinite(x) && std::isfinite(r.response_time[c]));
    EXPECT_NEAR(x * (r.response_time[c] + model.think_times[c]), n, n * 1e-9) << r.method;
    double residence = 0;
    for (const ClosedStationResult& s : r.stations) {
      EXPECT_DOUBLE_EQ(s.throughput[c], x);
      EXPECT_NEAR(s.queue_length[c], x * s.residence_time[c], 1e-9 * std::max(1.0, n));
      EXPECT_GE(s.utilization[c], 0.0);
      EXPECT_LE(s.total_utilization, 1.0 + 1e-12);
      residence += s.residence_time[c];
    }
    EXPECT_NEAR(residence, r.response_time[c], 1e-9 * r.response_time[c]);
  }
}

// Oracle: Little's law and flow balance (QSP ch. 3), on every method.
TEST(ClosedInvariants, LittleAndFlowBalanceHoldForEveryMethod) {
  for (int n : {1, 3, 25}) {
    expect_laws(timesharing(n), solve_closed_exact(timesharing(n)));
    expect_laws(timesharing(n), solve_closed_convolution(timesharing(n)));
    expect_laws(timesharing(n), solve_closed_approximate(timesharing(n)));
    expect_laws(bolch_8_4(n), solve_closed_exact(bolch_8_4(n)));
    expect_laws(bolch_8_4(n), solve_closed_approximate(bolch_8_4(n)));
  }
  expect_laws(three_classes(), solve_closed(three_classes()));
}

// Oracle: monotonicity of exact product-form throughput in N (adding a user never lowers X;
// Lazowska et al. QSP ch. 6), for single- and multi-server networks.
TEST(ClosedInvariants, ExactThroughputNeverFallsAsUsersAreAdded) {
  for (const std::function<ClosedModel(int)>& model :
       {std::function<ClosedModel(int)>(timesharing), std::function<ClosedModel(int)>(bolch_8_4)}) {
    double previous = 0;
    for (int n = 1; n <= 60; ++n) {
      const double x = solve_closed_exact(model(n)).throughput[0];
      EXPECT_GE(x, previous) << n;
      previous = x;
    }
  }
}

// Oracle: QSP §5.2, the asymptotic bounds hold for every N.
TEST(ClosedInvariants, ExactResultLiesWithinTheAsymptoticBounds) {
  for (int n = 0; n <= 60; ++n) {
    for (const ClosedModel& model :
         {timesharing(n), bolch_8_4(n),
          single_class({queue_station("pool", 0.444, 300)}, 5 * n + 200, 0.0)}) {
      const ClosedResult r = solve_closed_exact(model);
      EXPECT_LE(r.throughput[0], r.bounds.throughput_upper[0] * (1 + 1e-12)) << n;
      EXPECT_GE(r.response_time[0], r.bounds.response_time_lower[0] * (1 - 1e-12)) << n;
    }
  }
}

// Oracle: Little's law and the asymptotic bound at scale. 100 single-server stations with
// demands 1..100 ms (a permutation, so one bottleneck of 0.1 s) and Z = 5 s saturate at
// N* = (5.05 + 5) / 0.1 ~ 100 users, so 10,000 users sit almost all at the bottleneck and
// X is within a hair of 1 / 0.1 = 10.
TEST(ClosedInvariants, TenThousandUsersOverAHundredStationsStaySane) {
  ClosedModel model = single_class({}, 10000, 5.0);
  for (int k = 0; k < 100; ++k)
    model.stations.push_back(queue_station(numbered("s", k), 0.001 * (1 + (k * 37) % 100)));
  const ClosedResult mva = solve_closed_exact(model);
  expect_laws(model, mva);
  EXPECT_LE(mva.throughput[0], 10.0);
  EXPECT_GT(mva.throughput[0], 10.0 * (1 - 1e-9));
  // The same network through the convolution (a different exact algorithm) must agree.
  const ClosedResult conv = solve_closed_convolution(model);
  EXPECT_NEAR(conv.throughput[0], mva.throughput[0], 1e-9 * mva.throughput[0]);
  for (std::size_t k = 0; k < 100; ++k)
    EXPECT_NEAR(conv.stations[k].queue_length[0], mva.stations[k].queue_length[0],
                1e-9 * std::max(1.0, mva.stations[k].queue_length[0]));
}

// Oracle: Little's law and the bounds at scale for multi-server stations, where load-dependent
// MVA breaks (research/anchors-model.md §0.3). Three pools of 8 servers (per-server demand
// 0.05 s at the largest) among 47 single servers: X can not pass 8 / 0.4 = 20.
TEST(ClosedInvariants, MultiServerNetworkAtTenThousandUsersStaysSane) {
  ClosedModel model = single_class({}, 10000, 5.0);
  for (int k = 0; k < 47; ++k)
    model.stations.push_back(queue_station(numbered("s", k), 0.0005 * (1 + k)));
  for (int k = 0; k < 3; ++k)
    model.stations.push_back(queue_station(numbered("pool", k), 0.2 + 0.1 * k, 8));
  const ClosedResult r = solve_closed_exact(model);
  expect_laws(model, r);
  EXPECT_LE(r.throughput[0], 20.0);
  EXPECT_GT(r.throughput[0], 20.0 * (1 - 1e-9));
  EXPECT_NEAR(r.stations[49].utilization[0], 1.0, 1e-9);
}

// Oracle: QSP §5.2 by hand for T11: D = 4.055, Z = 15, D_max = 2.1 (disk1).
// N = 3: X <= min(3 / 19.055, 1 / 2.1) = 0.157439, R >= max(4.055, 6.3 - 15) = 4.055.
// N = 20: X <= min(20 / 19.055, 0.476190) = 0.476190, R >= max(4.055, 42 - 15) = 27.
TEST(AsymptoticBounds, MatchTheTimesharingModelByHand) {
  const AsymptoticBounds light = asymptotic_bounds(timesharing(3));
  EXPECT_NEAR(light.throughput_upper[0], 3.0 / 19.055, 1e-12);
  EXPECT_NEAR(light.response_time_lower[0], 4.055, 1e-12);
  EXPECT_EQ(light.bottleneck[0], "disk1");
  const AsymptoticBounds heavy = asymptotic_bounds(timesharing(20));
  EXPECT_NEAR(heavy.throughput_upper[0], 1.0 / 2.1, 1e-12);
  EXPECT_NEAR(heavy.response_time_lower[0], 27.0, 1e-12);
  EXPECT_EQ(solve_closed_exact(timesharing(3)).bounds.throughput_upper[0],
            light.throughput_upper[0]);
}

// Oracle: T20's closed form. With Z = 0 and N > c the station is saturated, so the exact result
// sits on both bounds: X = c / D, R = N D / c.
TEST(AsymptoticBounds, CountServersAndAreTightForASaturatedPool) {
  const ClosedModel model = single_class({queue_station("pool", 0.444, 300)}, 400, 0.0);
  const AsymptoticBounds b = asymptotic_bounds(model);
  EXPECT_NEAR(b.throughput_upper[0], 300 / 0.444, 1e-9);
  EXPECT_NEAR(b.response_time_lower[0], 0.592, 1e-12);
  EXPECT_EQ(b.bottleneck[0], "pool");
}

// Oracle: the header's definition. Each class is bounded on its own, and a delay station never
// is the bottleneck.
TEST(AsymptoticBounds, AreComputedPerClassAndIgnoreDelays) {
  const AsymptoticBounds b = asymptotic_bounds(three_classes());
  // Class 0: D = 0.8, Z = 2, per-server max = 0.1 (db; web is 0.2/4 = 0.05).
  EXPECT_NEAR(b.throughput_upper[0], std::min(10 / 2.8, 1 / 0.1), 1e-12);
  EXPECT_EQ(b.bottleneck[0], "db");
  // Class 1: D = 0.85, Z = 0, bottleneck db at 0.3: X <= min(4 / 0.85, 3.33).
  EXPECT_NEAR(b.throughput_upper[1], 1 / 0.3, 1e-12);
  EXPECT_NEAR(b.response_time_lower[1], 4 * 0.3, 1e-12);
  // Class 2: web at 0.1/4 = 0.025 vs db 0.05.
  EXPECT_EQ(b.bottleneck[2], "db");
}

// Oracle: the error contract (STYLE.md rule 4): bad input throws InputError naming the field
// and the fix.
void expect_input_error(const std::function<void()>& call, const std::vector<std::string>& words) {
  try {
    call();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    for (const std::string& word : words)
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos)
          << "missing \"" << word << "\" in: " << e.what();
  }
}

TEST(ClosedModelInput, RejectsEachKindOfBadInputWithAFix) {
  ClosedModel negative_demand = timesharing(3);
  negative_demand.stations[1].demands[0] = -1.0;
  expect_input_error([&] { solve_closed(negative_demand); },
                     {"\"disk1\"", "demand", "-1", "0 or more"});

  expect_input_error([&] { solve_closed(timesharing(-2)); }, {"populations[0]", "-2", "0 or more"});

  ClosedModel mismatch = timesharing(3);
  mismatch.stations[2].demands.push_back(1.0);
  expect_input_error([&] { solve_closed(mismatch); },
                     {"\"disk2\"", "2 demands", "1 classes", "one demand per class"});

  ClosedModel no_think = timesharing(3);
  no_think.think_times.clear();
  expect_input_error([&] { solve_closed(no_think); }, {"think_times", "one think time per class"});

  ClosedModel no_servers = timesharing(3);
  no_servers.stations[0].servers = 0;
  expect_input_error([&] { solve_closed(no_servers); },
                     {"\"cpu\"", "0 servers", "1 or more", "delay"});

  ClosedModel nothing_to_do = single_class({queue_station("idle", 0.0)}, 5, 0.0);
  expect_input_error([&] { asymptotic_bounds(nothing_to_do); },
                     {"class 0", "unbounded", "think time"});

  ClosedModel no_classes{{}, {}, {}};
  expect_input_error([&] { solve_closed(no_classes); }, {"no classes", "populations"});

  expect_input_error([&] { solve_closed_exact(three_classes()); },
                     {"3 classes", "solve_closed_approximate"});
  expect_input_error([&] { solve_closed_convolution(three_classes()); },
                     {"3 classes", "solve_closed_approximate"});
}

}  // namespace
}  // namespace kendall::model
