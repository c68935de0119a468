// Oracle: the kernel's own report of each thread's scheduling attributes (sched_getattr,
// getpriority), read after the request on the thread that made it and on one that did not.
#include "kendall/base/time_slice.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <thread>

#include "kendall/base/error.hpp"

namespace kendall {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;

int own_tid() {
  return static_cast<int>(::syscall(SYS_gettid));
}

/// Runs `body` on a thread of its own, so that nothing the test asks for outlives it.
void on_fresh_thread(const std::function<void()>& body) {
  std::thread(body).join();
}

bool kernel_has_custom_slices() {
  bool supported = false;
  on_fresh_thread(
      [&] { supported = request_time_slice(kShortestTimeSlice) == TimeSliceOutcome::applied; });
  return supported;
}

TEST(TimeSlice, AThreadGetsTheSliceItAsksForAndKeepsItsNiceValue) {
  if (!kernel_has_custom_slices()) {
    GTEST_SKIP() << "this kernel has no custom slices (Linux 6.12+)";
  }
  const nanoseconds main_slice_before = thread_time_slice();
  on_fresh_thread([] {
    ASSERT_EQ(::setpriority(PRIO_PROCESS, static_cast<id_t>(own_tid()), 7), 0);
    EXPECT_EQ(request_time_slice(microseconds(250)), TimeSliceOutcome::applied);
    EXPECT_EQ(thread_time_slice(), microseconds(250));
    EXPECT_EQ(thread_time_slice(own_tid()), microseconds(250));
    errno = 0;
    EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(own_tid())), 7);
    EXPECT_EQ(errno, 0);
  });
  // The request is the calling thread's alone.
  EXPECT_EQ(thread_time_slice(), main_slice_before);
  EXPECT_NE(main_slice_before, microseconds(250));
}

TEST(TimeSlice, ASliceBelowTheKernelsShortestIsRaisedToIt) {
  if (!kernel_has_custom_slices()) {
    GTEST_SKIP() << "this kernel has no custom slices (Linux 6.12+)";
  }
  on_fresh_thread([] {
    EXPECT_EQ(request_time_slice(microseconds(20)), TimeSliceOutcome::applied);
    EXPECT_EQ(thread_time_slice(), kShortestTimeSlice);
  });
}

TEST(TimeSlice, ZeroKeepsTheKernelsDefault) {
  on_fresh_thread([] {
    const nanoseconds before = thread_time_slice();
    EXPECT_EQ(request_time_slice(nanoseconds::zero()), TimeSliceOutcome::kept_default);
    EXPECT_EQ(thread_time_slice(), before);
  });
}

TEST(TimeSlice, AThreadUnderTheIdlePolicyIsLeftAlone) {
  on_fresh_thread([] {
    sched_param param{};
    ASSERT_EQ(::sched_setscheduler(0, SCHED_IDLE, &param), 0);
    EXPECT_EQ(request_time_slice(kShortestTimeSlice), TimeSliceOutcome::not_fair);
    EXPECT_EQ(::sched_getscheduler(0), SCHED_IDLE);
  });
}

TEST(TimeSlice, SlicesAreReadAsDurationsWithinWhatTheKernelGrants) {
  EXPECT_EQ(parse_time_slice("100us"), microseconds(100));
  EXPECT_EQ(parse_time_slice("0.5ms"), microseconds(500));
  EXPECT_EQ(parse_time_slice("0"), nanoseconds::zero());
  for (const char* outside : {"50us", "0.2s"}) {
    try {
      parse_time_slice(outside);
      ADD_FAILURE() << outside << " was accepted";
    } catch (const InputError& error) {
      EXPECT_THAT(error.what(), ::testing::HasSubstr("100us to 100ms"));
      EXPECT_THAT(error.what(), ::testing::HasSubstr(outside));
    }
  }
  EXPECT_THROW(parse_time_slice("fast"), InputError);
}

}  // namespace
}  // namespace kendall
