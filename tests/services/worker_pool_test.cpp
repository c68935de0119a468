// Tests for kendall/services/worker_pool.hpp.
#include "kendall/services/worker_pool.hpp"

#include <gtest/gtest.h>

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <future>
#include <memory>
#include <thread>

namespace kendall::services {
namespace {

TEST(WorkerPool, RefusesBeyondWorkersPlusQueueLimitAndRunsEveryAcceptedJob) {
  WorkerPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  std::atomic<int> ran{0};
  // One job holds the only worker until released.
  ASSERT_TRUE(pool.try_submit([&](auto) {
    started.set_value();
    released.wait();
    ++ran;
  }));
  started.get_future().wait();
  EXPECT_TRUE(pool.try_submit([&](auto) { ++ran; }));
  EXPECT_TRUE(pool.try_submit([&](auto) { ++ran; }));
  EXPECT_EQ(pool.queue_length(), 2u);
  EXPECT_EQ(pool.busy(), 1u);
  // 1 in service + 2 waiting: a fourth is refused at once.
  EXPECT_FALSE(pool.try_submit([&](auto) { ++ran; }));
  release.set_value();
  pool.shutdown();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_FALSE(pool.try_submit([&](auto) { ++ran; }));
}

TEST(WorkerPool, ZeroQueueLimitStillServesIdleWorkers) {
  WorkerPool pool(2, 0);
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.try_submit([&](auto) { ++ran; }));
  pool.shutdown();
  EXPECT_EQ(ran.load(), 1);
}

// The hold counts everything a job keeps its worker for: the job itself and the release of what
// it captured (the services' jobs drop their request and session there). A capture whose
// destructor sleeps 30 ms after a 20 ms job must show up as at least 50 ms held.
TEST(WorkerPool, UsageCountsTheWholeHoldOfEachJob) {
  struct SlowToRelease {
    ~SlowToRelease() { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }
  };
  WorkerPool pool(2, 4);
  EXPECT_EQ(pool.usage().holds.count, 0u);
  EXPECT_EQ(pool.usage().holds.sum, 0.0);
  auto slow = std::make_shared<SlowToRelease>();
  ASSERT_TRUE(pool.try_submit(
      [slow](auto) { std::this_thread::sleep_for(std::chrono::milliseconds(20)); }));
  slow.reset();  // the job now holds the only reference
  ASSERT_TRUE(pool.try_submit([](auto) {}));
  pool.shutdown();
  const WorkerPool::Usage usage = pool.usage();
  EXPECT_EQ(usage.holds.count, 2u);
  EXPECT_GE(usage.holds.sum, 0.050);
  EXPECT_LT(usage.holds.sum, 5.0);
  // Holds h1 ≥ 50 ms and h2 ≥ 0: the squares sum to at least 50², and never exceed the holds'
  // sum squared (h1² + h2² ≤ (h1 + h2)²).
  EXPECT_GE(usage.holds.sum_squares, 0.050 * 0.050);
  EXPECT_LE(usage.holds.sum_squares, usage.holds.sum * usage.holds.sum);
}

// Two jobs on two workers, both taken before either starts its sleep: one holds its worker 40
// ms, the other 120 ms. So the pool has both busy for at least 40 ms (the first finishes there,
// with 2 busy), one or two busy for at least 120 ms (the second finishes with 1 busy; how the
// 120 ms splits depends on when each thread woke), and the spans add up to the pool's life.
TEST(WorkerPool, UsageCountsTheTimeAndTheJobsFinishedAtEachNumberBusy) {
  const auto born = std::chrono::steady_clock::now();
  WorkerPool pool(2, 4);
  std::promise<void> go;
  std::shared_future<void> started = go.get_future().share();
  ASSERT_TRUE(pool.try_submit([started](auto) {
    started.wait();
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }));
  ASSERT_TRUE(pool.try_submit([started](auto) {
    started.wait();
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
  }));
  while (pool.busy() < 2)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  go.set_value();
  pool.shutdown();
  const WorkerPool::Usage usage = pool.usage();
  const double lived =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - born).count();
  ASSERT_EQ(usage.by_busy.size(), 3u);  // 0, 1 and 2 busy
  EXPECT_EQ(usage.by_busy[2].finished, 1u);
  EXPECT_EQ(usage.by_busy[1].finished, 1u);
  EXPECT_EQ(usage.by_busy[0].finished, 0u);
  EXPECT_GE(usage.by_busy[2].seconds, 0.040);
  EXPECT_GT(usage.by_busy[1].seconds, 0.0);
  EXPECT_GE(usage.by_busy[1].seconds + usage.by_busy[2].seconds, 0.120);
  const double total =
      usage.by_busy[0].seconds + usage.by_busy[1].seconds + usage.by_busy[2].seconds;
  EXPECT_LE(total, lived);
  EXPECT_GT(total, lived - 0.01);
}

