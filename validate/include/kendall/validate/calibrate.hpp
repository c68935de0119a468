#pragma once
/// Calibration: measure a live service at low load and turn what was measured into the inputs
/// of a spec (docs/validate.md).
///
/// One closed-loop user sends requests back to back, so no request ever waits for another: the
/// service's /metrics then give the time a request holds a worker (kendall_service_time_seconds)
/// and confirm that nothing queued (kendall_queue_wait_seconds). The client's own latency, minus
/// the server's, is the fixed overhead of the network, parsing and the client (modelled as a
/// delay). A service without those metrics is calibrated from the client's latency alone.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kendall/base/distribution.hpp"
#include "kendall/base/histogram.hpp"
#include "kendall/loadgen/scenario.hpp"
#include "kendall/model/dispersion.hpp"
#include "kendall/validate/prometheus.hpp"

namespace kendall::validation {

struct CalibrationTarget {
  std::string service;         ///< the name the spec uses
  loadgen::Scenario scenario;  ///< what to send; all requests go to one endpoint
  loadgen::Endpoint metrics;   ///< where GET /metrics is answered
};

/// Rounds of calibration's open-loop phase: the overhead is their median, so a stall of the host
/// in one round does not become part of every prediction.
inline constexpr std::uint64_t kOverheadRounds = 5;
/// While stalled rounds are not a minority the phase runs more rounds, up to this many: a spell
/// of stalls spanning three of five rounds put the median itself in a stall.
inline constexpr std::uint64_t kMostOverheadRounds = 15;

/// Rounds of the overhead phase that measured more than twice the lowest round outside the
/// server, and 0.1 ms more: stalls of the host, which the path itself never grows by.
std::size_t stalled_overhead_rounds(const std::vector<double>& rounds);
/// Whether the rounds' median is a round the host did not stall: at least kOverheadRounds
/// rounds, and the stalled ones a minority.
bool overhead_rounds_settled(const std::vector<double>& rounds);

/// The wait for a worker queueing alone gives `workers` servers at `rate` (Poisson) with holds
/// of this mean and SCV: P = C(c, a), a = rate × mean, and given a wait, an exponential time of
/// mean m = (1 + SCV) / 2 × mean / (c − a) (Allen–Cunneen), so a mean of P·m and a variance of
/// 2P·m² − (P·m)², M/M/1's exactly. Calibration's open-loop phase takes it out of the measured
/// wait, whose rest is the hand-off to a worker. Zero when the queue would not be stable.
struct QueueingWait {
  double mean = 0;
  double variance = 0;
};
QueueingWait low_load_queueing(int workers, double rate, double hold_mean, double hold_scv);

/// The spread of one round of the overhead phase: its latencies' variance (winsorized at p99.9)
/// and its workers' holds' (from the service's sums of squares; empty: not counted), in s².
struct RoundSpread {
  double latency_variance = 0;
  std::optional<double> hold_variance;
  double queueing_variance = 0;  ///< of the wait queueing alone gives (low_load_queueing)
};
/// The path's variance outside the work: per round, the latencies' variance less the holds' and
/// queueing's (the rest is the path's own and the hand-off's; never below 0), and the rounds'
/// median, since the holds' spread moves with the host's speed from round to round. Empty when a
/// round's holds were not counted, or there were no rounds.
std::optional<double> path_variance(const std::vector<RoundSpread>& rounds);

struct CalibrationOptions {
  std::uint64_t requests = 2000;  ///< measured requests (the SCV of a skewed time needs many)
  std::uint64_t warmup = 30;      ///< sent first and not measured (connections, caches)
  double timeout = 10;            ///< per request, seconds
  std::uint64_t seed = 1;
  /// The service's process, when it runs on this machine: its CPU time per request is then
  /// measured too (/proc), which tells CPU-bound work from waiting.
  std::optional<int> service_pid{};
  /// Then Poisson requests at a tenth of the estimated capacity (at most 1000/s, for about
  /// three seconds, in kOverheadRounds rounds whose median is taken, more while stalled rounds
  /// are not a minority: overhead_rounds_settled) measure the overhead, the
  /// hand-off to a worker and the variability as open-loop load sees them; 0 skips this phase.
  std::uint64_t open_loop_requests = 2000;
  /// Scheduler slice of the load generator's threads (loadgen::LoadOptions::thread_slice).
  std::chrono::nanoseconds thread_slice{100'000};
};

struct Calibration {
  std::string service;
  std::string target;         ///< host:port
  std::string source;         ///< "metrics" or "client" (no usable /metrics)
  std::uint64_t samples = 0;  ///< requests measured
  /// Seconds a request holds a worker: from kendall_worker_busy_seconds_total when the service
  /// has it (the job plus handing its answer back), else the job's own time.
  double service_mean = 0;
  double job_mean = 0;     ///< kendall_service_time_seconds: the job's own work
  double service_scv = 1;  ///< squared coefficient of variation of that time
  /// Server-side wait at low load: the hand-off to a worker (from the open-loop phase when it
  /// ran, where an idle worker must be woken, less low_load_queueing; else from the
  /// back-to-back requests).
  double queued_mean = 0;
  /// The open-loop phase's wait for a worker that queueing at its rate explains, left out of
  /// queued_mean and the overhead (0: no phase).
  double low_load_queueing = 0;
  double client_mean = 0;  ///< what the client saw, end to end
  double client_scv = 0;
  double overhead = 0;         ///< client_mean − service_mean: network, parsing, hand-off, client
  std::optional<int> workers;  ///< the service's kendall_workers gauge
  double overhead_rate = 0;    ///< requests/s of the open-loop overhead phase (0: none)
  /// Each round's client latency − the server's own time in that phase (empty: no phase);
  /// the overhead takes their median.
  std::vector<double> overhead_rounds;
  /// The open-loop phase's latency variance over service_mean² (0: no phase).
  double open_loop_scv = 0;
  /// The overhead's SCV: the path's variance in the open-loop phase over overhead² (0:
  /// constant). The path's variance is path_variance() of the phase's rounds when the service
  /// counts its holds' squares, else what the open-loop latency varies beyond the back-to-back
  /// one (waking idle cores and threads).
  double overhead_scv = 0;
  /// CPU seconds per request used by the service process (with service_pid) and by this
  /// process, the load generator, while calibrating.
  std::optional<double> server_cpu_per_request;
  double client_cpu_per_request = 0;
  /// Busy CPU of the whole machine per request while calibrating.
  double machine_cpu_per_request = 0;
  std::uint64_t errors = 0;  ///< failed requests during calibration

