// Closed-network solvers at the sizes the planner sweeps. Targets: exact single-class MVA with
// 10,000 users over 100 single-server stations in under 50 ms; the log-space convolution for
// multi-server stations (5 pools of 8 servers, 2,000 users); Schweitzer-Bard AMVA with 3 classes
// over 100 stations. Run: build/<preset>/bench/bench_closed
#include <string>

#include <benchmark/benchmark.h>

#include "kendall/model/closed_network.hpp"

namespace {

using kendall::model::ClosedModel;
using kendall::model::ClosedStation;

std::string numbered(int k) {
  std::string name("s");
  name += std::to_string(k);
  return name;
}

// 100 single servers with demands 1..100 ms (one bottleneck) and Z = 5 s, as in the
// ClosedInvariants test; state.range(0) users.
void exact_mva_single_servers(benchmark::State& state) {
  ClosedModel model{{}, {static_cast<int>(state.range(0))}, {5.0}};
  for (int k = 0; k < 100; ++k)
    model.stations.push_back(ClosedStation{numbered(k), false, 1, {0.001 * (1 + (k * 37) % 100)}});
  for (auto _ : state)
    benchmark::DoNotOptimize(kendall::model::solve_closed_exact(model));
  state.SetItemsProcessed(state.iterations() * state.range(0) * 100);  // MVA steps per second
}
BENCHMARK(exact_mva_single_servers)->Arg(10000)->Unit(benchmark::kMillisecond);

// The same network through the log-space convolution: the exact method for multi-server stations
// costs about one log1p and one exp per station and population step.
void exact_convolution_single_servers(benchmark::State& state) {
  ClosedModel model{{}, {static_cast<int>(state.range(0))}, {5.0}};
  for (int k = 0; k < 100; ++k)
    model.stations.push_back(ClosedStation{numbered(k), false, 1, {0.001 * (1 + (k * 37) % 100)}});
  for (auto _ : state)
    benchmark::DoNotOptimize(kendall::model::solve_closed_convolution(model));
}
BENCHMARK(exact_convolution_single_servers)->Arg(10000)->Unit(benchmark::kMillisecond);

// Research file T20: one pool of 300 servers, 400 users, where load-dependent MVA goes negative.
void exact_convolution_300_servers(benchmark::State& state) {
  const ClosedModel model{{ClosedStation{"pool", false, 300, {0.444}}}, {400}, {0.0}};
  for (auto _ : state)
    benchmark::DoNotOptimize(kendall::model::solve_closed_exact(model));
}
BENCHMARK(exact_convolution_300_servers)->Unit(benchmark::kMillisecond);

// 5 pools of 8 servers, per-server demands 25..45 ms, Z = 1 s; state.range(0) users. Each pool's
// queue length needs the network without it, so the cost is O(pools^2 N c).
void exact_convolution_multi_servers(benchmark::State& state) {
  ClosedModel model{{}, {static_cast<int>(state.range(0))}, {1.0}};
  for (int k = 0; k < 5; ++k)
    model.stations.push_back(ClosedStation{numbered(k), false, 8, {0.2 + 0.04 * k}});
  for (auto _ : state)
    benchmark::DoNotOptimize(kendall::model::solve_closed_exact(model));
}
BENCHMARK(exact_convolution_multi_servers)->Arg(2000)->Unit(benchmark::kMillisecond);

// Three classes (20, 30 and 50 users, think times 1, 2 and 5 s) over 100 stations, every tenth
// a pool of 4 servers; solved to the default tolerance.
void schweitzer_three_classes(benchmark::State& state) {
  ClosedModel model{{}, {20, 30, 50}, {1.0, 2.0, 5.0}};
  for (int k = 0; k < 100; ++k) {
    const double d = 0.001 * (1 + (k * 37) % 100);
    model.stations.push_back(
        ClosedStation{numbered(k), false, k % 10 == 0 ? 4 : 1, {d, 0.5 * d, 0.001 * (1 + k % 7)}});
  }
  int iterations = 0;
  for (auto _ : state) {
    const auto result = kendall::model::solve_closed_approximate(model);
    iterations = result.iterations;
    benchmark::DoNotOptimize(result);
  }
  state.counters["amva_iterations"] = iterations;
}
BENCHMARK(schweitzer_three_classes)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
