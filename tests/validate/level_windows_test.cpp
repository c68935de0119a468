// A level window by window: the windows come from the samples' counter differences, and the
// model's prediction mixes each window's M/M/1 sojourn (exponential, solved by hand here).
#include <gtest/gtest.h>

#include <cmath>
#include <deque>

#include "kendall/validate/level_windows.hpp"
#include "kendall/validate/window_replay.hpp"
#include "validate/window_fixtures.hpp"

namespace kendall::validation {
namespace {

using namespace testing;

// A scrape after `jobs` jobs that took `seconds` of service and `busy` of workers' time.
LevelSample sample_at(double at, double jobs, double seconds, double busy, double service_cpu,
                      double machine_cpu) {
  LevelSample sample;
  sample.seconds = at;
  sample.metrics = Samples{{"kendall_service_time_seconds_count", jobs},
                           {"kendall_service_time_seconds_sum", seconds},
                           {"kendall_worker_jobs_total", jobs},
                           {"kendall_worker_busy_seconds_total", busy}};
  sample.service_cpu = service_cpu;
  sample.machine_cpu = machine_cpu;
  return sample;
}

TEST(LevelWindows, EachWindowHasItsOwnMeansAndTheShortTailJoinsTheOneBefore) {
  const LevelWork level;  // no spreads measured: the windows' means stay as they are
  const std::vector<LevelSample> samples{
      sample_at(0, 100, 0.1, 0.11, 1.0, 10.0),
      // 5 s, 1000 jobs: 1 ms each in service, 1.2 ms held, 0.9 ms of the service's CPU.
      sample_at(5, 1100, 1.1, 1.31, 1.9, 12.0),
      // 5 s, 2000 jobs: 1.5 ms, 1.6 ms held.
      sample_at(10, 3100, 4.1, 4.51, 4.9, 16.0),
      // 0.4 s, the drain: 10 jobs more, too few and too short for a window of its own.
      sample_at(10.4, 3110, 4.115, 4.527, 4.915, 16.02)};
  const std::vector<WorkWindow> windows = split_windows(samples, level, 2.5);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_DOUBLE_EQ(windows[0].start, 0);
  EXPECT_DOUBLE_EQ(windows[0].duration, 5);
  EXPECT_DOUBLE_EQ(windows[0].jobs, 1000);
  EXPECT_DOUBLE_EQ(windows[0].rate(), 200);
  EXPECT_NEAR(*windows[0].work.job_mean, 0.001, 1e-12);
  EXPECT_NEAR(*windows[0].work.hold_mean, 0.0012, 1e-12);
  EXPECT_NEAR(*windows[0].work.service_cpu, 0.0009, 1e-12);
  EXPECT_NEAR(windows[0].work.machine_cpu, 0.002, 1e-12);
  EXPECT_DOUBLE_EQ(windows[1].start, 5);
  EXPECT_NEAR(windows[1].duration, 5.4, 1e-12);
  EXPECT_DOUBLE_EQ(windows[1].jobs, 2010);
  EXPECT_NEAR(*windows[1].work.hold_mean, (4.527 - 1.31) / 2010, 1e-12);
  EXPECT_FALSE(windows[0].offered);  // no rate asked for: closed loop
}

// Open loop: each window's rate is the requests the load generator was asked for in it over
// its span. The load asked 200/s for the first 5 s, then 300/s for 2 s and 480/s up to the last
// sample at 10.4 s (the sampler integrates the rate up to each sample): the last window, 5 to
// 10.4 s with its short tail joined, asked for 600 + 1632 = 2232 requests in 5.4 s.
TEST(LevelWindows, EachWindowsOfferedRateIsTheRequestsAskedForInIt) {
  std::vector<LevelSample> samples{
      sample_at(0, 100, 0.1, 0.11, 1.0, 10.0), sample_at(5, 1100, 1.1, 1.31, 1.9, 12.0),
      sample_at(10, 3100, 4.1, 4.51, 4.9, 16.0), sample_at(10.4, 3110, 4.115, 4.527, 4.915, 16.02)};
  for (const auto& [sample, asked] : {std::pair{0, 0.0}, {1, 1000.0}, {2, 3040.0}, {3, 3232.0}})
    samples[sample].offered = asked;
  const std::vector<WorkWindow> windows = split_windows(samples, LevelWork{}, 2.5);
  ASSERT_EQ(windows.size(), 2u);
  ASSERT_TRUE(windows[0].offered && windows[1].offered);
  EXPECT_NEAR(*windows[0].offered, 200, 1e-9);
  EXPECT_NEAR(*windows[1].offered, 2232 / 5.4, 1e-9);
  EXPECT_NEAR(windows[1].arrival_rate(), 2232 / 5.4, 1e-9);
  // A sample without it (a load without a rate) leaves the window with the jobs it served.
  samples[1].offered.reset();
  const std::vector<WorkWindow> partly = split_windows(samples, LevelWork{}, 2.5);
  EXPECT_FALSE(partly[0].offered);
  EXPECT_DOUBLE_EQ(partly[0].arrival_rate(), 200);
}

// Each window's server time is its requests' own mean, without the level's scrapes of /metrics:
// 1000 logins of 1.5 ms in the first (and 5 scrapes of 0.1 ms, left out), 2000 of 2.5 ms in the
// second. With the scrapes the first would read 2.5005 s over 1005 jobs, 1.4925 ms.
TEST(LevelWindows, EachWindowHasTheServersOwnMeanOverIt) {
  std::vector<LevelSample> samples{sample_at(0, 100, 0.1, 0.11, 1.0, 10.0),
                                   sample_at(5, 1100, 1.1, 1.31, 1.9, 12.0),
                                   sample_at(10, 3100, 4.1, 4.51, 4.9, 16.0)};
  const auto requests = [](LevelSample& sample, double logins, double login_seconds, double scrapes,
                           double scrape_seconds) {
    Samples& m = *sample.metrics;
    m["kendall_http_request_duration_seconds_count{route=\"login\"}"] = logins;
    m["kendall_http_request_duration_seconds_sum{route=\"login\"}"] = login_seconds;
    m["kendall_http_request_duration_seconds_count{route=\"metrics\"}"] = scrapes;
    m["kendall_http_request_duration_seconds_sum{route=\"metrics\"}"] = scrape_seconds;
  };
  requests(samples[0], 100, 0.2, 1, 0.0001);
  requests(samples[1], 1100, 1.7, 6, 0.0006);
  requests(samples[2], 3100, 6.7, 11, 0.0011);
  const std::vector<WorkWindow> windows = split_windows(samples, LevelWork{}, 2.5);
  ASSERT_EQ(windows.size(), 2u);
  ASSERT_TRUE(windows[0].server_mean && windows[1].server_mean);
  EXPECT_NEAR(*windows[0].server_mean, 1.5 / 1000, 1e-12);
  EXPECT_NEAR(*windows[1].server_mean, 5.0 / 2000, 1e-12);
  // A service without a /metrics route of its own keeps every route it has.
  for (LevelSample& sample : samples)
    for (const char* part : {"_count", "_sum"})
      sample.metrics->erase(std::string("kendall_http_request_duration_seconds") + part +
                            "{route=\"metrics\"}");
  const std::vector<WorkWindow> logins_only = split_windows(samples, LevelWork{}, 2.5);
  ASSERT_TRUE(logins_only[0].server_mean);
  EXPECT_NEAR(*logins_only[0].server_mean, 1.5 / 1000, 1e-12);
  // Without the server's histogram: none.
  EXPECT_FALSE(split_windows({sample_at(0, 100, 0.1, 0.11, 1.0, 10.0),
                              sample_at(5, 1100, 1.1, 1.31, 1.9, 12.0)},
                             LevelWork{}, 2.5)[0]
                   .server_mean);
}

// A window's mean is a sample of its jobs: 1000 exponential holds (SCV 1) stray by a relative
// variance 1/1000 by chance. Windows at 1.0 and 1.1 ms are ±0.05/1.05 around the level's
// 1.05 ms, a relative variance of 0.0022676 of which 0.001 is chance: the drift V is 0.0012676
// and each keeps V / (V + 0.001) = 0.55901 of its distance, 1.02205 and 1.07795 ms. CPU times
// (SCV 0.01: chance 1e-5) keep 0.99639 of theirs, and the machine's other work stays.
TEST(LevelWindows, AWindowsMeanKeepsOnlyWhatChanceCannotExplain) {
  LevelWork level;
  level.hold_scv = 1;
  level.cpu_scv = 0.01;
  const std::vector<WorkWindow> windows =
      split_windows({sample_at(0, 0, 0, 0, 0, 0), sample_at(1, 1000, 0.9, 1.0, 0.9, 1.5),
                     sample_at(2, 2000, 1.9, 2.1, 1.9, 3.0)},
                    level, 0.5);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_NEAR(*windows[0].work.hold_mean, 1.02205e-3, 1e-8);
  EXPECT_NEAR(*windows[1].work.hold_mean, 1.07795e-3, 1e-8);
  // CPU: 0.9 and 1.0 ms around 0.95 ms, V = (0.05/0.95)² − 1e-5 = 0.0027601, kept 0.99639.
  EXPECT_NEAR(*windows[0].work.service_cpu, 0.95e-3 - 0.99639 * 0.05e-3, 1e-9);
  EXPECT_NEAR(*windows[1].work.service_cpu, 0.95e-3 + 0.99639 * 0.05e-3, 1e-9);
  // The machine's CPU beside the service (0.6 and 0.5 ms) stays.
  EXPECT_NEAR(windows[0].work.machine_cpu - *windows[0].work.service_cpu, 0.6e-3, 1e-12);
  EXPECT_NEAR(windows[1].work.machine_cpu - *windows[1].work.service_cpu, 0.5e-3, 1e-12);
  // The spreads are the level's: a second cannot measure them.
  EXPECT_DOUBLE_EQ(*windows[1].work.hold_scv, 1);
  EXPECT_DOUBLE_EQ(*windows[1].work.cpu_scv, 0.01);

  // Windows no further apart than chance: both take the level's mean.
  const std::vector<WorkWindow> same =
      split_windows({sample_at(0, 0, 0, 0, 0, 0), sample_at(1, 1000, 0.9, 1.0, 0.9, 1.5),
                     sample_at(2, 2000, 1.9, 2.02, 1.9, 3.0)},
                    level, 0.5);
  EXPECT_NEAR(*same[0].work.hold_mean, 1.01e-3, 1e-12);
  EXPECT_NEAR(*same[1].work.hold_mean, 1.01e-3, 1e-12);
}

// The level's index of dispersion counts the drift between windows too: a relative variance V
// of the windows' means adds m V at blocks of m jobs, which the windows' own means now carry.
TEST(LevelWindows, TheDriftBetweenWindowsLeavesTheirDispersion) {
  LevelWork level;
  level.hold_scv = 0.5;
  level.hold_dispersion = {{2, 0.5}, {4096, 2.22}};
  // 10000 jobs at 1 ms, then 10000 at 1.02 ms: about ±0.99% around 1.01 ms.
  const std::vector<WorkWindow> windows =
      split_windows({sample_at(0, 0, 0, 0, 0, 0), sample_at(5, 10000, 9, 10.0, 0, 0),
                     sample_at(10, 20000, 18, 20.2, 0, 0)},
                    level, 2.5);
  ASSERT_EQ(windows.size(), 2u);
  const double relative = 0.01 / 1.01;
  // Less the sampling noise of a window's mean, SCV / jobs.
  const double drift = relative * relative - 0.5 / 10000;
  for (const WorkWindow& w : windows) {
    ASSERT_EQ(w.work.hold_dispersion.size(), 2u);
    EXPECT_NEAR(w.work.hold_dispersion[0].index, 0.5 - 2 * drift, 1e-9);
    EXPECT_NEAR(w.work.hold_dispersion[1].index, 2.22 - 4096 * drift, 1e-9);
  }
}

// The drift's third central moment T between windows adds m² T to the skew index at blocks of m
// jobs (a block's m jobs share their window's speed: κ₃ of their sum is m³ T E[S]³), which the
// windows' own means carry too. Three windows of 10000 jobs held 1, 1 and 1.03 ms: relative
// −1/101, −1/101 and +2/101 around 1.01 ms, T = (−2 + 8) / (3 · 101³) = 2 / 101³, and
// V = 6 / (3 · 101²) − 0.5 / 10000. Symmetric windows (the test above) have T = 0.
TEST(LevelWindows, ALopsidedDriftBetweenWindowsLeavesTheirSkewIndex) {
  LevelWork level;
  level.hold_scv = 0.5;
  level.hold_dispersion = {{2, 0.5, 0.3}, {4096, 2.22, 50.0}};
  const std::vector<WorkWindow> windows =
      split_windows({sample_at(0, 0, 0, 0, 0, 0), sample_at(5, 10000, 9, 10.0, 0, 0),
                     sample_at(10, 20000, 18, 20.0, 0, 0), sample_at(15, 30000, 27, 30.3, 0, 0)},
                    level, 2.5);
  ASSERT_EQ(windows.size(), 3u);
  const double third = 2 / std::pow(101.0, 3);
  const double variance = 6 / (3 * 101.0 * 101.0) - 0.5 / 10000;
  for (const WorkWindow& w : windows) {
    ASSERT_EQ(w.work.hold_dispersion.size(), 2u);
    EXPECT_NEAR(w.work.hold_dispersion[1].index, 2.22 - 4096 * variance, 1e-9);
    ASSERT_TRUE(w.work.hold_dispersion[0].skew_index && w.work.hold_dispersion[1].skew_index);
    EXPECT_NEAR(*w.work.hold_dispersion[0].skew_index, 0.3 - 4 * third, 1e-12);
    EXPECT_NEAR(*w.work.hold_dispersion[1].skew_index, 50 - 4096.0 * 4096.0 * third, 1e-9);
  }
}

// A window's time-shared work is its workers' own CPU (their nanosecond counter), and the rest of
// the machine's CPU is the level's rate in every window, at the window's speed: /proc/stat's
// ticks make a 0.2 s window's share of it noise. Two windows of 1 s: 500 jobs at 2 ms of the
// workers' CPU, offered 500/s, then 400 at 2.2 ms offered 450/s (1.88 / 900 = 2.0889 ms a job
// over the level); the machine did 1.3 and 1.06 s of CPU (0.3 and 0.18 beside the workers),
// 0.24 cores over the level, so 0.24 / 500 × 2 / 2.0889 and 0.24 / 450 × 2.2 / 2.0889 per request.
TEST(LevelWindows, TheTimeSharedWorkIsTheWorkersOwnCpuAndTheBackgroundTheLevelsRate) {
  const auto at = [](double seconds, double jobs, double worker_cpu, double service_cpu,
                     double machine_cpu, double offered) {
    LevelSample sample =
        sample_at(seconds, jobs, jobs * 0.003, jobs * 0.003, service_cpu, machine_cpu);
    (*sample.metrics)["kendall_worker_cpu_seconds_total"] = worker_cpu;
    sample.offered = offered;
    return sample;
  };
  LevelWork level;
  level.worker_cpu = 0.0021;
  const std::vector<WorkWindow> windows = split_windows(
      {at(0, 0, 0, 0, 0, 0), at(1, 500, 1.0, 1.06, 1.3, 500), at(2, 900, 1.88, 2.0, 2.36, 950)},
      level, 0.5);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_NEAR(*windows[0].work.worker_cpu, 0.002, 1e-12);
  EXPECT_NEAR(*windows[1].work.worker_cpu, 0.0022, 1e-12);
  const double typical = 1.88 / 900;
  EXPECT_NEAR(windows[0].work.machine_cpu, 0.002 + 0.24 / 500 * 0.002 / typical, 1e-12);
  EXPECT_NEAR(windows[1].work.machine_cpu, 0.0022 + 0.24 / 450 * 0.0022 / typical, 1e-12);
  const LevelModel levels = four_workers_on_two_cores();
  const LevelInputs in = levels.inputs(windows[1].work, 4);
  EXPECT_NEAR(in.service_mean, 0.0022, 1e-12);
  EXPECT_NEAR(in.background_cpu, 0.24 / 450 * 0.0022 / typical, 1e-12);

  // Without the workers' counter (an older service) the process's CPU less the calibrated I/O
  // share is the work, and each window keeps the machine's CPU it measured.
  std::vector<LevelSample> no_counter{at(0, 0, 0, 0, 0, 0), at(1, 500, 1.0, 1.06, 1.3, 500),
                                      at(2, 900, 1.88, 2.0, 2.36, 950)};
  for (LevelSample& sample : no_counter)
    sample.metrics->erase("kendall_worker_cpu_seconds_total");
  const std::vector<WorkWindow> by_process = split_windows(no_counter, level, 0.5);
  ASSERT_EQ(by_process.size(), 2u);
  EXPECT_FALSE(by_process[1].work.worker_cpu);
  EXPECT_NEAR(by_process[1].work.machine_cpu, 1.06 / 400, 1e-12);
  EXPECT_NEAR(levels.inputs(by_process[1].work, 4).service_mean, 0.94 / 400 - 0.0001, 1e-12);
}

TEST(LevelWindows, NoWindowsWithoutTheServicesMetrics) {
  LevelSample before;
  LevelSample after;
  after.seconds = 10;
  EXPECT_TRUE(split_windows({before, after}, LevelWork{}, 2.5).empty());
}

TEST(LevelWindows, TheLevelIsTheMixtureOfItsWindowsSojourns) {
  // 500/s throughout; the host ran the work at 1 ms for one window and 1.6 ms for the next:
  // sojourns exponential at 500/s and 125/s, means 2 ms and 8 ms. The windows are long (200 s)
  // next to the queue's change between them (tens of ms), so each is its steady state.
  const WindowedPrediction windowed =
      predict_windows(one_exponential_worker(),
                      {window_of(0, 500, 0.001, 200), window_of(200, 500, 0.0016, 200)}, 1);
  ASSERT_EQ(windowed.windows.size(), 2u);
  EXPECT_NEAR(windowed.windows[0].utilization, 0.5, 1e-9);
  EXPECT_NEAR(windowed.windows[1].utilization, 0.8, 1e-9);
  EXPECT_NEAR(*windowed.windows[0].mean, 0.002, 1e-6);
  EXPECT_NEAR(*windowed.windows[1].mean, 0.008, 1e-5);
  ASSERT_TRUE(windowed.mixed);
  EXPECT_NEAR(windowed.mixed->mean, 0.005, 1e-5);
  // p: ½ e^{−500 t} + ½ e^{−125 t} = 1 − p, by bisection.
  const auto mixture_quantile = [](double p) {
    double low = 0;
    double high = 1;
    for (int i = 0; i < 200; ++i) {
      const double t = (low + high) / 2;
      (0.5 * std::exp(-500 * t) + 0.5 * std::exp(-125 * t) > 1 - p ? low : high) = t;
    }
    return low;
  };
  EXPECT_NEAR(windowed.mixed->p50, mixture_quantile(0.5), 3e-3 * mixture_quantile(0.5));
  EXPECT_NEAR(windowed.mixed->p95, mixture_quantile(0.95), 3e-3 * mixture_quantile(0.95));
  EXPECT_NEAR(windowed.mixed->p99, mixture_quantile(0.99), 3e-3 * mixture_quantile(0.99));
  // The level's average work (1.3 ms) would say 3.7 ms, the mixture's 5 ms over a third more:
  // latency is convex in the work.
  EXPECT_GT(windowed.mixed->mean, 1.3 * (1 / (1 / 0.0013 - 500)));
}

// The level's first window measured slow, at 0.995 of its capacity, the other twenty at 0.5 (one
// 1 ms exponential worker, 0.2 s windows). Its steady state holds 199 requests (mean 200 ms),
// which a queue coming from a lower load does not reach in 0.2 s (M/M/1's relaxation time at
// 0.995 is (1 + √ρ)² / (μ(1 − √ρ)²) ≈ 0.64 s alone): the level starts at its typical load's
// steady state, so the first window's mean is well below 200 ms, and the level's near the 2 ms
// of the rest.
TEST(LevelWindows, ALevelStartsAtItsTypicalLoadNotAtASlowFirstWindowsSteadyState) {
  std::vector<WorkWindow> windows = {window_of(0, 995, 0.001, 0.2)};
  for (int k = 1; k <= 20; ++k)
    windows.push_back(window_of(0.2 * k, 500, 0.001, 0.2));
  const WindowedPrediction windowed = predict_windows(one_exponential_worker(), windows, 1);
  ASSERT_TRUE(windowed.windows[0].mean);
  EXPECT_LT(*windowed.windows[0].mean, 0.1);
  EXPECT_GT(*windowed.windows[0].mean, 0.002);
  ASSERT_TRUE(windowed.mixed);
  // The first window's 199 arrivals are under a tenth of the level's 2,199.
  EXPECT_LT(windowed.mixed->mean, 0.002 + 0.1 * 0.1);
  EXPECT_NEAR(*windowed.windows[20].mean, 0.002, 2e-4);
}

TEST(LevelWindows, WindowsWeighByTheJobsTheyServed) {
  // 200/s at 1 ms (mean 1.25 ms) for 5 s, 800/s at 1 ms (mean 5 ms) for 5 s: 1000 and 4000 jobs.
  const WindowedPrediction windowed =
      predict_windows(one_exponential_worker(),
                      {window_of(0, 200, 0.001, 200), window_of(200, 800, 0.001, 200)}, 1);
  ASSERT_TRUE(windowed.mixed);
  EXPECT_NEAR(windowed.mixed->mean, (1000 * 0.00125 + 4000 * 0.005) / 5000, 1e-5);
}

// 500/s for 5 s, then 1100/s for 2 s (beyond the 1000/s the work allows: a slow spell of the
// host), then 500/s for 5 s, M/M/1 at 1 ms throughout; each window's steady state alone would
// say 2 ms for the last window and nothing at all for the spell. By hand, from M/M/1 as a
// random walk that steps up with probability p = 11/21 in the spell:
// - the spell starts in the steady state of 500/s (P(n) = 0.5ⁿ⁺¹) and reaches an empty queue
//   with probability Σ 0.5ⁿ⁺¹ (10/11)ⁿ = 11/12, then comes back to it 1/(1 − 10/11) = 11 times on
//   average, idle 1/1100 s each: 9.17 departures lost, nearly all in the first tenth of a
//   second. So E[N] ≈ 1 + 100 t + 9.17 over the spell, 210 requests at its end, and the spell's
//   area under E[N] about 2 + 200 + 17.6 request-seconds over its 2200 arrivals: 99.8 ms.
// - the last window drains that backlog at 500/s: for a walk of drift −d and variance σ² a
//   second from n, the area until empty is n²/(2d) + nσ²/(2d²), here with n's variance
//   (2 s × 2100/s) added: (210² + 4200)/1000 + 210 × 1500/500000 = 49.0, and 4.6 s of the
//   steady state's 1 after it: 53.6 over 2500 arrivals, 21.4 ms.
// - over the level: (2 ms × 2500 + 219.6 + 53.6) / 7200 = 38.6 ms, which the simulator's replay
//   of the same windows measures too.
TEST(LevelWindows, ABacklogGrownBeyondSaturationIsCarriedIntoTheNextWindows) {
  const LevelModel levels = one_exponential_worker();
  const std::vector<WorkWindow> windows = {window_of(0, 500, 0.001), window_of(5, 1100, 0.001, 2),
                                           window_of(7, 500, 0.001)};
  const WindowedPrediction windowed = predict_windows(levels, windows, 1);
  ASSERT_EQ(windowed.windows.size(), 3u);
  EXPECT_NEAR(windowed.windows[1].utilization, 1.1, 1e-9);
  ASSERT_TRUE(windowed.windows[0].mean && windowed.windows[1].mean && windowed.windows[2].mean);
  EXPECT_NEAR(*windowed.windows[0].mean, 0.002, 1e-3 * 0.002);  // the steady state
  EXPECT_NEAR(*windowed.windows[1].mean, 0.0998, 0.015 * 0.0998);
  EXPECT_NEAR(*windowed.windows[2].mean, 0.0214, 0.03 * 0.0214);
  ASSERT_TRUE(windowed.mixed);
  EXPECT_NEAR(windowed.mixed->mean, 0.0386, 0.015 * 0.0386);

  const auto replay = replay_windows(levels, windows, windowed.inputs);
  ASSERT_TRUE(replay);
  const double simulated =
      simulate_replay(*replay, 2'000'000, 20, 33).classes.at(0).response_time.mean;
  EXPECT_NEAR(windowed.mixed->mean, simulated, 0.03 * simulated);
  // The spell's arrivals (2200 of 7200) waited ~0.05–0.2 s: the level's p95 is among them.
  EXPECT_GT(windowed.mixed->p95, 0.05);
  EXPECT_LT(windowed.mixed->p95, 0.25);
}

TEST(LevelWindows, OneWindowIsNotAMixture) {
  EXPECT_FALSE(predict_windows(one_exponential_worker(), {window_of(0, 500, 0.001)}, 1).mixed);
}

// The next window's rate: the fraction of saturation with the work the last window measured,
// servers / hold with a worker per core (1 worker: 0.9 / 1.25 ms = 720/s).
TEST(LevelWindows, TheNextWindowsRateIsTheFractionOfTheLastWindowsSaturation) {
  const LevelModel levels = one_exponential_worker();
  const auto rate = rate_for_fraction(levels, window_of(0, 500, 0.00125), 1, 0.9);
  ASSERT_TRUE(rate);
  EXPECT_NEAR(*rate, 720, 1e-9);
  WorkWindow quiet = window_of(0, 500, 0.00125);
  quiet.jobs = 20;  // too few to place a rate on
  EXPECT_FALSE(rate_for_fraction(levels, quiet, 1, 0.9));
  EXPECT_FALSE(rate_for_fraction(levels, WorkWindow{0, 5, 2500, LevelWork{}, {}, {}}, 1, 0.9));
}

// The rate is placed from the latest samples that measure the hold to 1%: SCV / jobs ≤ 1e-4.
// At 1000 jobs a second, holds of SCV 0.01 need one second; of SCV 1, 10 s, beyond the 5 s cap.
TEST(LevelWindows, ARateIsPlacedFromTheSamplesThatMeasureTheHoldToOnePercent) {
  const auto samples = [](double scv) {
    std::deque<LevelSample> recent;
    for (int second = 0; second <= 8; ++second) {
      const double jobs = 1000.0 * second;
      LevelSample sample;
      sample.seconds = second;
      // 1 ms holds: their squares sum to jobs × mean² × (1 + SCV).
      sample.metrics =
          Samples{{"kendall_worker_jobs_total", jobs},
                  {"kendall_worker_busy_seconds_total", jobs * 1e-3},
                  {"kendall_worker_busy_seconds_squared_total", jobs * 1e-6 * (1 + scv)}};
      recent.push_back(sample);
    }
    return recent;
  };
  std::deque<LevelSample> hashes = samples(0.01);
  EXPECT_DOUBLE_EQ(placement_span(hashes).seconds, 7);
  EXPECT_EQ(hashes.size(), 2u);
  std::deque<LevelSample> exponential = samples(1);
  EXPECT_DOUBLE_EQ(placement_span(exponential).seconds, 3);
  EXPECT_EQ(exponential.size(), 6u);
  std::deque<LevelSample> first = samples(1);
  first.resize(2);  // only the level's start and one sample
  EXPECT_DOUBLE_EQ(placement_span(first).seconds, 0);
}

// A stop of the host inside a window holds a job for its length: 999 holds of 1 ms and one of
// 51 ms have a mean of 1.05 ms and squares summing to 999 × 1e-6 + 0.051² = 0.0036 s², an SCV of
// 3.6e-6 / 1.05e-3² − 1 = 2.2653 by hand. The window reports it; the model keeps the level's.
TEST(LevelWindows, AWindowReportsItsOwnHoldsScvAndTheModelKeepsTheLevels) {
  const auto sample = [](double at, double jobs, double busy, double squares) {
    LevelSample s;
    s.seconds = at;
    s.metrics = Samples{{"kendall_service_time_seconds_count", jobs},
                        {"kendall_service_time_seconds_sum", busy},
                        {"kendall_worker_jobs_total", jobs},
                        {"kendall_worker_busy_seconds_total", busy},
                        {"kendall_worker_busy_seconds_squared_total", squares}};
    return s;
  };
  LevelWork level;
  level.hold_scv = 1.0;
  // 1000 exponential holds of 1 ms (squares 2 × 1e-6 each), then the window with the stop.
  const std::vector<LevelSample> samples{sample(0, 0, 0, 0), sample(1, 1000, 1.0, 0.002),
                                         sample(2, 2000, 2.05, 0.0056)};
  const std::vector<WorkWindow> windows = split_windows(samples, level, 1);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_NEAR(*windows[0].hold_scv, 1.0, 1e-9);
  EXPECT_NEAR(*windows[1].hold_scv, 3.6e-6 / (1.05e-3 * 1.05e-3) - 1, 1e-9);
  EXPECT_DOUBLE_EQ(*windows[1].work.hold_scv, 1.0);
  const WindowResult result = measured_result(windows[1]);
  EXPECT_NEAR(*result.measured_hold_scv, 2.2653, 1e-4);
  EXPECT_DOUBLE_EQ(result.start, 1);
  EXPECT_DOUBLE_EQ(result.jobs, 1000);
}

// A window's work carries its mean loss to steal; the trace only says when it fell. Steal spread
// evenly over the window (a fifth of the machine in every 10 ms reading) leaves the model as it
// was without a trace: the pace is (1 − 0.2) / (1 − 0.2) throughout.
TEST(LevelWindows, StealSpreadEvenlyOverAWindowLeavesItsPrediction) {
  std::vector<WorkWindow> windows = {window_of(0, 900, 0.001, 1), window_of(1, 900, 0.001, 1)};
  const WindowedPrediction blind = predict_windows(one_exponential_worker(), windows, 1);
  for (int j = 1; j <= 100; ++j)
    windows[1].steal_trace.push_back({1 + 0.01 * j, 0.2});
  const WindowedPrediction even = predict_windows(one_exponential_worker(), windows, 1);
  ASSERT_TRUE(blind.mixed && even.mixed);
  EXPECT_NEAR(even.mixed->mean, blind.mixed->mean, 1e-12);
  EXPECT_NEAR(*even.windows[1].mean, *blind.windows[1].mean, 1e-12);
}

// The pace follows the steal around its mean over the readings: from 2 s, none for 0.25 s, 0.4 of
// the cores for 0.5 s (two readings, joined), none for 0.15 s, and 0.1 s after the last reading.
// r̄ = 0.2 / 0.9 over the 0.9 s read, so the pace is 1 / (1 − r̄) = 1.2857 without steal and
// 0.6 / (1 − r̄) = 0.7714 with it; the unread end at 1. A share read above the cores (ticks over a
// short reading) counts as all of them.
TEST(LevelWindows, AWindowsPaceFollowsItsStealAroundItsMean) {
  WorkWindow window = window_of(2, 900, 0.001, 1);
  const std::vector<PaceSpan> still = steal_paces(window);
  ASSERT_EQ(still.size(), 1u);
  EXPECT_DOUBLE_EQ(still[0].duration, 1);
  EXPECT_DOUBLE_EQ(still[0].pace, 1);
  window.steal_trace = {{2.25, 0}, {2.5, 0.4}, {2.75, 0.4}, {2.9, 0}};
  const std::vector<PaceSpan> spans = steal_paces(window);
  ASSERT_EQ(spans.size(), 4u);
  const double mean = 0.2 / 0.9;
  const double durations[] = {0.25, 0.5, 0.15, 0.1};
  const double paces[] = {1 / (1 - mean), 0.6 / (1 - mean), 1 / (1 - mean), 1};
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_NEAR(spans[i].duration, durations[i], 1e-12) << i;
    EXPECT_NEAR(spans[i].pace, paces[i], 1e-12) << i;
  }
  window.steal_trace = {{2.5, 0}, {3.0, 1.3}};
  EXPECT_NEAR(steal_paces(window)[1].pace, 0, 1e-12);
  window.steal_trace = {{2.5, 0}, {2.9, 0}};  // nothing taken: one stretch, to the window's end
  ASSERT_EQ(steal_paces(window).size(), 1u);
  EXPECT_NEAR(steal_paces(window)[0].duration, 1, 1e-12);
}

// A window's stops cut its stretches of one pace: from 2 s, the steal of the test above (paces
// p = 1 / (1 − r̄) to 2.25 s, q = 0.6 / (1 − r̄) to 2.75 s, p to 2.9 s, 1 to 3 s) and stops from
// 2.1 to 2.12 s and from 2.2 to 2.3 s. The second crosses the change of pace at 2.25 s and stays
// one held stretch at the mean of its halves, (p + q) / 2: its arrivals are released at its end.
TEST(LevelWindows, AWindowsStopsAreHeldStretchesCutFromItsPaces) {
  WorkWindow window = window_of(2, 900, 0.001, 1);
  window.steal_trace = {{2.25, 0}, {2.5, 0.4}, {2.75, 0.4}, {2.9, 0}};
  window.stops = {{2.1, 2.12}, {2.2, 2.3}};
  const double mean = 0.2 / 0.9;
  const double p = 1 / (1 - mean);
  const double q = 0.6 / (1 - mean);
  const std::vector<PaceSpan> spans = window_spans(window);
  const std::vector<PaceSpan> expected = {
      {0.1, p, false},  {0.02, p, true},  {0.08, p, false}, {0.1, (p + q) / 2, true},
      {0.45, q, false}, {0.15, p, false}, {0.1, 1, false}};
  ASSERT_EQ(spans.size(), expected.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_NEAR(spans[i].duration, expected[i].duration, 1e-12) << i;
    EXPECT_NEAR(spans[i].pace, expected[i].pace, 1e-12) << i;
    EXPECT_EQ(spans[i].held, expected[i].held) << i;
  }
  // Without stops the stretches are the steal's.
  window.stops.clear();
  EXPECT_EQ(window_spans(window).size(), steal_paces(window).size());
}

// A stop across the bound of two windows is held in each for its part of it.
TEST(LevelWindows, AStopAcrossTwoWindowsIsClippedToEach) {
  std::vector<WorkWindow> windows = {window_of(0, 900, 0.001, 1), window_of(1, 900, 0.001, 1)};
  attach_stops(windows, {{0.5, 0.52}, {0.99, 1.03}, {2.5, 2.6}});
  ASSERT_EQ(windows[0].stops.size(), 2u);
  EXPECT_DOUBLE_EQ(windows[0].stops[1].began, 0.99);
  EXPECT_DOUBLE_EQ(windows[0].stops[1].ended, 1);
  ASSERT_EQ(windows[1].stops.size(), 1u);
  EXPECT_DOUBLE_EQ(windows[1].stops[0].began, 1);
  EXPECT_DOUBLE_EQ(windows[1].stops[0].ended, 1.03);
  const std::vector<PaceSpan> first = window_spans(windows[0]);
  ASSERT_EQ(first.size(), 4u);  // to 0.5, held to 0.52, to 0.99, held to the window's end
  EXPECT_TRUE(first.back().held);
  EXPECT_NEAR(first.back().duration, 0.01, 1e-12);
}

// 1000 gaps of 1 ms on average with an SCV of 1.5 (squares summing to 2.5e-3 s²). A stop of 10 ms
// left one gap of about that: 1e-4 s² of the squares, 0.1 of the SCV, so 1.4 is the sends' own.
// Stops whose squares exceed the excess leave a Poisson schedule's 1; sends more regular than
// that keep their own SCV.
TEST(LevelWindows, TheSendsScvBetweenStopsTakesOffTheStopsSquares) {
  loadgen::SendGaps gaps;
  gaps.count = 1000;
  gaps.sum = 1.0;
  gaps.sum_squares = 2.5e-3;
  ASSERT_NEAR(*gaps.scv(), 1.5, 1e-9);
  EXPECT_NEAR(*send_gap_scv_between_stops(gaps, {{3.0, 3.01}}), 1.4, 1e-9);
  EXPECT_NEAR(*send_gap_scv_between_stops(gaps, {{3.0, 3.01}, {5.0, 5.02}}), 1.0, 1e-9);
  EXPECT_NEAR(*send_gap_scv_between_stops(gaps, {{3.0, 3.03}}), 1.0, 1e-9);
  EXPECT_NEAR(*send_gap_scv_between_stops(gaps, {}), 1.5, 1e-9);
  gaps.sum_squares = 1.5e-3;  // SCV 0.5
  EXPECT_NEAR(*send_gap_scv_between_stops(gaps, {{3.0, 3.01}}), 0.5, 1e-9);
  EXPECT_FALSE(send_gap_scv_between_stops(loadgen::SendGaps{}, {{3.0, 3.01}}));
}

// The trace is cut at the windows' bounds: a reading belongs to the window its time ends in.
TEST(LevelWindows, EachWindowGetsTheStealReadInIt) {
  std::vector<WorkWindow> windows = {window_of(0, 900, 0.001, 1), window_of(1, 900, 0.001, 1)};
  attach_steal_trace(windows, {{0.5, 0.1}, {1.0, 0.2}, {1.01, 0.3}, {2.5, 0.4}});
  ASSERT_EQ(windows[0].steal_trace.size(), 2u);
  EXPECT_DOUBLE_EQ(windows[0].steal_trace[1].share, 0.2);
  ASSERT_EQ(windows[1].steal_trace.size(), 1u);
  EXPECT_DOUBLE_EQ(windows[1].steal_trace[0].share, 0.3);
}

TEST(LevelWindows, EachWindowMeasuresTheSecondsThatEndedInIt) {
  std::vector<WindowResult> windows(2);
  windows[0].duration = 2;
  windows[1].start = 2;
  windows[1].duration = 1.2;  // ends at 3.2: holds the third second (middle 2.5), not the fourth
  std::vector<loadgen::SecondStats> series(4);
  series[0] = {100, 0, 0.1, 0.002, 1};  // 1 ms
  series[1] = {300, 0, 0.9, 0.01, 2};   // 3 ms
  series[2] = {200, 0, 0.8, 0.01, 30};  // 4 ms
  series[3] = {10, 0, 1.0, 0.2, 5};     // the drain, after the last window
  add_measured_seconds(windows, series);
  EXPECT_NEAR(*windows[0].measured_mean, 1.0 / 400, 1e-12);
  EXPECT_NEAR(*windows[1].measured_mean, 0.004, 1e-12);
  EXPECT_EQ(windows[0].measured_late_sends, 3u);
  EXPECT_EQ(windows[1].measured_late_sends, 30u);
  windows.push_back(WindowResult{});
  windows.back().start = 10;
  windows.back().duration = 5;
  add_measured_seconds(windows, series);
  EXPECT_FALSE(windows.back().measured_mean);
}

// Inside a backlog all four workers are busy, so a job holds its worker over twice its CPU (4
// workers on 2 cores). Matched at the rate the window served, near the cores' capacity, that
// hold raises the work until the model is at saturation there (790/s against 780/s) and a
// backlog hardly drains. With the level's time off the cores (matched over the whole level) the
// window's work is its CPU raised by that share, by hand.
TEST(LevelWindows, AWindowInsideABacklogTakesTheLevelsTimeOffTheCores) {
  const LevelModel levels = four_workers_on_two_cores();
  WorkWindow backlog = cpu_window(0, 780, 0.002, 0.2);
  backlog.work.hold_mean = 2.5 * 0.002;
  const LevelInputs cpu = levels.inputs(backlog.work, 4);
  ASSERT_TRUE(cpu.time_shared);
  const LevelInputs matched = window_inputs(levels, backlog, 4);
  const LevelInputs shared = window_inputs(levels, backlog, 4, 0, 0.03);
  EXPECT_NEAR(shared.service_mean, cpu.service_mean * 1.03, 1e-12);
  EXPECT_NEAR(shared.off_core, cpu.service_mean * 0.03, 1e-12);
  // The hold matched at the rate served leaves that rate almost no room below the capacity, so
  // a backlog would not drain; the level's share leaves it the room the level had.
  const auto capacity_at = [&](double work) {
    WorkWindow w = backlog;
    w.work.service_cpu = work + (0.002 - cpu.service_mean);  // the I/O thread's, taken off again
    w.work.machine_cpu = *w.work.service_cpu + 0.0004;
    return rate_for_fraction(levels, w, 4, 1.0).value_or(0);
  };
  EXPECT_LT(capacity_at(matched.service_mean), 1.02 * 780);
  EXPECT_GT(capacity_at(shared.service_mean), 1.05 * 780);
  // Closed loop matches the hold as before: a population cannot grow a backlog.
  LevelModel closed = levels;
  closed.closed = true;
  EXPECT_NEAR(window_inputs(closed, backlog, 4, 4, 0.03).service_mean,
              window_inputs(closed, backlog, 4, 4).service_mean, 1e-15);
}

}  // namespace
}  // namespace kendall::validation
