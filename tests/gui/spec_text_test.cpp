// A cell edit changes only its field (the spec written with it, read back), and a bad cell gets the
// loader's own message (oracle: model::load_system on a file holding the same bad value).
#include "kendall/gui/spec_text.hpp"

#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "support/same_system.hpp"

namespace kendall::gui {
namespace {

const std::string example = std::string(KENDALL_SOURCE_DIR) + "/examples/user-services.yaml";

using kendall::testing::expect_same_system;

TEST(SpecText, EditChangesOnlyThatField) {
  const model::System system = model::load_system(example);
  const EditOutcome outcome =
      apply_edit(system, {SpecTable::services, 1, "service_time.mean", "30ms"});
  ASSERT_TRUE(outcome.system) << outcome.error;
  EXPECT_DOUBLE_EQ(outcome.system->services[1].service_time.mean, 0.030);
  model::System expected = system;
  expected.services[1].service_time.mean = 0.030;
  expect_same_system(expected, *outcome.system);
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
