// The real `kendall` binary: exit codes, JSON shape, error words, and every bundled example.
// Oracles are named per test (published tables, flow balance, Little's law).
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_command.hpp"

namespace kendall {
namespace {

using ::testing::HasSubstr;
using testing::run_command;

using testing::kendall;

nlohmann::json json_of(const testing::CommandResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return nlohmann::json::parse(result.out);
}

TEST(KendallCli, HelpListsTheCommandsAndExitsZero) {
  const auto result = kendall("--help");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_THAT(result.out, HasSubstr("queue"));
  EXPECT_THAT(result.out, HasSubstr("model"));
  const auto queue_help = kendall("queue --help");
  EXPECT_EQ(queue_help.exit_code, 0);
  EXPECT_THAT(queue_help.out, HasSubstr("--arrival-rate"));
}

// Research file T1 (ETH ASL slides, quoted in Octave qsmmm tests): M/M/2, λ=9, μ=5 has
// R = 20/19 and L_q = 7.673684210526.
TEST(KendallQueue, MMcJsonMatchesThePublishedExample) {
  const auto json =
      json_of(kendall("queue mmc --arrival-rate 9 --service-rate 5 --servers 2 --format json"));
  EXPECT_TRUE(json["stable"].get<bool>());
  EXPECT_NEAR(json["mean_response_time"].get<double>(), 20.0 / 19.0, 1e-9);
  EXPECT_NEAR(json["mean_queue_length"].get<double>(), 7.673684210526, 1e-9);
  EXPECT_NEAR(json["utilization"].get<double>(), 0.9, 1e-12);
  EXPECT_TRUE(json["response_time_percentiles"].contains("p99"));
  EXPECT_TRUE(json["probability_of_blocking"].is_null());
}

TEST(KendallQueue, ServiceTimeTakesUnits) {
  const auto json =
      json_of(kendall("queue mm1 --arrival-rate 40 --service-time 20ms --format json"));
  // M/M/1: R = S / (1 - ρ) = 0.02 / 0.2 = 0.1 s.
  EXPECT_NEAR(json["mean_response_time"].get<double>(), 0.1, 1e-12);
}

TEST(KendallQueue, UnstableSystemAnswersNullsAndExitsZero) {
  const auto result = kendall("queue mm1 --arrival-rate 120 --service-rate 100 --format json");
  const auto json = json_of(result);
  EXPECT_FALSE(json["stable"].get<bool>());
  EXPECT_TRUE(json["mean_response_time"].is_null());
  EXPECT_TRUE(json["response_time_percentiles"].is_null());
  EXPECT_FALSE(json["saturation"].get<std::string>().empty());
  EXPECT_EQ(result.out.find("nan"), std::string::npos);
  EXPECT_EQ(result.out.find("inf"), std::string::npos);
  const auto table = kendall("queue mm1 --arrival-rate 120 --service-rate 100");
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("saturates"));
}

TEST(KendallQueue, BadInputExitsTwoWithAClearMessage) {
  const auto unit = kendall("queue mm1 --arrival-rate 1 --service-time 20mss");
  EXPECT_EQ(unit.exit_code, 2);
  EXPECT_THAT(unit.err, HasSubstr("unknown unit \"mss\""));
  const auto both = kendall("queue mm1 --arrival-rate 1 --service-time 20ms --service-rate 5");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("exactly one of --service-rate"));
  const auto model = kendall("queue mm2 --arrival-rate 1 --service-rate 5");
  EXPECT_EQ(model.exit_code, 2);
  const auto missing = kendall("queue mmck --arrival-rate 1 --service-rate 5 --servers 2");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("capacity"));
}

