// Workers sharing fewer cores (spec `cores`): the simulator shares the cores among the requests in
// service (limited processor sharing). Oracles:
// - With exponential service times the number in system is the birth–death chain of rates λ and
//   min(n, cores)·μ — the M/M/cores queue — whatever the number of workers, so by Little's law
//   the mean response time is M/M/cores's (Kleinrock vol. 1, §3.5; Erlang C written out below).
// - One request alone runs at full speed: a constant service time at low load is unchanged.
// - The analytic model's time-shared station (model/src/time_shared.cpp) is an approximation
//   for work that is not exponential; the simulator, which shares the cores request by request,
//   is its oracle.
// - Pure processor sharing (workers ≥ requests ever present) on one core is M/G/1-PS, whose mean
//   response time S/(1−ρ) is insensitive to the service-time distribution (Kleinrock vol. 2, §4.4).
#include <gtest/gtest.h>

#include "kendall/model/system_model.hpp"
#include "kendall/sim/simulate.hpp"
#include "sim/systems.hpp"

namespace kendall::sim {
namespace {

using testing::open_class;
using testing::queue_service;
using testing::visit;

model::System shared(const Distribution& service_time, int workers, int cores, double rate) {
  model::System system;
  system.name = "shared-cpu";
  model::Service s = queue_service("cpu", service_time, workers);
  s.cores = cores;
  system.services = {s};
  system.classes = {open_class("c", rate, {visit(0)})};
  return system;
}

SimulationOptions options(std::uint64_t seed) {
  SimulationOptions o;
  o.requests = 200'000;
  o.warmup_requests = 20'000;
  o.replications = 8;
  o.seed = seed;
  o.threads = 2;
  return o;
}

TEST(SharedCpu, ExponentialWorkOnFewerCoresThanWorkersIsMMCores) {
  // μ = 1, two cores, λ = 1.6 (ρ = 0.8). M/M/2: C(2, 1.6) = 2ρ²/(1+ρ) = 0.7111…,
  // R = 1 + C/(2 − 1.6) = 2.7778.
  const double rho = 0.8;
  const double erlang_c = 2 * rho * rho / (1 + rho);
  const double exact = 1 + erlang_c / (2 - 1.6);
  const auto result = simulate(shared(Distribution::exponential(1.0), 6, 2, 1.6), options(3));
  const Estimate& r = result.classes[0].response_time;
  EXPECT_TRUE(r.contains(exact)) << r.mean << " ± " << r.half_width << " vs " << exact;
  EXPECT_LT(r.half_width, 0.05 * exact);
  // Utilization is per core.
  EXPECT_TRUE(result.services[0].utilization->contains(0.8))
      << result.services[0].utilization->mean;
}

TEST(SharedCpu, OneCoreWithManyWorkersIsProcessorSharingAndInsensitive) {
  // M/G/1-PS: R = S/(1−ρ) = 0.5/(1−0.5) = 1 for constant and exponential service alike
  // (64 workers: practically never a request waits for a worker at ρ = 0.5).
  for (const Distribution& d : {Distribution::deterministic(0.5), Distribution::exponential(0.5)}) {
    const auto result = simulate(shared(d, 64, 1, 1.0), options(4));
    const Estimate& r = result.classes[0].response_time;
    EXPECT_TRUE(r.contains(1.0)) << to_string(d.kind) << ": " << r.mean << " ± " << r.half_width;
  }
}

TEST(SharedCpu, ALoneRequestRunsAtFullSpeed) {
  // λ tiny: requests almost never overlap, so a constant 10 ms stays 10 ms.
  const auto result = simulate(shared(Distribution::deterministic(0.010), 4, 2, 0.01), options(5));
  EXPECT_NEAR(result.classes[0].response_time.mean, 0.010, 0.0002);
  EXPECT_NEAR(result.classes[0].percentiles.p50, 0.010, 0.0002);
}

TEST(SharedCpu, CoresAtOrAboveWorkersChangeNothing) {
  const auto plain = simulate(shared(Distribution::exponential(1.0), 2, 2, 1.6), options(6));
  model::System without = shared(Distribution::exponential(1.0), 2, 2, 1.6);
  without.services[0].cores.reset();
  const auto reference = simulate(without, options(6));
  EXPECT_EQ(plain.classes[0].response_time.mean, reference.classes[0].response_time.mean);
}

TEST(SharedCpu, TheAnalyticTimeSharedModelAgreesWithTheSimulator) {
  // 4 workers on 2 cores, as the bundled login service runs Argon2id: near-constant work (SCV
  // 0.05) from half load to 0.9, and very variable work (SCV 4). Mean within 4%, p95 within 6%
  // (the approximation's error; the simulator's own 95% interval is ±0.2%, ±1.7% and ±2.2% for
  // the three, by kendall simulate -n 200000 -r 8 --seed 7 on the same systems).
  struct Case {
    double scv, rho;
  };
  for (const Case c : {Case{0.05, 0.5}, Case{0.05, 0.9}, Case{4.0, 0.8}}) {
    const double work = 0.0028;
    const model::System system =
        shared(Distribution::from_moments(work, c.scv), 4, 2, c.rho * 2 / work);
    const auto simulated = simulate(system, options(7));
    const model::SystemResult analytic = model::analyze(system);
    ASSERT_TRUE(analytic.classes[0].mean_response_time);
    const double sim_mean = simulated.classes[0].response_time.mean;
    const double sim_p95 = simulated.classes[0].percentiles.p95;
    EXPECT_NEAR(*analytic.classes[0].mean_response_time, sim_mean, 0.04 * sim_mean)
        << "SCV " << c.scv << ", ρ " << c.rho;
    EXPECT_NEAR(analytic.classes[0].response_time_percentiles->p95, sim_p95, 0.06 * sim_p95)
        << "SCV " << c.scv << ", ρ " << c.rho;
  }
}

// The cores slower with more busy than cores (spec sharing_speed): with exponential work the
// number in system is still a birth–death chain, with rates λ and min(n, c)·speed(n)·μ, so by
// Little's law the mean is the chain's. One core, two workers at half speed with both busy,
// λ = 0.2, μ = 1: π₀ = 0.75, π₁ = 0.15, P(n ≥ 2) = 0.1 and L = 0.15 + 2 × 0.1 + 1/15 = 0.41667,
// R = L/λ = 2.0833 s (one speed: M/M/1's 1.25 s). And the analytic model agrees with it on
// near-constant work, 4 workers on 2 cores at speeds 0.95 and 0.9 (as the bundled service's
// hashing measured), within the same bounds as at one speed.
TEST(SharedCpu, ACoresSpeedByTheNumberBusyIsTheBirthDeathChainAndTheModelsToo) {
  model::System system = shared(Distribution::exponential(1.0), 2, 1, 0.2);
  system.services[0].sharing_speed = {0.5};
  const auto result = simulate(system, options(11));
  const Estimate& r = result.classes[0].response_time;
  EXPECT_TRUE(r.contains(0.41667 / 0.2)) << r.mean << " ± " << r.half_width;
  EXPECT_LT(r.half_width, 0.05 * 2.0833);

  // The speed at every number busy: 0.8 alone and 0.5 with both, R = 2.45098 s by the chain
  // (model/time_shared_test.cpp).
  system.services[0].sharing_speed.clear();
  system.services[0].busy_speed = {0.8, 0.5};
  const Estimate by_busy = simulate(system, options(12)).classes[0].response_time;
  EXPECT_TRUE(by_busy.contains(2.45098)) << by_busy.mean << " ± " << by_busy.half_width;
  EXPECT_LT(by_busy.half_width, 0.05 * 2.45098);

  for (const double rho : {0.5, 0.85}) {
    const double work = 0.0028;
    model::System hashing = shared(Distribution::from_moments(work, 0.05), 4, 2, rho * 2 / work);
    hashing.services[0].sharing_speed = {0.95, 0.9};
    const auto simulated = simulate(hashing, options(7));
    const model::SystemResult analytic = model::analyze(hashing);
    ASSERT_TRUE(analytic.classes[0].mean_response_time) << rho;
    const double sim_mean = simulated.classes[0].response_time.mean;
    const double sim_p95 = simulated.classes[0].percentiles.p95;
    EXPECT_NEAR(*analytic.classes[0].mean_response_time, sim_mean, 0.04 * sim_mean) << rho;
    EXPECT_NEAR(analytic.classes[0].response_time_percentiles->p95, sim_p95, 0.06 * sim_p95) << rho;
  }
}

// Closed populations (users thinking 2 s between requests) at 4 workers on 2 cores: the model
// splits the network's occupancy into the wait for a worker and the work stretched by sharing
// (model/src/occupancy_split.cpp). Exponential work is the product form, and its wait for a worker,
// an Erlang of the departures ahead, is exact; near-constant work keeps the occupancy while
// every request holds a worker and waits for departures as regular as the work. At 6, 10 and
// 14 users (the cores 84%, 99% and 100% busy) the mean is within 1.3% and p95 within 6.1% of the
// simulator's (kendall model and simulate -n 200000 -r 4, 2026-12-03); until then the wait was
// one exponential with the sharing counted in it, and p95 was 21%, 62% and 99% high for
// near-constant work.
TEST(SharedCpu, ClosedPopulationsWaitForAWorkerAndShareTheCoresAsTheSimulatorDoes) {
  struct Case {
    double scv;
    int users;
  };
  for (const Case c : {Case{1.0, 14}, Case{0.05, 6}, Case{0.05, 10}, Case{0.05, 14}}) {
    model::Service cpu = queue_service("cpu", Distribution::from_moments(1.0, c.scv), 4);
    cpu.cores = 2;
    const model::System system = testing::system_of(
        {cpu},
        {testing::closed_class("users", c.users, Distribution::exponential(2.0), {visit(0)})},
        model::WorkloadType::closed);
    SimulationOptions o = options(13);
    o.replications = 4;
    const auto simulated = simulate(system, o);
    const model::SystemResult analytic = model::analyze(system);
    ASSERT_TRUE(analytic.classes[0].mean_response_time);
    const double sim_mean = simulated.classes[0].response_time.mean;
    const double sim_p95 = simulated.classes[0].percentiles.p95;
    EXPECT_NEAR(*analytic.classes[0].mean_response_time, sim_mean, 0.03 * sim_mean)
        << "SCV " << c.scv << ", " << c.users << " users";
    EXPECT_NEAR(analytic.classes[0].response_time_percentiles->p95, sim_p95, 0.08 * sim_p95)
        << "SCV " << c.scv << ", " << c.users << " users";
  }
}

// The same cores whose speed wanders in runs (a service_dispersion): the jobs' CPU times that the
// bundled login service measured with 4 workers on 2 cores on 2026-12-02 (kendall validate,
// Argon2id 4 MiB), at the utilizations its "0.8" and "0.9" levels ran at. The simulator draws each
// job's speed in the runs fitted to the same points, then shares the cores; the analytic wait
// beyond the workers takes the runs' factor for a 2-server queue. The runs lengthen the mean by
// 1% and 40% here (the model without them is far outside these bounds at 0.9). Mean within 5%.
TEST(SharedCpu, TheTimeSharedModelWithSpeedRunsAgreesWithTheSimulator) {
  struct Case {
    double rate, work;
    std::vector<model::DispersionPoint> dispersion;
  };
  const Case cases[] = {
      {409.8,
       0.003524,
       {{2, 0.029}, {4, 0.043}, {8, 0.070}, {16, 0.115}, {32, 0.168}, {64, 0.245}, {128, 0.345}}},
      {510.3,
       0.003532,
       {{2, 0.043},
        {4, 0.068},
        {8, 0.121},
        {16, 0.216},
        {32, 0.370},
        {64, 0.617},
        {128, 0.948},
        {256, 1.282}}},
  };
  for (const Case& c : cases) {
    model::System system = shared(Distribution::from_moments(c.work, 0.03), 4, 2, c.rate);
    system.services[0].service_dispersion = c.dispersion;
    const auto simulated = simulate(system, options(11));
    const model::SystemResult analytic = model::analyze(system);
    ASSERT_TRUE(analytic.classes[0].mean_response_time);
    const double sim_mean = simulated.classes[0].response_time.mean;
    EXPECT_NEAR(*analytic.classes[0].mean_response_time, sim_mean, 0.05 * sim_mean)
        << "rate " << c.rate;
    // Without the runs the model is the plain time-shared one: at 0.9 a third below.
    model::System independent = system;
    independent.services[0].service_dispersion.clear();
    const double plain = *model::analyze(independent).classes[0].mean_response_time;
    EXPECT_LT(plain, *analytic.classes[0].mean_response_time);
  }
}

}  // namespace
}  // namespace kendall::sim
