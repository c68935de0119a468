// Results: JSON round trips, exact merge of runs (oracle: one histogram recording both runs'
// values), and the .hgrm layout HdrHistogram's tools read.
#include "kendall/loadgen/result.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "kendall/base/error.hpp"
#include "kendall/base/sampler.hpp"

namespace kendall::loadgen {
namespace {

RunResult fake_run(std::uint64_t seed, Histogram& all) {
  Rng rng(seed);
  RunResult run;
  run.mode = "open";
  run.target = "http://127.0.0.1:1/";
  run.steps.resize(1);
  StepResult& step = run.steps[0];
  step.target_rate = 100;
  step.duration = 10;
  for (int i = 0; i < 5000; ++i) {
    const double latency = 0.001 + rng.exponential(0.02);
    step.latency.record(latency);
    step.service_time.record(latency / 2);
    step.send_lag.record(1e-6);
    all.record(latency);
  }
  for (const double gap : {0.001, 0.002, 0.003})
    step.send_gaps.record(gap);
  step.sent = step.responses = 5000;
  step.status_codes[200] = 5000;
  step.series = {{2500, 0, 50, 0.2, 3}, {2500, 0, 50, 0.3, 7}};
  return run;
}

TEST(Result, MergingTwoRunsJsonEqualsOneHistogramOfBoth) {
  Histogram both;
  const RunResult a = fake_run(1, both);
  const RunResult b = fake_run(2, both);
  // Through text, as `kendall loadtest merge a.json b.json` reads them.
  RunResult merged = from_json(Json::parse(to_json(a).dump()), "a.json");
  merged.merge(from_json(Json::parse(to_json(b).dump()), "b.json"));
  const Histogram& h = merged.steps[0].latency.histogram;
  ASSERT_EQ(h.count(), both.count());
  for (std::size_t i = 0; i < Histogram::bucket_count; ++i)
    ASSERT_EQ(h.bucket_at(i), both.bucket_at(i)) << "bucket " << i;
  EXPECT_EQ(h.min(), both.min());
  EXPECT_EQ(h.max(), both.max());
  for (const double q : {0.5, 0.9, 0.99, 0.999})
    EXPECT_EQ(h.value_at_quantile(q), both.value_at_quantile(q)) << q;
  EXPECT_NEAR(merged.steps[0].latency.mean(), both.mean(), 1e-12);
  EXPECT_EQ(merged.steps[0].responses, 10000u);
  EXPECT_DOUBLE_EQ(*merged.steps[0].target_rate, 200);
  EXPECT_EQ(merged.steps[0].series[1].responses, 5000u);
  EXPECT_EQ(merged.steps[0].series[1].late_sends, 14u);
  const Json json = to_json(merged);
  EXPECT_EQ(json["requests"]["responses"], 10000);
  EXPECT_DOUBLE_EQ(json["throughput"].get<double>(), 1000);
  EXPECT_DOUBLE_EQ(json["latency"]["p99"].get<double>(), both.value_at_quantile(0.99));
  // Gaps 1, 2, 3 ms from each run: mean 2 ms, variance 2/3 ms², SCV 1/6.
  EXPECT_EQ(json["send_gaps"]["count"], 6);
  EXPECT_NEAR(json["send_gaps"]["mean"].get<double>(), 0.002, 1e-15);
  EXPECT_NEAR(json["send_gaps"]["scv"].get<double>(), 1.0 / 6, 1e-9);
}

// The time slice survives the JSON round trip; a file written before it was recorded reads as
// unknown (an empty outcome), not as the kernel's default.
TEST(Result, TheThreadSliceRoundTripsAndOldFilesReadAsUnrecorded) {
  Histogram all;
  RunResult run = fake_run(3, all);
  run.thread_slice = 100e-6;
  run.thread_slice_outcome = "applied";
  Json json = to_json(run);
  EXPECT_DOUBLE_EQ(json["thread_slice"]["requested"].get<double>(), 100e-6);
  const RunResult back = from_json(Json::parse(json.dump()), "run.json");
  EXPECT_DOUBLE_EQ(back.thread_slice, 100e-6);
  EXPECT_EQ(back.thread_slice_outcome, "applied");
  json.erase("thread_slice");
  const RunResult old = from_json(json, "old.json");
  EXPECT_DOUBLE_EQ(old.thread_slice, 0);
  EXPECT_TRUE(old.thread_slice_outcome.empty());
}

TEST(Result, SendGapScvNeedsTwoGapsAndReadsFilesWithoutGaps) {
  SendGaps gaps;
  EXPECT_FALSE(gaps.scv());
  gaps.record(0.004);
  EXPECT_FALSE(gaps.scv());
  gaps.record(0.004);
  EXPECT_NEAR(*gaps.scv(), 0.0, 1e-12);  // a uniform schedule
  Histogram unused;
  Json old = to_json(fake_run(3, unused));
  old.erase("send_gaps");  // as written before the field existed
  for (Json& step : old["steps"])
    step.erase("send_gaps");
  const RunResult read = from_json(old, "old.json");
  EXPECT_EQ(read.steps[0].send_gaps.count, 0u);
  EXPECT_TRUE(to_json(read)["send_gaps"]["scv"].is_null());
}

TEST(Result, RefusesJsonThatIsNotALoadtestResult) {
  EXPECT_THROW(from_json(Json::parse(R"({"version": 1})"), "x.json"), InputError);
  Histogram ignored;
  Json json = to_json(fake_run(1, ignored));
  json["steps"][0]["histograms"]["latency"]["count"] = 1;
  EXPECT_THROW(from_json(json, "x.json"), InputError);
}

TEST(Result, HgrmHasHdrHistogramsLayout) {
  Histogram ignored;
  const RunResult run = fake_run(3, ignored);
  std::ostringstream out;
  write_hgrm(out, run.steps[0].latency);
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("       Value     Percentile TotalCount 1/(1-Percentile)\n\n", 0), 0u);
  EXPECT_NE(text.find(" 1.000000000000       5000\n#[Mean    = "), std::string::npos);
  EXPECT_NE(text.find("#[Max     = "), std::string::npos);
  EXPECT_NE(text.find("Total count    =         5000]"), std::string::npos);
  EXPECT_NE(text.find("#[Buckets = "), std::string::npos);
  // Percentile column strictly increasing, values non-decreasing.
  std::istringstream lines(text.substr(text.find("\n\n") + 2));
  double last_value = -1, last_percentile = -1, value = 0, percentile = 0;
  std::string line;
  int rows = 0;
  while (std::getline(lines, line) && line[0] != '#') {
    std::istringstream(line) >> value >> percentile;
    EXPECT_GE(value, last_value);
    EXPECT_GT(percentile, last_percentile);
    last_value = value;
    last_percentile = percentile;
    ++rows;
  }
  EXPECT_GT(rows, 50);
}

}  // namespace
}  // namespace kendall::loadgen