// Flow balance (every class's throughput equals its rate when nothing is rejected) and
// Little's law per service (N = X R per visit) on the bundled example.
TEST(KendallModel, BundledExampleBalancesFlowsAndObeysLittlesLaw) {
  const auto json = json_of(kendall(std::string("model ") + KENDALL_SOURCE_DIR
                                    "/examples/user-services.yaml --format json"));
  EXPECT_TRUE(json["stable"].get<bool>());
  ASSERT_EQ(json["classes"].size(), 2u);
  EXPECT_NEAR(json["classes"][0]["throughput"].get<double>(), 20.0, 1e-6);
  EXPECT_NEAR(json["classes"][1]["throughput"].get<double>(), 180.0, 1e-6);
  EXPECT_NEAR(json["system"]["throughput"].get<double>(), 200.0, 1e-6);
  for (const auto& service : json["services"]) {
    EXPECT_NEAR(service["mean_number_in_system"].get<double>(),
                service["throughput"].get<double>() * service["response_time"].get<double>(), 1e-9);
  }
  for (const auto& slo : json["slo"])
    EXPECT_TRUE(slo.contains("met"));
  EXPECT_EQ(json["system"]["bottleneck"], "user-login-service");
}

TEST(KendallModel, BadSpecExitsTwoNamingFileAndLine) {
  const auto result = kendall(std::string("model ") + KENDALL_TEST_DATA_DIR "/bad-unit-spec.yaml");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("bad-unit-spec.yaml:6:19: services[0].service_time"));
  EXPECT_THAT(result.err, HasSubstr("did you mean \"ms\""));
  const auto missing = kendall("model /nonexistent.yaml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read spec"));
}

// Every spec a user may run as-is must run.
TEST(KendallModel, EveryBundledExampleRuns) {
  int examples = 0;
  for (const auto& entry : std::filesystem::directory_iterator(KENDALL_SOURCE_DIR "/examples")) {
    if (entry.path().extension() != ".yaml")
      continue;
    ++examples;
    const auto result = kendall("model " + entry.path().string());
    EXPECT_EQ(result.exit_code, 0) << entry.path() << "\n" << result.err;
    EXPECT_THAT(result.out, HasSubstr("utilization")) << entry.path();
    const auto simulated =
        kendall("simulate --requests 20000 --replications 2 " + entry.path().string());
    EXPECT_EQ(simulated.exit_code, 0) << entry.path() << "\n" << simulated.err;
  }
  EXPECT_GE(examples, 1);
}

// Research file T1 again, now simulated: the exact M/M/2 mean 20/19 must lie inside the
// simulator's 95% interval (fixed seed), and flow balance holds within the interval.
TEST(KendallSimulate, ExactMeanLiesInsideTheConfidenceInterval) {
  const auto json =
      json_of(kendall(std::string("simulate ") + KENDALL_TEST_DATA_DIR +
                      "/mm2-spec.yaml --requests 200000 --replications 5 --seed 7 --format json"));
  const auto interval = json["classes"][0]["confidence_intervals"]["mean_response_time"];
  EXPECT_LE(interval[0].get<double>(), 20.0 / 19.0);
  EXPECT_GE(interval[1].get<double>(), 20.0 / 19.0);
  const auto throughput = json["classes"][0]["confidence_intervals"]["throughput"];
  EXPECT_LE(throughput[0].get<double>(), 9.0);
  EXPECT_GE(throughput[1].get<double>(), 9.0);
  EXPECT_GT(json["events_per_second"].get<double>(), 0.0);
  EXPECT_TRUE(json["classes"][0]["response_time_percentiles"].contains("p999"));
}

// Same seed, same numbers, whatever the thread count.
TEST(KendallSimulate, ThreadCountNeverChangesTheNumbers) {
  const std::string run =
      std::string("simulate ") + KENDALL_SOURCE_DIR +
      "/examples/user-services.yaml --requests 20000 --replications 3 --format json --threads ";
  auto one = json_of(kendall(run + "1"));
  auto two = json_of(kendall(run + "2"));
  for (auto* json : {&one, &two}) {
    json->erase("wall_seconds");
    json->erase("events_per_second");
  }
  EXPECT_EQ(one, two);
}

TEST(KendallSimulate, BadOptionsExitTwo) {
  const std::string spec = std::string(" ") + KENDALL_SOURCE_DIR "/examples/user-services.yaml";
  const auto both = kendall("simulate --requests 10 --duration 1s" + spec);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("not both"));
  const auto warmup = kendall("simulate --requests 1000 --warmup 5parsecs" + spec);
  EXPECT_EQ(warmup.exit_code, 2);
  EXPECT_THAT(warmup.err, HasSubstr("--warmup"));
}

}  // namespace
}  // namespace kendall
