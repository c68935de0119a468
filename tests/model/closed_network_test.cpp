// Exact single-class closed networks (MVA and log-space convolution), against the published cases
// of research/anchors-model.md §4 (T11–T14, T19, T20, T20b), closed forms and brute-force product
// form sums derived in the comments.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "closed_test_support.hpp"
#include "kendall/model/closed_network.hpp"

namespace kendall::model {
namespace {

using closed_test::queue_station;
using closed_test::rounds_to;
using closed_test::single_class;
using closed_test::timesharing;

// Oracle: T11, exact MVA from Octave qncsmva at full precision (PDQ EXACT agrees: 0.151516,
// 4.799825).
TEST(ExactMva, MatchesLazowskaTimesharingModel) {
  const ClosedResult r = solve_closed_exact(timesharing(3));
  EXPECT_EQ(r.method, "exact MVA");
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.throughput[0], 0.151516492, 0.151516492 * 1e-6);
  EXPECT_NEAR(r.response_time[0], 4.799824782, 4.799824782 * 1e-6);
  const std::vector<double> q = {0.0975660, 0.3946566, 0.2350300};
  const std::vector<double> u = {0.0916675, 0.3181846, 0.2045473};
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(r.stations[k].queue_length[0], q[k], q[k] * 1e-6) << k;
    EXPECT_NEAR(r.stations[k].utilization[0], u[k], u[k] * 1e-6) << k;
  }
}

// Oracle: T11b, Octave qncsmva for N = 1..5, printed to 6 decimals (so within 1e-6 absolute).
// N = 1 is also the closed form X = 1 / (Z + D) = 1 / 19.055.
TEST(ExactMva, MatchesTimesharingSeriesForOneToFiveUsers) {
  const double x[] = {0.052480, 0.103086, 0.151516, 0.197432, 0.240466};
  const double resp[] = {4.055000, 4.401288, 4.799825, 5.260097, 5.793000};
  for (int n = 1; n <= 5; ++n) {
    const ClosedResult r = solve_closed_exact(timesharing(n));
    EXPECT_NEAR(r.throughput[0], x[n - 1], 1e-6) << n;
    EXPECT_NEAR(r.response_time[0], resp[n - 1], 1e-6) << n;
  }
}

// Oracle: T12, Jain, "The Art of Computer Systems Performance Analysis", p. 577 (Octave qncsmva
// test), printed to 6 decimals, so each value must round to the printed digits. Demands are visits
// x service time: [16 x 0.125, 10 x 0.3, 5 x 0.2].
TEST(ExactMva, MatchesJainCentralServerModel) {
  const std::vector<double> visits = {16, 10, 5};
  const ClosedResult r = solve_closed_exact(single_class(
      {queue_station("cpu", 2.0), queue_station("disk_a", 3.0), queue_station("disk_b", 1.0)}, 20,
      4.0));
  EXPECT_TRUE(rounds_to(r.throughput[0], 0.333247, 6));
  EXPECT_TRUE(rounds_to(r.response_time[0], 56.015632, 6));
  const std::vector<double> per_visit = {0.373339, 4.854260, 0.299922};
  const std::vector<double> q = {1.990623, 16.176651, 0.499740};
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_TRUE(rounds_to(r.stations[k].residence_time[0] / visits[k], per_visit[k], 6)) << k;
    EXPECT_TRUE(rounds_to(r.stations[k].queue_length[0], q[k], 6)) << k;
  }
}

// Oracle: T13, Bolch et al. Ex. 8.3 p. 331; X(1) = 9.919836337 at full precision, the rest printed
// to 3 decimals (each must round to the printed digits). Demands V x S = [0.02 0.08 0.08 0.06], no
// think time.
TEST(ExactMva, MatchesBolchExample8_3) {
  const std::vector<double> visits = {1, 0.4, 0.2, 0.1};
  const ClosedResult r =
      solve_closed_exact(single_class({queue_station("cpu", 0.02), queue_station("d1", 0.08),
                                       queue_station("d2", 0.08), queue_station("d3", 0.06)},
                                      6, 0.0));
  EXPECT_NEAR(r.throughput[0], 9.919836337, 9.919836337 * 1e-6);
  const std::vector<double> u = {0.198, 0.794, 0.794, 0.595};
  const std::vector<double> q = {0.244, 2.261, 2.261, 1.234};
  const std::vector<double> per_visit = {0.025, 0.570, 1.140, 1.244};
  const std::vector<double> x_per_station = {9.920, 3.968, 1.984, 0.992};
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_TRUE(rounds_to(r.stations[k].utilization[0], u[k], 3)) << k;
    EXPECT_TRUE(rounds_to(r.stations[k].queue_length[0], q[k], 3)) << k;
    EXPECT_TRUE(rounds_to(r.stations[k].residence_time[0] / visits[k], per_visit[k], 3)) << k;
    EXPECT_TRUE(rounds_to(r.throughput[0] * visits[k], x_per_station[k], 3)) << k;
  }
}

