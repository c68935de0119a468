// The spec loader: the bundled example reads as written, and every kind of mistake gets an
// error naming file, line, column and field. Oracle: the spec text in each test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::model {
namespace {

using ::testing::HasSubstr;

const std::string kMinimal = R"(apiVersion: kendall/v1
kind: System
services:
  - name: api
    replicas: 2
    workers: 4
    service_time: 20ms
workload:
  type: open
  classes:
    - name: read
      rate: 100
      visits: {api: 1}
)";

std::string error_of(const std::string& text) {
  try {
    parse_system(text, "spec.yaml");
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(SpecLoader, ReadsTheBundledExample) {
  const System system = load_system(KENDALL_SOURCE_DIR "/examples/user-services.yaml");
  EXPECT_EQ(system.name, "user-services");
  ASSERT_EQ(system.services.size(), 2u);
  const Service& login = system.services[1];
  EXPECT_EQ(login.name, "user-login-service");
  EXPECT_EQ(login.port, 5001);
  EXPECT_EQ(login.replicas, 2);
  EXPECT_EQ(login.workers, 4);
  EXPECT_EQ(login.service_time.kind, DistributionKind::lognormal);
  EXPECT_DOUBLE_EQ(login.service_time.mean, 0.025);
  EXPECT_DOUBLE_EQ(login.resources.cpu, 0.5);
  EXPECT_DOUBLE_EQ(login.resources.memory, 256.0 * 1024 * 1024);
  ASSERT_EQ(system.classes.size(), 2u);
  EXPECT_DOUBLE_EQ(system.classes[1].rate, 180.0);
  ASSERT_EQ(system.slos.size(), 2u);
  EXPECT_EQ(system.slos[1].statistic, Statistic::p95);
  EXPECT_DOUBLE_EQ(system.slos[1].latency, 0.100);
}

TEST(SpecLoader, AcceptsJson) {
  const System system = parse_system(R"({"apiVersion": "kendall/v1", "services": [
    {"name": "a", "service_time": {"mean": "10ms", "scv": 0.25}}],
    "workload": {"classes": [{"name": "c", "rate": 5, "visits": {"a": 2}}]}})",
                                     "spec.json");
  EXPECT_EQ(system.services[0].service_time.kind, DistributionKind::gamma);
  EXPECT_DOUBLE_EQ(system.classes[0].visits[0].count, 2.0);
}

TEST(SpecLoader, ReadsClosedWorkloadsAndPerClassServiceTimes) {
  std::string text = replace(kMinimal, "type: open", "type: closed");
  text = replace(text, "rate: 100", "population: 50\n      think_time: 1s");
  text += "      service_times: {api: 5ms}\n";
  const System system = parse_system(text, "spec.yaml");
  EXPECT_EQ(system.workload, WorkloadType::closed);
  EXPECT_EQ(system.classes[0].population, 50);
  EXPECT_DOUBLE_EQ(system.classes[0].think_time.mean, 1.0);
  ASSERT_TRUE(system.classes[0].visits[0].service_time.has_value());
  EXPECT_DOUBLE_EQ(system.classes[0].visits[0].service_time->mean, 0.005);
}

TEST(SpecLoader, ReadsAnOpenClassesArrivalScvAndRejectsItWhereItCannotBe) {
  EXPECT_DOUBLE_EQ(parse_system(kMinimal, "spec.yaml").classes[0].arrival_scv, 1.0);  // Poisson
  const System bursty =
      parse_system(replace(kMinimal, "rate: 100", "rate: 100\n      arrival_scv: 1.2"), "s.yaml");
  EXPECT_DOUBLE_EQ(bursty.classes[0].arrival_scv, 1.2);
  EXPECT_THAT(error_of(replace(kMinimal, "rate: 100", "rate: 100\n      arrival_scv: -1")),
              HasSubstr("classes[0].arrival_scv: must be >= 0, found -1"));
  std::string closed = replace(kMinimal, "type: open", "type: closed");
  closed = replace(closed, "rate: 100", "population: 5\n      arrival_scv: 2");
  EXPECT_THAT(error_of(closed), HasSubstr("\"arrival_scv\" belongs to open workloads"));
}

TEST(SpecLoader, UnknownServiceInVisitsNamesLineFieldAndSuggestion) {
  const std::string message = error_of(replace(kMinimal, "{api: 1}", "{apj: 1}"));
  EXPECT_THAT(
      message,
      HasSubstr("spec.yaml:13:16: workload.classes[0].visits.apj: unknown service \"apj\""));
  EXPECT_THAT(message, HasSubstr("did you mean \"api\""));
}

TEST(SpecLoader, NegativeRateIsRejected) {
  EXPECT_THAT(error_of(replace(kMinimal, "rate: 100", "rate: -5")),
              HasSubstr("spec.yaml:12:13: workload.classes[0].rate: must be > 0, found -5"));
}

