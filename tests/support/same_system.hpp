#pragma once
// Field-by-field equality of two specs as the loader reads them, for writers' round trips
// (oracle: model::parse_system reading what was written).

#include <gtest/gtest.h>

#include "kendall/model/spec.hpp"

namespace kendall::testing {

inline void expect_same_distribution(const Distribution& a, const Distribution& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_DOUBLE_EQ(a.mean, b.mean);
  EXPECT_DOUBLE_EQ(a.scv, b.scv);
}

inline void expect_same_system(const model::System& a, const model::System& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_DOUBLE_EQ(a.plan.max_utilization, b.plan.max_utilization);
  EXPECT_EQ(a.plan.objective, b.plan.objective);
  ASSERT_EQ(a.nodes.has_value(), b.nodes.has_value());
  if (a.nodes) {
    EXPECT_EQ(a.nodes->count, b.nodes->count);
    EXPECT_DOUBLE_EQ(a.nodes->cpu, b.nodes->cpu);
    EXPECT_DOUBLE_EQ(a.nodes->memory, b.nodes->memory);
    EXPECT_DOUBLE_EQ(a.nodes->cost, b.nodes->cost);
  }
  ASSERT_EQ(a.services.size(), b.services.size());
  for (std::size_t i = 0; i < a.services.size(); ++i) {
    SCOPED_TRACE("services[" + std::to_string(i) + "]");
    const model::Service& x = a.services[i];
    const model::Service& y = b.services[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.replicas, y.replicas);
    EXPECT_EQ(x.workers, y.workers);
    EXPECT_EQ(x.cores, y.cores);
    EXPECT_EQ(x.hold_scv, y.hold_scv);
    EXPECT_EQ(x.sharing_speed, y.sharing_speed);
    EXPECT_EQ(x.busy_speed, y.busy_speed);
    expect_same_distribution(x.service_time, y.service_time);
    ASSERT_EQ(x.service_dispersion.size(), y.service_dispersion.size());
    for (std::size_t k = 0; k < x.service_dispersion.size(); ++k) {
      EXPECT_DOUBLE_EQ(x.service_dispersion[k].jobs, y.service_dispersion[k].jobs);
      EXPECT_DOUBLE_EQ(x.service_dispersion[k].index, y.service_dispersion[k].index);
      EXPECT_EQ(x.service_dispersion[k].skew_index, y.service_dispersion[k].skew_index);
      EXPECT_EQ(x.service_dispersion[k].blocks, y.service_dispersion[k].blocks);
    }
    EXPECT_EQ(x.balancer, y.balancer);
    EXPECT_EQ(x.queue_limit, y.queue_limit);
    EXPECT_DOUBLE_EQ(x.cost, y.cost);
    EXPECT_DOUBLE_EQ(x.resources.cpu, y.resources.cpu);
    EXPECT_DOUBLE_EQ(x.resources.memory, y.resources.memory);
    EXPECT_EQ(x.min_replicas, y.min_replicas);
    EXPECT_EQ(x.max_replicas, y.max_replicas);
    EXPECT_EQ(x.port, y.port);
  }
  EXPECT_EQ(a.workload, b.workload);
  ASSERT_EQ(a.classes.size(), b.classes.size());
  for (std::size_t i = 0; i < a.classes.size(); ++i) {
    SCOPED_TRACE("classes[" + std::to_string(i) + "]");
    const model::WorkloadClass& x = a.classes[i];
    const model::WorkloadClass& y = b.classes[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_DOUBLE_EQ(x.rate, y.rate);
    EXPECT_DOUBLE_EQ(x.arrival_scv, y.arrival_scv);
    EXPECT_EQ(x.population, y.population);
    expect_same_distribution(x.think_time, y.think_time);
    ASSERT_EQ(x.visits.size(), y.visits.size());
    for (std::size_t v = 0; v < x.visits.size(); ++v) {
      EXPECT_EQ(x.visits[v].service, y.visits[v].service);
      EXPECT_DOUBLE_EQ(x.visits[v].count, y.visits[v].count);
      ASSERT_EQ(x.visits[v].service_time.has_value(), y.visits[v].service_time.has_value());
      if (x.visits[v].service_time)
        expect_same_distribution(*x.visits[v].service_time, *y.visits[v].service_time);
    }
  }
  ASSERT_EQ(a.slos.size(), b.slos.size());
  for (std::size_t i = 0; i < a.slos.size(); ++i) {
    EXPECT_EQ(a.slos[i].workload_class, b.slos[i].workload_class);
    EXPECT_EQ(a.slos[i].statistic, b.slos[i].statistic);
    EXPECT_DOUBLE_EQ(a.slos[i].latency, b.slos[i].latency);
  }
}

}  // namespace kendall::testing
