// Event rate of the simulator on one thread: M/M/1 and M/M/8 at ρ = 0.9 (docs/PERFORMANCE.md).
// The peer is SimPy on the same M/M/1: bench/compare_simpy.sh runs both and prints the ratio.
#include <benchmark/benchmark.h>

#include "kendall/sim/simulate.hpp"

namespace {

using namespace kendall;

model::System mmc(double arrival_rate, int servers) {
  model::Service service;
  service.name = "station";
  service.workers = servers;
  service.service_time = Distribution::exponential(1.0);
  model::WorkloadClass requests;
  requests.name = "requests";
  requests.rate = arrival_rate;
  requests.visits.push_back(model::Visit{0, 1.0, std::nullopt});
  model::System system;
  system.services.push_back(service);
  system.classes.push_back(requests);
  return system;
}

void run(benchmark::State& state, const model::System& system) {
  sim::SimulationOptions options;
  options.requests = static_cast<std::uint64_t>(state.range(0));
  options.threads = 1;
  std::uint64_t events = 0;
  std::uint64_t requests = 0;
  for (auto _ : state) {
    const auto result = sim::simulate(system, options);
    benchmark::DoNotOptimize(result.total.response_time.mean);
    events += result.events;
    requests += result.total.completed;
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["requests/s"] =
      benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
}

void BM_Simulate_MM1(benchmark::State& state) {
  run(state, mmc(0.9, 1));
}
void BM_Simulate_MM8(benchmark::State& state) {
  run(state, mmc(7.2, 8));
}

BENCHMARK(BM_Simulate_MM1)->Arg(200'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Simulate_MM8)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
