// `kendall plan` through the real binary: JSON keys, exit code 3 with the binding reason, and
// replica schedules. Oracle for the numbers: LINE's LineOpt sizing (research file §2.3) and the
// utilization cap arithmetic written beside each check.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_command.hpp"

namespace kendall {
namespace {

using ::testing::HasSubstr;

using testing::kendall;

const std::string kExample = std::string(" ") + KENDALL_SOURCE_DIR + "/examples/user-services.yaml";

TEST(KendallPlan, JsonCarriesTheDocumentedKeys) {
  const auto result = kendall("plan --format json" + kExample);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_TRUE(json["feasible"].get<bool>());
  EXPECT_GT(json["cost"].get<double>(), 0.0);
  ASSERT_EQ(json["services"].size(), 2u);
  for (const auto& s : json["services"]) {
    for (const char* key : {"name", "replicas", "current_replicas", "utilization"})
      EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_LE(s["utilization"].get<double>(), 0.8);
  }
  for (const auto& c : json["classes"]) {
    EXPECT_TRUE(c["met"].get<bool>());
    EXPECT_LE(c["predicted"].get<double>(), c["slo"].get<double>());
  }
  EXPECT_EQ(json["solver"]["status"], "optimal");
}

// 10x the traffic: login needs 1800/s × 25 ms = 45 busy workers; at 80% over 4 workers per
// replica that is ceil(45 / 3.2) = 15 replicas, within max_replicas 20. At 20x: 29 > 20.
TEST(KendallPlan, InfeasibleTrafficExitsThreeWithTheReason) {
  const auto fits =
      nlohmann::json::parse(kendall("plan --format json --rate-scale 10" + kExample).out);
  EXPECT_EQ(fits["services"][1]["replicas"], 15);
  const auto result = kendall("plan --rate-scale 20" + kExample);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.out, HasSubstr("NO FEASIBLE PLAN"));
  EXPECT_THAT(result.err, HasSubstr("user-login-service needs 29 replicas to stay under 80% "
                                    "utilization; max_replicas is 20"));
  const auto json =
      nlohmann::json::parse(kendall("plan --format json --rate-scale 20" + kExample).out);
  EXPECT_FALSE(json["feasible"].get<bool>());
}

TEST(KendallPlan, RatesGiveAReplicaSchedule) {
  const auto result = kendall("plan --format json --rates 100,200,800" + kExample);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  ASSERT_EQ(json["schedule"].size(), 3u);
  int previous = 0;
  for (const auto& row : json["schedule"]) {
    const int login = row["services"][1]["replicas"];
    EXPECT_GE(login, previous);
    previous = login;
  }
  EXPECT_EQ(json["schedule"][2]["level"], "800/s");
  const auto bad = kendall("plan --rates 100,fast" + kExample);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("\"fast\" is not a number"));
}

}  // namespace
}  // namespace kendall
