// The analytic model of whole specs, against published open- and closed-network results and
// laws (flow balance, Little). Each test names its oracle.
#include "kendall/model/system_model.hpp"

#include <cmath>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kendall/model/spec.hpp"

namespace kendall::model {
namespace {

using ::testing::HasSubstr;

/// A spec with single-worker exponential services and one open class with the given visits.
std::string open_spec(const std::vector<std::pair<std::string, double>>& service_times,
                      const std::vector<double>& visits, double rate,
                      const std::string& extra = "") {
  std::string text = "apiVersion: kendall/v1\nservices:\n";
  std::string visit_map;
  for (std::size_t i = 0; i < service_times.size(); ++i) {
    text += fmt::format("  - {{name: {}, service_time: {}{}}}\n", service_times[i].first,
                        service_times[i].second, extra);
    visit_map += fmt::format("{}{}: {}", i ? ", " : "", service_times[i].first, visits[i]);
  }
  text += fmt::format("workload:\n  classes:\n    - {{name: jobs, rate: {}, visits: {{{}}}}}\n",
                      rate, visit_map);
  return text;
}

// Lazowska et al., Quantitative System Performance, p. 113 (research file T9): λ = 0.3 jobs/s,
// V = [121 70 50], S = [0.005 0.03 0.027].
TEST(OpenNetwork, MatchesLazowskaThreeCenterModel) {
  const System system = parse_system(
      open_spec({{"cpu", 0.005}, {"disk1", 0.03}, {"disk2", 0.027}}, {121, 70, 50}, 0.3), "t9");
  const SystemResult r = analyze(system);
  ASSERT_TRUE(r.stable);
  const double utilization[] = {0.1815, 0.63, 0.405};
  const double in_system[] = {0.221747, 1.702703, 0.680672};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(r.services[i].utilization, utilization[i], 1e-9);
    EXPECT_NEAR(*r.services[i].mean_number_in_system, in_system[i], 1e-6);
  }
  EXPECT_NEAR(*r.mean_response_time, 8.683740, 1e-6);
  EXPECT_NEAR(r.services[0].throughput, 36.3, 1e-9);
}

// Jain, The Art of Computer Systems Performance Analysis, Example 34.1 (research file T10):
// λ = 3, V = [16 7 8], S = [0.01 0.02 0.03]; the bottleneck (largest V·S = 0.24) saturates at
// λ = 1/0.24.
TEST(OpenNetwork, MatchesJainExample34_1AndFindsTheBottleneck) {
  const System system =
      parse_system(open_spec({{"cpu", 0.01}, {"a", 0.02}, {"b", 0.03}}, {16, 7, 8}, 3), "t10");
  const SystemResult r = analyze(system);
  const double per_visit[] = {0.0192307692, 0.0344827586, 0.107142857};
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(*r.services[i].response_time, per_visit[i], 1e-9);
  EXPECT_NEAR(*r.classes[0].mean_response_time, 1.406214475, 1e-8);
  EXPECT_EQ(r.bottleneck, "b");
  EXPECT_NEAR(*r.saturation_rate, 1.0 / 0.24, 1e-9);
}

// Bolch et al., Queueing Networks and Markov Chains, Ex. 7.4 (research file T8): visits
// V = [5 2.5 2.5 1] from the routing matrix, S = [0.04 0.03 0.06 0.05], λ = 4.
TEST(OpenNetwork, MatchesBolchJacksonExample7_4) {
  const System system = parse_system(
      open_spec({{"c1", 0.04}, {"c2", 0.03}, {"c3", 0.06}, {"c4", 0.05}}, {5, 2.5, 2.5, 1}, 4),
      "t8");
  const SystemResult r = analyze(system);
  const double throughput[] = {20, 10, 10, 4};
  const double response[] = {0.2, 0.042857142857, 0.15, 0.0625};
  const double queue[] = {4, 0.428571428571, 1.5, 0.25};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(r.services[i].throughput, throughput[i], 1e-9);
    EXPECT_NEAR(*r.services[i].response_time, response[i], 1e-9);
    EXPECT_NEAR(*r.services[i].mean_number_in_system, queue[i], 1e-9);
  }
}

