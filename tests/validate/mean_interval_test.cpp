// Tests for batch_mean_interval (kendall/validate/mean_interval.hpp) against hand-derived values.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "kendall/validate/mean_interval.hpp"

namespace kendall::validation {
namespace {

// A step whose second i answered responses[i] requests, each taking means[i] milliseconds.
loadgen::StepResult step_of(const std::vector<int>& responses, const std::vector<double>& means) {
  loadgen::StepResult step;
  for (std::size_t i = 0; i < responses.size(); ++i) {
    loadgen::SecondStats second;
    for (int r = 0; r < responses[i]; ++r) {
      step.latency.record(means[i] / 1000);
      second.latency_sum += means[i] / 1000;
    }
    second.responses = static_cast<std::uint64_t>(responses[i]);
    step.series.push_back(second);
  }
  return step;
}

// t(4) at 0.975 is 2.77645.
constexpr double kT4 = 2.7764451;

// Equal seconds reduce to plain batch means: means 1-5 ms average 3 ms, their variance is
// 10 / 4 = 2.5 ms², so the half-width is 2.77645 √(2.5 / 5) = 1.96324 ms.
TEST(BatchMeanInterval, EqualSecondsAreTheBatchMeansInterval) {
  const auto [low, high] = batch_mean_interval(step_of({2, 2, 2, 2, 2}, {1, 2, 3, 4, 5}));
  EXPECT_NEAR((low + high) / 2, 0.003, 1e-12);
  EXPECT_NEAR((high - low) / 2, 1.963243e-3, 1e-8);
}

// Responses 1, 2, 2, 2, 1 at 8, 2, 2, 2, 2 ms: sums 8, 4, 4, 4, 2 over 8 responses, R = 2.75 ms.
// Residuals y - R m: 5.25, -1.5 (three times), -0.75; squares 27.5625 + 6.75 + 0.5625 = 34.875.
// m̄ = 1.6, so the variance is 34.875 / (5 · 4 · 1.6²) = 0.681152 ms², the half-width
// 2.77645 · 0.825319 = 2.29145 ms.
TEST(BatchMeanInterval, EachSecondWeighsAsManyResponsesAsItHolds) {
  const auto [low, high] = batch_mean_interval(step_of({1, 2, 2, 2, 1}, {8, 2, 2, 2, 2}));
  EXPECT_NEAR((low + high) / 2, 0.00275, 1e-12);
  EXPECT_NEAR((high - low) / 2, kT4 * std::sqrt(34.875 / 51.2) / 1000, 1e-8);
  EXPECT_NEAR((high - low) / 2, 2.291454e-3, 1e-8);
}

// The CI run of 2026-12-04 (20:04): a 12 s level whose first second stalled (8.34 ms, the rest
// about 1.7 ms) was judged on an interval that left that second out, and missed by 23%. With it:
// R = (8.34 + 11 · 1.7) / 12 = 2.25333 ms; residuals per 100 responses 608.67 and -55.33 (eleven
// times), so the standard error is √((608.67² + 11 · 55.33²) / 132) / 100 = 0.55333 ms, and with
// t(11) = 2.20099 the half-width is 1.21788 ms: ±54% of the mean, too wide to judge it by.
TEST(BatchMeanInterval, AStallInTheFirstSecondWidensIt) {
  std::vector<double> means(12, 1.7);
  means[0] = 8.34;
  const auto [low, high] = batch_mean_interval(step_of(std::vector<int>(12, 100), means));
  EXPECT_NEAR((low + high) / 2, 2.253333e-3, 1e-9);
  EXPECT_NEAR((high - low) / 2, 1.217878e-3, 1e-8);
}

// Responses that answered after the sends stopped join the last second: five seconds of sends
// (2 responses each at 1-5 ms) and one more at 3 ms after them make the last batch 3 responses
// summing 13 ms. R = 33 / 11 = 3 ms; residuals -4, -2, 0, 2, 4 (squares 40); m̄ = 11 / 5, so the
// variance is 40 / (5 · 4 · 2.2²) = 0.413223 ms² and the half-width 2.77645 · 0.642824 = 1.78477
// ms.
TEST(BatchMeanInterval, ResponsesAfterTheSendsJoinTheLastSecond) {
  loadgen::StepResult step = step_of({2, 2, 2, 2, 2, 1}, {1, 2, 3, 4, 5, 3});
  step.duration = 5;
  const auto [low, high] = batch_mean_interval(step);
  EXPECT_NEAR((low + high) / 2, 0.003, 1e-12);
  EXPECT_NEAR((high - low) / 2, 1.784767e-3, 1e-8);
}

TEST(BatchMeanInterval, NoneUnderFiveSecondsThatAnswered) {
  const auto [low, high] = batch_mean_interval(step_of({3, 0, 3, 3, 3, 0}, {1, 0, 2, 3, 4, 0}));
  EXPECT_EQ(low, 0);
  EXPECT_EQ(high, 0);
}

}  // namespace
}  // namespace kendall::validation
