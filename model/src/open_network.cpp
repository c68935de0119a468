// Open multi-class networks (docs/model.md, "Open networks"): each service is a station fed by
// the Poisson sum of its classes' visits, solved in closed form; each class's latency is the sum
// of its visits' sojourns. Exact for Jackson networks of M/M/c stations (Jackson 1963; Bolch et
// al. 2006, §7.1); G/G/c, round-robin and per-class service times are documented approximations.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "kendall/model/latency.hpp"
#include "system_model_detail.hpp"
#include "time_shared.hpp"

namespace kendall::model::detail {
namespace {

bool is_exponential(const Distribution& d) {
  return d.kind == DistributionKind::exponential ||
         (d.kind != DistributionKind::deterministic && d.kind != DistributionKind::empirical &&
          d.scv == 1.0);
}

/// A service with no traffic: nothing waits, each visit takes its service time.
StationMetrics idle_station(const Distribution& time) {
  StationMetrics m;
  m.stable = true;
  m.method = "no traffic";
  m.mean_response_time = time.mean;
  m.mean_waiting_time = 0.0;
  m.mean_number_in_system = 0.0;
  m.mean_queue_length = 0.0;
  m.probability_of_waiting = 0.0;
  m.waiting_time = WaitingTimeDistribution{};
  return m;
}

}  // namespace

bool time_shared(const Service& service) {
  return service.type == ServiceType::queue && service.cores && *service.cores < service.workers &&
         (service.balancer != Balancer::least_request || service.replicas == 1) &&
         !service.queue_limit;
}

double merged_arrival_scv(const System& system, const std::vector<double>& visit_rate) {
  double rate = 0;
  double weighted = 0;
  for (std::size_t c = 0; c < visit_rate.size() && c < system.classes.size(); ++c) {
    rate += visit_rate[c];
    weighted += visit_rate[c] * system.classes[c].arrival_scv;
  }
  return rate > 0 ? weighted / rate : 1.0;
}

ServiceSolution solve_service(const Service& service, double rate, const Distribution& time,
                              double arrival_scv) {
  if (rate <= 0)
    return {idle_station(time), 1, {}};
  if (service.type == ServiceType::delay) {
    StationInput input{rate, time, 1, std::nullopt, 1.0, false, {}, {}, {}};
    StationMetrics m = solve_station(QueueModel::mminf, input);
    m.method = "M/G/inf (delay: no queueing), exact";
    m.waiting_time = WaitingTimeDistribution{};
    return {m, 1, {}};
  }
  const bool shared_queue = service.balancer == Balancer::least_request;
  const int copies = shared_queue ? 1 : service.replicas;
  StationInput input;
  input.arrival_rate = rate / copies;
  input.service = time;
  input.servers = shared_queue ? service.servers() : service.servers_per_replica();
  if (service.queue_limit) {
    input.capacity = input.servers + (shared_queue ? service.replicas : 1) * *service.queue_limit;
  }
  // Round-robin hands each replica every r-th arrival: the sum of r gaps, SCV c_a² / r (Erlang-r
  // gaps for a Poisson stream).
  input.scv_arrival =
      service.balancer == Balancer::round_robin ? arrival_scv / service.replicas : arrival_scv;
  input.percentiles = false;  // classes convolve their own sojourns
  if (time_shared(service)) {
    input.service_dispersion = service.service_dispersion;
    input.sharing_speed = service.sharing_speed;
    input.busy_speed = service.busy_speed;
    TimeSharedSolution shared = solve_time_shared(input, service.workers);
    if (service.hold_scv)
      shared.stretch = widened_stretch(shared.stretch, time.scv, *service.hold_scv);
    shared.station.method = fmt::format("{} per replica × {} ({})", shared.station.method, copies,
                                        to_string(service.balancer));
    return {shared.station, copies, shared.stretch};
  }
  const bool markovian =
      is_exponential(time) && input.scv_arrival == 1.0 && service.service_dispersion.empty();
  const QueueModel model =
      input.capacity ? QueueModel::mmck : (markovian ? QueueModel::mmc : QueueModel::ggc);
  if (model == QueueModel::ggc)
    input.service_dispersion = service.service_dispersion;
  StationMetrics m = solve_station(model, input);
  if (input.capacity && !markovian) {
    // No closed form for G/G/c/K: blocking from M/M/c/K, and the wait of admitted requests from
    // G/G/c at the admitted rate, which keeps the service-time SCV (Whitt 1993 uses the same
    // split); under overload, where G/G/c has no steady state, M/M/c/K for everything.
    StationInput admitted = input;
    admitted.capacity.reset();
    admitted.service_dispersion = service.service_dispersion;
    admitted.arrival_rate = m.throughput;
    if (admitted.arrival_rate * time.mean < admitted.servers) {
      const StationMetrics waiting = solve_station(QueueModel::ggc, admitted);
      const auto blocking = m.probability_of_blocking;
      m = waiting;
      m.probability_of_blocking = blocking;
      m.method =
          "G/G/c (Allen–Cunneen) for the wait of admitted requests, M/M/c/K for blocking: "
          "approximate";
    } else {
      m.method += " (service-time SCV ignored under overload: approximate)";
    }
  }
  if (!shared_queue) {
    m.method =
        fmt::format("{} per replica × {} ({})", m.method, copies, to_string(service.balancer));
  }
  return {m, copies, {}};
}

SystemResult analyze_open(const System& system, const AnalysisOptions& options) {
  const std::size_t services = system.services.size();
  const std::size_t classes = system.classes.size();
  std::vector<double> class_rate(classes);
  for (std::size_t c = 0; c < classes; ++c)
    class_rate[c] = system.classes[c].rate * options.rate_scale;

  // Which time each class spends per visit at each service (nullptr where it does not visit).
  std::vector<std::vector<const Distribution*>> class_time(
      services, std::vector<const Distribution*>(classes, nullptr));
  for (std::size_t c = 0; c < classes; ++c) {
    for (const Visit& v : system.classes[c].visits) {
      class_time[v.service][c] = &v.time(system.services[v.service]);
    }
  }

  // Rejections at a queue limit thin the stream that reaches later visits; solve that fixed
  // point by iteration (it contracts: admission probabilities only rise as load falls).
  std::vector<double> admitted(services, 1.0);
  std::vector<std::vector<double>> visit_rate(services, std::vector<double>(classes));
  std::vector<ServiceSolution> solution(services);
  std::vector<Distribution> mixed(services);
  const bool any_limit = std::any_of(system.services.begin(), system.services.end(),
                                     [](const Service& s) { return s.queue_limit.has_value(); });
  for (int iteration = 0; iteration < 500; ++iteration) {
    for (auto& row : visit_rate)
      std::fill(row.begin(), row.end(), 0.0);
    for (std::size_t c = 0; c < classes; ++c) {
      double reach = 1.0;
      for (const Visit& v : system.classes[c].visits) {
        visit_rate[v.service][c] += class_rate[c] * reach * v.count;
        reach *= std::pow(admitted[v.service], v.count);
      }
    }
    double change = 0;
    for (std::size_t s = 0; s < services; ++s) {
      const Service& service = system.services[s];
      std::vector<const Distribution*> times(classes, &service.service_time);
      for (std::size_t c = 0; c < classes; ++c) {
        if (class_time[s][c])
          times[c] = class_time[s][c];
      }
      mixed[s] = mixed_service_time(service, visit_rate[s], times);
      const double load_scale =
          options.service_load_scale.empty() ? 1.0 : options.service_load_scale.at(s);
      const double rate =
          load_scale * std::accumulate(visit_rate[s].begin(), visit_rate[s].end(), 0.0);
      solution[s] =
          solve_service(service, rate, mixed[s], merged_arrival_scv(system, visit_rate[s]));
      const double admit = 1.0 - solution[s].station.probability_of_blocking.value_or(0.0);
      change = std::max(change, std::fabs(admit - admitted[s]));
      admitted[s] = admit;
    }
    if (!any_limit || change < 1e-13)
      break;
  }

  SystemResult result;
  result.name = system.name;
  result.workload = WorkloadType::open;
  result.method =
      "open network: each service a station fed by the Poisson sum of its visits (M/M/c exact; "
      "G/G/c by Allen–Cunneen; M/M/c/K under queue limits); a class's latency sums its visits";
  if (std::any_of(system.services.begin(), system.services.end(),
                  [](const Service& s) { return !s.service_dispersion.empty(); }))
    result.method +=
        "; services with a service_dispersion wait as on a server whose speed wanders in runs "
        "fitted to it (a Markov-modulated Brownian motion)";
  result.percentile_method =
      "numerical convolution of per-visit sojourn distributions (wait: exact for M/M/c and "
      "M/M/c/K, exponential tail otherwise, hyperexponential with a service_dispersion; service: "
      "its own distribution)";

  const double total_rate = std::accumulate(class_rate.begin(), class_rate.end(), 0.0);
  double highest_load = 0;
  std::vector<std::string> saturated;
  for (std::size_t s = 0; s < services; ++s) {
    const Service& service = system.services[s];
    const StationMetrics& m = solution[s].station;
    const double copies = solution[s].copies;
    ServiceResult out;
    out.name = service.name;
    out.servers = service.type == ServiceType::delay ? 0 : service.servers();
    out.method = m.method;
    out.stable = m.stable;
    out.throughput = m.throughput * copies;
    out.utilization = service.type == ServiceType::delay ? 0.0 : m.utilization;
    out.probability_of_blocking = m.probability_of_blocking.value_or(0.0);
    if (m.stable && m.mean_number_in_system) {
      out.mean_number_in_system = *m.mean_number_in_system * copies;
      out.response_time = m.mean_response_time;
      out.waiting_time = m.mean_waiting_time;
      out.residence_time = total_rate > 0 ? *out.mean_number_in_system / total_rate : 0.0;
    } else {
      saturated.push_back(fmt::format("{}: {}", service.name, m.saturation));
    }
    if (service.type == ServiceType::queue) {
      // Offered load per worker with no rejections: what limits the arrival rate.
      double work = 0;
      for (std::size_t c = 0; c < classes; ++c) {
        for (const Visit& v : system.classes[c].visits) {
          if (v.service == s)
            work += class_rate[c] * v.count * v.time(service).mean;
        }
      }
      // Workers sharing the cores more slowly than the cores alone run: all busy is the limit.
      double speed = 1.0;
      if (time_shared(service) && !service.busy_speed.empty())
        speed = service.busy_speed.back();
      else if (time_shared(service) && !service.sharing_speed.empty())
        speed = service.sharing_speed.back();
      const double load = work / (service.servers() * speed);
      if (load > highest_load) {
        highest_load = load;
        result.bottleneck = service.name;
      }
    }
    result.services.push_back(std::move(out));
  }
  if (highest_load > 0)
    result.saturation_rate = total_rate / highest_load;
  result.stable = saturated.empty();
  result.saturation = fmt::format("{}", fmt::join(saturated, "; "));

  std::vector<LatencyGrid> grids;
  std::vector<double> weights;
  bool all_stable = true;
  double weighted_response = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    const WorkloadClass& wc = system.classes[c];
    ClassResult out;
    out.name = wc.name;
    out.offered_rate = class_rate[c];
    double reach = 1.0, response = 0;
    bool stable = true;
    LatencySum sum;
    for (const Visit& v : wc.visits) {
      const StationMetrics& m = solution[v.service].station;
      reach *= std::pow(admitted[v.service], v.count);
      if (!m.stable || !m.mean_waiting_time || !m.waiting_time) {
        stable = false;
        continue;
      }
      const Distribution& time = v.time(system.services[v.service]);
      response += v.count * (*m.mean_waiting_time + solution[v.service].service_mean(time));
      sum.add_sojourn(*m.waiting_time, time, v.count, solution[v.service].stretch);
    }
    out.throughput = class_rate[c] * reach;
    out.rejection_probability = 1.0 - reach;
    if (stable) {
      out.mean_response_time = response;
      weighted_response += class_rate[c] * response;
      if (options.percentiles) {
        grids.push_back(sum.grid());
        weights.push_back(out.throughput);
        out.response_time_percentiles = percentiles_of(grids.back());
        out.response_time_distribution = grids.back();
      }
    }
    all_stable = all_stable && stable;
    result.throughput += out.throughput;
    result.classes.push_back(std::move(out));
  }
  if (all_stable && total_rate > 0) {
    result.mean_response_time = weighted_response / total_rate;
    if (options.percentiles && !grids.empty()) {
      const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
      std::vector<const LatencyGrid*> parts;
      for (std::size_t i = 0; i < grids.size(); ++i) {
        parts.push_back(&grids[i]);
        weights[i] = total > 0 ? weights[i] / total : 1.0 / static_cast<double>(grids.size());
      }
      result.response_time_percentiles = mixture_percentiles(parts, weights);
    }
  }

