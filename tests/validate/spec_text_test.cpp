// Writing specs from calibrations: the whole-spec writer reads back to the same model, and the
// in-place update changes only service_time values, whatever YAML form they were written in.
#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/validate/calibrate.hpp"
#include "kendall/validate/spec_text.hpp"
#include "kendall/validate/validate.hpp"

namespace kendall::validation {
namespace {

constexpr const char* user_spec = R"(apiVersion: kendall/v1
# The user's own comment stays.
services:
  - name: inline
    workers: 2
    service_time: 20ms   # old guess
  - {name: flow, service_time: 5ms, workers: 3}
  - name: block
    service_time:
      distribution: lognormal
      mean: 7ms
      scv: 2
    replicas: 2
  - name: untouched
    service_time: {mean: 1ms, scv: 0.5}
workload:
  classes:
    - {name: c, rate: 10, visits: {inline: 1, flow: 1, block: 1, untouched: 1}}
)";

TEST(SpecText, UpdatesEveryFormAndKeepsTheRest) {
  const std::string updated = update_service_times(
      user_spec, "user.yaml",
      {{"inline", {0.0123, 0.8}}, {"flow", {0.0045, 1.5}}, {"block", {0.009, 0.25}}});
  EXPECT_NE(updated.find("# The user's own comment stays."), std::string::npos);
  EXPECT_NE(updated.find("# old guess"), std::string::npos);
  const model::System system = model::parse_system(updated, "updated.yaml");
  ASSERT_EQ(system.services.size(), 4u);
  EXPECT_NEAR(system.services[0].service_time.mean, 0.0123, 1e-9);
  EXPECT_NEAR(system.services[0].service_time.scv, 0.8, 1e-9);
  EXPECT_EQ(system.services[0].workers, 2);
  EXPECT_NEAR(system.services[1].service_time.mean, 0.0045, 1e-9);
  EXPECT_NEAR(system.services[1].service_time.scv, 1.5, 1e-9);
  EXPECT_EQ(system.services[1].workers, 3);
  EXPECT_NEAR(system.services[2].service_time.mean, 0.009, 1e-9);
  EXPECT_NEAR(system.services[2].service_time.scv, 0.25, 1e-9);
  EXPECT_EQ(system.services[2].replicas, 2);  // the key after the replaced block survives
  EXPECT_NEAR(system.services[3].service_time.mean, 0.001, 1e-12);
  EXPECT_NEAR(system.services[3].service_time.scv, 0.5, 1e-12);
}

TEST(SpecText, UnknownServiceIsAnInputErrorListingTheServices) {
  try {
    update_service_times(user_spec, "user.yaml", {{"nope", {0.01, 1}}});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("user.yaml"), std::string::npos) << message;
    EXPECT_NE(message.find("\"nope\""), std::string::npos) << message;
    EXPECT_NE(message.find("inline, flow, block, untouched"), std::string::npos) << message;
  }
  EXPECT_THROW(update_service_times("services: [", "bad.yaml", {}), InputError);
}

TEST(SpecText, CalibratedSystemWritesAndReadsBack) {
  Calibration calibration;
  calibration.service = "user-login-service";
  calibration.service_mean = 0.0021;
  calibration.service_scv = 0.76;
  calibration.overhead = 0.0001;
  calibration.overhead_scv = 2.5;  // the path varies: waking idle cores, threads, the client
  const model::System system = calibrated_system(calibration, 4, 2);
  const model::System read = model::parse_system(spec_yaml(system), "written.yaml");
  ASSERT_EQ(read.services.size(), 2u);
  EXPECT_EQ(read.services[0].name, "user-login-service");
  EXPECT_EQ(read.services[0].workers, 4);
  EXPECT_EQ(read.services[0].replicas, 2);
  EXPECT_NEAR(read.services[0].service_time.mean, 0.0021, 1e-9);
  EXPECT_NEAR(read.services[0].service_time.scv, 0.76, 1e-6);
  EXPECT_EQ(read.services[1].type, model::ServiceType::delay);
  EXPECT_NEAR(read.services[1].service_time.mean, 0.0001, 1e-12);
  EXPECT_NEAR(read.services[1].service_time.scv, 2.5, 1e-6);
  // No extra variability measured: a constant delay.
  calibration.overhead_scv = 0;
  EXPECT_EQ(calibrated_system(calibration, 4, 2).services[1].service_time.scv, 0.0);
  ASSERT_EQ(read.classes.size(), 1u);
  EXPECT_EQ(read.classes[0].visits.size(), 2u);
}

// A measured dispersion is written with the service and reads back point for point.
TEST(SpecText, AServiceTimeDispersionWritesAndReadsBack) {
  Calibration calibration;
  calibration.service = "user-login-service";
  calibration.service_mean = 0.0021;
  calibration.service_scv = 0.05;
  model::System system = calibrated_system(calibration, 2, 1);
  system.services[0].service_dispersion = {{2, 0.07}, {64, 1.42}, {1024, 12.88}};
  const model::System read = model::parse_system(spec_yaml(system), "written.yaml");
  const auto& points = read.services[0].service_dispersion;
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[1].jobs, 64);
  EXPECT_NEAR(points[1].index, 1.42, 1e-12);
  EXPECT_NEAR(points[2].index, 12.88, 1e-12);
  EXPECT_TRUE(read.services[1].service_dispersion.empty());
}

}  // namespace
}  // namespace kendall::validation
