#pragma once
/// Discrete-event simulation of a system spec (the same model::System the analytic model solves).
/// Units: seconds and requests per second.
///
/// What is simulated:
/// - Open classes: Poisson arrivals at `rate`. Closed classes: `population` users, each thinking
///   for a `think_time` draw between requests (users start thinking at time 0).
/// - A request makes its class's visits in the listed order. A visit with mean count n + f
///   (0 ≤ f < 1) is made n + 1 times with probability f, else n times, back to back — the rule the
///   analytic model uses.
/// - A queue service has `replicas` replicas, each with `workers` servers and its own FIFO queue.
///   The balancer picks the replica on arrival: least_request joins the replica with the fewest
///   requests in it (ties to the lowest index), round_robin cycles, random picks uniformly.
///   (The analytic model treats least_request as one shared queue, M/M/(replicas·workers); real
///   per-replica queues wait a little longer, between that and round robin.)
///   A request finding `queue_limit` requests already waiting at its replica is rejected and leaves
///   the system (a closed user goes back to thinking).
/// - A delay service has infinite servers: no queueing.
/// - Service times come from the visit's override or the service's distribution.
///
/// Estimates and their 95% confidence intervals:
/// - replications ≥ 2: independent replications; the estimate is the mean of the replications'
///   values and the half-width t(0.975, R−1)·s/√R (Student t).
/// - replications = 1: batch means; the measured window is cut into `batches` equal batches (by
///   ended requests or by time) and the same formula is applied to the batch values.
/// Percentiles come from the response-time histograms of all replications merged (no interval).
/// A metric with no observation (no request of the class completed) is {0, 0}.
///
/// Same seed, same numbers: replication r draws from Rng::stream(seed, r) and results are merged
/// in replication order, so the thread count never changes the output.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kendall/base/histogram.hpp"
#include "kendall/model/spec.hpp"
#include "kendall/model/station.hpp"
#include "kendall/sim/statistics.hpp"

namespace kendall::sim {

/// A stretch of simulated time at rates and speeds other than the spec's: a traffic profile, or
/// a host whose speed moves (kendall validate replays a level's windows this way).
struct Phase {
  double duration = 0;  ///< simulated seconds, above 0
  /// Open systems: each class's arrival rate in requests/s, in System::classes order; empty:
  /// the spec's rates. The gaps keep the class's arrival SCV; a rate that changes mid-gap is
  /// followed exactly (the arrivals are a renewal process in the integrated rate).
  std::vector<double> rates;
  /// Each service's service times multiplied by this (1 as specified, 1.25 a quarter slower), in
  /// System::services order; empty: all 1. A job keeps the slowness of the phase it starts in.
  std::vector<double> slowness;
};

struct SimulationOptions {
  /// Length of each replication's measured window: ended requests (completed or rejected, all
  /// classes) or simulated seconds. Exactly one must be positive.
  std::uint64_t requests = 0;
  double duration = 0;
  /// Warm-up discarded before measuring, in ended requests or simulated seconds (at most one).
  std::uint64_t warmup_requests = 0;
  double warmup_duration = 0;
  int replications = 1;
  std::uint64_t seed = 1;
  /// Worker threads for the replications (at most `replications` are used); 0 = one per core.
  int threads = 1;
  /// Batches for the batch-means interval when replications = 1 (at least 2).
  int batches = 20;
  /// A replication stops early, with a warning, when this many requests are in the system at
  /// once: an unstable open system would otherwise grow without bound.
  std::uint64_t max_requests_in_system = 10'000'000;
  /// Phases in order from time 0, the warm-up included, every replication alike; the last one
  /// holds on after the schedule ends. Empty: the spec's rates and speeds throughout.
  std::vector<Phase> schedule;
};

struct ClassResult {
  std::string name;
  Estimate throughput;             ///< completed requests per second
  Estimate response_time;          ///< mean end-to-end time of completed requests (no think time)
  Estimate rejection_probability;  ///< rejected / (completed + rejected)
  model::ResponsePercentiles percentiles;  ///< from `histogram`
  Histogram histogram;          ///< response times of completed requests, all replications
  std::uint64_t completed = 0;  ///< measured, summed over replications
  std::uint64_t rejected = 0;
};

struct ServiceResult {
  std::string name;
  /// Busy fraction per worker (busy time / (replicas × workers × time)); none for delay services.
  std::optional<Estimate> utilization;
  Estimate mean_number_in_system;  ///< waiting and in service, all replicas
  /// Time a request spends here over all its visits, per completed request (all classes):
  /// without rejections the residence times sum to the total mean response time.
  Estimate residence_time;
  Estimate throughput;             ///< visits completed per second
  Estimate rejection_probability;  ///< rejected / arrived visits
  std::uint64_t rejected = 0;
};

struct SimulationResult {
  std::vector<ClassResult> classes;     ///< in System::classes order
  std::vector<ServiceResult> services;  ///< in System::services order
  ClassResult total;                    ///< all classes together, named "total"

  std::string interval_method;  ///< e.g. "independent replications (R = 5), Student t, 95%"
  int replications = 0;
  std::uint64_t events = 0;   ///< events processed, all replications
  double simulated_time = 0;  ///< seconds simulated, all replications, warm-up included
  double wall_seconds = 0;    ///< elapsed time of the whole call
  /// Events / seconds spent in the event loops, summed over threads: a per-core rate.
  double events_per_second = 0;
  /// Set when a replication stopped early (unstable system); names the fullest service.
  std::optional<std::string> warning;
};

/// Called with the fraction done, in [0, 1], from the calling thread, a few times a second at
/// most; the last call is 1.
using ProgressCallback = std::function<void(double fraction)>;

/// Simulates the system. Throws InputError for options or a system it cannot run (no run length,
/// a service without servers, an invalid distribution, an open class with no rate, a phase
/// without a duration or with rates or slowness that do not fit the system).
SimulationResult simulate(const model::System& system, const SimulationOptions& options,
                          const ProgressCallback& progress = {});

}  // namespace kendall::sim