// Research file T1: M/M/2 with λ = 9, μ = 5 has R = 20/19. Two replicas of one worker behind a
// least-request balancer share one queue, so they are that M/M/2; behind a random balancer
// each replica is an M/M/1 with λ = 4.5: R = 1/(5 - 4.5) = 2.
TEST(OpenNetwork, BalancersDecideHowReplicasQueue) {
  const std::string base = open_spec({{"api", 0.2}}, {1}, 9, ", replicas: 2");
  const SystemResult shared = analyze(parse_system(base, "lr"));
  EXPECT_NEAR(*shared.classes[0].mean_response_time, 20.0 / 19.0, 1e-9);
  const SystemResult workers =
      analyze(parse_system(open_spec({{"api", 0.2}}, {1}, 9, ", workers: 2"), "w"));
  EXPECT_NEAR(*workers.classes[0].mean_response_time, 20.0 / 19.0, 1e-9);
  const SystemResult split = analyze(
      parse_system(open_spec({{"api", 0.2}}, {1}, 9, ", replicas: 2, balancer: random"), "r"));
  EXPECT_NEAR(*split.classes[0].mean_response_time, 2.0, 1e-9);
  EXPECT_NEAR(split.services[0].utilization, 0.9, 1e-12);
}

// Arrivals that are not Poisson, by Allen–Cunneen's (c_a² + c_s²)/2 on the M/M/c wait: one worker
// of exponential 1 s at λ 0.7 waits 0.7/0.3 × (4 + 1)/2 = 5.833 s with gaps of SCV 4, so R =
// 6.833 s (GI/M/1's exact answer for balanced H2 gaps is 6.573 s: the two-moment rule is 4% high
// there; tests/sim/station_oracle_test.cpp checks the simulator against the exact one).
TEST(OpenNetwork, AnArrivalScvScalesTheWaitByAllenCunneen) {
  const std::string spec = open_spec({{"api", 1.0}}, {1}, 0.7);
  std::string bursty = spec;
  bursty.replace(bursty.find("rate: 0.7"), 9, "rate: 0.7, arrival_scv: 4");
  const SystemResult r = analyze(parse_system(bursty, "bursty"));
  ASSERT_TRUE(r.stable);
  EXPECT_NEAR(*r.classes[0].mean_response_time, 1 + 0.7 / 0.3 * 2.5, 1e-9);
  EXPECT_NEAR(*analyze(parse_system(spec, "poisson")).classes[0].mean_response_time, 1 / 0.3, 1e-9);
}

// Round-robin over r replicas hands each every r-th arrival: the sum of r gaps, SCV c_a² / r. A
// stream of SCV 2 over two single-worker replicas so gives each Poisson-like gaps of SCV 1, and
// M/M/1 at λ 0.45 per replica, μ 1: R = 1 / 0.55. Two classes of SCV 1 and 3 at rates 0.3 and
// 0.6 merge into SCV (0.3 × 1 + 0.6 × 3) / 0.9 = 7/3 at a shared queue.
TEST(OpenNetwork, RoundRobinDividesTheArrivalScvAndClassesMergeByRate) {
  System split = parse_system(
      open_spec({{"api", 1.0}}, {1}, 0.9, ", replicas: 2, balancer: round-robin"), "rr");
  split.classes[0].arrival_scv = 2;
  EXPECT_NEAR(*analyze(split).classes[0].mean_response_time, 1 / 0.55, 1e-9);

  System merged = parse_system(open_spec({{"api", 1.0}}, {1}, 0.3), "two");
  merged.classes.push_back(merged.classes[0]);
  merged.classes[1].name = "more";
  merged.classes[1].rate = 0.6;
  merged.classes[1].arrival_scv = 3;
  // ρ 0.9: W = 0.9 / 0.1 × (7/3 + 1) / 2 = 15 s.
  const SystemResult r = analyze(merged);
  EXPECT_NEAR(*r.services[0].waiting_time, 15.0, 1e-9);
}

