#pragma once
/// The system spec: Kendall's main user-facing description of services, workload and SLOs
/// (docs/spec.md). Units: seconds, requests per second, bytes, CPU cores.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "kendall/base/distribution.hpp"
#include "kendall/base/error.hpp"
#include "kendall/model/dispersion.hpp"

namespace kendall::model {

enum class ServiceType { queue, delay };
/// least_request: a request joins the replica with the fewest requests in it. The analytic
/// model treats that as one shared queue over all replicas' workers; the simulator keeps real
/// per-replica queues (docs/simulation.md measures the difference).
/// round_robin and random: a queue per replica.
enum class Balancer { least_request, round_robin, random };
enum class WorkloadType { open, closed };
enum class Statistic { mean, p50, p90, p95, p99, p999 };

std::string_view to_string(ServiceType type);
std::string_view to_string(Balancer balancer);
std::string_view to_string(WorkloadType type);
std::string_view to_string(Statistic statistic);

struct Resources {
  double cpu = 0;     ///< cores per replica (Kubernetes request)
  double memory = 0;  ///< bytes per replica
};

struct Service {
  std::string name;
  int replicas = 1;  ///< current count
  int workers = 1;   ///< requests served at once per replica
  Distribution service_time;
  ServiceType type = ServiceType::queue;
  Balancer balancer = Balancer::least_request;
  std::optional<int> queue_limit;  ///< waiting requests per replica beyond the workers
  double cost = 1.0;               ///< per replica-hour
  Resources resources;
  int min_replicas = 1;
  int max_replicas = 100;
  std::optional<int> port;  ///< where the live service listens (calibration, export)
  SourceLocation location;

  /// CPU cores one replica's workers can use at once, for CPU-bound work (the service time is
  /// then CPU time). Workers beyond the cores add no capacity: they share the cores.
  std::optional<int> cores;

  /// The service times' index of dispersion when they are correlated over time (a machine
  /// slower for seconds at a time), as `kendall validate` measures it or a spec gives it
  /// (`service_dispersion`); empty: independent. Open networks then use the robust-queueing
  /// wait (dispersion.hpp).
  std::vector<DispersionPoint> service_dispersion;

  /// The SCV of the time a request holds a worker, when measured (`hold_scv`). Workers
  /// time-sharing fewer cores: the scheduler hands out the cores in slices, not evenly at every
  /// instant, and the time in a worker spreads beyond processor sharing's; the model widens the
  /// stretch to it, keeping its mean (never narrows it). Other services ignore it.
  std::optional<double> hold_scv;

  /// Workers time-sharing fewer cores: the cores' speed with cores + 1, …, workers busy,
  /// relative to their speed with `cores` busy (`sharing_speed`, each in (0, 1]; empty: one
  /// speed whatever the number busy). Below 1 when sharing costs capacity: each slice brings
  /// another job's memory back into the caches (4 threads hashing 4 MiB on 2 cores finish 6–13%
  /// fewer hashes than 2). The service time is the work at `cores` busy. Open classes only.
  std::vector<double> sharing_speed;

  /// Workers time-sharing fewer cores: the speed the cores run the work at with 1, …, workers
  /// busy, relative to the service time (`busy_speed`, each in (0, 1]; empty: 1, or
  /// sharing_speed beyond the cores). Each busy worker progresses at min(1, cores / n) ×
  /// busy_speed[n − 1]. Measured rather than derived: what a pool finishes a second at each
  /// number busy, over its work, holds everything that slows it there (other threads taking a
  /// core, waking a core that had gone idle), which one speed cannot (docs/validate.md). Open
  /// classes only; not with sharing_speed.
  std::vector<double> busy_speed;

  /// Requests one replica serves at once at full speed: workers, or the cores if fewer.
  int servers_per_replica() const { return cores ? std::min(workers, *cores) : workers; }
  /// Servers seen by a request: replicas × servers per replica.
  int servers() const { return replicas * servers_per_replica(); }
};

/// One service a class visits, with the mean number of visits per request.
struct Visit {
  std::size_t service = 0;  ///< index into System::services
  double count = 1.0;
  /// Per-class service time at this service, overriding the service's own.
  std::optional<Distribution> service_time;

  const Distribution& time(const Service& s) const {
    return service_time ? *service_time : s.service_time;
  }
};

struct WorkloadClass {
  std::string name;
  double rate = 0;  ///< open: requests per second
  /// Open: the SCV of the gaps between the class's arrivals; 1 is Poisson, 0 evenly spaced,
  /// above 1 bursty (a load generator's late sends going out together).
  double arrival_scv = 1;
  int population = 0;                                          ///< closed: users
  Distribution think_time = Distribution::deterministic(0.0);  ///< closed: between requests
  std::vector<Visit> visits;
  SourceLocation location;
};

struct Slo {
  std::size_t workload_class = 0;  ///< index into System::classes
  Statistic statistic = Statistic::p95;
  double latency = 0;  ///< seconds
  SourceLocation location;
};

struct PlanSettings {
  double max_utilization = 0.8;
  std::string objective = "cost";
};

struct NodePool {
  int count = 0;
  double cpu = 0;     ///< cores per node
  double memory = 0;  ///< bytes per node
  double cost = 0;    ///< per node-hour
};

struct System {
  std::string name;
  std::string source;  ///< file it was read from, for messages
  PlanSettings plan;
  std::optional<NodePool> nodes;
  std::vector<Service> services;
  WorkloadType workload = WorkloadType::open;
  std::vector<WorkloadClass> classes;
  std::vector<Slo> slos;

  /// Index of the named service or class, if any.
  std::optional<std::size_t> find_service(std::string_view name) const;
  std::optional<std::size_t> find_class(std::string_view name) const;
};

/// Reads a spec from a YAML or JSON file. Throws InputError naming the file, line, column and
/// field (unknown key, unknown service in visits, negative rate, missing service_time, bad unit).
System load_system(const std::string& path);
/// The same, from text; `source` names it in messages.
System parse_system(const std::string& text, const std::string& source);

}  // namespace kendall::model
