// A level window by window: the windows come from the samples' counter differences, and the
// model's prediction mixes each window's M/M/1 sojourn (exponential, solved by hand here).
#include <gtest/gtest.h>

#include <cmath>

#include "kendall/validate/level_windows.hpp"

namespace kendall::validation {
namespace {

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
  LevelWork level;
  level.hold_scv = 0.3;
  level.cpu_scv = 0.02;
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
  // The spreads are the level's: a few seconds cannot measure them.
  EXPECT_DOUBLE_EQ(*windows[1].work.hold_scv, 0.3);
  EXPECT_DOUBLE_EQ(*windows[1].work.cpu_scv, 0.02);
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

TEST(LevelWindows, NoWindowsWithoutTheServicesMetrics) {
  LevelSample before;
  LevelSample after;
  after.seconds = 10;
  EXPECT_TRUE(split_windows({before, after}, LevelWork{}, 2.5).empty());
}

// One exponential worker (the calibrated overhead a nanosecond): each window is M/M/1, whose
// sojourn is exponential with rate μ − λ.
LevelModel one_exponential_worker() {
  Calibration calibration;
  calibration.service = "login";
  calibration.service_mean = 0.001;
  calibration.service_scv = 1;
  calibration.overhead = 0;
  LevelModel levels;
  levels.base = calibrated_system(calibration, 1, 1);
  return levels;
}

WorkWindow window_of(double start, double rate, double hold) {
  WorkWindow window;
  window.start = start;
  window.duration = 5;
  window.jobs = rate * 5;
  window.work.hold_mean = hold;
  window.work.hold_scv = 1;
  return window;
}

TEST(LevelWindows, TheLevelIsTheMixtureOfItsWindowsSojourns) {
  // 500/s throughout; the host ran the work at 1 ms for one window and 1.6 ms for the next:
  // sojourns exponential at 500/s and 125/s, means 2 ms and 8 ms.
  const WindowedPrediction windowed = predict_windows(
      one_exponential_worker(), {window_of(0, 500, 0.001), window_of(5, 500, 0.0016)}, 1);
  ASSERT_EQ(windowed.windows.size(), 2u);
  EXPECT_NEAR(windowed.windows[0].utilization, 0.5, 1e-9);
  EXPECT_NEAR(windowed.windows[1].utilization, 0.8, 1e-9);
  EXPECT_NEAR(*windowed.windows[0].mean, 0.002, 1e-8);
  EXPECT_NEAR(*windowed.windows[1].mean, 0.008, 1e-8);
  ASSERT_TRUE(windowed.mixed);
  EXPECT_NEAR(windowed.mixed->mean, 0.005, 1e-8);
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
  EXPECT_NEAR(windowed.mixed->p50, mixture_quantile(0.5), 2e-3 * mixture_quantile(0.5));
  EXPECT_NEAR(windowed.mixed->p95, mixture_quantile(0.95), 2e-3 * mixture_quantile(0.95));
  EXPECT_NEAR(windowed.mixed->p99, mixture_quantile(0.99), 2e-3 * mixture_quantile(0.99));
  // The level's average work (1.3 ms) would say 3.7 ms, the mixture's 5 ms over a third more:
  // latency is convex in the work.
  EXPECT_GT(windowed.mixed->mean, 1.3 * (1 / (1 / 0.0013 - 500)));
}

TEST(LevelWindows, WindowsWeighByTheJobsTheyServed) {
  // 200/s at 1 ms (mean 1.25 ms) for 5 s, 800/s at 1 ms (mean 5 ms) for 5 s: 1000 and 4000 jobs.
  const WindowedPrediction windowed = predict_windows(
      one_exponential_worker(), {window_of(0, 200, 0.001), window_of(5, 800, 0.001)}, 1);
  ASSERT_TRUE(windowed.mixed);
  EXPECT_NEAR(windowed.mixed->mean, (1000 * 0.00125 + 4000 * 0.005) / 5000, 1e-8);
}

// A window near saturation has not settled within 5 s (M/M/1 at 0.98 of 500/s relaxes over
// 2σ²/δ² = 2 × 2 × 0.98² / (500 × 0.02²) = 19 s): it joins its less loaded neighbour.
TEST(LevelWindows, AWindowTooNearSaturationToSettleJoinsItsLessLoadedNeighbour) {
  const WindowedPrediction windowed = predict_windows(
      one_exponential_worker(),
      {window_of(0, 500, 0.001), window_of(5, 500, 0.00196), window_of(10, 500, 0.0014)}, 1);
  ASSERT_EQ(windowed.windows.size(), 2u);
  EXPECT_DOUBLE_EQ(windowed.windows[0].start, 0);
  EXPECT_DOUBLE_EQ(windowed.windows[0].duration, 10);
  EXPECT_DOUBLE_EQ(windowed.windows[0].jobs, 5000);
  EXPECT_EQ(windowed.windows[0].parts, 2);
  EXPECT_EQ(windowed.windows[1].parts, 1);
  EXPECT_NEAR(windowed.windows[0].utilization, 500 * 0.00148, 1e-9);
  EXPECT_NEAR(windowed.windows[0].service_time, 0.00148, 1e-12);
  EXPECT_NEAR(windowed.windows[1].utilization, 0.7, 1e-9);
  ASSERT_TRUE(windowed.mixed);
  EXPECT_NEAR(windowed.mixed->mean, (5000 / (1 / 0.00148 - 500) + 2500 / (1 / 0.0014 - 500)) / 7500,
              1e-8);
}

TEST(LevelWindows, AnOverloadedWindowJoinsTheOthersUntilTheLevelIsWhole) {
  // 1.05 and 0.5: together 0.775, one window, no mixture (the level's own inputs decide).
  const WindowedPrediction windowed = predict_windows(
      one_exponential_worker(), {window_of(0, 500, 0.001), window_of(5, 500, 0.0021)}, 1);
  ASSERT_EQ(windowed.windows.size(), 1u);
  EXPECT_NEAR(windowed.windows[0].utilization, 0.775, 1e-9);
  EXPECT_FALSE(windowed.mixed);
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
  EXPECT_FALSE(rate_for_fraction(levels, WorkWindow{0, 5, 2500, LevelWork{}}, 1, 0.9));
}

TEST(LevelWindows, EachWindowMeasuresTheSecondsThatEndedInIt) {
  std::vector<WindowResult> windows(2);
  windows[0].duration = 2;
  windows[1].start = 2;
  windows[1].duration = 1.2;  // ends at 3.2: holds the third second (middle 2.5), not the fourth
  std::vector<loadgen::SecondStats> series(4);
  series[0] = {100, 0, 0.1, 0.002};  // 1 ms
  series[1] = {300, 0, 0.9, 0.01};   // 3 ms
  series[2] = {200, 0, 0.8, 0.01};   // 4 ms
  series[3] = {10, 0, 1.0, 0.2};     // the drain, after the last window
  add_measured_means(windows, series);
  EXPECT_NEAR(*windows[0].measured_mean, 1.0 / 400, 1e-12);
  EXPECT_NEAR(*windows[1].measured_mean, 0.004, 1e-12);
  windows.push_back(WindowResult{});
  windows.back().start = 10;
  windows.back().duration = 5;
  add_measured_means(windows, series);
  EXPECT_FALSE(windows.back().measured_mean);
}

}  // namespace
}  // namespace kendall::validation