TEST(SpecLoader, MissingServiceTimeIsRejected) {
  EXPECT_THAT(error_of(replace(kMinimal, "    service_time: 20ms\n", "")),
              HasSubstr("spec.yaml:4:5: services[0]: service \"api\" has no service_time"));
}

TEST(SpecLoader, UnknownKeySuggestsTheIntendedOne) {
  const std::string message = error_of(replace(kMinimal, "replicas: 2", "replcas: 2"));
  EXPECT_THAT(message, HasSubstr("spec.yaml:5:5: services[0].replcas: unknown key \"replcas\""));
  EXPECT_THAT(message, HasSubstr("did you mean \"replicas\""));
}

TEST(SpecLoader, WrongUnitSuggestsTheIntendedOne) {
  const std::string message = error_of(replace(kMinimal, "20ms", "20mss"));
  EXPECT_THAT(
      message,
      HasSubstr("spec.yaml:7:19: services[0].service_time: \"20mss\": unknown unit \"mss\""));
  EXPECT_THAT(message, HasSubstr("did you mean \"ms\""));
}

TEST(SpecLoader, RejectsMistakesOfShapeAndRange) {
  EXPECT_THAT(error_of(replace(kMinimal, "workers: 4", "workers: 2.5")),
              HasSubstr("expected a whole number"));
  EXPECT_THAT(error_of(replace(kMinimal, "workers: 4", "workers: 0")),
              HasSubstr("must be at least 1"));
  EXPECT_THAT(
      error_of(replace(kMinimal, "type: open", "type: opn")),
      HasSubstr(
          "workload.type: unknown value \"opn\" (expected open, closed); did you mean \"open\"?"));
  EXPECT_THAT(error_of(replace(kMinimal, "rate: 100", "rate: 100\n      population: 3")),
              HasSubstr("belongs to closed workloads"));
  EXPECT_THAT(error_of(kMinimal + "slo:\n  - {class: raed, latency: 100ms}\n"),
              HasSubstr("slo[0].class: unknown class \"raed\"; did you mean \"read\"?"));
  EXPECT_THAT(error_of(replace(kMinimal, "service_time: 20ms",
                               "service_time: {distribution: exponential, mean: 20ms, scv: 2}")),
              HasSubstr("an exponential time has scv 1"));
  EXPECT_THAT(error_of("services: [oops"), HasSubstr("not valid YAML or JSON"));
  EXPECT_THAT(error_of(replace(kMinimal, "apiVersion: kendall/v1", "apiVersion: v2")),
              HasSubstr("unsupported version \"v2\""));
}

// The service times' dispersion (model.md, "Correlated service times"): read as written, and
// each mistake named at its point.
TEST(SpecLoader, ReadsAServiceTimeDispersion) {
  const System system =
      parse_system(replace(kMinimal, "service_time: 20ms",
                           "service_time: 20ms\n    service_dispersion: [{jobs: 4, index: 1.5}, "
                           "{jobs: 64, index: 6}]"),
                   "spec.yaml");
  const auto& points = system.services[0].service_dispersion;
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].jobs, 4);
  EXPECT_EQ(points[0].index, 1.5);
  EXPECT_EQ(points[1].jobs, 64);
  EXPECT_EQ(points[1].index, 6);
  const auto with = [&](const std::string& points_text) {
    return error_of(replace(kMinimal, "service_time: 20ms",
                            "service_time: 20ms\n    service_dispersion: " + points_text));
  };
  EXPECT_THAT(with("[{jobs: 4, index: 1}, {jobs: 2, index: 2}]"),
              HasSubstr("services[0].service_dispersion[1].jobs: must exceed the previous "
                        "point's 4 (points ascend in jobs)"));
  EXPECT_THAT(with("[{jobs: 0.5, index: 1}]"), HasSubstr("must be a finite number at least 1"));
  EXPECT_THAT(with("[{jobs: 4, index: -1}]"),
              HasSubstr("service_dispersion[0].index: must be a finite number >= 0"));
  EXPECT_THAT(with("[{jobs: 4, indx: 1}]"), HasSubstr("did you mean \"index\""));
  EXPECT_THAT(with("{jobs: 4, index: 1}"), HasSubstr("service_dispersion"));
  // The model says which wait it used.
  EXPECT_THAT(analyze(system).method, HasSubstr("speed wanders"));
  EXPECT_THAT(analyze(parse_system(kMinimal, "spec.yaml")).method,
              ::testing::Not(HasSubstr("speed wanders")));
}

// The holds' SCV (model.md, "Time-shared cores"): read as written; a negative one is named.
TEST(SpecLoader, ReadsTheHoldScv) {
  const System system = parse_system(
      replace(kMinimal, "service_time: 20ms", "service_time: 20ms\n    hold_scv: 0.15"),
      "spec.yaml");
  EXPECT_EQ(system.services[0].hold_scv, 0.15);
  EXPECT_FALSE(parse_system(kMinimal, "spec.yaml").services[0].hold_scv);
  EXPECT_THAT(
      error_of(replace(kMinimal, "service_time: 20ms", "service_time: 20ms\n    hold_scv: -1")),
      HasSubstr("services[0].hold_scv: must be a finite number >= 0"));
}

