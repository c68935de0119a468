// Tests for histogram_variance, worker_hold_scv and worker_hold_dispersion
// (kendall/validate/calibrate.hpp), against
// hand-derived values.
#include <string>

#include <gtest/gtest.h>

#include "kendall/base/histogram.hpp"
#include "kendall/validate/calibrate.hpp"
#include "kendall/validate/prometheus.hpp"

namespace kendall::validation {
namespace {

TEST(HistogramVariance, IsTheSampleVarianceWithinTheBucketError) {
  Histogram h;
  for (const double ms : {1.0, 2.0, 3.0, 4.0, 5.0})
    h.record(ms / 1000);
  // Mean 3 ms; squared deviations 4 + 1 + 0 + 1 + 4 = 10 ms²; over n − 1 = 4: 2.5e-6 s².
  EXPECT_NEAR(histogram_variance(h), 2.5e-6, 0.02 * 2.5e-6);
  EXPECT_NEAR(histogram_variance(h, 1.0), 2.5e-6, 0.02 * 2.5e-6);
}

// One 1 s stall among 999 answers of 1 ms: unclipped it sets the whole variance,
// (0.999 s)² × 999/1000 / 999 ≈ 1.0e-3 s²; clipped at p99 it counts as 1 ms, leaving nothing.
TEST(HistogramVariance, ClippingAtAQuantileStopsOneStallSettingTheSpread) {
  Histogram h;
  for (int i = 0; i < 999; ++i)
    h.record(0.001);
  h.record(1.0);
  EXPECT_NEAR(histogram_variance(h), 0.998e-3, 0.02e-3);
  EXPECT_LT(histogram_variance(h, 0.99), 1e-10);
  EXPECT_EQ(histogram_variance(Histogram{}, 0.99), 0.0);
}

// Three holds of 1, 2 and 3 ms between the scrapes: mean 2 ms, mean square 14/3 ms², variance
// 2/3 ms², SCV 1/6 (the population variance: the model wants the holds' own spread).
TEST(WorkerHoldScv, IsTheVarianceOfTheHoldsBetweenScrapesOverTheirMeanSquared) {
  const Samples before = parse_prometheus(
      "kendall_worker_jobs_total 10\nkendall_worker_busy_seconds_total 0.02\n"
      "kendall_worker_busy_seconds_squared_total 0.00004\n",
      "before");
  const Samples after = parse_prometheus(
      "kendall_worker_jobs_total 13\nkendall_worker_busy_seconds_total 0.026\n"
      "kendall_worker_busy_seconds_squared_total 0.000054\n",
      "after");
  ASSERT_TRUE(worker_hold_scv(before, after));
  EXPECT_NEAR(*worker_hold_scv(before, after), 1.0 / 6, 1e-9);
  EXPECT_NEAR(*worker_hold_per_job(before, after), 0.002, 1e-12);
}

// 3 jobs between the scrapes used 6.3 ms of the workers' own CPU: 2.1 ms each. Without the CPU
// counter (an older service) or with no job in between, nothing.
TEST(WorkerCpuPerJob, IsTheWorkersOwnCpuOverTheJobsBetweenScrapes) {
  const Samples before = parse_prometheus(
      "kendall_worker_jobs_total 10\nkendall_worker_cpu_seconds_total 0.02\n", "a");
  const Samples after = parse_prometheus(
      "kendall_worker_jobs_total 13\nkendall_worker_cpu_seconds_total 0.0263\n", "b");
  ASSERT_TRUE(worker_cpu_per_job(before, after));
  EXPECT_NEAR(*worker_cpu_per_job(before, after), 0.0021, 1e-12);
  EXPECT_FALSE(worker_cpu_per_job(before, before));
  EXPECT_FALSE(worker_cpu_per_job(parse_prometheus("kendall_worker_jobs_total 10\n", "old"),
                                  parse_prometheus("kendall_worker_jobs_total 13\n", "old")));
}

// Gaps of 1, 2 and 3 ms between the scrapes: mean 2 ms, variance (1 + 0 + 1)/3 ms², SCV 1/6.
TEST(QueueArrivalScv, IsTheVarianceOfTheGapsBetweenScrapesOverTheirMeanSquared) {
  const auto gaps = [](int count, double sum, double squares) {
    return "kendall_queue_arrival_gaps_total " + std::to_string(count) +
           "\nkendall_queue_arrival_gap_seconds_total " + std::to_string(sum) +
           "\nkendall_queue_arrival_gap_seconds_squared_total " + std::to_string(squares) + "\n";
  };
  const Samples before = parse_prometheus(gaps(5, 0.5, 0.25), "before");
  const Samples after = parse_prometheus(gaps(8, 0.506, 0.250014), "after");
  ASSERT_TRUE(queue_arrival_scv(before, after));
  EXPECT_NEAR(*queue_arrival_scv(before, after), 1.0 / 6, 1e-6);
  EXPECT_FALSE(queue_arrival_scv(before, before));  // no gap in between
  const Samples older = parse_prometheus("kendall_worker_jobs_total 10\n", "older service");
  EXPECT_FALSE(queue_arrival_scv(older, older));
}

// Four jobs taken between the scrapes, having waited 0.01 s for a worker in all: 2.5 ms each.
TEST(QueueWaitPerJob, IsTheHistogramsMeanBetweenScrapes) {
  const auto queue = [](int count, double sum) {
    return "kendall_queue_wait_seconds_bucket{le=\"+Inf\"} " + std::to_string(count) +
           "\nkendall_queue_wait_seconds_sum " + std::to_string(sum) +
           "\nkendall_queue_wait_seconds_count " + std::to_string(count) + "\n";
  };
  const Samples before = parse_prometheus(queue(6, 0.002), "before");
  const Samples after = parse_prometheus(queue(10, 0.012), "after");
  ASSERT_TRUE(queue_wait_per_job(before, after));
  EXPECT_NEAR(*queue_wait_per_job(before, after), 0.0025, 1e-12);
  EXPECT_FALSE(queue_wait_per_job(before, before));  // no job taken in between
  EXPECT_FALSE(queue_wait_per_job(parse_prometheus("up 1\n", "no queue"), after));
}

TEST(WorkerHoldScv, NothingWithoutTheSquaresCounterOrTwoJobs) {
  const Samples older = parse_prometheus(
      "kendall_worker_jobs_total 10\nkendall_worker_busy_seconds_total 0.02\n", "older service");
  const Samples one_more = parse_prometheus(
      "kendall_worker_jobs_total 11\nkendall_worker_busy_seconds_total 0.022\n"
      "kendall_worker_busy_seconds_squared_total 0.000044\n",
      "after");
  EXPECT_FALSE(worker_hold_scv(older, older));
  EXPECT_FALSE(worker_hold_scv(older, one_more));  // no squares before
  const Samples with_squares = parse_prometheus(
      "kendall_worker_jobs_total 10\nkendall_worker_busy_seconds_total 0.02\n"
      "kendall_worker_busy_seconds_squared_total 0.00004\n",
      "before");
  EXPECT_FALSE(worker_hold_scv(with_squares, one_more));  // one job: no spread to speak of
}

// Between the scrapes, 128 complete blocks of two summing to 0.512 s: a block mean of 4 ms, so
// 2 ms a hold. Their squares sum to 128 × 16e-6 + 127 × 0.8e-6 s², a sample variance of
// 0.8e-6 s²: I(2) = 0.8e-6 / (2 × (2e-3)²) = 0.1. 64 blocks of four, also 0.512 s: mean 8 ms,
// squares 64 × 64e-6 + 63 × 3.2e-6, variance 3.2e-6: I(4) = 3.2e-6 / (4 × 4e-6) = 0.2. Only 32
// blocks of eight: too few to report, and no larger block is read after it. The level's own
// mean hold (0.5376 s over 256 jobs, 2.1 ms: jobs at the edges outside complete blocks) must
// not enter: at large m a 1% error in the mean would swamp the variance.
TEST(WorkerHoldDispersion, IsTheVarianceOfTheBlockSumsOverTheirSizeTimesTheMeanSquared) {
  const Samples before = parse_prometheus(
      "kendall_worker_jobs_total 1000\nkendall_worker_busy_seconds_total 2.0\n"
      "kendall_worker_hold_blocks_total{jobs=\"2\"} 500\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"2\"} 2.0\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"2\"} 0.008\n"
      "kendall_worker_hold_blocks_total{jobs=\"4\"} 250\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"4\"} 2.0\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"4\"} 0.016\n"
      "kendall_worker_hold_blocks_total{jobs=\"8\"} 125\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"8\"} 2.0\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"8\"} 0.032\n",
      "before");
  const Samples after = parse_prometheus(
      "kendall_worker_jobs_total 1256\nkendall_worker_busy_seconds_total 2.5376\n"
      "kendall_worker_hold_blocks_total{jobs=\"2\"} 628\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"2\"} 2.512\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"2\"} 0.0101496\n"
      "kendall_worker_hold_blocks_total{jobs=\"4\"} 314\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"4\"} 2.512\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"4\"} 0.0202976\n"
      "kendall_worker_hold_blocks_total{jobs=\"8\"} 157\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"8\"} 2.5\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"8\"} 0.04\n",
      "after");
  const auto points = worker_hold_dispersion(before, after);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].jobs, 2.0);
  EXPECT_NEAR(points[0].index, 0.1, 1e-9);
  EXPECT_EQ(points[1].jobs, 4.0);
  EXPECT_NEAR(points[1].index, 0.2, 1e-9);
  // Each index carries the block sums it was estimated from: its sampling error.
  EXPECT_EQ(points[0].blocks, 128.0);
  EXPECT_EQ(points[1].blocks, 64.0);
}

