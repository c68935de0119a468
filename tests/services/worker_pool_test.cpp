// Tests for kendall/services/worker_pool.hpp.
#include "kendall/services/worker_pool.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <future>

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
