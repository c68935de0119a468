// Closed workloads (docs/model.md, "Closed networks"): the spec becomes a closed queueing network
// — each service a station whose demand per class is visits × mean service time, think time an
// implicit delay — solved exactly for one class and by Schweitzer–Bard AMVA for several.
// Per-class percentiles: with one class, each visit's wait comes from the station's occupancy
// as an arrival sees it (the arrival theorem): finding j >= c others it waits for j − c + 1
// departures, an Erlang mixture that is exact for exponential work (occupancy_split.cpp). Work more
// variable than exponential, and several classes, take the wait as exponential with the network's
// mean wait and an Erlang C probability of waiting at the station's throughput. Workers
// time-sharing fewer cores take their wait for a worker and their work's stretch from the occupancy
// too.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/model/latency.hpp"
#include "occupancy_split.hpp"
#include "system_model_detail.hpp"

namespace kendall::model::detail {
namespace {

/// Which stations of the closed model belong to each service (several for per-replica queues).
struct StationMap {
  std::vector<std::vector<std::size_t>> stations_of_service;
};

ClosedModel build_closed_model(const System& system, const AnalysisOptions& options,
                               StationMap& map) {
  ClosedModel model;
  const std::size_t classes = system.classes.size();
  map.stations_of_service.resize(system.services.size());
  for (std::size_t s = 0; s < system.services.size(); ++s) {
    const Service& service = system.services[s];
    std::vector<double> demands(classes, 0.0);
    for (std::size_t c = 0; c < classes; ++c) {
      for (const Visit& v : system.classes[c].visits) {
        if (v.service == s)
          demands[c] += v.count * v.time(service).mean;
      }
    }
    const bool per_replica =
        service.type == ServiceType::queue && service.balancer != Balancer::least_request;
    const int copies = per_replica ? service.replicas : 1;
    for (int r = 0; r < copies; ++r) {
      ClosedStation station;
      station.name = copies == 1 ? service.name : fmt::format("{}#{}", service.name, r);
      station.delay = service.type == ServiceType::delay;
      station.servers = per_replica ? service.servers_per_replica() : service.servers();
      station.demands = demands;
      // The wait's distribution needs one copy's occupancy (the copies are alike); the
      // time-shared split needs it for the means too.
      station.occupancy = r == 0 && service.type == ServiceType::queue &&
                          (time_shared(service) || options.percentiles);
      for (double& d : station.demands)
        d /= copies;
      map.stations_of_service[s].push_back(model.stations.size());
      model.stations.push_back(std::move(station));
    }
  }
  for (const WorkloadClass& c : system.classes) {
    model.populations.push_back(
        std::max(1, static_cast<int>(std::lround(c.population * options.rate_scale))));
    model.think_times.push_back(c.think_time.mean);
  }
  return model;
}

/// The waiting time of one visit, from the network's mean wait: exponential, with an Erlang C
/// probability of waiting at the station's offered load.
WaitingTimeDistribution approximate_wait(double mean_wait, int servers, double offered_load) {
  if (!(mean_wait > 0))
    return WaitingTimeDistribution{};
  double waiting = 1.0;
  if (offered_load < servers)
    waiting = std::clamp(erlang_c(servers, offered_load), 1e-9, 1.0);
  return WaitingTimeDistribution{waiting, {ErlangTerm{1.0, 1, waiting / mean_wait}}};
}

/// Workers time-sharing cores: the occupancy of one of the service's stations splits its
/// queue into the wait for a worker and the stretched work (occupancy_split.cpp). Several classes
/// have no exact occupancy; the birth-death chain with the station's mean number stands in.
OccupancySplit shared_cores_split(const Service& service, const ClosedStationResult& station,
                                  double visit_rate, double work_scv, int population) {
  const std::vector<double> occupancy =
      station.occupancy.empty()
          ? chain_occupancy(station.total_queue_length, *service.cores, population)
          : station.occupancy;
  return split_by_occupancy(occupancy, visit_rate, work_scv, *service.cores, service.workers);
}

}  // namespace

SystemResult analyze_closed(const System& system, const AnalysisOptions& options) {
  for (std::size_t s = 0; s < system.services.size(); ++s)
    for (const auto& [field, speeds] :
         {std::pair{"sharing_speed", &system.services[s].sharing_speed},
          std::pair{"busy_speed", &system.services[s].busy_speed}})
      if (!speeds->empty())
        throw InputError(fmt::format(
            "services[{}].{}: a speed that depends on the number busy is modelled for open "
            "classes (rate) only; remove it to model \"{}\" with closed classes at one speed",
            s, field, system.services[s].name));
  StationMap map;
  const ClosedModel model = build_closed_model(system, options, map);
  const ClosedResult solved = solve_closed(model);
  const std::size_t classes = system.classes.size();

  SystemResult result;
  result.name = system.name;
  result.workload = WorkloadType::closed;
  result.method = "closed network: " + solved.method;
  result.bounds = solved.bounds;
  result.percentile_method =
      solved.exact
          ? "numerical convolution of per-visit sojourns; each wait from the station's occupancy "
            "as an arrival sees it: finding j >= c others, Erlang over the j - c + 1 departures "
            "ahead (exact for exponential work, as regular as the work below SCV 1; above it "
            "exponential with the mean wait), and workers time-sharing cores stretch the work "
            "by the busy workers"
          : "approximate: numerical convolution of per-visit sojourns, each wait exponential with "
            "the network's mean wait and an Erlang C probability of waiting (workers "
            "time-sharing cores: the wait and the work's stretch from a birth-death chain with "
            "the station's mean number)";

  double highest = -1;
  const int population = std::accumulate(model.populations.begin(), model.populations.end(), 0);
  std::vector<WaitingTimeDistribution> waits(system.services.size());
  std::vector<std::vector<Stretch>> stretches(system.services.size());
  for (std::size_t s = 0; s < system.services.size(); ++s) {
    const Service& service = system.services[s];
    ServiceResult out;
    out.name = service.name;
    out.servers = service.type == ServiceType::delay ? 0 : service.servers();
    out.method = service.type == ServiceType::delay ? "delay station" : "queueing station";
    double number = 0, utilization = 0, residence = 0, visits_per_second = 0, work = 0;
    for (std::size_t station : map.stations_of_service[s]) {
      const ClosedStationResult& r = solved.stations[station];
      number += r.total_queue_length;
      utilization += r.total_utilization;
      for (std::size_t c = 0; c < classes; ++c)
        residence += solved.throughput[c] * r.residence_time[c];
    }
    std::vector<double> class_visits(classes, 0.0);
    std::vector<const Distribution*> class_time(classes, &service.service_time);
    for (std::size_t c = 0; c < classes; ++c) {
      for (const Visit& v : system.classes[c].visits) {
        if (v.service != s)
          continue;
        visits_per_second += solved.throughput[c] * v.count;
        work += solved.throughput[c] * v.count * v.time(service).mean;
        class_visits[c] += solved.throughput[c] * v.count;
        class_time[c] = &v.time(service);
      }
    }
    const double copies = static_cast<double>(map.stations_of_service[s].size());
    const double total_throughput =
        std::accumulate(solved.throughput.begin(), solved.throughput.end(), 0.0);
    out.throughput = visits_per_second;
    out.utilization = service.type == ServiceType::delay ? 0.0 : utilization / copies;
    out.mean_number_in_system = number;
    out.residence_time = total_throughput > 0 ? residence / total_throughput : 0.0;
    if (visits_per_second > 0) {
      out.response_time = number / visits_per_second;
      const double mean_service = work / visits_per_second;
      out.waiting_time = std::max(0.0, *out.response_time - mean_service);
      // One copy stands for all (they are alike): its occupancy, where the solver gave one.
      const ClosedStationResult& first = solved.stations[map.stations_of_service[s].front()];
      const double work_scv = mixed_service_time(service, class_visits, class_time).scv;
      if (time_shared(service)) {
        const OccupancySplit split =
            shared_cores_split(service, first, visits_per_second / copies, work_scv, population);
        out.waiting_time = split.mean_wait;
        waits[s] = split.wait;
        stretches[s] = service.hold_scv
                           ? widened_stretch(split.stretch, work_scv, *service.hold_scv)
                           : split.stretch;
        out.method = fmt::format(
            "{} workers time-sharing {} cores: the network's occupancy (processor sharing), "
            "split into the wait for a worker and the stretched work{}",
            service.workers, *service.cores, solved.exact ? "" : " (approximate occupancy)");
      } else if (service.type == ServiceType::queue) {
        const int servers = service.balancer == Balancer::least_request
                                ? service.servers()
                                : service.servers_per_replica();
        if (first.occupancy.empty() || work_scv > 1) {
          waits[s] = approximate_wait(*out.waiting_time, servers, work / copies);
        } else {
          // First come, first served: finding j >= c others, the wait for j − c + 1 departures
          // (servers as workers and cores alike: nothing stretches).
          waits[s] = split_by_occupancy(first.occupancy, visits_per_second / copies, work_scv,
                                        servers, servers)
                         .wait;
        }
      }
    }
    if (service.type == ServiceType::queue && out.utilization > highest) {
      highest = out.utilization;
      result.bottleneck = service.name;
    }
    result.services.push_back(std::move(out));
  }

  std::vector<LatencyGrid> grids;
  std::vector<double> weights;
  double weighted = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    ClassResult out;
    out.name = system.classes[c].name;
    out.throughput = solved.throughput[c];
    out.mean_response_time = solved.response_time[c];
    weighted += solved.throughput[c] * solved.response_time[c];
    result.throughput += solved.throughput[c];
    if (options.percentiles) {
      LatencySum sum;
      for (const Visit& v : system.classes[c].visits) {
        sum.add_sojourn(waits[v.service], v.time(system.services[v.service]), v.count,
                        stretches[v.service]);
      }
      grids.push_back(sum.grid());
      weights.push_back(solved.throughput[c]);
      out.response_time_percentiles = percentiles_of(grids.back());
      out.response_time_distribution = grids.back();
    }
    result.classes.push_back(std::move(out));
  }
  if (result.throughput > 0) {
    result.mean_response_time = weighted / result.throughput;
    if (options.percentiles) {
      std::vector<const LatencyGrid*> parts;
      for (std::size_t i = 0; i < grids.size(); ++i) {
        parts.push_back(&grids[i]);
        weights[i] /= result.throughput;
      }
      result.response_time_percentiles = mixture_percentiles(parts, weights);
    }
  }
  if (!solved.exact)
    result.notes.push_back("several classes: means by approximate MVA");
  for (const Service& service : system.services) {
    if (service.type == ServiceType::queue && service.balancer == Balancer::round_robin &&
        service.replicas > 1) {
      result.notes.push_back(
          fmt::format("{}: round-robin replicas modelled as random routing in the closed network",
                      service.name));
    }
  }
  return result;
}

}  // namespace kendall::model::detail
