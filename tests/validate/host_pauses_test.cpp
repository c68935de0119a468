// The pause meter against a real stop: a child process measures itself while the test stops it
// with SIGSTOP for 300 ms and lets it go on with SIGCONT.
#include "kendall/validate/host_pauses.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "kendall/validate/calibrate.hpp"

namespace kendall::validation {
namespace {

using namespace std::chrono_literals;

TEST(PauseMeter, MeasuresAStopOfTheProcess) {
  int pipe_ends[2];
  ASSERT_EQ(pipe(pipe_ends), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_ends[0]);
    HostPauses measured;
    {
      PauseMeter meter;
      std::this_thread::sleep_for(1500ms);
      measured = meter.finish();
    }
    const bool written = write(pipe_ends[1], &measured, sizeof measured) == sizeof measured;
    _exit(written ? 0 : 1);
  }
  close(pipe_ends[1]);
  std::this_thread::sleep_for(400ms);
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
}

// The meter's steal is /proc/stat's over its span: whole 10 ms ticks (USER_HZ), no more than
// the machine's steal between readings taken around the meter, and part of the machine's busy
// time (which counts steal).
TEST(PauseMeter, CountsTheMachinesStealOverItsSpan) {
  const double before = machine_steal_seconds();
  HostPauses measured;
  {
    PauseMeter meter;
    std::this_thread::sleep_for(200ms);
    measured = meter.finish();
  }
  const double after = machine_steal_seconds();
  EXPECT_GE(measured.steal, 0.0);
  EXPECT_LE(measured.steal, after - before + 1e-9);
  const double ticks = measured.steal * static_cast<double>(sysconf(_SC_CLK_TCK));
  EXPECT_NEAR(ticks, std::round(ticks), 1e-6);
  EXPECT_LE(machine_steal_seconds(), machine_busy_seconds());
}

}  // namespace
}  // namespace kendall::validation