// 64 blocks of two gaps between arrivals: 32 spanning 1 ms and 32 spanning 3 ms (mean 2 ms, a
// gap's mean 1 ms, variance 1 · 64/63 ms²): J(2) = (64/63) / (2 · 1). Only the arrival counters
// are read: the holds' say nothing here.
TEST(QueueArrivalDispersion, IsTheVarianceOfTheGapBlocksOverTheirSizeTimesTheMeanSquared) {
  const Samples before = parse_prometheus(
      "kendall_queue_arrival_gap_blocks_total{jobs=\"2\"} 0\n"
      "kendall_queue_arrival_gap_block_seconds_total{jobs=\"2\"} 0\n"
      "kendall_queue_arrival_gap_block_seconds_squared_total{jobs=\"2\"} 0\n"
      "kendall_worker_hold_blocks_total{jobs=\"2\"} 0\n",
      "before");
  const Samples after = parse_prometheus(
      "kendall_queue_arrival_gap_blocks_total{jobs=\"2\"} 64\n"
      "kendall_queue_arrival_gap_block_seconds_total{jobs=\"2\"} 0.128\n"
      "kendall_queue_arrival_gap_block_seconds_squared_total{jobs=\"2\"} 0.00032\n"
      "kendall_worker_hold_blocks_total{jobs=\"2\"} 640\n",
      "after");
  const auto points = queue_arrival_dispersion(before, after);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].jobs, 2.0);
  EXPECT_NEAR(points[0].index, (64.0 / 63) / 2, 1e-9);
  EXPECT_TRUE(worker_hold_dispersion(before, after).empty());
}

