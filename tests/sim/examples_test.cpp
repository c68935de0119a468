// The shipped examples load and simulate. Oracles: flow balance (an open class's throughput is
// its rate, a service's utilization is λ·E[S]/servers for any service distribution) and the
// interactive response time law N = X·(R + Z) for the closed example (Denning and Buzen 1978).
#include <string>

#include <gtest/gtest.h>

#include "kendall/model/spec.hpp"
#include "kendall/sim/simulate.hpp"

namespace kendall::sim {
namespace {

SimulationOptions five_replications() {
  SimulationOptions o;
  o.requests = 50'000;
  o.warmup_requests = 5'000;
  o.replications = 5;
  o.seed = 7;
  o.threads = 2;
  return o;
}

TEST(Examples, UserServicesMatchFlowBalance) {
  const auto system =
      model::load_system(std::string(KENDALL_SOURCE_DIR) + "/examples/user-services.yaml");
  const auto result = simulate(system, five_replications());
  ASSERT_EQ(result.classes.size(), 2u);
  for (std::size_t c = 0; c < system.classes.size(); ++c) {
    EXPECT_TRUE(result.classes[c].throughput.contains(system.classes[c].rate))
        << system.classes[c].name << ": " << result.classes[c].throughput.mean;
  }
  for (std::size_t k = 0; k < system.services.size(); ++k) {
    const auto& s = system.services[k];
    double offered = 0;  // λ·E[S] summed over the classes that visit s
    for (const auto& c : system.classes) {
      for (const auto& v : c.visits) {
        if (v.service == k)
          offered += c.rate * v.count * v.time(s).mean;
      }
    }
    EXPECT_TRUE(result.services[k].utilization->contains(offered / s.servers()))
        << s.name << ": " << result.services[k].utilization->mean << " vs "
        << offered / s.servers();
  }
  EXPECT_FALSE(result.warning.has_value());
}

TEST(Examples, ClosedLoginMatchesTheResponseTimeLaw) {
  const auto system =
      model::load_system(std::string(KENDALL_SOURCE_DIR) + "/examples/login-closed.yaml");
  const auto result = simulate(system, five_replications());
  const double users = system.classes[0].population;
  const double think = system.classes[0].think_time.mean;
  const double x = result.classes[0].throughput.mean;
  const double r = result.classes[0].response_time.mean;
  EXPECT_NEAR(users, x * (r + think), 0.01 * users);
}

}  // namespace
}  // namespace kendall::sim
