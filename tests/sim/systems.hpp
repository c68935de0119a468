#pragma once
// Small systems for the simulator tests, built as structs (no spec file needed).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kendall/model/spec.hpp"
#include "kendall/sim/simulate.hpp"

namespace kendall::sim::testing {

/// `replications` runs of `requests` each (a tenth more as warm-up), on two threads.
inline SimulationOptions replicated(std::uint64_t requests, int replications, std::uint64_t seed) {
  SimulationOptions o;
  o.requests = requests;
  o.warmup_requests = requests / 10;
  o.replications = replications;
  o.seed = seed;
  o.threads = 2;
  return o;
}

inline model::Service queue_service(std::string name, const Distribution& service_time,
                                    int workers = 1, int replicas = 1) {
  model::Service s;
  s.name = std::move(name);
  s.service_time = service_time;
  s.workers = workers;
  s.replicas = replicas;
  return s;
}

inline model::Service delay_service(std::string name, const Distribution& service_time) {
  model::Service s = queue_service(std::move(name), service_time);
  s.type = model::ServiceType::delay;
  return s;
}

inline model::Visit visit(std::size_t service, double count = 1.0) {
  model::Visit v;
  v.service = service;
  v.count = count;
  return v;
}

inline model::WorkloadClass open_class(std::string name, double rate,
                                       std::vector<model::Visit> visits) {
  model::WorkloadClass c;
  c.name = std::move(name);
  c.rate = rate;
  c.visits = std::move(visits);
  return c;
}

inline model::WorkloadClass closed_class(std::string name, int population,
                                         const Distribution& think_time,
                                         std::vector<model::Visit> visits) {
  model::WorkloadClass c;
  c.name = std::move(name);
  c.population = population;
  c.think_time = think_time;
  c.visits = std::move(visits);
  return c;
}

inline model::System system_of(std::vector<model::Service> services,
                               std::vector<model::WorkloadClass> classes,
                               model::WorkloadType workload = model::WorkloadType::open) {
  model::System s;
  s.name = "test";
  s.services = std::move(services);
  s.classes = std::move(classes);
  s.workload = workload;
  return s;
}

/// M/M/c as one service of c workers fed by one Poisson class.
inline model::System mmc(double arrival_rate, double service_rate, int servers) {
  return system_of(
      {queue_service("station", Distribution::exponential(1.0 / service_rate), servers)},
      {open_class("requests", arrival_rate, {visit(0)})});
}

}  // namespace kendall::sim::testing
