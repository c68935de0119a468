#pragma once
// Small builders for closed-network test models.

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kendall/model/closed_network.hpp"

namespace kendall::model::closed_test {

inline ClosedStation queue_station(std::string name, double demand, int servers = 1) {
  return ClosedStation{std::move(name), false, servers, {demand}};
}

inline ClosedStation delay_station(std::string name, double demand) {
  return ClosedStation{std::move(name), true, 1, {demand}};
}

inline ClosedModel single_class(std::vector<ClosedStation> stations, int users, double think) {
  return ClosedModel{std::move(stations), {users}, {think}};
}

/// QSP p. 117 timesharing model (research/anchors-model.md T11): CPU and two disks, Z = 15 s.
inline ClosedModel timesharing(int users) {
  return single_class(
      {queue_station("cpu", 0.605), queue_station("disk1", 2.1), queue_station("disk2", 1.35)},
      users, 15.0);
}

/// A value printed to `decimals` decimal places is right when it rounds to the printed digits:
/// within half a unit in the last place (plus rounding slack of our own).
inline ::testing::AssertionResult rounds_to(double value, double printed, int decimals) {
  const double half_unit = 0.5 * std::pow(10.0, -decimals) * (1.0 + 1e-9);
  if (std::abs(value - printed) <= half_unit)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << value << " does not round to " << printed << " at " << decimals << " decimals";
}

}  // namespace kendall::model::closed_test
