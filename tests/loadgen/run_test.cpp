// The load generator against a real loopback server (test_server.hpp). Oracles: the schedule's
// own arithmetic (rate × duration), the server's injected delay, the pause formula of
// docs/loadgen.md (P·(1 − (1−q)·D/P)), and the response time law N = X·(R + Z).
#include "kendall/loadgen/run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "kendall/base/time_slice.hpp"
#include "loadgen/test_server.hpp"

namespace kendall::loadgen {
namespace {

using namespace std::chrono_literals;
using testing::TestServer;

LoadOptions open_loop(double rate, double duration) {
  LoadOptions options;
  options.steps = {{rate}};
  options.duration = duration;
  options.connections = 8;
  options.threads = 2;
  return options;
}

void expect_counts_add_up(const StepResult& step) {
  EXPECT_EQ(step.sent, step.responses + step.errors.failed());
}

TEST(OpenLoop, AchievesTheTargetRateWithin1PercentAndCountsEveryRequest) {
  TestServer server;
  LoadOptions options = open_loop(500, 4);
  options.arrival = Arrival::uniform;  // deterministic count: rate × duration
  const RunResult result = run_load(url_scenario(server.url()), options);
  ASSERT_EQ(result.steps.size(), 1u);
  const StepResult& step = result.steps[0];
  expect_counts_add_up(step);
  EXPECT_EQ(step.sent, server.requests());
  EXPECT_EQ(step.errors.total(), 0u);
  EXPECT_EQ(step.unsent, 0u);
  EXPECT_NEAR(step.achieved_rate(), 500, 5);
  EXPECT_NEAR(static_cast<double>(step.sent), 2000, 20);
}

// The slice the sending threads asked for is part of the result, with the kernel's answer: the
// same answer a thread of this test gets for the same request (applied on Linux 6.12+, else
// unsupported); 0 keeps the kernel's default.
TEST(OpenLoop, RecordsTheSchedulerSliceItsThreadsAskedForAndTheKernelsAnswer) {
  TestServer server;
  LoadOptions options = open_loop(200, 0.2);
  options.thread_slice = 200us;
  const RunResult shortened = run_load(url_scenario(server.url()), options);
  TimeSliceOutcome kernel = TimeSliceOutcome::unsupported;
  std::thread([&] { kernel = request_time_slice(200us); }).join();
  EXPECT_DOUBLE_EQ(shortened.thread_slice, 200e-6);
  EXPECT_EQ(shortened.thread_slice_outcome, describe(kernel));
  options.thread_slice = 0ns;
  const RunResult by_default = run_load(url_scenario(server.url()), options);
  EXPECT_DOUBLE_EQ(by_default.thread_slice, 0);
  EXPECT_EQ(by_default.thread_slice_outcome, describe(TimeSliceOutcome::kept_default));
}

// A step whose send gaps' SCV is within `tolerance` of `scv`: a stall of the host holds sends
// back and lets them go together, which the gaps show as they should (CI, 2026-12-05: SCV 1.35
// for Poisson beside another test), so a run off with late sends is measured again, at most
// three times in all; a run off without any is returned at once.
StepResult step_with_gaps_near(const TestServer& server, const LoadOptions& options, double scv,
                               double tolerance) {
  StepResult step;
  for (int attempt = 0; attempt < 3; ++attempt) {
    step = run_load(url_scenario(server.url()), options).steps[0];
    if (std::abs(step.send_gaps.scv().value_or(-1) - scv) <= tolerance || step.late_sends == 0)
      break;
  }
  return step;
}

TEST(OpenLoop, SendGapsShowThePoissonScheduleAndTheUniformOne) {
  // The gaps as sent: exponential (SCV 1) for Poisson arrivals, constant (SCV 0) for uniform.
  // About 1,000 gaps per thread: the sample SCV of exponential gaps is within ±0.1 (σ ≈ 0.09 for
  // the fourth moment 9) about two times in three, within ±0.3 nearly always.
  TestServer server;
  LoadOptions options = open_loop(500, 4);
  const StepResult poisson = step_with_gaps_near(server, options, 1.0, 0.3);
  ASSERT_GT(poisson.send_gaps.count, 1500u);
  EXPECT_NEAR(*poisson.send_gaps.scv(), 1.0, 0.3) << poisson.late_sends << " late sends";
  // The mean gap per thread: 2 threads at 250/s each.
  EXPECT_NEAR(poisson.send_gaps.mean(), 0.004, 0.0004);
  options.arrival = Arrival::uniform;
  const StepResult uniform = step_with_gaps_near(server, options, 0.0, 0.1);
  EXPECT_LT(*uniform.send_gaps.scv(), 0.1) << uniform.late_sends << " late sends";
}

TEST(OpenLoop, PercentilesMatchAnInjectedDelay) {
  TestServer server(20ms);
  LoadOptions options = open_loop(200, 2);
  // Enough connections that requests never queue client-side: 200/s × 20 ms = 4 busy on average.
  options.connections = 32;
  const StepResult step = run_load(url_scenario(server.url()), options).steps[0];
  expect_counts_add_up(step);
  // Every response takes the 20 ms sleep plus loopback time (well under 1 ms here); the
  // histogram adds at most 0.4%.
  EXPECT_GE(step.latency.quantile(0.5), 0.0199);
  EXPECT_LE(step.latency.quantile(0.5), 0.0215);
#if !defined(__SANITIZE_ADDRESS__) && defined(NDEBUG)
  // The tail only where timing is trustworthy, and from the 40th slowest of ~400 (p90), not the
  // 4th (p99): one slow spell of the host made p99 32.3 ms in CI's sanitizer build (2026-12-02)
  // and 33.8 ms in its release build (2026-12-03), another test running beside it each time.
  // p99 keeps a bound that only a wrong tail (not a spell) would cross.
  EXPECT_LE(step.latency.quantile(0.9), 0.025);
  EXPECT_LE(step.latency.quantile(0.99), 0.060);
#endif
  EXPECT_GE(step.service_time.quantile(0.5), 0.0199);
}

TEST(OpenLoop, APausedServerShowsInTheHighPercentiles) {
  TestServer server;
  LoadOptions options = open_loop(200, 4);
  std::jthread pauser([&server] {
    std::this_thread::sleep_for(1500ms);
    server.pause();
    std::this_thread::sleep_for(1000ms);
    server.resume();
  });
  const StepResult step = run_load(url_scenario(server.url()), options).steps[0];
  expect_counts_add_up(step);
  // A 1 s pause in 4 s delays a quarter of the requests by U(0, 1 s): p99 ≈ 0.96 s. A client
  // that timed from the actual send (coordinated omission) would see p99 of a few ms, apart from
  // the 8 requests caught on the wire.
  EXPECT_GE(step.latency.quantile(0.99), 0.5);
  EXPECT_LE(step.latency.quantile(0.5), 0.05);
  EXPECT_GT(step.late_sends, 100u);  // they waited in the backlog, and that is reported
  EXPECT_LE(step.service_time.quantile(0.9), 0.05);
  // The series places them when they left: the backlog goes out when the server resumes (about
  // 2.5 s in, less the step's start), in two seconds at most, not spread over the pause.
  std::uint64_t late = 0;
  std::uint64_t most_in_two_seconds = 0;
  for (std::size_t i = 0; i < step.series.size(); ++i) {
    late += step.series[i].late_sends;
    const std::uint64_t next = i + 1 < step.series.size() ? step.series[i + 1].late_sends : 0;
    most_in_two_seconds = std::max(most_in_two_seconds, step.series[i].late_sends + next);
  }
  EXPECT_EQ(late, step.late_sends);
  EXPECT_GE(10 * most_in_two_seconds, 9 * step.late_sends);
}

TEST(ClosedLoop, RespectsTheUserCountAndTheResponseTimeLaw) {
  TestServer server(20ms);
  LoadOptions options;
  options.users = 4;
  options.threads = 2;
  options.think_time = 0.010;
  options.think_kind = ThinkTime::fixed;
  options.duration = 2;
  const StepResult step = run_load(url_scenario(server.url()), options).steps[0];
  expect_counts_add_up(step);
  EXPECT_EQ(server.max_concurrent(), 4);
  // Response time law: X = N / (R + Z), R measured.
  const double expected = 4 / (step.latency.mean() + 0.010);
  EXPECT_NEAR(step.throughput(), expected, 0.05 * expected);
}

TEST(MaxThroughput, SendsExactlyTheRequestedNumber) {
  TestServer server;
  // Hold the first responses until all four connections have a request in flight, so that
  // max_concurrent shows the connection count however slowly the client threads start (under
  // sanitizers a fast server could otherwise answer one connection before the fourth sends). A
  // client that used only three connections leaves the server paused for 5 s and shows 3.
  server.pause();
  std::jthread releaser([&server] {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (server.max_concurrent() < 4 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
    server.resume();
  });
  LoadOptions options;
  options.connections = 4;
  options.threads = 2;
  options.requests = 1000;
  const StepResult step = run_load(url_scenario(server.url()), options).steps[0];
  EXPECT_EQ(step.sent, 1000u);
  EXPECT_EQ(step.responses, 1000u);
  EXPECT_EQ(server.requests(), 1000u);
  EXPECT_EQ(server.max_concurrent(), 4);
  EXPECT_EQ(step.status_codes.at(200), 1000u);
}

TEST(MaxThroughput, FewerRequestsThanThreadsStillSendsExactlyThatMany) {
  TestServer server;
  LoadOptions options;
  options.connections = 4;
  options.threads = 4;
  options.requests = 3;
  const StepResult step = run_load(url_scenario(server.url()), options).steps[0];
  EXPECT_EQ(step.sent, 3u);
  EXPECT_EQ(server.requests(), 3u);
}

TEST(Sweep, ReportsEachStepSeparately) {
  TestServer server;
  LoadOptions options = open_loop(100, 1);
  options.steps = {{100}, {300}};
  options.arrival = Arrival::uniform;
  const RunResult result = run_load(url_scenario(server.url()), options);
  ASSERT_EQ(result.steps.size(), 2u);
  EXPECT_NEAR(static_cast<double>(result.steps[0].sent), 100, 2);
  EXPECT_NEAR(static_cast<double>(result.steps[1].sent), 300, 3);
  EXPECT_EQ(result.steps[0].sent + result.steps[1].sent, server.requests());
}

TEST(Errors, TimeoutsAndStatusClassesAreCountedByKind) {
  TestServer server;
  server.pause();
  LoadOptions options;
  options.connections = 2;
  options.requests = 4;
  options.timeout = 0.2;
  const StepResult timed_out = run_load(url_scenario(server.url()), options).steps[0];
  EXPECT_EQ(timed_out.errors.timeout, 4u);
  EXPECT_EQ(timed_out.sent, 4u);
  server.resume();
  options.requests = 10;
  const StepResult not_found = run_load(url_scenario(server.url("/status/404")), options).steps[0];
  EXPECT_EQ(not_found.errors.status_4xx, 10u);
  EXPECT_EQ(not_found.responses, 10u);
  EXPECT_EQ(not_found.status_codes.at(404), 10u);
}

TEST(Errors, NoServerIsAConnectError) {
  std::uint16_t port = 0;
  {
    TestServer server;  // take a free port, then free it again
    port = server.port();
  }
  LoadOptions options;
  options.requests = 1;
  EXPECT_THROW(
      {
        try {
          run_load(url_scenario("http://127.0.0.1:" + std::to_string(port) + "/"), options);
        } catch (const std::runtime_error& error) {
          EXPECT_NE(std::string(error.what()).find("cannot connect to 127.0.0.1"),
                    std::string::npos);
          throw;
        }
      },
      std::runtime_error);
}

// A rate scale set from another thread takes effect from the next arrival: 200/s for the first
// second, then 600/s for the second (uniform arrivals: counts by the schedule's arithmetic).
TEST(OpenLoop, ARateScaleSetMidRunChangesTheRateFromThen) {
  TestServer server;
  std::atomic<double> scale{1.0};
  LoadOptions options = open_loop(200, 2);
  options.arrival = Arrival::uniform;
  options.rate_scale = &scale;
  std::jthread changer([&scale] {
    std::this_thread::sleep_for(1s);
    scale = 3.0;
  });
  const RunResult result = run_load(url_scenario(server.url()), options);
  const StepResult& step = result.steps.at(0);
  expect_counts_add_up(step);
  EXPECT_EQ(step.errors.total(), 0u);
  ASSERT_GE(step.series.size(), 2u);
  EXPECT_NEAR(static_cast<double>(step.series[0].responses), 200, 20);
  EXPECT_NEAR(static_cast<double>(step.series[1].responses), 600, 60);
  EXPECT_NEAR(static_cast<double>(step.sent), 800, 40);
}

TEST(Stop, EndsTheRunEarlyWithWhatWasMeasured) {
  TestServer server;
  std::atomic<bool> stop{false};
  LoadOptions options = open_loop(200, 30);
  options.stop = &stop;
  std::jthread stopper([&stop] {
    std::this_thread::sleep_for(500ms);
    stop = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const RunResult result = run_load(url_scenario(server.url()), options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(result.interrupted);
  expect_counts_add_up(result.steps[0]);
  EXPECT_GT(result.steps[0].responses, 50u);
}

}  // namespace
}  // namespace kendall::loadgen