// Tandem M/M/1 stations: sojourns Exp(μ1 - λ) and Exp(μ2 - λ) are independent (Burke; Jackson),
// so with rates 1 and 4 the end-to-end CDF is 1 - (4 e^{-t} - e^{-4t}) / 3.
TEST(OpenNetwork, TandemPercentilesAreTheHypoexponential) {
  // λ = 1; μ1 = 2 (S = 0.5), μ2 = 5 (S = 0.2).
  const SystemResult r =
      analyze(parse_system(open_spec({{"a", 0.5}, {"b", 0.2}}, {1, 1}, 1), "tandem"));
  const auto cdf = [](double t) { return 1.0 - (4.0 * std::exp(-t) - std::exp(-4.0 * t)) / 3.0; };
  const auto& p = *r.classes[0].response_time_percentiles;
  EXPECT_NEAR(cdf(p.p50), 0.50, 3e-4);
  EXPECT_NEAR(cdf(p.p95), 0.95, 3e-4);
  EXPECT_NEAR(cdf(p.p99), 0.99, 1e-4);
  EXPECT_NEAR(*r.classes[0].mean_response_time, 1.25, 1e-12);
}

TEST(OpenNetwork, OverloadedServiceIsReportedNotComputed) {
  std::string text = open_spec({{"slow", 0.02}, {"fast", 0.001}}, {1, 1}, 60);
  text += "    - {name: other, rate: 10, visits: {fast: 1}}\n";
  const SystemResult r = analyze(parse_system(text, "overload"));
  EXPECT_FALSE(r.stable);
  EXPECT_THAT(r.saturation, HasSubstr("slow"));
  EXPECT_FALSE(r.classes[0].mean_response_time.has_value());
  EXPECT_FALSE(r.classes[0].response_time_percentiles.has_value());
  EXPECT_TRUE(r.classes[1].mean_response_time.has_value());  // never visits the slow service
  EXPECT_FALSE(r.mean_response_time.has_value());
}

// A queue limit turns the station into M/M/c/K: one worker, queue_limit 1 gives K = 2 and, with
// ρ = 1, p_n = 1/3 each, so a third of requests is rejected and throughput is 2/3 of the rate.
TEST(OpenNetwork, QueueLimitsRejectAndThinTheFlow) {
  const SystemResult r =
      analyze(parse_system(open_spec({{"api", 1.0}}, {1}, 1, ", queue_limit: 1"), "k"));
  EXPECT_NEAR(r.services[0].probability_of_blocking, 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(r.classes[0].throughput, 2.0 / 3.0, 1e-9);
  EXPECT_NEAR(r.classes[0].rejection_probability, 1.0 / 3.0, 1e-9);
  EXPECT_TRUE(r.stable);
}

// A delay service never queues: the sojourn is the service time (M/G/inf).
TEST(OpenNetwork, DelayServicesAddTheirServiceTimeOnly) {
  const SystemResult r =
      analyze(parse_system(open_spec({{"ext", 0.3}}, {2}, 50, ", type: delay"), "d"));
  EXPECT_NEAR(*r.classes[0].mean_response_time, 0.6, 1e-12);
  EXPECT_NEAR(*r.services[0].mean_number_in_system, 100 * 0.3, 1e-9);  // Little: λV·S
}

// Flow balance: a service's throughput is the sum of its classes' visit rates; Little's law:
// the system's requests in service equal λ·R; the rate scale multiplies the load.
TEST(OpenNetwork, MultiClassFlowsBalanceAndObeyLittlesLaw) {
  const System system = load_system(KENDALL_SOURCE_DIR "/examples/user-services.yaml");
  const SystemResult r = analyze(system);
  double in_system = 0;
  for (const auto& s : r.services)
    in_system += *s.mean_number_in_system;
  EXPECT_NEAR(in_system, r.throughput * *r.mean_response_time, 1e-9);
  EXPECT_NEAR(r.services[0].throughput, 20.0, 1e-9);
  EXPECT_NEAR(r.services[1].throughput, 180.0, 1e-9);
  AnalysisOptions scaled;
  scaled.rate_scale = 1.5;
  const SystemResult r2 = analyze(system, scaled);
  EXPECT_NEAR(r2.services[1].utilization, 1.5 * r.services[1].utilization, 1e-9);
  // Login: 180/s × 25 ms over 8 workers.
  EXPECT_NEAR(r.services[1].utilization, 180 * 0.025 / 8, 1e-12);
}

// Per-class service times at a shared FCFS service: the station sees the mixture (mean
// Σλ_c S_c / Σλ_c), and each class's response is the common wait plus its own service time.
TEST(OpenNetwork, PerClassServiceTimesShareOneQueue) {
  const std::string text = R"(apiVersion: kendall/v1
services:
  - {name: api, service_time: 10ms}
workload:
  classes:
    - {name: small, rate: 20, visits: {api: 1}, service_times: {api: 5ms}}
    - {name: large, rate: 20, visits: {api: 1}, service_times: {api: 15ms}}
)";
  const SystemResult r = analyze(parse_system(text, "mix"));
  EXPECT_NEAR(r.services[0].utilization, 40 * 0.010, 1e-12);
  const double wait = *r.services[0].waiting_time;
  EXPECT_NEAR(*r.classes[0].mean_response_time, wait + 0.005, 1e-12);
  EXPECT_NEAR(*r.classes[1].mean_response_time, wait + 0.015, 1e-12);
  EXPECT_THAT(r.services[0].method, HasSubstr("Allen"));  // the mixture has SCV 1.25: G/G/c
}

