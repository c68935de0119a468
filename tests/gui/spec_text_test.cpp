// The GUI writes specs the model's loader reads back unchanged, and a bad cell gets the
// loader's own message (oracle: model::load_system on a file holding the same bad value).
#include "kendall/gui/spec_text.hpp"

#include <gtest/gtest.h>

#include "kendall/base/error.hpp"

namespace kendall::gui {
namespace {

const std::string example = std::string(KENDALL_SOURCE_DIR) + "/examples/user-services.yaml";
const std::string closed_example = std::string(KENDALL_SOURCE_DIR) + "/examples/login-closed.yaml";

void expect_same(const model::System& a, const model::System& b) {
  ASSERT_EQ(a.services.size(), b.services.size());
  for (std::size_t i = 0; i < a.services.size(); ++i) {
    const auto& x = a.services[i];
    const auto& y = b.services[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.replicas, y.replicas);
    EXPECT_EQ(x.workers, y.workers);
    EXPECT_EQ(x.cores, y.cores);
    EXPECT_EQ(x.service_time.kind, y.service_time.kind);
    EXPECT_DOUBLE_EQ(x.service_time.mean, y.service_time.mean);
    EXPECT_DOUBLE_EQ(x.service_time.scv, y.service_time.scv);
    EXPECT_EQ(x.queue_limit, y.queue_limit);
    EXPECT_DOUBLE_EQ(x.cost, y.cost);
    EXPECT_DOUBLE_EQ(x.resources.cpu, y.resources.cpu);
    EXPECT_DOUBLE_EQ(x.resources.memory, y.resources.memory);
    EXPECT_EQ(x.min_replicas, y.min_replicas);
    EXPECT_EQ(x.max_replicas, y.max_replicas);
    EXPECT_EQ(x.port, y.port);
    EXPECT_EQ(x.balancer, y.balancer);
  }
  ASSERT_EQ(a.classes.size(), b.classes.size());
  for (std::size_t i = 0; i < a.classes.size(); ++i) {
    EXPECT_EQ(a.classes[i].name, b.classes[i].name);
    EXPECT_DOUBLE_EQ(a.classes[i].rate, b.classes[i].rate);
    EXPECT_EQ(a.classes[i].population, b.classes[i].population);
    EXPECT_DOUBLE_EQ(a.classes[i].think_time.mean, b.classes[i].think_time.mean);
    ASSERT_EQ(a.classes[i].visits.size(), b.classes[i].visits.size());
    for (std::size_t v = 0; v < a.classes[i].visits.size(); ++v) {
      EXPECT_EQ(a.classes[i].visits[v].service, b.classes[i].visits[v].service);
      EXPECT_DOUBLE_EQ(a.classes[i].visits[v].count, b.classes[i].visits[v].count);
    }
  }
  ASSERT_EQ(a.slos.size(), b.slos.size());
  for (std::size_t i = 0; i < a.slos.size(); ++i) {
    EXPECT_EQ(a.slos[i].workload_class, b.slos[i].workload_class);
    EXPECT_EQ(a.slos[i].statistic, b.slos[i].statistic);
    EXPECT_DOUBLE_EQ(a.slos[i].latency, b.slos[i].latency);
  }
  EXPECT_EQ(a.workload, b.workload);
  EXPECT_DOUBLE_EQ(a.plan.max_utilization, b.plan.max_utilization);
  EXPECT_EQ(a.name, b.name);
}

TEST(SpecText, WrittenOpenSpecReadsBackEqual) {
  const model::System system = model::load_system(example);
  expect_same(system, model::parse_system(write_spec(system), "written.yaml"));
}

TEST(SpecText, WrittenClosedSpecReadsBackEqual) {
  const model::System system = model::load_system(closed_example);
  expect_same(system, model::parse_system(write_spec(system), "written.yaml"));
}

TEST(SpecText, CoresAreWrittenBack) {
  model::System system = model::load_system(example);
  system.services[1].cores = 2;
  const model::System read = model::parse_system(write_spec(system), "written.yaml");
  EXPECT_EQ(read.services[1].cores, 2);
  EXPECT_FALSE(read.services[0].cores);
}

TEST(SpecText, EditChangesOnlyThatField) {
  const model::System system = model::load_system(example);
  const EditOutcome outcome =
      apply_edit(system, {SpecTable::services, 1, "service_time.mean", "30ms"});
  ASSERT_TRUE(outcome.system) << outcome.error;
  EXPECT_DOUBLE_EQ(outcome.system->services[1].service_time.mean, 0.030);
  model::System expected = system;
  expected.services[1].service_time.mean = 0.030;
  expect_same(expected, *outcome.system);
}

TEST(SpecText, RenamedServiceKeepsItsVisits) {
  const model::System system = model::load_system(example);
  const EditOutcome outcome = apply_edit(system, {SpecTable::services, 1, "name", "login-v2"});
  ASSERT_TRUE(outcome.system) << outcome.error;
  EXPECT_EQ(outcome.system->services[1].name, "login-v2");
  EXPECT_EQ(outcome.system->classes[1].visits[0].service, 1u);
}

TEST(SpecText, BadUnitGetsTheLoadersMessage) {
  std::string expected;
  try {
    model::load_system(std::string(KENDALL_TEST_DATA_DIR) + "/gui-bad-mean-spec.yaml");
  } catch (const InputError& e) {
    expected = e.detail();
  }
  ASSERT_NE(expected.find("did you mean \"ms\""), std::string::npos) << expected;
  const EditOutcome outcome = apply_edit(model::load_system(example),
                                         {SpecTable::services, 0, "service_time.mean", "40mss"});
  EXPECT_FALSE(outcome.system);
  EXPECT_EQ(outcome.error, expected);
}

TEST(SpecText, ZeroReplicasGetsTheLoadersMessage) {
  const EditOutcome outcome =
      apply_edit(model::load_system(example), {SpecTable::services, 1, "replicas", "0"});
  EXPECT_FALSE(outcome.system);
  EXPECT_EQ(outcome.error, "services[1].replicas: must be at least 1, found 0");
}

TEST(SpecText, UnknownVisitedServiceSuggestsTheName) {
  const EditOutcome outcome = apply_edit(model::load_system(example),
                                         {SpecTable::classes, 1, "visits", "user-logn-service: 1"});
  EXPECT_FALSE(outcome.system);
  EXPECT_NE(outcome.error.find("unknown service \"user-logn-service\""), std::string::npos)
      << outcome.error;
  EXPECT_NE(outcome.error.find("did you mean \"user-login-service\""), std::string::npos)
      << outcome.error;
}

}  // namespace
}  // namespace kendall::gui
