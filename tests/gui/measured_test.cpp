// Measured results are read from the JSON kendall loadtest and kendall validate write
// (oracle: the fixtures' own numbers, docs/loadgen.md and the validate shape).
#include "kendall/gui/measured.hpp"

#include <gtest/gtest.h>

#include "kendall/base/error.hpp"

namespace kendall::gui {
namespace {

const std::string data = KENDALL_TEST_DATA_DIR;

TEST(Measured, ValidateLevelsGiveOnePointPerLevelAtTheOfferedRate) {
  const MeasuredSet set = read_measured(data + "/gui-validate.json");
  EXPECT_EQ(set.label, "validate gui-validate.json");
  ASSERT_EQ(set.points.size(), 2u);
  EXPECT_DOUBLE_EQ(set.points[1].load, 160);
  EXPECT_DOUBLE_EQ(set.points[1].throughput, 158.9);
  EXPECT_DOUBLE_EQ(*set.points[1].mean, 0.036);
  EXPECT_DOUBLE_EQ(*set.points[1].p95, 0.074);
}

TEST(Measured, ClosedValidateLevelsAreAtTheirUsers) {
  const MeasuredSet set = parse_measured(
      R"({"mode": "closed", "levels": [{"load_fraction": 0.5, "users": 75,
          "measured": {"throughput": 70.2, "mean": 0.03, "p95": 0.06}}]})",
      "closed.json");
  EXPECT_TRUE(set.closed);
  ASSERT_EQ(set.points.size(), 1u);
  EXPECT_DOUBLE_EQ(set.points[0].load, 75);
  EXPECT_DOUBLE_EQ(set.points[0].throughput, 70.2);
}

TEST(Measured, LoadTestStepsGiveOnePointPerStepAtTheTargetRate) {
  const MeasuredSet set = read_measured(data + "/gui-loadtest.json");
  EXPECT_FALSE(set.closed);
  ASSERT_EQ(set.points.size(), 2u);
  EXPECT_DOUBLE_EQ(set.points[0].load, 100);
  EXPECT_DOUBLE_EQ(*set.points[0].p95, 0.048);
  EXPECT_DOUBLE_EQ(set.points[1].throughput, 198);
}

TEST(Measured, ALoadTestWithoutStepsIsOnePointAtItsThroughput) {
  const MeasuredSet set = parse_measured(
      R"({"mode": "max", "target_rate": null, "throughput": 420.5,
          "latency": {"mean": 0.01, "p95": 0.02}})",
      "max.json");
  ASSERT_EQ(set.points.size(), 1u);
  EXPECT_DOUBLE_EQ(set.points[0].load, 420.5);
  EXPECT_DOUBLE_EQ(*set.points[0].p95, 0.02);
}

TEST(Measured, OtherJsonIsRejectedWithTheFileName) {
  try {
    parse_measured(R"({"services": []})", "spec.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("spec.json: neither a load test result"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse_measured("not json", "x.json"), InputError);
}

}  // namespace
}  // namespace kendall::gui