// Oracle: T19, qnsolver runs recorded in LINE's tests; by hand, MVA at n = 1 gives Q = 1/2, so at
// n = 2 R = 1.5 and X = 2 / 2.5 = 0.8.
TEST(ExactMva, MatchesDelayThenQueueByHand) {
  const ClosedResult r = solve_closed_exact(single_class({queue_station("q", 1.0)}, 2, 1.0));
  EXPECT_NEAR(r.throughput[0], 0.8, 1e-12);
  EXPECT_NEAR(r.response_time[0], 1.5, 1e-12);
}

// Oracle: T14, Bolch et al. Ex. 8.4 p. 333 (a 2-server station and an IS station, which is a
// delay station here), Q at full precision; X = 1.218 printed to 3 digits, and by Little's law at
// the IS station X = Q_4 / D_4 exactly.
TEST(ClosedConvolution, MatchesBolchExample8_4WithTwoServersAndADelay) {
  const ClosedResult r = solve_closed_exact(
      single_class({queue_station("cpu", 0.5, 2), queue_station("d1", 0.3),
                    queue_station("d2", 0.4), closed_test::delay_station("terminals", 1.0)},
                   3, 0.0));
  EXPECT_EQ(r.method, "exact (log-space convolution)");
  const std::vector<double> q = {0.623679, 0.472872, 0.685988, 1.217461};
  for (std::size_t k = 0; k < 4; ++k)
    EXPECT_NEAR(r.stations[k].queue_length[0], q[k], q[k] * 1e-6) << k;
  // The book's 1.218 is one unit high in the last digit against its own Q_4 = 1.217461 at
  // D_4 = 1, so it is held to 1e-3 relative rather than to its rounding.
  EXPECT_NEAR(r.throughput[0], 1.218, 1.218 * 1e-3);
  EXPECT_NEAR(r.throughput[0], 1.217461, 1.217461 * 1e-6);
}

// Oracle: T20, PDQ README (Gunther) and Octave qncscmva; closed form: with Z = 0 all 400 users sit
// at the station, 300 servers are always busy, so X = 300 / 0.444 and R = N / X = 0.592.
// Load-dependent MVA (Octave qncsmva) returns X = -73.125 here.
TEST(ClosedConvolution, SurvivesTheMultiServerTrapOf300Servers) {
  const ClosedResult r =
      solve_closed_exact(single_class({queue_station("pool", 0.444, 300)}, 400, 0.0));
  EXPECT_NEAR(r.throughput[0], 300.0 / 0.444, 300.0 / 0.444 * 1e-9);
  EXPECT_NEAR(r.response_time[0], 0.592, 0.592 * 1e-9);
  EXPECT_NEAR(r.stations[0].utilization[0], 1.0, 1e-9);
  EXPECT_NEAR(r.stations[0].queue_length[0], 400.0, 400.0 * 1e-9);
}

// Oracle: T20b, closed form and Octave qncscmva: 160 users against 4 servers of 1 s with
// Z = 10 s is far past saturation (N* = 4 x 11 = 44), so X = 4 to many digits. qncsmva: -2.6488.
TEST(ClosedConvolution, SurvivesTheSaturatedFourServerTrap) {
  const ClosedResult r =
      solve_closed_exact(single_class({queue_station("pool", 1.0, 4)}, 160, 10.0));
  EXPECT_NEAR(r.throughput[0], 4.0, 1e-9);
  EXPECT_NEAR(r.response_time[0], 160.0 / 4.0 - 10.0, 1e-6);
}

// Oracle: two independent exact algorithms. Buzen's convolution over single servers must equal
// Reiser-Lavenberg MVA on T11 and T12.
TEST(ClosedConvolution, AgreesWithMvaOnSingleServerNetworks) {
  const std::vector<ClosedModel> models = {
      timesharing(3), timesharing(40),
      single_class({queue_station("cpu", 2.0), queue_station("a", 3.0), queue_station("b", 1.0),
                    closed_test::delay_station("net", 0.7)},
                   20, 4.0)};
  for (const ClosedModel& model : models) {
    const ClosedResult mva = solve_closed_exact(model);
    const ClosedResult conv = solve_closed_convolution(model);
    EXPECT_EQ(mva.method, "exact MVA");
    EXPECT_NEAR(conv.throughput[0], mva.throughput[0], mva.throughput[0] * 1e-10);
    EXPECT_NEAR(conv.response_time[0], mva.response_time[0], mva.response_time[0] * 1e-10);
    for (std::size_t k = 0; k < model.stations.size(); ++k)
      EXPECT_NEAR(conv.stations[k].queue_length[0], mva.stations[k].queue_length[0],
                  mva.stations[k].queue_length[0] * 1e-9);
  }
}