  for (const Service& service : system.services) {
    if (service.type == ServiceType::queue && service.balancer == Balancer::round_robin &&
        service.replicas > 1) {
      result.notes.push_back(fmt::format(
          "{}: round-robin replicas modelled as G/G/c with Erlang-{} interarrival gaps (c_a² = "
          "1/{}), an approximation",
          service.name, service.replicas, service.replicas));
    }
  }
  for (const Service& service : system.services) {
    if (service.type == ServiceType::queue && service.balancer == Balancer::least_request &&
        service.replicas > 1) {
      result.notes.push_back(fmt::format(
          "{}: least-request over {} replicas modelled as one shared queue; real per-replica "
          "queues (join-shortest-queue) wait longer — up to 10% on the mean and 18% on p99 with "
          "one worker per replica, less with more workers (docs/simulation.md); check with "
          "kendall simulate",
          service.name, service.replicas));
    }
  }
  for (const Service& service : system.services) {
    if (service.type == ServiceType::queue && service.cores && *service.cores < service.workers) {
      result.notes.push_back(
          time_shared(service)
              ? fmt::format("{}: {} workers share {} cores evenly (processor sharing): a "
                            "request in a worker takes its work times the number of busy "
                            "workers per core, at least 1 (docs/model.md)",
                            service.name, service.workers, *service.cores)
              : fmt::format(
                    "{}: {} workers share {} cores: modelled as {} servers in FCFS "
                    "order (with a queue limit or least-request "
                    "over replicas there is no time-shared model); the OS shares the cores evenly, "
                    "which kendall simulate does",
                    service.name, service.workers, *service.cores, *service.cores));
    }
  }
  for (const WorkloadClass& c : system.classes) {
    for (const Visit& v : c.visits) {
      if (v.count > 1) {
        result.notes.push_back(fmt::format(
            "{}: {} visits to {} are treated as independent; back-to-back visits see correlated "
            "queues, so tail percentiles are optimistic (docs/simulation.md)",
            c.name, v.count, system.services[v.service].name));
      }
    }
  }
  if (any_limit) {
    result.notes.push_back(
        "queue limits: rejected requests leave the system; latencies are of admitted requests");
  }
  return result;
}

}  // namespace kendall::model::detail
