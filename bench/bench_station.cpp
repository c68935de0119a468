// Single-station solvers at the sizes the planner sweeps: Erlang C at 100,000 servers (the
// recursion is O(c); target well under a millisecond) and a full M/M/c solve with exact
// percentiles at 1,000 servers. Run: build/<preset>/bench/bench_station
#include <benchmark/benchmark.h>

#include "kendall/model/station.hpp"

namespace {

using kendall::Distribution;
using kendall::model::QueueModel;

// Research file T22's cases at ρ = 0.95: C(1000, 950) and C(100000, 95000) = 1.7174262659e-58.
void erlang_c_servers(benchmark::State& state) {
  const int servers = static_cast<int>(state.range(0));
  const double load = 0.95 * servers;
  for (auto _ : state)
    benchmark::DoNotOptimize(kendall::model::erlang_c(servers, load));
  state.SetItemsProcessed(state.iterations() * servers);  // recursion steps per second
}
BENCHMARK(erlang_c_servers)->Arg(1000)->Arg(100000)->Unit(benchmark::kMicrosecond);

// Means, the waiting-time distribution and five exact percentiles (bisection) for M/M/c.
void solve_mmc_with_percentiles(benchmark::State& state) {
  kendall::model::StationInput input;
  input.servers = static_cast<int>(state.range(0));
  input.service = Distribution::exponential(0.05);
  input.arrival_rate = 0.95 * input.servers / 0.05;
  for (auto _ : state)
    benchmark::DoNotOptimize(kendall::model::solve_station(QueueModel::mmc, input));
}
BENCHMARK(solve_mmc_with_percentiles)->Arg(1000)->Unit(benchmark::kMicrosecond);

// M/M/c/K percentiles go through the grid convolution (latency.hpp) with one Erlang term per
// waiting place, so their cost grows with K - c; shown for a modest buffer.
void solve_mmck_with_percentiles(benchmark::State& state) {
  kendall::model::StationInput input;
  input.servers = 10;
  input.capacity = 10 + static_cast<int>(state.range(0));
  input.service = Distribution::exponential(0.05);
  input.arrival_rate = 0.9 * input.servers / 0.05;
  for (auto _ : state)
    benchmark::DoNotOptimize(kendall::model::solve_station(QueueModel::mmck, input));
}
BENCHMARK(solve_mmck_with_percentiles)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
