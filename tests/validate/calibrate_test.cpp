// Calibration against the real bundled login service on loopback, with an injected service time
// whose mean and variability we know (--work-model), so the measured values have a truth.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kendall/validate/bundled.hpp"
#include "kendall/validate/calibrate.hpp"
#include "kendall/validate/host_pauses.hpp"
#include "kendall/validate/prometheus.hpp"
#include "kendall/validate/service_process.hpp"

namespace kendall::validation {
namespace {

std::string fmt_url(const loadgen::Endpoint& at) {
  return "http://" + at.host + ":" + std::to_string(at.port) + "/healthz";
}

// With `pauses`, the times the host stood still during the calibration (not the start-up).
Calibration calibrate_bundled(const std::string& work_model, int workers, std::uint64_t requests,
                              HostPauses* pauses = nullptr) {
  BundledServices config;
  config.workers = workers;
  config.work_model = work_model;
  config.hash_mem = "8KiB";
  BundledRun run(config);
  CalibrationOptions options;
  options.requests = requests;
  PauseMeter meter;
  Calibration c =
      calibrate({"user-login-service", run.login_scenario(), run.login_endpoint()}, options);
  if (pauses)
    *pauses = meter.finish();
  return c;
}

TEST(Calibrate, FixedWorkIsReadFromMetricsWithNoQueueing) {
  HostPauses pauses;
  const Calibration c = calibrate_bundled("fixed:5ms", 2, 150, &pauses);
  EXPECT_EQ(c.source, "metrics");
  EXPECT_EQ(c.samples, 150u);
  EXPECT_EQ(c.errors, 0u);
  ASSERT_TRUE(c.workers);
  EXPECT_EQ(*c.workers, 2);
  // A 5 ms sleep plus the real work (a cheap Argon2id check, a SQLite read) and timer slack.
  EXPECT_GE(c.service_mean, 0.005);
  EXPECT_LE(c.service_mean, 0.0065);
  // Nearly constant, unless the host stood still meanwhile: one 25 ms stop among 150 holds of
  // 5.5 ms is an SCV of 0.12 by itself (a fresh-clone CI run on 2026-12-04 measured 0.120).
  // Such a run says nothing of the work's spread, so it is noted rather than judged.
  if (pauses.count == 0)
    EXPECT_LT(c.service_scv, 0.05);
  else if (!(c.service_scv < 0.05))
    std::cout << "note: SCV " << c.service_scv << " not judged: the host stood still "
              << pauses.count << " times (longest " << 1000 * pauses.longest << " ms)\n";
  // The worker is held a little longer than the job's own 5 ms: it also hands the answer back.
  EXPECT_GE(c.job_mean, 0.005);
  EXPECT_GT(c.service_mean, c.job_mean);
  EXPECT_LT(c.service_mean - c.job_mean, 0.0005);
  EXPECT_LT(c.queued_mean, 0.0005);  // one user never waits for a worker
  EXPECT_GT(c.overhead, 0.0);
  EXPECT_LT(c.overhead, 0.002);
  // The overhead comes from the open-loop phase (client latency − the server's own time, plus
  // the hand-off to a worker), so it need not equal client − service at one user: the phase is
  // ~120 requests, and one host stall among them moved its mean 0.7 ms above the back-to-back
  // figure in a release run on 2026-12-02 (0.5-0.6 ms in the sanitizer build). The bound above
  // (under 2 ms) is the check of the path's size that such a stall leaves standing.
  EXPECT_GE(c.overhead, c.queued_mean);  // the hand-off to a worker is part of the overhead
  EXPECT_GT(c.overhead_rate, 0.0);
  // The open-loop phase measured the latency's spread.
  EXPECT_GT(c.open_loop_scv, 0.0);
}

// Failure injection: calibration of a 2-worker fixed:1ms login service while the service is
// frozen (SIGSTOP) for 200 ms at each of `stalls_at`, counted in jobs after the open-loop phase's
// first, as a stall of the host freezes it. The phase runs at a tenth of the capacity, ~180
// requests/s, in rounds of ~109 requests. Returns whether every stall happened.
struct StalledCalibration {
  Calibration calibration;
  bool stalled = false;
};

StalledCalibration calibrate_with_stalls(const std::vector<double>& stalls_at,
                                         std::uint64_t open_loop_requests = 2000) {
  BundledServices config;
  config.workers = 2;
  config.work_model = "fixed:1ms";
  config.hash_mem = "8KiB";
  BundledRun run(config);
  const loadgen::Endpoint at = run.login_endpoint();
  auto jobs_done = [&]() -> double {
    const auto samples = scrape_metrics(at.host, at.port);
    return samples ? find_sample(*samples, "kendall_worker_jobs_total").value_or(0) : 0;
  };
  CalibrationOptions options;
  options.requests = 100;
  options.open_loop_requests = open_loop_requests;
  // The open-loop phase begins after the warm-up and the back-to-back requests.
  const double phase_begins = jobs_done() + static_cast<double>(options.warmup + options.requests);
  StalledCalibration result;
  std::thread stall([&] {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (const double at_job : stalls_at) {
      while (jobs_done() < phase_begins + at_job && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      if (std::chrono::steady_clock::now() >= give_up)
        return;
      ::kill(run.login_pid(), SIGSTOP);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      ::kill(run.login_pid(), SIGCONT);
    }
    result.stalled = true;
  });
  result.calibration = calibrate({"user-login-service", run.login_scenario(), at}, options);
  stall.join();
  return result;
}

std::string rounds_text(const Calibration& c) {
  std::ostringstream text;
  text << "rounds (s):";
  for (const double round : c.overhead_rounds)
    text << " " << round;
  text << "; overhead " << c.overhead;
  return text.str();
}

std::size_t rounds_over(const Calibration& c, double seconds) {
  return static_cast<std::size_t>(std::count_if(c.overhead_rounds.begin(), c.overhead_rounds.end(),
                                                [&](double round) { return round > seconds; }));
}

// Every Poisson request due during a stall waits it out: ~36 requests delayed 100 ms on average,
// which would lift a single 540-request phase's mean outside the server by ~6.7 ms, thirty times
// the path. The overhead is the rounds' median, so it stays the size of the path (under 2 ms, as
// above) while the stalled round shows the stall.
TEST(Calibrate, AStallOfTheServiceDuringTheOverheadPhaseDoesNotSetTheOverhead) {
  const auto [c, stalled] = calibrate_with_stalls({20});
  ASSERT_TRUE(stalled) << "the open-loop phase never began";
  SCOPED_TRACE(rounds_text(c));
  EXPECT_EQ(rounds_over(c, 0.010), 1u) << "the stall must land in a round for this test to test";
  // One stalled round of five leaves the median standing: the phase runs on only if the host
  // stalled two more of the first five.
  ASSERT_GE(c.overhead_rounds.size(), kOverheadRounds);
  const std::vector<double> first_five(c.overhead_rounds.begin(),
                                       c.overhead_rounds.begin() + kOverheadRounds);
  EXPECT_EQ(c.overhead_rounds.size() > kOverheadRounds, !overhead_rounds_settled(first_five));
  EXPECT_GT(c.overhead, 0.0);
  EXPECT_LT(c.overhead, 0.002);
  EXPECT_EQ(c.errors, 0u);
}

// A spell of stalls over the first three rounds of five would be their median; the phase runs
// on until the stalled rounds are a minority (or kMostOverheadRounds), and the overhead stays
// the size of the path, not the stalls'. With 250 open-loop requests (three seconds at the
// phase's rate, ~180/s here and over 100/s in the sanitizer build, is more) each round is
// exactly 50 jobs, so a stall at the 20th job of rounds 0, 1 and 2 lands in each, whatever the
// build.
TEST(Calibrate, ASpellOfStallsOverMostRoundsRunsTheOverheadPhaseOn) {
  const auto [c, stalled] = calibrate_with_stalls({20, 70, 120}, 250);
  ASSERT_TRUE(stalled) << "the open-loop phase never began";
  SCOPED_TRACE(rounds_text(c));
  ASSERT_GE(c.overhead_rounds.size(), kOverheadRounds);
  const std::vector<double> first_five(c.overhead_rounds.begin(),
                                       c.overhead_rounds.begin() + kOverheadRounds);
  ASSERT_GE(stalled_overhead_rounds(first_five), 3u) << "the spell must stall most of them";
  EXPECT_GT(c.overhead_rounds.size(), kOverheadRounds);
  // It stops at the first round that leaves the stalled ones a minority, or at the cap: on a CI
  // host that slowed mid-phase (2026-12-06: rounds 0.26-0.39 ms, then 0.7-1.1 ms) rounds twice
  // the lowest went on counting as stalled, and the phase ran to the cap.
  for (std::size_t rounds = kOverheadRounds; rounds < c.overhead_rounds.size(); ++rounds) {
    const std::vector<double> prefix(c.overhead_rounds.begin(), c.overhead_rounds.begin() + rounds);
    EXPECT_FALSE(overhead_rounds_settled(prefix)) << "it ran on after " << rounds << " rounds";
  }
  EXPECT_TRUE(overhead_rounds_settled(c.overhead_rounds) ||
              c.overhead_rounds.size() == kMostOverheadRounds);
  EXPECT_GT(c.overhead, 0.0);
  EXPECT_LT(c.overhead, 0.002);
  EXPECT_EQ(c.errors, 0u);
}

// A stalled round measured over twice the lowest round outside the server and 0.1 ms more; the
// median stands once at least five rounds were run and the stalled ones are a minority.
TEST(OverheadRounds, AreStalledOverTwiceTheLowestAndSettledWhenStallsAreAMinority) {
  EXPECT_EQ(stalled_overhead_rounds({}), 0u);
  // 0.5 ms against 0.2 ms is a stall; 0.39 ms is under twice; 90 us against 40 us is twice but
  // only 50 us more, which a path of tens of microseconds moves by.
  EXPECT_EQ(stalled_overhead_rounds({0.0002, 0.0005, 0.00039}), 1u);
  EXPECT_EQ(stalled_overhead_rounds({0.00004, 0.00009}), 0u);

  EXPECT_TRUE(overhead_rounds_settled({0.0002, 0.00021, 0.00022, 0.0002, 0.00019}));
  EXPECT_FALSE(overhead_rounds_settled({0.0002, 0.00021, 0.00022, 0.0002}));  // under five
  // The CI run of 2026-12-04: three of five stalled, then two more clean rounds.
  std::vector<double> rounds = {0.000224, 0.000135, 0.000431, 0.001288, 0.001149};
  EXPECT_EQ(stalled_overhead_rounds(rounds), 3u);
  EXPECT_FALSE(overhead_rounds_settled(rounds));
  rounds.push_back(0.00019);
  EXPECT_FALSE(overhead_rounds_settled(rounds));  // three against three
  rounds.push_back(0.00021);
  EXPECT_TRUE(overhead_rounds_settled(rounds));
}

// Calibration's open-loop phase runs at a tenth of capacity, where one worker still queues: the
// queueing that load gives is taken out of the measured wait. Against textbook values: M/M/1's
// Wq = ρ / (μ − λ) and Var(Wq) = ρ(2 − ρ) / (μ − λ)², Pollaczek–Khinchine's λE[S²] / (2(1 − ρ)) for
// constant holds, M/M/2's C(2, a) / (2μ − λ) with C(2, 0.2) = 0.02 / 1.1 by hand.
TEST(LowLoadQueueing, IsTheTextbookWaitAtThatLoad) {
  const QueueingWait mm1 = low_load_queueing(1, 100, 0.001, 1);
  EXPECT_NEAR(mm1.mean, 0.1 / 900, 1e-12);
  EXPECT_NEAR(mm1.variance, 0.1 * 1.9 / (900.0 * 900.0), 1e-15);
  const QueueingWait md1 = low_load_queueing(1, 100, 0.001, 0);
  EXPECT_NEAR(md1.mean, 100 * 1e-6 / (2 * 0.9), 1e-12);
  const QueueingWait mm2 = low_load_queueing(2, 200, 0.001, 1);
  EXPECT_NEAR(mm2.mean, (0.02 / 1.1) / 1800, 1e-12);
  // Past capacity, or with nothing measured, no queueing is taken out.
  EXPECT_EQ(low_load_queueing(1, 1000, 0.001, 1).mean, 0);
  EXPECT_EQ(low_load_queueing(2, 100, 0, 1).mean, 0);
}

// The path's variance is, per round, the latencies' less the holds', and the rounds' median.
// The rounds are those of a 2-worker Argon2id calibration on 2026-12-05 (ms²): the holds
// varied 0.18-2.6 ms² from round to round, more than the back-to-back holds' 0.2-0.4.
TEST(PathVariance, IsTheLatencysBeyondTheHoldsPerRoundTheirMedian) {
  const double ms2 = 1e-6;
  const std::vector<RoundSpread> rounds = {{0.765 * ms2, 0.176 * ms2},
                                           {7.651 * ms2, 2.618 * ms2},
                                           {1.167 * ms2, 0.970 * ms2},
                                           {1.387 * ms2, 1.320 * ms2},
                                           {0.574 * ms2, 0.326 * ms2}};
  // Beyond the holds: 0.589, 5.033, 0.197, 0.067 and 0.248; the median is 0.248. The medians
  // taken apart (1.167 − 0.970) would give 0.197, from two different rounds.
  const auto path = path_variance(rounds);
  ASSERT_TRUE(path);
  EXPECT_NEAR(*path, 0.248 * ms2, 1e-12);

  // Queueing's variance is taken out with the holds': 1.387 − 1.320 − 0.05 = 0.017.
  const auto less_queueing = path_variance({{1.387 * ms2, 1.320 * ms2, 0.05 * ms2}});
  ASSERT_TRUE(less_queueing);
  EXPECT_NEAR(*less_queueing, 0.017 * ms2, 1e-12);
  // A round whose holds varied more than its latencies (the two are counted apart, the
  // latencies winsorized) adds nothing below zero.
  EXPECT_EQ(path_variance({{1.0 * ms2, 1.2 * ms2}}), std::optional<double>(0.0));
  // A service without the holds' squares: unknown, whatever the other rounds say.
  EXPECT_FALSE(path_variance({{1.0 * ms2, 0.5 * ms2}, {1.0 * ms2, std::nullopt}}));
  EXPECT_FALSE(path_variance({}));
}

// The service's own time per job (the handler, the hand-back, the sleep's overshoot) is added
// to the work model's draws, and it depends on the build: 0.17-0.22 ms in the release build,
// 0.63-0.94 ms under the address sanitizer (which put the mean at 3.64-3.92 ms on
// 2026-12-06). So it is measured beside, as a fixed 1 ms's excess, and taken off: the draws'
// mean is 3 ms (400 of them: ±0.15 ms), and a constant taken off leaves their variance, so
// their SCV is near 1.
TEST(Calibrate, ExponentialWorkHasAnScvNearOne) {
  const double own = calibrate_bundled("fixed:1ms", 1, 100).service_mean - 0.001;
  const Calibration c = calibrate_bundled("exp:3ms", 1, 400);
  SCOPED_TRACE("service mean " + std::to_string(c.service_mean) + " s, SCV " +
               std::to_string(c.service_scv) + ", own time " + std::to_string(own) + " s");
  EXPECT_EQ(c.source, "metrics");
  EXPECT_GT(own, 0.0);
  const double work = c.service_mean - own;
  EXPECT_NEAR(work, 0.003, 0.0006);
  // SCV of an exponential is 1; 400 samples add noise.
  const double work_scv = c.service_scv * (c.service_mean / work) * (c.service_mean / work);
  EXPECT_GT(work_scv, 0.55);
  EXPECT_LT(work_scv, 1.35);
}

TEST(Calibrate, WithoutServiceMetricsFallsBackToTheClient) {
  BundledServices config;
  config.work_model = "fixed:1ms";
  BundledRun run(config);
  const loadgen::Endpoint at = run.login_endpoint();
  // /healthz never reaches a worker, so the service-time histogram does not move.
  const Calibration c = calibrate({"health", loadgen::url_scenario(fmt_url(at)), at},
                                  CalibrationOptions{.requests = 50});
  EXPECT_EQ(c.source, "client");
  EXPECT_DOUBLE_EQ(c.service_mean, c.client_mean);
  EXPECT_LT(c.service_mean, 0.001);  // no worker, no 1 ms sleep
}

TEST(Calibrate, UnreachableTargetSaysWhere) {
  const std::uint16_t port = free_loopback_port();  // nothing listens there
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  CalibrationOptions options;
  options.requests = 10;
  options.warmup = 0;
  options.timeout = 2;
  try {
    calibrate({"nothing", loadgen::url_scenario(url), {"127.0.0.1", port}}, options);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(std::to_string(port)), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace kendall::validation
