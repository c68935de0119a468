#pragma once
// One queueing service visited once by one class: the system the single-station tests build.

#include <optional>
#include <utility>

#include "kendall/model/system_model.hpp"

namespace kendall::model::testing {

/// Service "cpu" with `workers` (sharing `cores`, if given), visited once per request by class
/// "requests", which has no load yet: give it one with open_load or closed_load.
inline System single_service(const Distribution& work, int workers,
                             std::optional<int> cores = std::nullopt) {
  System system;
  system.name = "single-service";
  Service service;
  service.name = "cpu";
  service.workers = workers;
  service.cores = cores;
  service.service_time = work;
  system.services = {service};
  WorkloadClass requests;
  requests.name = "requests";
  requests.visits = {Visit{0, 1.0, std::nullopt}};
  system.classes = {requests};
  return system;
}

/// Poisson arrivals at `rate` per second.
inline System open_load(System system, double rate) {
  system.classes[0].rate = rate;
  return system;
}

/// `users` who think an exponential `think` seconds between their requests.
inline System closed_load(System system, int users, double think) {
  system.workload = WorkloadType::closed;
  system.classes[0].population = users;
  system.classes[0].think_time = Distribution::exponential(think);
  return system;
}

}  // namespace kendall::model::testing
