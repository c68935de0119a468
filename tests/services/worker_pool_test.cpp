// Tests for kendall/services/worker_pool.hpp.
#include "kendall/services/worker_pool.hpp"

#include <gtest/gtest.h>

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
