// Open-network solve time: 1,000 services (target: under 10 ms for the model), with and
// without per-class percentiles. Run: build/release/bench/bench_open_network
#include <benchmark/benchmark.h>

#include <string>

#include "kendall/model/system_model.hpp"

namespace {

using namespace kendall;

/// services services with 2 replicas × 4 workers; classes classes, each visiting path
/// consecutive services once (a call path), loads kept near 50%.
model::System make_system(int services, int classes, int path) {
  model::System system;
  system.name = "bench";
  for (int s = 0; s < services; ++s) {
    model::Service service;
    service.name = "svc-" + std::to_string(s);
    service.replicas = 2;
    service.workers = 4;
    // Mix of exponential and lognormal services so both station models are exercised.
    service.service_time = s % 2 == 0 ? Distribution::exponential(0.010 + 0.0001 * (s % 7))
                                      : Distribution{DistributionKind::lognormal, 0.012, 0.5, {}};
    system.services.push_back(service);
  }
  for (int c = 0; c < classes; ++c) {
    model::WorkloadClass workload_class;
    workload_class.name = "class-" + std::to_string(c);
    workload_class.rate = 30;
    for (int v = 0; v < path; ++v) {
      workload_class.visits.push_back(
          model::Visit{static_cast<std::size_t>((c * path + v) % services), 1.0, std::nullopt});
    }
    system.classes.push_back(workload_class);
  }
  return system;
}

void BM_OpenNetworkMeans(benchmark::State& state) {
  const auto system = make_system(static_cast<int>(state.range(0)), 100, 10);
  model::AnalysisOptions options;
  options.percentiles = false;
  for (auto _ : state)
    benchmark::DoNotOptimize(model::analyze(system, options));
}
BENCHMARK(BM_OpenNetworkMeans)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_OpenNetworkWithPercentiles(benchmark::State& state) {
  const auto system = make_system(static_cast<int>(state.range(0)), 100, 10);
  for (auto _ : state)
    benchmark::DoNotOptimize(model::analyze(system));
}
BENCHMARK(BM_OpenNetworkWithPercentiles)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_UserServicesExample(benchmark::State& state) {
  const auto system = model::load_system(KENDALL_SOURCE_DIR "/examples/user-services.yaml");
  for (auto _ : state)
    benchmark::DoNotOptimize(model::analyze(system));
}
BENCHMARK(BM_UserServicesExample)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
