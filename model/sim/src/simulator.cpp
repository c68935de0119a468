#include "simulator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

namespace kendall::sim::detail {

void RequestQueue::push(std::uint32_t request) {
  if (size_ == ring_.size()) {
    // Unroll the ring into a buffer twice the size, oldest first.
    std::vector<std::uint32_t> bigger(std::max<std::size_t>(16, 2 * ring_.size()));
    for (std::uint32_t i = 0; i < size_; ++i) {
      bigger[i] = ring_[(head_ + i) & (static_cast<std::uint32_t>(ring_.size()) - 1)];
    }
    ring_ = std::move(bigger);
    head_ = 0;
  }
  ring_[(head_ + size_) & (static_cast<std::uint32_t>(ring_.size()) - 1)] = request;
  ++size_;
}

Counters difference(const Counters& later, const Counters& earlier) {
  Counters d = later;
  d.start = earlier.end;
  for (std::size_t i = 0; i < d.classes.size(); ++i) {
    d.classes[i].completed -= earlier.classes[i].completed;
    d.classes[i].rejected -= earlier.classes[i].rejected;
    d.classes[i].response_sum -= earlier.classes[i].response_sum;
  }
  for (std::size_t i = 0; i < d.services.size(); ++i) {
    auto& s = d.services[i];
    const auto& e = earlier.services[i];
    s.arrived -= e.arrived;
    s.visits -= e.visits;
    s.rejected -= e.rejected;
    s.residence_sum -= e.residence_sum;
    s.area_in_system -= e.area_in_system;
    s.area_busy -= e.area_busy;
  }
  return d;
}

Simulator::Simulator(const model::System& system, const RunPlan& plan, Rng rng)
    : plan_(plan), rng_(rng), heap_(1024), phases_(plan.schedule) {
  for (const auto& service : system.services) {
    Station station;
    station.delay = service.type == model::ServiceType::delay;
    station.balancer = service.balancer;
    station.workers = static_cast<std::uint32_t>(service.workers);
    station.cores = static_cast<std::uint32_t>(service.servers_per_replica());
    station.shared_cpu = !station.delay && station.cores < station.workers;
    if (station.shared_cpu) {
      station.sharing_speed = service.sharing_speed;
      station.busy_speed = service.busy_speed;
    }
    station.replicas = station.delay ? 1 : static_cast<std::uint32_t>(service.replicas);
    if (service.queue_limit)
      station.queue_limit = static_cast<std::uint32_t>(*service.queue_limit);
    station.first_replica = static_cast<std::uint32_t>(replicas_.size());
    replicas_.resize(replicas_.size() + station.replicas);
    for (std::uint32_t r = station.first_replica; r < replicas_.size(); ++r)
      replicas_[r].station = static_cast<std::uint32_t>(stations_.size());
    // sampler k is service k's own; with runs of slow jobs it draws the jobs' own variability
    // and the wandering speed the rest (empirical samples keep their shape, drawn nearer their
    // mean by as much as the runs add).
    Distribution own = service.service_time;
    if (!service.service_dispersion.empty()) {
      const model::SpeedModel speed =
          model::fit_speed_runs(service.service_dispersion, service.service_time.scv);
      if (!speed.runs.empty()) {
        station.speed = static_cast<std::int32_t>(speeds_.size());
        speeds_.emplace_back(speed, rng_);
        if (own.kind != DistributionKind::empirical) {
          own = Distribution::from_moments(own.mean, speed.job_scv);
        } else if (speed.job_scv < own.scv && own.scv > 0) {
          const double narrower = std::sqrt(speed.job_scv / own.scv);
          for (double& x : own.samples)
            x = std::max(0.0, own.mean + (x - own.mean) * narrower);
          own.scv = speed.job_scv;
        }
      }
    }
    stations_.push_back(station);
    samplers_.emplace_back(own);
    service_names_.push_back(service.name);
  }
  const bool closed = system.workload == model::WorkloadType::closed;
  for (const auto& workload : system.classes) {
    Route route;
    route.closed = closed;
    route.population = closed ? static_cast<std::uint32_t>(workload.population) : 0;
    route.mean_interarrival = !closed && workload.rate > 0 ? 1.0 / workload.rate : 0.0;
    // Gaps of the class's SCV: exponential at 1 (Poisson), gamma below, hyperexponential above.
    route.arrival_sampler = static_cast<std::uint32_t>(samplers_.size());
    if (!closed && !phases_.empty())
      samplers_.emplace_back(Distribution::from_moments(1.0, workload.arrival_scv));
    else
      samplers_.emplace_back(
          route.mean_interarrival > 0
              ? Distribution::from_moments(route.mean_interarrival, workload.arrival_scv)
              : Distribution::deterministic(0.0));
    route.think_sampler = static_cast<std::uint32_t>(samplers_.size());
    samplers_.emplace_back(workload.think_time);
    route.first = static_cast<std::uint32_t>(stops_.size());
    for (const auto& visit : workload.visits) {
      Stop stop;
      stop.station = static_cast<std::uint32_t>(visit.service);
      const double whole = std::floor(visit.count);
      stop.whole_visits = static_cast<std::uint32_t>(whole);
      stop.extra_visit = visit.count - whole;
      stop.sampler = stop.station;
      if (visit.service_time) {
        stop.sampler = static_cast<std::uint32_t>(samplers_.size());
        samplers_.emplace_back(*visit.service_time);
      }
      stops_.push_back(stop);
    }
    route.end = static_cast<std::uint32_t>(stops_.size());
    routes_.push_back(route);
  }
  counters_.classes.resize(routes_.size());
  counters_.services.resize(stations_.size());
  response_times_.resize(routes_.size());
}

// The class's next arrival after now: a gap at its rate, or under a schedule a unit gap of
// expected arrivals spent at the phases' rates (none when they stay 0 from some phase on).
void Simulator::schedule_arrival(std::uint32_t r) {
  const Route& route = routes_[r];
  const double gap = samplers_[route.arrival_sampler](rng_);
  if (phases_.empty()) [[likely]] {
    schedule(now_ + gap, EventKind::arrival, r);
    return;
  }
  phases_.advance(now_);
  const double at = phases_.after(now_, r, gap);
  if (std::isfinite(at))
    schedule(at, EventKind::arrival, r);
}

std::uint32_t Simulator::new_request(std::uint32_t route) {
  std::uint32_t index = 0;
  if (free_requests_.empty()) {
    index = static_cast<std::uint32_t>(requests_.size());
    requests_.emplace_back();
  } else {
    index = free_requests_.back();
    free_requests_.pop_back();
  }
  requests_[index].route = route;
  ++live_requests_;
  return index;
}

void Simulator::start_request(std::uint32_t q) {
  Request& request = requests_[q];
  request.start = now_;
  request.stop = routes_[request.route].first;
  next_stop(q);
}

// From the request's current stop onward, draws each stop's visit count (n, or n + 1 with
// probability f) and joins the first stop with a visit; with none left, the request is done.
void Simulator::next_stop(std::uint32_t q) {
  Request& request = requests_[q];
  const std::uint32_t end = routes_[request.route].end;
  for (; request.stop < end; ++request.stop) {
    const Stop& stop = stops_[request.stop];
    std::uint32_t visits = stop.whole_visits;
    if (stop.extra_visit > 0 && rng_.uniform() < stop.extra_visit)
      ++visits;
    if (visits > 0) {
      request.remaining = visits;
      join(q);
      return;
    }
  }
  complete(q);
}

void Simulator::touch(std::uint32_t k) {
  Station& station = stations_[k];
  ServiceCounters& c = counters_.services[k];
  const double elapsed = now_ - station.last_change;
  c.area_in_system += static_cast<double>(station.in_system) * elapsed;
  c.area_busy += static_cast<double>(station.busy) * elapsed;
  station.last_change = now_;
}

std::uint32_t Simulator::pick_replica(Station& station) {
  if (station.replicas == 1)
    return station.first_replica;
  switch (station.balancer) {
    case model::Balancer::least_request: {
      std::uint32_t best = station.first_replica;
      for (std::uint32_t r = best + 1; r < station.first_replica + station.replicas; ++r) {
        if (replicas_[r].in_system < replicas_[best].in_system)
          best = r;
      }
      return best;
    }
    case model::Balancer::round_robin: {
      const std::uint32_t r = station.next_replica;
      station.next_replica = r + 1 == station.replicas ? 0 : r + 1;
      return station.first_replica + r;
    }
    case model::Balancer::random:
      return station.first_replica + rng_.below(station.replicas);
  }
  return station.first_replica;
}

void Simulator::start_service(std::uint32_t q) {
  const Request& request = requests_[q];
  double service = samplers_[stops_[request.stop].sampler](rng_);
  const std::uint32_t k = stops_[request.stop].station;
  const Station& station = stations_[k];
  if (station.speed >= 0)
    service *= speeds_[static_cast<std::size_t>(station.speed)].next(rng_);
  if (!phases_.empty()) [[unlikely]] {
    phases_.advance(now_);
    service *= phases_.slowness(k);
  }
  if (!station.shared_cpu) {
    schedule(now_ + service, EventKind::departure, q);
    return;
  }
  Replica& replica = replicas_[request.replica];
  advance_cpu(request.replica);
  replica.serving.emplace_back(replica.virtual_time + service, q);
  schedule_cpu_completion(request.replica);
}

// Every request in service at a shared-CPU replica progresses at min(1, cores / n), times the
// cores' speed with n busy (busy_speed), or with n busy beyond the cores (sharing_speed).
double Simulator::cpu_rate(std::uint32_t r) const {
  const Replica& replica = replicas_[r];
  const Station& station = stations_[replica.station];
  const std::size_t n = replica.serving.size();
  if (!station.busy_speed.empty() && n > 0)
    return std::min(1.0, static_cast<double>(station.cores) / static_cast<double>(n)) *
           station.busy_speed[std::min(n, station.busy_speed.size()) - 1];
  if (n <= station.cores)
    return 1.0;
  const double share = static_cast<double>(station.cores) / static_cast<double>(n);
  const std::size_t beyond = n - station.cores - 1;
  return station.sharing_speed.empty()
             ? share
             : share * station.sharing_speed[std::min(beyond, station.sharing_speed.size() - 1)];
}

void Simulator::advance_cpu(std::uint32_t r) {
  Replica& replica = replicas_[r];
  if (!replica.serving.empty())
    replica.virtual_time += (now_ - replica.virtual_updated) * cpu_rate(r);
  replica.virtual_updated = now_;
}

void Simulator::schedule_cpu_completion(std::uint32_t r) {
  Replica& replica = replicas_[r];
  if (replica.serving.empty())
    return;
  const auto first = std::min_element(replica.serving.begin(), replica.serving.end());
  const double rate = cpu_rate(r);
  replica.next_completion = now_ + std::max(0.0, first->first - replica.virtual_time) / rate;
  schedule(replica.next_completion, EventKind::cpu_departure, r);
}

// A completion scheduled before the last arrival or departure at the replica is stale: the
// rates changed and a newer event holds the right time.
void Simulator::cpu_depart(std::uint32_t r, double time) {
  Replica& replica = replicas_[r];
  if (time != replica.next_completion || replica.serving.empty())
    return;
  advance_cpu(r);
  const auto first = std::min_element(replica.serving.begin(), replica.serving.end());
  const std::uint32_t q = first->second;
  *first = replica.serving.back();
  replica.serving.pop_back();
  replica.next_completion = -1;  // depart() may start a waiter, which schedules anew
  depart(q);
  if (replica.next_completion < 0)
    schedule_cpu_completion(r);
}

void Simulator::join(std::uint32_t q) {
  Request& request = requests_[q];
  const std::uint32_t k = stops_[request.stop].station;
  Station& station = stations_[k];
  ++counters_.services[k].arrived;
  request.visit_start = now_;
  if (station.delay) {
    touch(k);
    ++station.in_system;
    ++station.busy;
    start_service(q);
    return;
  }
  const std::uint32_t r = pick_replica(station);
  Replica& replica = replicas_[r];
  if (replica.busy < station.workers) {
    touch(k);
    ++station.in_system;
    ++replica.in_system;
    ++replica.busy;
    // Station busy counts busy servers: workers, or the cores they share.
    if (replica.busy <= station.cores)
      ++station.busy;
    request.replica = r;
    start_service(q);
  } else if (replica.waiting.size() >= station.queue_limit) {
    reject(q, k);
  } else {
    touch(k);
    ++station.in_system;
    ++replica.in_system;
    request.replica = r;
    replica.waiting.push(q);
  }
}

void Simulator::depart(std::uint32_t q) {
  Request& request = requests_[q];
  const std::uint32_t k = stops_[request.stop].station;
  Station& station = stations_[k];
  ServiceCounters& c = counters_.services[k];
  touch(k);
  --station.in_system;
  ++c.visits;
  c.residence_sum += now_ - request.visit_start;
  if (station.delay) {
    --station.busy;
  } else {
    Replica& replica = replicas_[request.replica];
    --replica.in_system;
    if (replica.waiting.empty()) {
      if (replica.busy <= station.cores)
        --station.busy;
      --replica.busy;
    } else {
      start_service(replica.waiting.pop());  // the freed worker takes the oldest waiter
    }
  }
  if (--request.remaining > 0) {
    join(q);
  } else {
    ++request.stop;
    next_stop(q);
  }
}

void Simulator::complete(std::uint32_t q) {
  const Request& request = requests_[q];
  const double response = now_ - request.start;
  ClassCounters& c = counters_.classes[request.route];
  ++c.completed;
  c.response_sum += response;
  response_times_[request.route].record(response);
  end_request(q);
}

void Simulator::reject(std::uint32_t q, std::uint32_t k) {
  ++counters_.services[k].rejected;
  ++counters_.classes[requests_[q].route].rejected;
  end_request(q);
}

// A request left the system. A closed user thinks and then reuses the record for its next
// request; an open request's record goes back to the free list.
void Simulator::end_request(std::uint32_t q) {
  const Route& route = routes_[requests_[q].route];
  if (route.closed) {
    schedule(now_ + samplers_[route.think_sampler](rng_), EventKind::think_end, q);
  } else {
    free_requests_.push_back(q);
    --live_requests_;
  }
  ++ended_;
  if (!measuring_) {
    if (plan_.warmup_requests > 0 && ended_ == plan_.warmup_requests)
      begin_measurement();
    return;
  }
  ++ended_measured_;
  if (plan_.requests == 0)
    return;
  if (ended_measured_ >= plan_.requests) {
    stopped_ = true;
  } else if (ended_measured_ == next_batch_mark_) {
    batch_marks_.push_back(snapshot());
    const auto k = static_cast<std::uint64_t>(batch_marks_.size()) + 1;
    next_batch_mark_ = k * plan_.requests / static_cast<std::uint64_t>(plan_.batches);
  }
}

void Simulator::flush_areas() {
  for (std::uint32_t k = 0; k < stations_.size(); ++k)
    touch(k);
}

Counters Simulator::snapshot() {
  flush_areas();
  Counters c = counters_;
  c.end = now_;
  return c;
}

// Opens the measured window: everything counted during the warm-up is dropped.
void Simulator::begin_measurement() {
  flush_areas();
  counters_.start = measure_start_ = now_;
  counters_.classes.assign(counters_.classes.size(), ClassCounters{});
  counters_.services.assign(counters_.services.size(), ServiceCounters{});
  for (auto& histogram : response_times_)
    histogram.clear();
  measuring_ = true;
  ended_measured_ = 0;
  const auto batches = static_cast<std::uint64_t>(plan_.batches);
  if (plan_.requests > 0) {
    next_batch_mark_ = batches > 1 ? plan_.requests / batches : 0;
  } else {
    for (std::uint64_t b = 1; b < batches; ++b) {
      const double at = now_ + plan_.duration * static_cast<double>(b) / plan_.batches;
      schedule(at, EventKind::batch_end, 0);
    }
    schedule(now_ + plan_.duration, EventKind::stop, 0);
  }
}

double Simulator::fraction_done() const {
  const bool has_warmup = plan_.warmup_requests > 0 || plan_.warmup_duration > 0;
  const double warmup_share = has_warmup ? 0.1 : 0.0;  // a rough share, for the progress bar only
  if (!measuring_) {
    const double warm = plan_.warmup_requests > 0 ? static_cast<double>(ended_) /
                                                        static_cast<double>(plan_.warmup_requests)
                                                  : now_ / plan_.warmup_duration;
    return warmup_share * std::min(warm, 1.0);
  }
  const double measured = plan_.requests > 0 ? static_cast<double>(ended_measured_) /
                                                   static_cast<double>(plan_.requests)
                                             : (now_ - measure_start_) / plan_.duration;
  return warmup_share + (1.0 - warmup_share) * std::min(measured, 1.0);
}

ReplicationOutput Simulator::run(const Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  for (std::uint32_t r = 0; r < routes_.size(); ++r) {
    const Route& route = routes_[r];
    if (!route.closed && (route.mean_interarrival > 0 || !phases_.empty()))
      schedule_arrival(r);
    for (std::uint32_t user = 0; user < route.population; ++user) {
      // Every user starts with a think time, so a deterministic one does not synchronise them
      // beyond what the model implies.
      schedule(samplers_[route.think_sampler](rng_), EventKind::think_end, new_request(r));
    }
  }
  if (plan_.warmup_duration > 0) {
    schedule(plan_.warmup_duration, EventKind::warmup_end, 0);
  } else if (plan_.warmup_requests == 0) {
    begin_measurement();
  }

  while (!stopped_ && !heap_.empty()) {
    const Event event = heap_.top();
    now_ = event.time;
    ++events_;
    top_is_handled_ = true;
    switch (event.kind) {
      case EventKind::arrival:
        schedule_arrival(event.target);
        start_request(new_request(event.target));
        break;
      case EventKind::departure:
        depart(event.target);
        break;
      case EventKind::cpu_departure:
        cpu_depart(event.target, event.time);
        break;
      case EventKind::think_end:
        start_request(event.target);
        break;
      case EventKind::warmup_end:
        begin_measurement();
        break;
      case EventKind::batch_end:
        batch_marks_.push_back(snapshot());
        break;
      case EventKind::stop:
        stopped_ = true;
        break;
    }
    if (top_is_handled_) {
      heap_.pop();
      top_is_handled_ = false;
    }
    if ((events_ & 0xffff) == 0) {
      if (progress)
        progress(fraction_done());
      if (live_requests_ > plan_.max_requests_in_system)
        warn_unstable();
    }
  }
  return finish(started);
}

// Stops a replication whose requests pile up: some service is offered more than it can serve.
void Simulator::warn_unstable() {
  std::size_t fullest = 0;
  for (std::size_t k = 1; k < stations_.size(); ++k) {
    if (stations_[k].in_system > stations_[fullest].in_system)
      fullest = k;
  }
  warning_ = fmt::format(
      "stopped at t = {:.6g} s with {} requests in the system ({} of them at \"{}\"): the "
      "offered load exceeds the capacity, so the system is unstable; add replicas or workers, "
      "or lower the arrival rate",
      now_, live_requests_, stations_.empty() ? 0 : stations_[fullest].in_system,
      service_names_.empty() ? "" : service_names_[fullest]);
  stopped_ = true;
}

ReplicationOutput Simulator::finish(std::chrono::steady_clock::time_point started) {
  if (!measuring_)
    begin_measurement();  // the warm-up never ended: report an empty window
  ReplicationOutput out;
  out.measured = snapshot();
  Counters previous = out.measured;
  previous.end = measure_start_;
  previous.classes.assign(previous.classes.size(), ClassCounters{});
  previous.services.assign(previous.services.size(), ServiceCounters{});
  if (plan_.batches > 1) {
    batch_marks_.push_back(out.measured);
    for (const Counters& mark : batch_marks_) {
      out.batches.push_back(difference(mark, previous));
      previous = mark;
    }
  }
  out.response_times = std::move(response_times_);
  out.events = events_;
  out.simulated_time = now_;
  out.loop_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.warning = std::move(warning_);
  return out;
}

}  // namespace kendall::sim::detail
