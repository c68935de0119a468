// Planning time: 200 services with up to 100 candidate replica counts each (target: under 2 s).
// Run: build/release/bench/bench_plan
#include <benchmark/benchmark.h>

#include <string>

#include "kendall/model/plan.hpp"

namespace {

using namespace kendall;

/// `services` exponential services, 10 classes each calling 20 of them, one SLO per class.
model::System make_system(int services, model::Statistic statistic) {
  model::System system;
  system.plan.max_utilization = 0.8;
  for (int s = 0; s < services; ++s) {
    model::Service service;
    service.name = "svc-" + std::to_string(s);
    service.workers = 4;
    service.service_time = Distribution::exponential(0.005 + 0.0005 * (s % 10));
    service.cost = 0.02 + 0.01 * (s % 5);
    service.min_replicas = 1;
    service.max_replicas = 100;
    system.services.push_back(service);
  }
  for (int c = 0; c < 10; ++c) {
    model::WorkloadClass workload_class;
    workload_class.name = "class-" + std::to_string(c);
    workload_class.rate = 400;
    for (int v = 0; v < 20; ++v) {
      workload_class.visits.push_back(
          model::Visit{static_cast<std::size_t>((c * 20 + v) % services), 1.0, std::nullopt});
    }
    system.classes.push_back(workload_class);
    system.slos.push_back(model::Slo{static_cast<std::size_t>(c),
                                     statistic,
                                     statistic == model::Statistic::mean ? 0.2 : 0.3,
                                     {}});
  }
  return system;
}

void BM_Plan200ServicesMeanSlo(benchmark::State& state) {
  const auto system = make_system(200, model::Statistic::mean);
  model::PlanOptions options;
  options.find_slo_limit = false;
  for (auto _ : state) {
    const auto plan = model::plan_replicas(system, options);
    if (!plan.feasible)
      state.SkipWithError(plan.reason.c_str());
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_Plan200ServicesMeanSlo)->Unit(benchmark::kMillisecond);

void BM_Plan200ServicesP95Slo(benchmark::State& state) {
  const auto system = make_system(200, model::Statistic::p95);
  model::PlanOptions options;
  options.find_slo_limit = false;
  for (auto _ : state) {
    const auto plan = model::plan_replicas(system, options);
    if (!plan.feasible)
      state.SkipWithError(plan.reason.c_str());
    state.counters["milp_rounds"] = plan.iterations;
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_Plan200ServicesP95Slo)->Unit(benchmark::kMillisecond);

void BM_PlanUserServicesExample(benchmark::State& state) {
  const auto system = model::load_system(KENDALL_SOURCE_DIR "/examples/user-services.yaml");
  for (auto _ : state)
    benchmark::DoNotOptimize(model::plan_replicas(system));
}
BENCHMARK(BM_PlanUserServicesExample)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