// The cores' speed by the number busy beyond them (model.md, "Time-shared cores"): one speed
// for each of cores + 1 … workers, each in (0, 1], and only where workers time-share cores.
TEST(SpecLoader, ReadsTheSharingSpeedsAndNamesWhatIsWrongWithThem) {
  const auto with = [](const std::string& lines) {
    return replace(kMinimal, "service_time: 20ms", "service_time: 20ms\n" + lines);
  };
  const System system =
      parse_system(with("    cores: 2\n    sharing_speed: [0.95, 0.9]"), "spec.yaml");
  EXPECT_EQ(system.services[0].sharing_speed, (std::vector<double>{0.95, 0.9}));
  EXPECT_TRUE(parse_system(kMinimal, "spec.yaml").services[0].sharing_speed.empty());
  EXPECT_THAT(error_of(with("    cores: 2\n    sharing_speed: [0.9]")),
              HasSubstr("services[0].sharing_speed: has 1 speeds; 4 workers on 2 cores need 2: "
                        "the cores' speed with 3 to 4 busy, relative to 2 busy"));
  EXPECT_THAT(error_of(with("    cores: 2\n    sharing_speed: [0.95, 1.2]")),
              HasSubstr("services[0].sharing_speed[1]: must be in (0, 1] (the cores' speed with "
                        "4 busy relative to 2 busy; sharing never adds cores), found 1.2"));
  EXPECT_THAT(error_of(with("    sharing_speed: [0.9]")),
              HasSubstr("services[0].sharing_speed: needs cores below workers (workers "
                        "time-sharing cores); \"api\" has 4 workers and no cores"));
  EXPECT_THAT(error_of(with("    cores: 2\n    sharing_speed: 0.9")),
              HasSubstr("services[0].sharing_speed"));
}

// The speed at every number busy (model.md, "Time-shared cores"): one for each of 1 … workers,
// each in (0, 1], only where workers time-share cores, and not with sharing_speed.
TEST(SpecLoader, ReadsTheSpeedsByTheNumberBusyAndNamesWhatIsWrongWithThem) {
  const auto with = [](const std::string& lines) {
    return replace(kMinimal, "service_time: 20ms", "service_time: 20ms\n" + lines);
  };
  const System system =
      parse_system(with("    cores: 2\n    busy_speed: [0.95, 0.77, 0.9, 0.91]"), "spec.yaml");
  EXPECT_EQ(system.services[0].busy_speed, (std::vector<double>{0.95, 0.77, 0.9, 0.91}));
  EXPECT_TRUE(parse_system(kMinimal, "spec.yaml").services[0].busy_speed.empty());
  EXPECT_THAT(error_of(with("    cores: 2\n    busy_speed: [0.95, 0.77]")),
              HasSubstr("services[0].busy_speed: has 2 speeds; 4 workers need 4: the cores' "
                        "speed with 1 to 4 busy, relative to the service time"));
  EXPECT_THAT(error_of(with("    cores: 2\n    busy_speed: [0.95, 0, 0.9, 0.91]")),
              HasSubstr("services[0].busy_speed[1]: must be in (0, 1] (the speed the cores run "
                        "the work at with 2 busy, relative to the service time), found 0"));
  EXPECT_THAT(error_of(with("    busy_speed: [1, 1, 1, 1]")),
              HasSubstr("services[0].busy_speed: needs cores below workers (workers "
                        "time-sharing cores); \"api\" has 4 workers and no cores"));
  EXPECT_THAT(
      error_of(
          with("    cores: 2\n    sharing_speed: [0.9, 0.9]\n    busy_speed: [1, 1, 0.9, 0.9]")),
      HasSubstr("services[0].busy_speed: gives the speed at every number busy, sharing_speed "
                "only beyond the cores; give one of them"));
}

TEST(SpecLoader, MissingFileSaysSo) {
  try {
    load_system("/nonexistent/spec.yaml");
    FAIL();
  } catch (const InputError& error) {
    EXPECT_THAT(error.what(), HasSubstr("cannot read spec \"/nonexistent/spec.yaml\""));
  }
}

TEST(SpecLoader, ReadsEmpiricalSamplesRelativeToTheSpec) {
  const System system = load_system(KENDALL_TEST_DATA_DIR "/empirical-spec.yaml");
  const Distribution& d = system.services[0].service_time;
  EXPECT_EQ(d.kind, DistributionKind::empirical);
  ASSERT_EQ(d.samples.size(), 4u);
  EXPECT_DOUBLE_EQ(d.mean, 0.025);  // (10 + 20 + 30 + 40) ms / 4
}

}  // namespace
}  // namespace kendall::model