TEST(SloEvaluation, ComparesTheChosenStatisticWithTheTarget) {
  // M/M/1, λ = 0.9, μ = 1: mean 10 s, p95 = 29.957 s (research file T5).
  std::string text = open_spec({{"api", 1.0}}, {1}, 0.9);
  text +=
      "slo:\n  - {class: jobs, statistic: mean, latency: 11s}\n  - {class: jobs, statistic: p95, "
      "latency: 29s}\n";
  const SystemResult r = analyze(parse_system(text, "slo"));
  ASSERT_EQ(r.slos.size(), 2u);
  EXPECT_TRUE(r.slos[0].met);
  EXPECT_NEAR(*r.slos[0].predicted, 10.0, 1e-9);
  EXPECT_FALSE(r.slos[1].met);
  EXPECT_NEAR(*r.slos[1].predicted, 29.957323, 29.957323 * 1e-3);
  EXPECT_EQ(r.classes[0].slo_met, false);
}

// Lazowska QSP p. 117 timesharing model (research file T11), exact MVA: N = 3, Z = 15 s,
// S = [0.605 2.1 1.35]: X = 0.151516492, R = 4.799824782.
TEST(ClosedSystem, MatchesLazowskaTimesharingModelThroughTheSpec) {
  const std::string text = R"(apiVersion: kendall/v1
services:
  - {name: cpu, service_time: 605ms}
  - {name: disk1, service_time: 2.1s}
  - {name: disk2, service_time: 1.35s}
workload:
  type: closed
  classes:
    - {name: users, population: 3, think_time: 15s, visits: {cpu: 1, disk1: 1, disk2: 1}}
)";
  const SystemResult r = analyze(parse_system(text, "t11"));
  EXPECT_NEAR(r.classes[0].throughput, 0.151516492, 1e-8);
  EXPECT_NEAR(*r.classes[0].mean_response_time, 4.799824782, 1e-8);
  // Little's law over the whole loop: N = X (R + Z).
  EXPECT_NEAR(3.0, r.classes[0].throughput * (*r.classes[0].mean_response_time + 15.0), 1e-9);
  ASSERT_TRUE(r.bounds.has_value());
  EXPECT_LE(r.classes[0].throughput, r.bounds->throughput_upper[0] + 1e-12);
  EXPECT_EQ(r.bottleneck, "disk1");
  EXPECT_TRUE(r.classes[0].response_time_percentiles.has_value());
}

}  // namespace
}  // namespace kendall::model
