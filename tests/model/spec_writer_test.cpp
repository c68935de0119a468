// The spec writer: what it writes, the loader reads back to an equal System (oracle:
// model::parse_system, compared field by field), for the bundled examples and for every field
// away from its default; defaults are left out, names that YAML would misread are quoted.
#include "kendall/model/spec_writer.hpp"

#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "support/same_system.hpp"

namespace kendall::model {
namespace {

using kendall::testing::expect_same_system;

const std::string examples = std::string(KENDALL_SOURCE_DIR) + "/examples/";

System read_back(const System& system, const SpecWriting& writing = {}) {
  return parse_system(write_spec(system, writing), "written.yaml");
}

TEST(SpecWriter, TheBundledExamplesReadBackEqual) {
  for (const char* name : {"user-services.yaml", "login-closed.yaml"}) {
    SCOPED_TRACE(name);
    const System system = load_system(examples + name);
    expect_same_system(system, read_back(system));
  }
}

// Every field away from its default, and names a plain YAML scalar would misread.
TEST(SpecWriter, EveryFieldAwayFromItsDefaultReadsBackEqual) {
  System system = load_system(examples + "user-services.yaml");
  system.name = "capacity: next month";
  system.plan = {0.65, "cost"};
  system.nodes = NodePool{3, 4, 16.0 * (1 << 30), 0.4};
  Service& login = system.services[1];
  login.name = "login #2";
  login.cores = 2;
  login.balancer = Balancer::round_robin;
  login.queue_limit = 0;
  login.service_time = Distribution::from_moments(0.0021, 0.07);
  login.service_dispersion = {{2, 0.07, 0.01}, {64, 1.42, std::nullopt, 180}};
  login.hold_scv = 0.146;
  login.workers = 4;
  login.sharing_speed = {0.953, 0.912};
  Service overhead;
  overhead.name = "network";
  overhead.type = ServiceType::delay;
  overhead.service_time = Distribution::deterministic(0.0003);
  system.services.push_back(overhead);
  system.classes[1].visits.push_back({2, 2.0, std::nullopt});
  system.classes[0].visits[0].service_time = Distribution::exponential(0.05);
  system.classes[0].arrival_scv = 1.12;
  expect_same_system(system, read_back(system));
  // The speed at every number busy instead of beyond the cores only (login's reference went
  // stale with the push_back above).
  system.services[1].sharing_speed.clear();
  system.services[1].busy_speed = {0.95, 0.774, 0.9, 0.913};
  expect_same_system(system, read_back(system));
}

TEST(SpecWriter, DefaultsAreLeftOutAndTheCommentHeadsTheFile) {
  System system;
  Service s;
  s.name = "api";
  s.service_time = Distribution::exponential(0.01);
  system.services.push_back(s);
  WorkloadClass c;
  c.name = "requests";
  c.rate = 50;
  c.visits = {{0, 1.0, std::nullopt}};
  system.classes.push_back(c);
  const std::string text =
      write_spec(system, {.comment = "Written by a test.\nSecond line.", .replace = {}});
  EXPECT_EQ(text.rfind("# Written by a test.\n# Second line.\napiVersion: kendall/v1\n", 0), 0u)
      << text;
  for (const char* key : {"balancer", "queue_limit", "cost", "min_replicas", "max_replicas", "plan",
                          "nodes", "type: queue", "metadata", "slo", "arrival_scv"})
    EXPECT_EQ(text.find(key), std::string::npos) << key << " in\n" << text;
  expect_same_system(system, parse_system(text, "written.yaml"));
}

// An empirical distribution's samples file is not known to the writer: the two-moment family
// with the same mean and SCV stands in.
TEST(SpecWriter, AnEmpiricalDistributionIsWrittenByItsMoments) {
  System system = load_system(examples + "user-services.yaml");
  // Mean 4.8 ms, E[x²] 80.8 ms²: SCV (80.8 − 4.8²) / 4.8² = 2.507, above 1.
  system.services[0].service_time = Distribution::empirical({0.001, 0.001, 0.001, 0.001, 0.020});
  const System read = read_back(system);
  const Distribution& written = read.services[0].service_time;
  EXPECT_NEAR(system.services[0].service_time.scv, 57.76 / 23.04, 1e-9);
  EXPECT_EQ(written.kind, DistributionKind::hyperexponential);
  EXPECT_DOUBLE_EQ(written.mean, system.services[0].service_time.mean);
  EXPECT_NEAR(written.scv, system.services[0].service_time.scv, 1e-9);
}

// A replaced field is written as given, even where the value is the default.
TEST(SpecWriter, AReplacedFieldIsWrittenAsGiven) {
  const System system = load_system(examples + "login-closed.yaml");
  SpecWriting writing;
  writing.replace = [](const SpecField& field) -> std::optional<std::string> {
    if (field.section == SpecSection::services && field.row == 0 && field.key == "cost")
      return "2.5";
    if (field.section == SpecSection::classes && field.row == 0 && field.key == "think_time")
      return "3s";
    return std::nullopt;
  };
  const System read = read_back(system, writing);
  EXPECT_DOUBLE_EQ(read.services[0].cost, 2.5);
  EXPECT_DOUBLE_EQ(read.classes[0].think_time.mean, 3.0);
  EXPECT_EQ(read.classes[0].think_time.kind, system.classes[0].think_time.kind);
}

TEST(SpecWriter, FieldTextIsWhatACellShowsAndUnknownKeysAreAnError) {
  const System system = load_system(examples + "user-services.yaml");
  EXPECT_EQ(spec_field_text(system, {SpecSection::services, 1, "service_time.mean"}), "25ms");
  EXPECT_EQ(spec_field_text(system, {SpecSection::services, 1, "balancer"}), "least-request");
  EXPECT_EQ(spec_field_text(system, {SpecSection::classes, 1, "visits"}), "user-login-service: 1");
  EXPECT_THROW(spec_field_text(system, {SpecSection::classes, 0, "workers"}), InputError);
  EXPECT_EQ(duration_text(0.00025), "250us");
  EXPECT_EQ(duration_text(1.5), "1.5s");
}

}  // namespace
}  // namespace kendall::model
