// Tests for the SQLite UserStore (kendall/services/user_store.hpp).
#include "kendall/services/user_store.hpp"

#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "kendall/base/error.hpp"
#include "support.hpp"

namespace kendall::services {
namespace {

using namespace testing;

TEST(SqliteUserStore, AddsFindsAndRefusesATakenName) {
  TempDir dir;
  auto store = open_user_store(dir.store_url(), 2);
  EXPECT_TRUE(store->reachable());
  EXPECT_TRUE(store->add_user("alice", "hash-a"));
  EXPECT_FALSE(store->add_user("alice", "hash-b"));
  EXPECT_EQ(store->password_hash("alice"), "hash-a");
  EXPECT_FALSE(store->password_hash("bob"));
  EXPECT_EQ(store->user_count(), 1u);
}

TEST(SqliteUserStore, UsersOutliveTheStoreObject) {
  TempDir dir;
  open_user_store(dir.store_url(), 1)->add_user("alice", "hash-a");
  EXPECT_EQ(open_user_store(dir.store_url(), 1)->password_hash("alice"), "hash-a");
}

TEST(SqliteUserStore, StoresOpeningOneNewFileAtOnceAllSucceed) {
  // Both services start together on a file neither has created yet: switching to WAL may
  // answer SQLITE_BUSY without the busy handler, which the store must ride out.
  for (int round = 0; round < 10; ++round) {
    TempDir dir;
    constexpr int openers = 4;
    std::latch start(openers);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < openers; ++i) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        try {
          open_user_store(dir.store_url(), 1)->user_count();
        } catch (const std::exception& error) {
          ADD_FAILURE() << error.what();
          ++failures;
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    ASSERT_EQ(failures.load(), 0) << "round " << round;
  }
}

TEST(SqliteUserStore, UnknownSchemeSaysWhatIsExpected) {
  try {
    open_user_store("postgres://x", 1);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(),
                 "--store: \"postgres://x\" is not a store URL (expected sqlite:PATH, e.g. "
                 "sqlite:users.db)");
  }
}

}  // namespace
}  // namespace kendall::services