// Oracle: definition. A station with c servers and c >= N never queues, so it is a delay
// station: f(k) = D^k / k! for every reachable k.
TEST(ClosedConvolution, TreatsServersBeyondThePopulationAsADelay) {
  const ClosedResult many = solve_closed_exact(
      single_class({queue_station("cpu", 0.3), queue_station("pool", 2.0, 9)}, 9, 1.0));
  const ClosedResult delay = solve_closed_exact(
      single_class({queue_station("cpu", 0.3), closed_test::delay_station("pool", 2.0)}, 9, 1.0));
  EXPECT_NEAR(many.throughput[0], delay.throughput[0], delay.throughput[0] * 1e-12);
  EXPECT_NEAR(many.stations[1].queue_length[0], delay.stations[1].queue_length[0], 1e-10);
}

// Oracle: a brute-force product-form sum (Gordon-Newell / BCMP, Bolch §7.3): P(n) is
// proportional to Z^n0 / n0! * prod_k f_k(n_k) with f_k(n) = D_k^n / prod_{j<=n} min(j, c_k),
// summed over every state with n0 + n1 + n2 + n3 = N.
TEST(ClosedConvolution, MatchesABruteForceProductFormSum) {
  const int users = 7;
  const double z = 2.0;
  const std::vector<double> d = {0.4, 1.1, 1.7};
  const std::vector<int> c = {1, 2, 3};
  auto f = [](double demand, int servers, int n) {
    double value = 1;
    for (int j = 1; j <= n; ++j)
      value *= demand / std::min(j, servers);
    return value;
  };
  double g_n = 0, g_n_1 = 0;
  std::vector<double> queue(3, 0.0);
  for (int population : {users, users - 1}) {
    for (int a = 0; a <= population; ++a)
      for (int b = 0; a + b <= population; ++b)
        for (int e = 0; a + b + e <= population; ++e) {
          const int n0 = population - a - b - e;
          const double w = std::pow(z, n0) / std::tgamma(n0 + 1.0) * f(d[0], c[0], a) *
                           f(d[1], c[1], b) * f(d[2], c[2], e);
          if (population == users) {
            g_n += w;
            queue[0] += a * w;
            queue[1] += b * w;
            queue[2] += e * w;
          } else {
            g_n_1 += w;
          }
        }
  }
  const ClosedResult r = solve_closed_exact(
      single_class({queue_station("a", d[0], c[0]), queue_station("b", d[1], c[1]),
                    queue_station("c", d[2], c[2])},
                   users, z));
  EXPECT_NEAR(r.throughput[0], g_n_1 / g_n, g_n_1 / g_n * 1e-12);
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_NEAR(r.stations[k].queue_length[0], queue[k] / g_n, queue[k] / g_n * 1e-11) << k;
}

// Oracle: T19 in another form. A delay station with demand D is the same as think time D.
TEST(ExactMva, TreatsADelayStationLikeThinkTime) {
  const ClosedResult station = solve_closed_exact(
      single_class({closed_test::delay_station("users", 1.0), queue_station("q", 1.0)}, 2, 0.0));
  EXPECT_NEAR(station.throughput[0], 0.8, 1e-12);
  EXPECT_NEAR(station.stations[0].queue_length[0], 0.8, 1e-12);  // Little: X D
  EXPECT_NEAR(station.response_time[0], 2.5, 1e-12);
}

// Oracle: definition. With nobody in the network nothing flows; a lone request would see the
// bare demands.
TEST(ExactMva, ReportsAnEmptyNetworkAsIdle) {
  for (const ClosedResult& r :
       {solve_closed_exact(timesharing(0)),
        solve_closed_exact(single_class({queue_station("pool", 1.0, 4)}, 0, 10.0))}) {
    EXPECT_EQ(r.throughput[0], 0.0);
    EXPECT_EQ(r.stations[0].queue_length[0], 0.0);
    EXPECT_GT(r.response_time[0], 0.0);
  }
}

}  // namespace
}  // namespace kendall::model
