// The Prometheus text parser against hand-written scrapes in the format our services emit.
#include <gtest/gtest.h>

#include <cmath>

#include "kendall/base/error.hpp"
#include "kendall/validate/prometheus.hpp"

namespace kendall::validation {
namespace {

constexpr const char* first_scrape =
    R"(# HELP kendall_service_time_seconds Time a business request held its worker.
# TYPE kendall_service_time_seconds histogram
kendall_service_time_seconds_bucket{le="0.001"} 2
kendall_service_time_seconds_bucket{le="0.005"} 6
kendall_service_time_seconds_bucket{le="+Inf"} 8
kendall_service_time_seconds_sum 0.03
kendall_service_time_seconds_count 8
kendall_http_request_duration_seconds_bucket{route="login",le="0.01"} 3
kendall_http_request_duration_seconds_bucket{route="login",le="+Inf"} 4
kendall_http_request_duration_seconds_sum{route="login"} 0.05
kendall_http_request_duration_seconds_count{route="login"} 4
# TYPE kendall_workers gauge
kendall_workers 4
)";

constexpr const char* second_scrape = R"(kendall_service_time_seconds_bucket{le="0.001"} 2
kendall_service_time_seconds_bucket{le="0.005"} 16
kendall_service_time_seconds_bucket{le="+Inf"} 18
kendall_service_time_seconds_sum 0.07 1700000000000
kendall_service_time_seconds_count 18
)";

TEST(Prometheus, ReadsSamplesWithAndWithoutLabels) {
  const Samples samples = parse_prometheus(first_scrape, "scrape");
  EXPECT_EQ(find_sample(samples, "kendall_workers"), 4.0);
  EXPECT_EQ(find_sample(samples, "kendall_http_request_duration_seconds_count{route=\"login\"}"),
            4.0);
  EXPECT_FALSE(find_sample(samples, "kendall_missing"));
}

TEST(Prometheus, AssemblesHistogramsByLabels) {
  const Samples samples = parse_prometheus(first_scrape, "scrape");
  const auto served = find_histogram(samples, "kendall_service_time_seconds");
  ASSERT_TRUE(served);
  EXPECT_DOUBLE_EQ(served->count, 8);
  EXPECT_DOUBLE_EQ(served->mean(), 0.03 / 8);
  ASSERT_EQ(served->buckets.size(), 3u);
  EXPECT_DOUBLE_EQ(served->buckets[1].first, 0.005);
  EXPECT_TRUE(std::isinf(served->buckets[2].first));

  const auto login =
      find_histogram(samples, "kendall_http_request_duration_seconds", "route=\"login\"");
  ASSERT_TRUE(login);
  EXPECT_DOUBLE_EQ(login->count, 4);
  ASSERT_EQ(login->buckets.size(), 2u);
  EXPECT_DOUBLE_EQ(login->buckets[0].second, 3);
  EXPECT_FALSE(find_histogram(samples, "kendall_http_request_duration_seconds", "route=\"x\""));
}

TEST(Prometheus, DifferenceBetweenScrapesIsWhatHappenedInBetween) {
  const auto before =
      *find_histogram(parse_prometheus(first_scrape, "a"), "kendall_service_time_seconds");
  const auto after =
      *find_histogram(parse_prometheus(second_scrape, "b"), "kendall_service_time_seconds");
  const PromHistogram between = after.since(before);
  EXPECT_DOUBLE_EQ(between.count, 10);
  EXPECT_NEAR(between.mean(), 0.004, 1e-12);
  EXPECT_DOUBLE_EQ(between.buckets[0].second, 0);   // nothing new at or below 1 ms
  EXPECT_DOUBLE_EQ(between.buckets[1].second, 10);  // ten new ones at or below 5 ms
}

TEST(Prometheus, BucketVarianceOfOneBucketIsZeroAndGrowsWithSpread) {
  PromHistogram narrow{0.3, 100, {{0.002, 0}, {0.004, 100}, {INFINITY, 100}}};
  EXPECT_NEAR(narrow.bucket_variance(), 0.0, 1e-12);  // all at the midpoint 3 ms = the mean
  PromHistogram split{0.5, 100, {{0.002, 50}, {0.008, 100}, {INFINITY, 100}}};
  // Midpoints 1 ms and 5 ms, half each, mean 5 ms (from the sum): (4² + 0²)/2 ms².
  EXPECT_NEAR(split.bucket_variance(), 8e-6, 1e-12);
}

TEST(Prometheus, MalformedSampleNamesTheLine) {
  try {
    parse_prometheus("ok 1\nbroken_sample_without_value\n", "svc/metrics");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("svc/metrics:2"), std::string::npos) << error.what();
  }
  EXPECT_THROW(parse_prometheus("x{a=\"1\"} notanumber\n", "s"), InputError);
}

}  // namespace
}  // namespace kendall::validation
