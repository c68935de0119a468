#pragma once
// One replication of a system: an object owning its clock, event heap, RNG and the state of every
// service and request in flight. simulate() runs one per replication.

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "counters.hpp"
#include "event_heap.hpp"
#include "kendall/base/sampler.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/sim/simulate.hpp"
#include "phase_clock.hpp"
#include "wandering_speed.hpp"

namespace kendall::sim::detail {

// How long to run and what to collect, already checked by simulate().
struct RunPlan {
  std::uint64_t requests = 0;  // measured ended requests, or 0 when by duration
  double duration = 0;
  std::uint64_t warmup_requests = 0;
  double warmup_duration = 0;
  int batches = 0;  // 0: no batch snapshots
  std::uint64_t max_requests_in_system = 0;
  std::vector<Phase> schedule;  // complete: a rate per class and a slowness per service
};

// A FIFO of request indices on a power-of-two ring: grows by doubling, never shrinks, so a
// queue allocates only when it reaches a new longest length.
class RequestQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::uint32_t size() const { return size_; }
  void push(std::uint32_t request);
  std::uint32_t pop() {
    const std::uint32_t request = ring_[head_];
    head_ = (head_ + 1) & (static_cast<std::uint32_t>(ring_.size()) - 1);
    --size_;
    return request;
  }

 private:
  std::vector<std::uint32_t> ring_;
  std::uint32_t head_ = 0;
  std::uint32_t size_ = 0;
};

class Simulator {
 public:
  // Called every few tens of thousands of events with the fraction of the replication done.
  using Progress = std::function<void(double)>;

  Simulator(const model::System& system, const RunPlan& plan, Rng rng);
  ReplicationOutput run(const Progress& progress);

 private:
  static constexpr std::uint32_t no_limit = std::numeric_limits<std::uint32_t>::max();

  struct Station {
    bool delay = false;
    model::Balancer balancer = model::Balancer::least_request;
    std::uint32_t workers = 1;
    // Fewer cores than workers: the requests in service share the cores (processor sharing),
    // each progressing at min(1, cores / in service).
    std::uint32_t cores = 1;
    bool shared_cpu = false;
    // The cores' speed with cores + 1 … workers in service (model::Service::sharing_speed):
    // each request then progresses at cores / n × that speed. Empty: 1.
    std::vector<double> sharing_speed;
    // The speed with 1 … workers in service (model::Service::busy_speed): each request then
    // progresses at min(1, cores / n) × that speed. Empty: as above.
    std::vector<double> busy_speed;
    // Services with a service_dispersion: their index into speeds_ (the jobs' speed wanders in
    // runs, shared by the station's servers as in the analytic model).
    std::int32_t speed = -1;
    std::uint32_t replicas = 1;
    std::uint32_t queue_limit = no_limit;
    std::uint32_t first_replica = 0;  // into replicas_
    std::uint32_t next_replica = 0;   // round robin
    std::uint32_t in_system = 0;
    std::uint32_t busy = 0;
    double last_change = 0;  // when in_system or busy last changed
  };
  struct Replica {
    std::uint32_t busy = 0;
    std::uint32_t in_system = 0;
    RequestQueue waiting;
    // Shared-CPU stations only: work done per request in service so far ("virtual time"),
    // each request's virtual finish time, and the real time of the next completion.
    std::uint32_t station = 0;
    double virtual_time = 0;
    double virtual_updated = 0;
    double next_completion = 0;
    std::vector<std::pair<double, std::uint32_t>> serving;
  };
  // One entry of a class's route, with the service-time sampler chosen for it.
  struct Stop {
    std::uint32_t station = 0;
    std::uint32_t whole_visits = 0;  // n of n + f
    double extra_visit = 0;          // f: probability of an (n + 1)th visit
    std::uint32_t sampler = 0;       // into samplers_
  };
  struct Route {
    std::uint32_t first = 0;  // into stops_
    std::uint32_t end = 0;
    bool closed = false;
    std::uint32_t population = 0;  // closed classes
    double mean_interarrival = 0;  // open classes
    // Open classes: the gaps, exponential when Poisson; of mean 1 under a schedule (expected
    // arrivals, turned into time by the phases' rates).
    std::uint32_t arrival_sampler = 0;
    std::uint32_t think_sampler = 0;
  };
  struct Request {
    double start = 0;        // when the request entered the system
    double visit_start = 0;  // when its current visit began
    std::uint32_t route = 0;
    std::uint32_t stop = 0;       // into stops_
    std::uint32_t remaining = 0;  // visits left at the current stop, this one included
    std::uint32_t replica = 0;    // global replica index while at a queue service
  };

  // The event being handled is still at the top of the heap: the first event it schedules
  // takes its place (one sift instead of a pop and a push); run() pops it if none does.
  void schedule(double time, EventKind kind, std::uint32_t target) {
    if (top_is_handled_) {
      heap_.replace_top(Event{time, kind, target});
      top_is_handled_ = false;
    } else {
      heap_.push(Event{time, kind, target});
    }
  }
  void schedule_arrival(std::uint32_t route);
  std::uint32_t new_request(std::uint32_t route);
  void start_request(std::uint32_t request);
  void next_stop(std::uint32_t request);
  void join(std::uint32_t request);
  void depart(std::uint32_t request);
  void complete(std::uint32_t request);
  void reject(std::uint32_t request, std::uint32_t station);
  void end_request(std::uint32_t request);
  void start_service(std::uint32_t request);
  void advance_cpu(std::uint32_t replica);
  // What each of a shared-CPU replica's requests in service progresses at.
  double cpu_rate(std::uint32_t replica) const;
  void schedule_cpu_completion(std::uint32_t replica);
  void cpu_depart(std::uint32_t replica, double time);
  std::uint32_t pick_replica(Station& station);
  void touch(std::uint32_t station);
  void flush_areas();
  void begin_measurement();
  Counters snapshot();
  double fraction_done() const;
  void warn_unstable();
  ReplicationOutput finish(std::chrono::steady_clock::time_point started);

  RunPlan plan_;
  Rng rng_;
  EventHeap heap_;
  double now_ = 0;
  std::uint64_t events_ = 0;
  bool stopped_ = false;
  bool top_is_handled_ = false;
  bool measuring_ = false;
  double measure_start_ = 0;
  std::uint64_t ended_ = 0;           // requests ended (completed or rejected), whole run
  std::uint64_t ended_measured_ = 0;  // since the measured window opened
  std::uint64_t next_batch_mark_ = 0;
  std::uint64_t live_requests_ = 0;

  std::vector<Station> stations_;
  std::vector<std::string> service_names_;
  std::vector<Replica> replicas_;
  std::vector<Sampler> samplers_;
  std::vector<WanderingSpeed> speeds_;
  PhaseClock phases_;
  std::vector<Stop> stops_;
  std::vector<Route> routes_;
  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_requests_;

  Counters counters_;
  std::vector<Counters> batch_marks_;
  std::vector<Histogram> response_times_;
  std::optional<std::string> warning_;
};

}  // namespace kendall::sim::detail
