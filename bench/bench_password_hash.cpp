// Argon2id verification: the services' hasher (libargon2 into per-thread memory kept between
// hashes) against libsodium's crypto_pwhash_str_verify (fresh memory mapped for every hash), in
// the same run, at the costs the CPU-bound validation uses (1 and 4 MiB, 1 pass) and at the
// services' default (64 MiB, 2 passes), one and two threads. items_per_second is verifications per
// second over all threads. Command and results: docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <string>

#include "kendall/services/password_hasher.hpp"

namespace {

constexpr const char* password = "correct horse battery staple";
constexpr unsigned long long password_size = 28;

kendall::services::HashCost cost_of(const benchmark::State& state) {
  return {static_cast<unsigned long long>(state.range(0)),
          static_cast<std::size_t>(state.range(1)) * 1024 * 1024};
}

void BM_KendallVerify(benchmark::State& state) {
  const kendall::services::PasswordHasher hasher(cost_of(state));
  const std::string stored = hasher.hash(password);
  for (auto _ : state) {
    if (!hasher.verify(password, stored))
      state.SkipWithError("verification failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_LibsodiumVerify(benchmark::State& state) {
  if (sodium_init() < 0)
    std::abort();
  const auto cost = cost_of(state);
  std::array<char, crypto_pwhash_STRBYTES> stored{};
  if (crypto_pwhash_str_alg(stored.data(), password, password_size, cost.ops, cost.memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    std::abort();
  for (auto _ : state) {
    if (crypto_pwhash_str_verify(stored.data(), password, password_size) != 0)
      state.SkipWithError("verification failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// Args: passes, MiB. {1, 4} is the CPU-bound validation profile's cost; repeated one second at a
// time it shows how steady the machine's speed is (docs/validate.md, "The host's speed").
BENCHMARK(BM_KendallVerify)
    ->Args({1, 1})
    ->Args({1, 4})
    ->Args({2, 64})
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
// More hashing threads than cores, as the bundled service's 4 workers on 2 cores: the cores
// finish fewer hashes than with one thread per core, most likely as each time slice brings
// another hash's 4 MiB back into the caches (docs/PERFORMANCE.md).
BENCHMARK(BM_KendallVerify)->Args({1, 4})->Threads(3)->Threads(4)->Threads(8)->UseRealTime();
BENCHMARK(BM_LibsodiumVerify)->Args({1, 1})->Args({2, 64})->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