// The pause before a level is gap 1101 when 1100 were counted before it. The blocks holding it
// close at 1102 (m = 2), 1104 (16), 1280 (256), 1536 (512: gaps 1025-1536) and 2048 (1024), so a
// scrape after 1300 gaps has the first three closed and the last two still open.
TEST(QueueArrivalDispersion, OnlyBlocksThatHoldThePauseBeforeTheScrapeCount) {
  std::vector<model::DispersionPoint> points;
  for (const double m : {2.0, 16.0, 256.0, 512.0, 1024.0})
    points.push_back({m, 1.0, std::nullopt, 50.0});
  const auto kept = blocks_closed_after_pause(points, 1100, 1300);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept.back().jobs, 256.0);
  EXPECT_EQ(blocks_closed_after_pause(points, 1100, 2048).size(), 5u);
  EXPECT_EQ(blocks_closed_after_pause(points, 1100, 2047).size(), 4u);
  EXPECT_TRUE(blocks_closed_after_pause(points, 1100, 1101).empty());
}

// 64 blocks of two: 48 summing to 3 ms and 16 to 7 ms (mean 4 ms, deviations -1 and +3 ms).
// Central moments: m₂ = (48 + 16·9)/64 = 3 ms², m₃ = (−48 + 16·27)/64 = 6 ms³, so k₃ =
// 6 · 64² / (63 · 62) ms³; a hold's mean is 2 ms, so K(2) = k₃ / (2 · 8 ms³) and
// I(2) = (3 · 64/63) / (2 · 4). The raw sums: 0.256 s, 48·9 + 16·49 = 1216 ms², 48·27 + 16·343
// = 6784 ms³.
TEST(WorkerHoldDispersion, TheCubesGiveTheSumsThirdCumulant) {
  const Samples before = parse_prometheus(
      "kendall_worker_hold_blocks_total{jobs=\"2\"} 0\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"2\"} 0\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"2\"} 0\n"
      "kendall_worker_hold_block_seconds_cubed_total{jobs=\"2\"} 0\n",
      "before");
  const Samples after = parse_prometheus(
      "kendall_worker_hold_blocks_total{jobs=\"2\"} 64\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"2\"} 0.256\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"2\"} 1.216e-3\n"
      "kendall_worker_hold_block_seconds_cubed_total{jobs=\"2\"} 6.784e-6\n",
      "after");
  const auto points = worker_hold_dispersion(before, after);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_NEAR(points[0].index, 3.0 * 64 / 63 / 8, 1e-9);
  ASSERT_TRUE(points[0].skew_index);
  EXPECT_NEAR(*points[0].skew_index, 6.0 * 64 * 64 / (63 * 62) / 16, 1e-6);
  // Without the cubes (an older service) the point has no skew index.
  const Samples no_cubes = parse_prometheus(
      "kendall_worker_hold_blocks_total{jobs=\"2\"} 64\n"
      "kendall_worker_hold_block_seconds_total{jobs=\"2\"} 0.256\n"
      "kendall_worker_hold_block_seconds_squared_total{jobs=\"2\"} 1.216e-3\n",
      "after");
  ASSERT_EQ(worker_hold_dispersion(before, no_cubes).size(), 1u);
  EXPECT_FALSE(worker_hold_dispersion(before, no_cubes)[0].skew_index);
}

