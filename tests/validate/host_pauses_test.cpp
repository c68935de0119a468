// The pause meter against a real stop: a child process measures itself while the test stops it
// with SIGSTOP for 300 ms and lets it go on with SIGCONT. And the machine's steal, read as a
// trace of the share of the cores taken.
#include "kendall/validate/host_pauses.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "kendall/validate/calibrate.hpp"

namespace kendall::validation {
namespace {

using namespace std::chrono_literals;

TEST(PauseMeter, MeasuresAStopOfTheProcess) {
  int pipe_ends[2];
  int ready_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  ASSERT_EQ(pipe(ready_ends), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_ends[0]);
    close(ready_ends[0]);
    HostPauses measured;
    {
      PauseMeter meter;
      // Stopped only once the meter runs: on a loaded machine the child may start late.
      std::this_thread::sleep_for(100ms);
      const char ready = 1;
      const bool told = write(ready_ends[1], &ready, 1) == 1;
      std::this_thread::sleep_for(1000ms);
      measured = meter.finish();
      if (!told)
        _exit(2);
    }
    const bool written = write(pipe_ends[1], &measured, sizeof measured) == sizeof measured;
    _exit(written ? 0 : 1);
  }
  close(pipe_ends[1]);
  close(ready_ends[1]);
  char ready = 0;
  ASSERT_EQ(read(ready_ends[0], &ready, 1), 1);
  close(ready_ends[0]);
  std::this_thread::sleep_for(100ms);
  kill(child, SIGSTOP);
  std::this_thread::sleep_for(300ms);
  kill(child, SIGCONT);
  HostPauses measured;
  const bool read_all = read(pipe_ends[0], &measured, sizeof measured) == sizeof measured;
  close(pipe_ends[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(read_all);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_GE(measured.count, 1);
  EXPECT_GE(measured.longest, 0.25);
  EXPECT_LT(measured.longest, 0.6);
  EXPECT_GE(measured.total, measured.longest);
  // Every core's watcher stood still with the process (a core's own host stop may lengthen one).
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  const int cores = CPU_COUNT(&allowed);
  EXPECT_GE(measured.count, cores);
  EXPECT_GE(measured.worst_core_time, 0.25 * cores);
  EXPECT_LE(measured.worst_core_time, measured.longest * cores + 1e-9);
  // The meter ran 1.1 s and more; a moment in the 300 ms stop waited half of it.
  EXPECT_GE(measured.seconds, 1.05);
  EXPECT_GE(measured.stops_wait, 0.25 * 0.25 / (2 * measured.seconds));
}

// Two cores' stops that overlap are one span of the path (30 ms + 30 ms, 20 ms apart: 50 ms);
// a lone stop of 10 ms another. Over 10 s: (0.05² + 0.01²) / 20 = 130 us.
TEST(StopsWait, MergesOverlappingStopsAndAveragesTheirResidualOverTheRun) {
  const std::vector<CoreStop> stops{{1, 1.02, 1.05}, {0, 2.0, 2.01}, {0, 1.0, 1.03}};
  EXPECT_NEAR(stops_wait(stops, 10), 130e-6, 1e-12);
  // A stop within another adds nothing; none, or no time measured, is no wait.
  std::vector<CoreStop> nested = stops;
  nested.push_back({1, 1.01, 1.02});
  EXPECT_NEAR(stops_wait(nested, 10), 130e-6, 1e-12);
  EXPECT_EQ(stops_wait({}, 10), 0);
  EXPECT_EQ(stops_wait(stops, 0), 0);
}

// The same stops as spans in time order: the two cores' overlapping ones one span from 1.0 to
// 1.05 s, the lone one from 2.0 to 2.01 s; a stop within another changes nothing.
TEST(MergedStops, AreTheSpansOfTheCoresStopsThatOverlapInTimeOrder) {
  std::vector<CoreStop> stops{{1, 1.02, 1.05}, {0, 2.0, 2.01}, {0, 1.0, 1.03}, {1, 1.01, 1.02}};
  const std::vector<StopSpan> spans = merged_stops(stops);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_DOUBLE_EQ(spans[0].began, 1.0);
  EXPECT_DOUBLE_EQ(spans[0].ended, 1.05);
  EXPECT_NEAR(spans[0].length(), 0.05, 1e-12);
  EXPECT_DOUBLE_EQ(spans[1].began, 2.0);
  EXPECT_DOUBLE_EQ(spans[1].ended, 2.01);
  EXPECT_TRUE(merged_stops({}).empty());
}

// The machine's steal, read with its busy time from one line of /proc/stat: whole 10 ms ticks
// (USER_HZ), never falling, and part of the busy time (which counts steal), as the busy time
// read a moment later is at least the steal.
TEST(MachineCpu, StealIsWholeTicksOfTheBusyTime) {
  const MachineCpu before = machine_cpu_seconds();
  std::this_thread::sleep_for(200ms);
  const MachineCpu after = machine_cpu_seconds();
  const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  EXPECT_NEAR(after.steal / tick, std::round(after.steal / tick), 1e-6);
  EXPECT_GE(after.steal, before.steal);
  EXPECT_LE(after.steal, after.busy);
  EXPECT_GE(after.busy - before.busy, after.steal - before.steal);
}

// The meter reads the machine's steal about every 10 ms, each reading's time counted from the
// start it was given (here 2 s before it began): 300 ms give dozens of readings on an idle
// machine; at least 5 on a loaded one. The trace is the readings as shares of the cores: what it
// has taken in all is the steal read.
TEST(PauseMeter, ReadsTheStealAbout10msApartFromTheStartItWasGiven) {
  const auto began = std::chrono::steady_clock::now();
  const MachineCpu before = machine_cpu_seconds();
  std::vector<StealReading> readings;
  std::vector<StealPoint> trace;
  {
    PauseMeter meter(began - 2s);
    std::this_thread::sleep_for(300ms);
    meter.finish();
    readings = meter.steal_readings();
    trace = meter.steal_trace();
  }
  const MachineCpu after = machine_cpu_seconds();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  ASSERT_GE(readings.size(), 5u);
  EXPECT_LE(readings.back().seconds, 2.0 + elapsed);
  EXPECT_GE(readings.front().seconds, 2.01);  // its first reading 10 ms after it began
  double read = 0;
  for (std::size_t i = 0; i < readings.size(); ++i) {
    EXPECT_GE(readings[i].core_seconds, 0);
    read += readings[i].core_seconds;
    if (i > 0) {
      EXPECT_GE(readings[i].seconds - readings[i - 1].seconds, 0.0099)
          << "readings at least 10 ms apart";
    }
  }
  EXPECT_LE(read, after.steal - before.steal + 1e-9);
  ASSERT_FALSE(trace.empty());
  EXPECT_GE(trace.back().seconds, readings.back().seconds);
  double taken = 0;
  double from = 2.0;
  for (const StealPoint& point : trace) {
    EXPECT_GE(point.share, 0);
    EXPECT_LE(point.share, 1);
    EXPECT_GT(point.seconds, from);
    taken += point.share * (point.seconds - from) * std::thread::hardware_concurrency();
    from = point.seconds;
  }
  EXPECT_NEAR(taken, read, 0.01 * read + 1e-9);  // its first span from the meter's start
}

}  // namespace
}  // namespace kendall::validation