  /// The service time as a spec distribution (mean and SCV).
  Distribution service_time() const {
    return Distribution::from_moments(service_mean, service_scv);
  }
};

/// CPU seconds (user + system) a process has used, from /proc/PID/stat; nothing if unreadable.
std::optional<double> process_cpu_seconds(int pid);
/// CPU seconds this process has used.
double own_cpu_seconds();
/// The whole machine's CPU seconds so far (all cores), from one reading of /proc/stat.
struct MachineCpu {
  /// Busy: user, system, interrupts, steal; also the kernel's network work, which no process is
  /// charged for.
  double busy = 0;
  /// Of those, the hypervisor running other guests on this machine's cores while they had work
  /// (steal): time the machine's threads waited for a core that no process here used.
  double steal = 0;
};
MachineCpu machine_cpu_seconds();
/// machine_cpu_seconds().busy.
double machine_busy_seconds();

/// A service is CPU-bound when its process used at least half a core-second per second in
/// service: its workers then compete for the machine's cores.
bool cpu_bound(const Calibration& calibration);

/// Measures one target. Throws std::runtime_error when the target cannot be reached or answers
/// mostly errors (naming the status codes seen).
Calibration calibrate(const CalibrationTarget& target, const CalibrationOptions& options);

/// Variance of the values recorded in a histogram (bucket midpoints; within its 0.4% error).
/// Values above the `clip_quantile` count as that quantile (winsorized: one stall among a
/// thousand requests must not set the whole spread); 1 clips nothing.
double histogram_variance(const Histogram& histogram, double clip_quantile = 1.0);

/// Time a worker was held per job between two scrapes of a Kendall service's /metrics
/// (kendall_worker_busy_seconds_total over kendall_worker_jobs_total): the service time the
/// queue sees. Nothing when the counters are absent or no job finished in between.
std::optional<double> worker_hold_per_job(const Samples& before, const Samples& after);

/// The CPU time the workers' own threads used per job between two scrapes
/// (kendall_worker_cpu_seconds_total over kendall_worker_jobs_total): the work without the I/O
/// thread's. Nothing without those counters or with no job finished in between.
std::optional<double> worker_cpu_per_job(const Samples& before, const Samples& after);

/// Mean wait for a worker per job between two scrapes (kendall_queue_wait_seconds): nothing when
/// the histogram is absent or no job was taken in between.
std::optional<double> queue_wait_per_job(const Samples& before, const Samples& after);

/// The SCV of those holds (variance over mean², from kendall_worker_busy_seconds_squared_total):
/// nothing without that counter or with fewer than two jobs in between.
std::optional<double> worker_hold_scv(const Samples& before, const Samples& after);

/// The SCV of the gaps between jobs arriving at the worker queue between two scrapes
/// (kendall_queue_arrival_gap_seconds_total and its squares over kendall_queue_arrival_gaps_total):
/// how bunched the arrivals are where they wait, after the I/O thread. Nothing without those
/// counters or with fewer than two gaps in between.
std::optional<double> queue_arrival_scv(const Samples& before, const Samples& after);

/// The jobs that finished on one CPU between two scrapes and their mean CPU time.
struct CoreSpeed {
  int cpu = 0;
  double jobs = 0;
  double cpu_per_job = 0;  ///< seconds
};

/// Per CPU, from kendall_worker_core_jobs_total and kendall_worker_core_cpu_seconds_total
/// {cpu="N"}: how fast each core ran the work (ascending CPU; those with no job in between
/// left out). Empty for services without those counters.
std::vector<CoreSpeed> core_speeds(const Samples& before, const Samples& after);

/// The slowest core's CPU time per job over the fastest's, among the cores that finished at
/// least a tenth of the jobs; nothing with fewer than two such cores.
std::optional<double> core_speed_ratio(const std::vector<CoreSpeed>& cores);

/// The time a service's pool spent with `busy` workers busy between two scrapes and the jobs
/// that finished then (kendall_workers_busy_seconds_total and
/// kendall_worker_jobs_finished_by_busy_total {busy="N"}).
struct BusySpeed {
  int busy = 0;
  double seconds = 0;
  double jobs = 0;
  /// Jobs finished a second with that many busy: the pool's speed there.
  double rate() const { return seconds > 0 ? jobs / seconds : 0; }
};

/// Every number busy with time spent between the scrapes (ascending); empty for services
/// without those counters.
std::vector<BusySpeed> busy_speeds(const Samples& before, const Samples& after);

/// With more `workers` than `cores`: the pool's rate with every worker busy over its rate with
/// as many busy as cores, when both spans are long enough to say (half a second and 50 jobs
/// each). Below 1 when sharing the cores costs capacity.
std::optional<double> sharing_speed(const std::vector<BusySpeed>& speeds, int cores, int workers);

/// The SCV of the jobs' CPU times between two scrapes (kendall_worker_cpu_seconds_total and its
/// squares over kendall_worker_jobs_total); nothing without them or with fewer than two jobs.
std::optional<double> worker_cpu_scv(const Samples& before, const Samples& after);

/// Fewest blocks a scale needs between two scrapes before its dispersion is reported: the
/// variance of 64 block sums is within about ±18% (one standard error).
inline constexpr double kMinDispersionBlocks = 64;

/// The index of dispersion of the holds' sums, I(m) = Var(S_1+…+S_m) / (m E[S]²), at each block
/// size m whose kendall_worker_hold_blocks_total grew by at least kMinDispersionBlocks between
/// two scrapes (ascending m), from the complete blocks alone (their sum and sum of squares); with
/// the skew index K(m) = κ₃(S_1+…+S_m) / (m E[S]³) where the service counts the sums' cubes too.
/// Empty for services without those counters.
std::vector<model::DispersionPoint> worker_hold_dispersion(const Samples& before,
                                                           const Samples& after);

/// The same for the jobs' CPU times (kendall_worker_cpu_*): the work without the waits for a core
/// that holds include when more workers than cores share them.
std::vector<model::DispersionPoint> worker_cpu_dispersion(const Samples& before,
                                                          const Samples& after);

/// The same for the gaps between jobs arriving at the worker queue (kendall_queue_arrival_gap_*):
/// the arrivals' index of dispersion for intervals, J(m) = Var(gap_1+…+gap_m) / (m E[gap]²).
/// 1 at every m for Poisson arrivals; bunches of a few raise J(2) but not J(1024).
std::vector<model::DispersionPoint> queue_arrival_dispersion(const Samples& before,
                                                             const Samples& after);

/// Dispersion `points` measured from a scrape that had counted `gaps_from` values, less the block
/// sizes m whose block holding value `gaps_before` + 1 (the first after an earlier scrape: for
/// arrival gaps, the pause before a level) was still open then. Blocks of m close at multiples
/// of m counted from the service's first value, so that block closed iff some multiple of m
/// lies in [gaps_before + 1, gaps_from]; an open one would bring the pause into the indices.
std::vector<model::DispersionPoint> blocks_closed_after_pause(
    std::vector<model::DispersionPoint> points, double gaps_before, double gaps_from);

}  // namespace kendall::validation