TEST(WorkerHoldDispersion, NothingFromAServiceWithoutBlockCounters) {
  const Samples before = parse_prometheus(
      "kendall_worker_jobs_total 10\nkendall_worker_busy_seconds_total 0.02\n", "before");
  const Samples after = parse_prometheus(
      "kendall_worker_jobs_total 1010\nkendall_worker_busy_seconds_total 2.02\n", "after");
  EXPECT_TRUE(worker_hold_dispersion(before, after).empty());
}

}  // namespace
}  // namespace kendall::validation

namespace kendall::validation {
namespace {

// Between the scrapes 30 jobs ended on CPU 0 using 0.078 s (2.6 ms each) and 20 on CPU 1 using
// 0.034 s (1.7 ms each); CPU 3 appears only in the second scrape (10 jobs, 0.02 s: its counter
// starts at 0); CPU 2 finished nothing in between and is left out.
TEST(CoreSpeeds, AreEachCpusTimePerJobBetweenScrapes) {
  const Samples before = parse_prometheus(
      "kendall_worker_core_jobs_total{cpu=\"0\"} 100\n"
      "kendall_worker_core_cpu_seconds_total{cpu=\"0\"} 0.26\n"
      "kendall_worker_core_jobs_total{cpu=\"1\"} 50\n"
      "kendall_worker_core_cpu_seconds_total{cpu=\"1\"} 0.085\n"
      "kendall_worker_core_jobs_total{cpu=\"2\"} 5\n"
      "kendall_worker_core_cpu_seconds_total{cpu=\"2\"} 0.01\n",
      "before");
  const Samples after = parse_prometheus(
      "kendall_worker_core_jobs_total{cpu=\"0\"} 130\n"
      "kendall_worker_core_cpu_seconds_total{cpu=\"0\"} 0.338\n"
      "kendall_worker_core_jobs_total{cpu=\"1\"} 70\n"
      "kendall_worker_core_cpu_seconds_total{cpu=\"1\"} 0.119\n"
      "kendall_worker_core_jobs_total{cpu=\"2\"} 5\n"
      "kendall_worker_core_cpu_seconds_total{cpu=\"2\"} 0.01\n"
      "kendall_worker_core_jobs_total{cpu=\"3\"} 10\n"
      "kendall_worker_core_cpu_seconds_total{cpu=\"3\"} 0.02\n",
      "after");
  const std::vector<CoreSpeed> cores = core_speeds(before, after);
  ASSERT_EQ(cores.size(), 3u);
  EXPECT_EQ(cores[0].cpu, 0);
  EXPECT_DOUBLE_EQ(cores[0].jobs, 30);
  EXPECT_NEAR(cores[0].cpu_per_job, 0.0026, 1e-12);
  EXPECT_EQ(cores[1].cpu, 1);
  EXPECT_NEAR(cores[1].cpu_per_job, 0.0017, 1e-12);
  EXPECT_EQ(cores[2].cpu, 3);
  EXPECT_NEAR(cores[2].cpu_per_job, 0.002, 1e-12);
  // 2.6 / 1.7 among the three, each with at least a tenth of the 60 jobs.
  EXPECT_NEAR(*core_speed_ratio(cores), 2.6 / 1.7, 1e-9);
  EXPECT_TRUE(core_speeds(before, parse_prometheus("kendall_workers 2\n", "old")).empty());
}

// A core with under a tenth of the jobs says little about its speed, and one core alone
// compares with nothing.
TEST(CoreSpeeds, TheRatioSkipsCoresWithFewJobsAndNeedsTwo) {
  EXPECT_FALSE(core_speed_ratio({{0, 100, 0.002}, {1, 9, 0.004}}));
  EXPECT_NEAR(*core_speed_ratio({{0, 100, 0.002}, {1, 12, 0.004}}), 2.0, 1e-12);
  EXPECT_FALSE(core_speed_ratio({}));
}

// Between the scrapes the pool spent 2 s with 2 workers busy and finished 1,700 jobs then
// (850/s), and 1 s with all 4 busy, finishing 780 (780/s); 0.4 s idle; 3 busy appears only in
// the second scrape (its counters start at 0), 1 busy had no time in between and is left out.
TEST(BusySpeeds, AreThePoolsRateAtEachNumberBusyBetweenScrapes) {
  const Samples before = parse_prometheus(
      "kendall_workers_busy_seconds_total{busy=\"0\"} 10\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"0\"} 0\n"
      "kendall_workers_busy_seconds_total{busy=\"1\"} 3\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"1\"} 900\n"
      "kendall_workers_busy_seconds_total{busy=\"2\"} 5\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"2\"} 4000\n"
      "kendall_workers_busy_seconds_total{busy=\"4\"} 1\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"4\"} 800\n",
      "before");
  const Samples after = parse_prometheus(
      "kendall_workers_busy_seconds_total{busy=\"0\"} 10.4\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"0\"} 0\n"
      "kendall_workers_busy_seconds_total{busy=\"1\"} 3\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"1\"} 900\n"
      "kendall_workers_busy_seconds_total{busy=\"2\"} 7\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"2\"} 5700\n"
      "kendall_workers_busy_seconds_total{busy=\"3\"} 0.6\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"3\"} 490\n"
      "kendall_workers_busy_seconds_total{busy=\"4\"} 2\n"
      "kendall_worker_jobs_finished_by_busy_total{busy=\"4\"} 1580\n",
      "after");
  const std::vector<BusySpeed> speeds = busy_speeds(before, after);
  ASSERT_EQ(speeds.size(), 4u);
  EXPECT_EQ(speeds[0].busy, 0);
  EXPECT_NEAR(speeds[0].seconds, 0.4, 1e-9);
  EXPECT_EQ(speeds[0].rate(), 0);
  EXPECT_EQ(speeds[1].busy, 2);
  EXPECT_NEAR(speeds[1].rate(), 850, 1e-9);
  EXPECT_EQ(speeds[2].busy, 3);
  EXPECT_NEAR(speeds[2].jobs, 490, 1e-9);
  EXPECT_EQ(speeds[3].busy, 4);
  EXPECT_NEAR(speeds[3].rate(), 780, 1e-9);
  // 4 workers on 2 cores: 780 / 850 = 0.918.
  EXPECT_NEAR(*sharing_speed(speeds, 2, 4), 780.0 / 850, 1e-12);
  // Not time-shared, or not modelled on cores: nothing to say.
  EXPECT_FALSE(sharing_speed(speeds, 4, 4));
  EXPECT_FALSE(sharing_speed(speeds, 0, 4));
  // 3 workers busy: 0.6 s is long enough, but with 3 workers it needs the state with 3.
  EXPECT_NEAR(*sharing_speed(speeds, 2, 3), (490 / 0.6) / 850, 1e-9);
  // A span under half a second, or under 50 jobs, says nothing.
  std::vector<BusySpeed> short_spans = speeds;
  short_spans[3].seconds = 0.4;
  EXPECT_FALSE(sharing_speed(short_spans, 2, 4));
  short_spans[3] = {4, 1, 49};
  EXPECT_FALSE(sharing_speed(short_spans, 2, 4));
  EXPECT_TRUE(busy_speeds(before, parse_prometheus("kendall_workers 2\n", "old")).empty());
}

}  // namespace
}  // namespace kendall::validation