// Holds of at least 10 ms and 30 ms (sleeps on one worker; they only ever overshoot): the squares
// sum to at least 0.01² + 0.03² = 0.001 s², and fall short of the holds' sum squared by exactly
// 2·h1·h2 ≥ 2 × 0.01 × 0.03 = 0.0006 s², however late the sleeps wake.
TEST(WorkerPool, UsageSumsTheSquaresOfTheHolds) {
  WorkerPool pool(1, 4);
  for (const int ms : {10, 30})
    ASSERT_TRUE(pool.try_submit(
        [ms](auto) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }));
  pool.shutdown();
  const WorkerPool::Usage usage = pool.usage();
  EXPECT_EQ(usage.holds.count, 2u);
  EXPECT_GE(usage.holds.sum_squares, 0.001);
  EXPECT_LE(usage.holds.sum_squares, usage.holds.sum * usage.holds.sum - 0.0006 + 1e-12);
  // The two holds in order make one block of two: its square is the holds' sum squared.
  const auto scales = usage.holds.blocks.scales();
  EXPECT_EQ(scales[0].jobs_per_block, 2u);
  EXPECT_EQ(scales[0].blocks, 1u);
  EXPECT_NEAR(scales[0].block_seconds, usage.holds.sum, 1e-12);
  EXPECT_NEAR(scales[0].block_seconds_squared, usage.holds.sum * usage.holds.sum, 1e-12);
  EXPECT_EQ(scales[1].blocks, 0u);
}

// Three jobs submitted at least 20 ms and then 40 ms apart: two gaps, each at least its sleep,
// and the squares' sum at least 0.02² + 0.04², and short of the gaps' sum squared by exactly
// 2·g1·g2 ≥ 2 × 0.02 × 0.04 (however late the sleeps wake).
TEST(WorkerPool, UsageSumsTheGapsBetweenArrivalsAndTheirSquares) {
  WorkerPool pool(1, 4);
  EXPECT_TRUE(pool.try_submit([](auto) {}));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(pool.try_submit([](auto) {}));
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_TRUE(pool.try_submit([](auto) {}));
  pool.shutdown();
  const WorkerPool::Usage usage = pool.usage();
  EXPECT_EQ(usage.arrival_gaps.count, 2u);
  EXPECT_GE(usage.arrival_gaps.sum, 0.060);
  EXPECT_LT(usage.arrival_gaps.sum, 5.0);
  EXPECT_GE(usage.arrival_gaps.sum_squares, 0.02 * 0.02 + 0.04 * 0.04);
  EXPECT_LE(usage.arrival_gaps.sum_squares,
            usage.arrival_gaps.sum * usage.arrival_gaps.sum - 2 * 0.02 * 0.04 + 1e-12);
}

// Each job pins its own thread to a CPU (the kernel's sched_setaffinity) and spins 5 ms of CPU
// time: the pool files it under that CPU, with its CPU time, and the per-CPU sums are the
// totals.
TEST(WorkerPool, UsageFilesEachJobUnderTheCpuItEndedOn) {
  if (std::thread::hardware_concurrency() < 2)
    GTEST_SKIP() << "needs two CPUs";
  const auto on_cpu = [](int cpu) {
    return [cpu](auto) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      ASSERT_EQ(::sched_setaffinity(0, sizeof set, &set), 0);
      timespec start{}, now{};
      ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
      do
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
      while ((now.tv_sec - start.tv_sec) * 1'000'000'000L + (now.tv_nsec - start.tv_nsec) <
             5'000'000L);
    };
  };
  WorkerPool pool(1, 4);
  for (const int cpu : {0, 1, 0})
    ASSERT_TRUE(pool.try_submit(on_cpu(cpu)));
  pool.shutdown();
  const WorkerPool::Usage usage = pool.usage();
  ASSERT_GE(usage.cores.size(), 2u);
  EXPECT_EQ(usage.cores[0].jobs, 2u);
  EXPECT_EQ(usage.cores[1].jobs, 1u);
  EXPECT_GE(usage.cores[0].cpu_seconds, 0.010);
  EXPECT_GE(usage.cores[1].cpu_seconds, 0.005);
  EXPECT_NEAR(usage.cores[0].cpu_seconds + usage.cores[1].cpu_seconds, usage.cpu.sum, 1e-12);
}

}  // namespace
}  // namespace kendall::services

namespace kendall::services {
namespace {

// The workers' CPU priority is lowered by `nice` (their own threads only): CPU-heavy jobs then
// yield the cores to the I/O threads. Checked with getpriority on the worker's own thread id.
TEST(WorkerPool, WorkersRunAtTheRequestedLowerPriority) {
  const int before = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
  std::promise<int> seen;
  {
    WorkerPool pool(1, 1, 7);
    ASSERT_TRUE(pool.try_submit([&seen](std::chrono::steady_clock::duration) {
      seen.set_value(::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))));
    }));
  }
  EXPECT_EQ(seen.get_future().get(), before + 7);
  // The calling thread keeps its own priority.
  EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))), before);
}

}  // namespace
}  // namespace kendall::services
