// `cores` on a service: workers beyond the cores add no capacity. The analytic model then has
// min(workers, cores) servers per replica (hand-derived M/M/2 values below), says so in a note,
// and the spec rejects a core count below one with its location.
#include <gtest/gtest.h>

#include "kendall/base/error.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/model/system_model.hpp"

namespace kendall::model {
namespace {

System spec_with(const std::string& service_line) {
  return parse_system(R"(apiVersion: kendall/v1
services:
  - )" + service_line + R"(
workload:
  classes:
    - {name: c, rate: 600, visits: {cpu: 1}}
)",
                      "cores.yaml");
}

TEST(Cores, FewerCoresThanWorkersMeansCoresServers) {
  const System system = spec_with("{name: cpu, workers: 4, cores: 2, service_time: 3ms}");
  ASSERT_TRUE(system.services[0].cores);
  EXPECT_EQ(system.services[0].servers(), 2);
  const SystemResult result = analyze(system);
  // M/M/2, λ = 600/s, S = 3 ms: a = 1.8, ρ = 0.9, C(2, a) = 2ρ²/(1+ρ) = 0.852632,
  // R = S + C·S/(2 − a) = 3 ms + 0.852632 × 15 ms = 15.789 ms.
  ASSERT_TRUE(result.classes[0].mean_response_time);
  EXPECT_NEAR(*result.classes[0].mean_response_time, 0.003 + 0.852632 * 0.015, 1e-6);
  EXPECT_NEAR(result.services[0].utilization, 0.9, 1e-12);
  bool noted = false;
  for (const auto& note : result.notes)
    noted = noted || note.find("4 workers share 2 cores") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(Cores, MoreCoresThanWorkersChangeNothing) {
  const SystemResult with =
      analyze(spec_with("{name: cpu, workers: 4, cores: 8, service_time: 3ms}"));
  const SystemResult without = analyze(spec_with("{name: cpu, workers: 4, service_time: 3ms}"));
  EXPECT_EQ(*with.classes[0].mean_response_time, *without.classes[0].mean_response_time);
}

TEST(Cores, BelowOneIsAnErrorWithItsLocation) {
  try {
    spec_with("{name: cpu, workers: 4, cores: 0, service_time: 3ms}");
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("cores.yaml:3:"), std::string::npos) << message;
    EXPECT_NE(message.find("cores"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace kendall::model
