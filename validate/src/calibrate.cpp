#include "kendall/validate/calibrate.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "kendall/loadgen/run.hpp"
#include "kendall/model/station.hpp"
#include "kendall/validate/http_call.hpp"
#include "kendall/validate/prometheus.hpp"

namespace kendall::validation {

namespace {

constexpr const char* service_metric = "kendall_service_time_seconds";
constexpr const char* queue_metric = "kendall_queue_wait_seconds";

std::optional<Samples> scrape(const loadgen::Endpoint& at) {
  return scrape_metrics(at.host, at.port);
}

loadgen::RunResult one_user(const loadgen::Scenario& scenario, std::uint64_t requests,
                            const CalibrationOptions& options) {
  loadgen::LoadOptions load;
  load.users = 1;
  load.think_time = 0;
  load.think_kind = loadgen::ThinkTime::fixed;
  load.duration = 0;
  load.requests = requests;
  load.timeout = options.timeout;
  load.seed = options.seed;
  load.thread_slice = options.thread_slice;
  return loadgen::run_load(scenario, load);
}

// Back-to-back requests keep the cores awake and the caches warm; Poisson arrivals at a low rate
// let the cores idle between requests, and waking costs tens of microseconds at both ends (and
// for CPU-heavy work, time in service too). So the overhead and the variability the validation
// sees are measured the way it loads: open loop.
// One round of the phase: its means and its spread (path_variance reads the spreads).
struct OpenLoopRound {
  double outside = 0;   // client latency − the server's own request time, mean
  double queued = 0;    // the hand-off: the wait for a worker beyond queueing's
  double queueing = 0;  // the wait queueing alone gives at this load (low_load_queueing)
  RoundSpread spread;
};

// The phase: the rounds' medians, and the path's variance.
struct OpenLoopPhase {
  double outside = 0;
  double queued = 0;
  double queueing = 0;
  double latency_variance = 0;          // of the client's latency
  std::optional<double> path_variance;  // path_variance() of the rounds; empty: unknown
};

// The work as calibration's back-to-back requests measured it, for rounds whose holds the
// service does not count.
struct BackToBackWork {
  int workers = 1;
  double mean = 0;
  double scv = 0;
};

std::optional<OpenLoopRound> open_loop_round(const CalibrationTarget& target,
                                             const CalibrationOptions& options, double rate,
                                             const BackToBackWork& work, std::uint64_t requests,
                                             std::uint64_t round) {
  const auto before = scrape(target.metrics);
  loadgen::LoadOptions load;
  load.steps = {{rate}};
  load.duration = 0;
  load.requests = requests;
  load.connections = 8;
  load.timeout = options.timeout;
  load.seed = options.seed + 1 + round;
  load.thread_slice = options.thread_slice;
  const loadgen::RunResult run = loadgen::run_load(target.scenario, load);
  const auto after = scrape(target.metrics);
  if (!before || !after)
    return std::nullopt;
  const auto server_after = total_histogram(*after, "kendall_http_request_duration_seconds");
  const auto server_before = total_histogram(*before, "kendall_http_request_duration_seconds");
  const loadgen::StepResult& step = run.steps.at(0);
  if (!server_after || !server_before || step.responses == 0)
    return std::nullopt;
  const PromHistogram server = server_after->since(*server_before);
  if (server.count < static_cast<double>(step.responses) / 2)
    return std::nullopt;
  OpenLoopRound measured;
  measured.outside = step.latency.mean() - server.mean();
  // Winsorized at p99.9: one stall of the machine must not set the path's whole spread.
  measured.spread.latency_variance = histogram_variance(step.latency.histogram, 0.999);
  const auto hold = worker_hold_per_job(*before, *after);
  const auto hold_scv = worker_hold_scv(*before, *after);
  if (hold && hold_scv)
    measured.spread.hold_variance = *hold_scv * *hold * *hold;
  // A tenth of capacity still queues now and then: with one worker that is most of the wait
  // (0.10 of 0.13 ms for exp:1ms work, 2026-12-05), and the model queues at every level itself.
  const QueueingWait queueing =
      low_load_queueing(work.workers, rate, hold.value_or(work.mean), hold_scv.value_or(work.scv));
  const double waited = queue_wait_per_job(*before, *after).value_or(0);
  measured.queued = std::max(0.0, waited - queueing.mean);
  measured.queueing = std::min(waited, queueing.mean);
  measured.spread.queueing_variance = queueing.variance;
  return measured;
}

double median_of(std::vector<double> values) {
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

// The phase in kOverheadRounds short rounds, each quantity the rounds' median: a stall of the
// host freezes the path for tens of milliseconds, and every Poisson request due meanwhile waits
// it out, so one 80 ms stall in a 3 s phase at 360/s lifts the whole phase's mean by ~1.2 ms,
// five times the path itself. That overhead is then added to every level's prediction (a CI run
// on 2026-12-02 predicted every level ~1.5 ms high). A stall lands in one round and the median
// leaves it out; a host slow throughout moves every round and the median with them. A spell of
// stalls over three rounds of five (CI, 2026-12-04: 0.43, 1.29 and 1.15 ms against 0.14 and
// 0.22 ms; the level then measured 0.15-0.21 ms outside the server, and its mean came out 10%
// high) would set the median, so the phase goes on until the stalled rounds are a minority.
std::optional<OpenLoopPhase> open_loop_phase(const CalibrationTarget& target,
                                             const CalibrationOptions& options, double rate,
                                             const BackToBackWork& work,
                                             std::vector<double>& outside_rounds) {
  // About three seconds in all, and at least 10 requests a round.
  const std::uint64_t total =
      std::min(options.open_loop_requests, static_cast<std::uint64_t>(rate * 3));
  const std::uint64_t per_round = std::max<std::uint64_t>(10, total / kOverheadRounds);
  std::vector<double> outside, queued, queueing, variance;
  std::vector<RoundSpread> spreads;
  for (std::uint64_t round = 0; round < kMostOverheadRounds && !overhead_rounds_settled(outside);
       ++round) {
    const auto one = open_loop_round(target, options, rate, work, per_round, round);
    if (!one)
      return std::nullopt;
    outside.push_back(one->outside);
    queued.push_back(one->queued);
    queueing.push_back(one->queueing);
    variance.push_back(one->spread.latency_variance);
    spreads.push_back(one->spread);
  }
  outside_rounds = outside;
  OpenLoopPhase phase;
  phase.outside = median_of(outside);
  phase.queued = median_of(queued);
  phase.queueing = median_of(queueing);
  phase.latency_variance = median_of(variance);
  phase.path_variance = path_variance(spreads);
  return phase;
}

}  // namespace

QueueingWait low_load_queueing(int workers, double rate, double hold_mean, double hold_scv) {
  const double offered = rate * hold_mean;
  if (workers < 1 || !(offered > 0) || !(offered < workers))
    return {};
  const double waits = model::erlang_c(workers, offered);
  const double given_wait = (1 + hold_scv) / 2 * hold_mean / (workers - offered);
  return {waits * given_wait,
          2 * waits * given_wait * given_wait - std::pow(waits * given_wait, 2)};
}

std::optional<double> path_variance(const std::vector<RoundSpread>& rounds) {
  std::vector<double> beyond_holds;
  for (const RoundSpread& round : rounds) {
    if (!round.hold_variance)
      return std::nullopt;
    beyond_holds.push_back(
        std::max(0.0, round.latency_variance - *round.hold_variance - round.queueing_variance));
  }
  if (beyond_holds.empty())
    return std::nullopt;
  return median_of(beyond_holds);
}

std::size_t stalled_overhead_rounds(const std::vector<double>& rounds) {
  if (rounds.empty())
    return 0;
  const double lowest = std::max(0.0, *std::min_element(rounds.begin(), rounds.end()));
  return static_cast<std::size_t>(std::count_if(rounds.begin(), rounds.end(), [&](double round) {
    return round > 2 * lowest && round - lowest > 100e-6;
  }));
}

bool overhead_rounds_settled(const std::vector<double>& rounds) {
  return rounds.size() >= kOverheadRounds && 2 * stalled_overhead_rounds(rounds) < rounds.size();
}

// utime + stime of a process, in seconds (fields 14 and 15 of /proc/PID/stat).
std::optional<double> process_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text))
    return std::nullopt;
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int index = 3; fields >> field && index <= 15; ++index)
    if (index >= 14)
      ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

MachineCpu machine_cpu_seconds() {
  std::ifstream in("/proc/stat");
  std::string label;
  in >> label;  // "cpu": the sum over cores
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return {(user + nice + system + irq + softirq + steal) / tick, steal / tick};
}

double machine_busy_seconds() {
  return machine_cpu_seconds().busy;
}

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

bool cpu_bound(const Calibration& calibration) {
  return calibration.server_cpu_per_request &&
         *calibration.server_cpu_per_request >= 0.5 * calibration.service_mean;
}

double histogram_variance(const Histogram& histogram, double clip_quantile) {
  const std::uint64_t n = histogram.count();
  if (n < 2)
    return 0;
  const double cap = clip_quantile < 1 ? histogram.value_at_quantile(clip_quantile)
                                       : std::numeric_limits<double>::infinity();
  auto value_of = [cap](std::size_t bucket) {
    return std::min(cap, (Histogram::bucket_lower(bucket) + Histogram::bucket_upper(bucket)) / 2);
  };
  const std::size_t first = Histogram::bucket_index(histogram.min());
  const std::size_t last = Histogram::bucket_index(histogram.max());
  // Unclipped, the exact recorded mean; clipped, the mean of the clipped values.
  double mean = histogram.mean();
  if (clip_quantile < 1) {
    double sum = 0;
    for (std::size_t i = first; i <= last; ++i)
      sum += static_cast<double>(histogram.bucket_at(i)) * value_of(i);
    mean = sum / static_cast<double>(n);
  }
  double squares = 0;
  for (std::size_t i = first; i <= last; ++i) {
    if (const std::uint64_t count = histogram.bucket_at(i)) {
      const double deviation = value_of(i) - mean;
      squares += static_cast<double>(count) * deviation * deviation;
    }
  }
  return squares / static_cast<double>(n - 1);
}

namespace {

// How much a counter grew between two scrapes; nothing when either lacks it.
std::optional<double> counter_delta(const Samples& before, const Samples& after,
                                    const std::string& name) {
  const auto b = find_sample(before, name);
  const auto a = find_sample(after, name);
  if (!a || !b)
    return std::nullopt;
  return *a - *b;
}

// The SCV of the values counted between two scrapes by a count, their sum and their squares'
// sum: nothing without the counters or with fewer than two values in between.
std::optional<double> scv_between(const Samples& before, const Samples& after,
                                  const std::string& count_name, const std::string& sum_name,
                                  const std::string& squares_name) {
  const auto count = counter_delta(before, after, count_name);
  const auto sum = counter_delta(before, after, sum_name);
  const auto squares = counter_delta(before, after, squares_name);
  if (!count || !sum || !squares || *count < 2 || !(*sum > 0))
    return std::nullopt;
  const double mean = *sum / *count;
  return std::max(0.0, *squares / *count - mean * mean) / (mean * mean);
}

// The index of dispersion (and skew index, with cubes) of values a service sums in blocks of
// 2, 4, … 4096 under `prefix`: prefix_blocks_total, prefix_block_seconds_total, …
std::vector<model::DispersionPoint> block_dispersion(const Samples& before, const Samples& after,
                                                     const std::string& prefix) {
  std::vector<model::DispersionPoint> points;
  // The service writes the block sizes 2, 4, … 4096; read whichever it has.
  for (std::uint64_t jobs = 2; jobs <= 4096; jobs *= 2) {
    const std::string label = fmt::format("{{jobs=\"{}\"}}", jobs);
    const auto blocks = counter_delta(before, after, prefix + "_blocks_total" + label);
    const auto sums = counter_delta(before, after, prefix + "_block_seconds_total" + label);
    const auto squares =
        counter_delta(before, after, prefix + "_block_seconds_squared_total" + label);
    if (!blocks || !sums || !squares || *blocks < kMinDispersionBlocks || !(*sums > 0))
      break;
    // The blocks' own mean, not the level's: a block sum's variance is a few parts in a
    // thousand of its mean squared at m = 1024, so the jobs outside complete blocks (up to m at
    // each end) would otherwise swamp it.
    const double m = static_cast<double>(jobs);
    const double block_mean = *sums / *blocks;
    const double variance =
        std::max(0.0, (*squares - *blocks * block_mean * block_mean) / (*blocks - 1));
    const double job_mean = block_mean / m;
    model::DispersionPoint point{m, variance / (m * job_mean * job_mean), std::nullopt, *blocks};
    // The sums' third cumulant (k-statistic k₃), from services that count cubes too.
    const auto cubes = counter_delta(before, after, prefix + "_block_seconds_cubed_total" + label);
    if (cubes) {
      const double n = *blocks;
      const double central =
          *cubes / n - 3 * block_mean * (*squares / n) + 2 * block_mean * block_mean * block_mean;
      const double third = central * n * n / ((n - 1) * (n - 2));
      point.skew_index = third / (m * job_mean * job_mean * job_mean);
    }
    points.push_back(point);
  }
  return points;
}

}  // namespace

namespace {

// How much counter `seconds` grew per worker job between two scrapes; nothing without it or
// with no job finished in between.
std::optional<double> per_worker_job(const Samples& before, const Samples& after,
                                     const std::string& seconds) {
  const auto jobs = counter_delta(before, after, "kendall_worker_jobs_total");
  const auto grew = counter_delta(before, after, seconds);
  if (!jobs || !grew || !(*jobs > 0))
    return std::nullopt;
  return *grew / *jobs;
}

}  // namespace

std::optional<double> worker_hold_per_job(const Samples& before, const Samples& after) {
  return per_worker_job(before, after, "kendall_worker_busy_seconds_total");
}

std::optional<double> worker_cpu_per_job(const Samples& before, const Samples& after) {
  return per_worker_job(before, after, "kendall_worker_cpu_seconds_total");
}

std::optional<double> queue_wait_per_job(const Samples& before, const Samples& after) {
  const auto queued_before = find_histogram(before, queue_metric);
  const auto queued_after = find_histogram(after, queue_metric);
  if (!queued_before || !queued_after || !(queued_after->count > queued_before->count))
    return std::nullopt;
  return queued_after->since(*queued_before).mean();
}

std::optional<double> worker_hold_scv(const Samples& before, const Samples& after) {
  return scv_between(before, after, "kendall_worker_jobs_total",
                     "kendall_worker_busy_seconds_total",
                     "kendall_worker_busy_seconds_squared_total");
}

std::optional<double> worker_cpu_scv(const Samples& before, const Samples& after) {
  return scv_between(before, after, "kendall_worker_jobs_total", "kendall_worker_cpu_seconds_total",
                     "kendall_worker_cpu_seconds_squared_total");
}

std::optional<double> queue_arrival_scv(const Samples& before, const Samples& after) {
  return scv_between(before, after, "kendall_queue_arrival_gaps_total",
                     "kendall_queue_arrival_gap_seconds_total",
                     "kendall_queue_arrival_gap_seconds_squared_total");
}

namespace {

// One label's growth between two scrapes: of a counter and of its partner with the same label.
struct LabelledGrowth {
  int label = 0;  // the label's number
  double counter = 0;
  double partner = 0;
};

// Every series of counter `name` with a numbered label `key` in `after`, with how much it and
// counter `partner` (same label) grew since `before`; a series appears with its first count, so
// one absent before was 0. Series whose partner is absent are left out.
std::vector<LabelledGrowth> labelled_growth(const Samples& before, const Samples& after,
                                            const std::string& name, const std::string& key,
                                            const std::string& partner) {
  const std::string prefix = name + "{" + key + "=\"";
  std::vector<LabelledGrowth> grown;
  for (auto it = after.lower_bound(prefix); it != after.end() && it->first.starts_with(prefix);
       ++it) {
    const std::string label = it->first.substr(it->first.find('{'));
    const auto partner_after = find_sample(after, partner + label);
    if (!partner_after)
      continue;
    grown.push_back({std::stoi(it->first.substr(prefix.size())),
                     it->second - find_sample(before, it->first).value_or(0),
                     *partner_after - find_sample(before, partner + label).value_or(0)});
  }
  return grown;
}

}  // namespace

std::vector<CoreSpeed> core_speeds(const Samples& before, const Samples& after) {
  std::vector<CoreSpeed> cores;
  for (const LabelledGrowth& g : labelled_growth(before, after, "kendall_worker_core_jobs_total",
                                                 "cpu", "kendall_worker_core_cpu_seconds_total"))
    if (g.counter > 0)
      cores.push_back({g.label, g.counter, g.partner / g.counter});
  std::sort(cores.begin(), cores.end(),
            [](const CoreSpeed& a, const CoreSpeed& b) { return a.cpu < b.cpu; });
  return cores;
}

std::vector<BusySpeed> busy_speeds(const Samples& before, const Samples& after) {
  std::vector<BusySpeed> speeds;
  for (const LabelledGrowth& g :
       labelled_growth(before, after, "kendall_workers_busy_seconds_total", "busy",
                       "kendall_worker_jobs_finished_by_busy_total"))
    if (g.counter > 0)
      speeds.push_back({g.label, g.counter, g.partner});
  std::sort(speeds.begin(), speeds.end(),
            [](const BusySpeed& a, const BusySpeed& b) { return a.busy < b.busy; });
  return speeds;
}

std::optional<double> sharing_speed(const std::vector<BusySpeed>& speeds, int cores, int workers) {
  constexpr double kShortest = 0.5;  // seconds
  constexpr double kFewest = 50;     // jobs
  if (cores <= 0 || workers <= cores)
    return std::nullopt;
  auto long_enough = [&](int busy) -> const BusySpeed* {
    const auto it = std::find_if(speeds.begin(), speeds.end(),
                                 [&](const BusySpeed& s) { return s.busy == busy; });
    return it != speeds.end() && it->seconds >= kShortest && it->jobs >= kFewest ? &*it : nullptr;
  };
  const BusySpeed* all = long_enough(workers);
  const BusySpeed* at_cores = long_enough(cores);
  if (!all || !at_cores)
    return std::nullopt;
  return all->rate() / at_cores->rate();
}

std::optional<double> core_speed_ratio(const std::vector<CoreSpeed>& cores) {
  double jobs = 0;
  for (const CoreSpeed& core : cores)
    jobs += core.jobs;
  double fastest = std::numeric_limits<double>::infinity(), slowest = 0;
  int counted = 0;
  for (const CoreSpeed& core : cores) {
    if (core.jobs < 0.1 * jobs || !(core.cpu_per_job > 0))
      continue;
    ++counted;
    fastest = std::min(fastest, core.cpu_per_job);
    slowest = std::max(slowest, core.cpu_per_job);
  }
  if (counted < 2)
    return std::nullopt;
  return slowest / fastest;
}

std::vector<model::DispersionPoint> worker_hold_dispersion(const Samples& before,
                                                           const Samples& after) {
  return block_dispersion(before, after, "kendall_worker_hold");
}

std::vector<model::DispersionPoint> worker_cpu_dispersion(const Samples& before,
                                                          const Samples& after) {
  return block_dispersion(before, after, "kendall_worker_cpu");
}

std::vector<model::DispersionPoint> queue_arrival_dispersion(const Samples& before,
                                                             const Samples& after) {
  return block_dispersion(before, after, "kendall_queue_arrival_gap");
}

std::vector<model::DispersionPoint> blocks_closed_after_pause(
    std::vector<model::DispersionPoint> points, double gaps_before, double gaps_from) {
  // Blocks of m gaps close at multiples of m, counted from the service's first gap; the pause
  // is gap gaps_before + 1, and its block closed by the scrape iff a multiple of m lies between.
  std::erase_if(points, [&](const model::DispersionPoint& point) {
    const double m = point.jobs;
    return std::floor(gaps_from / m) * m < gaps_before + 1;
  });
  return points;
}

Calibration calibrate(const CalibrationTarget& target, const CalibrationOptions& options) {
  if (options.requests < 10)
    throw std::invalid_argument("calibration needs at least 10 requests");
  Calibration result;
  result.service = target.service;
  result.target = fmt::format("{}:{}", target.metrics.host, target.metrics.port);

  if (options.warmup > 0)
    one_user(target.scenario, options.warmup, options);
  const std::optional<Samples> before = scrape(target.metrics);
  const auto server_cpu_before =
      options.service_pid ? process_cpu_seconds(*options.service_pid) : std::nullopt;
  const double client_cpu_before = own_cpu_seconds();
  const double machine_before = machine_busy_seconds();
  const loadgen::RunResult run = one_user(target.scenario, options.requests, options);
  const double client_cpu = own_cpu_seconds() - client_cpu_before;
  const double machine_cpu = machine_busy_seconds() - machine_before;
  const auto server_cpu_after =
      options.service_pid ? process_cpu_seconds(*options.service_pid) : std::nullopt;
  const std::optional<Samples> after = scrape(target.metrics);

  const loadgen::StepResult& step = run.steps.at(0);
  result.errors = step.errors.total();
  if (step.sent > 0) {
    const auto sent = static_cast<double>(step.sent);
    result.client_cpu_per_request = client_cpu / sent;
    result.machine_cpu_per_request = machine_cpu / sent;
    if (server_cpu_before && server_cpu_after)
      result.server_cpu_per_request = (*server_cpu_after - *server_cpu_before) / sent;
  }
  if (step.responses == 0 || result.errors * 2 > step.sent) {
    std::string statuses;
    for (const auto& [status, count] : step.status_codes)
      statuses += fmt::format("{}{}×{}", statuses.empty() ? "" : ", ", count, status);
    throw std::runtime_error(fmt::format(
        "calibrating {} at {}: {} of {} requests failed (statuses: {}; connect {}, timeout {}); "
        "check the target URL or scenario",
        target.service, result.target, result.errors, step.sent,
        statuses.empty() ? "none" : statuses, step.errors.connect, step.errors.timeout));
  }
  // Latency from the write: with one user there is no send lag to exclude anyway.
  const loadgen::Latencies& client = step.service_time;
  result.samples = client.count();
  result.client_mean = client.mean();
  const double client_variance = histogram_variance(client.histogram);
  result.client_scv =
      result.client_mean > 0 ? client_variance / (result.client_mean * result.client_mean) : 0;

  std::optional<PromHistogram> served;
  std::optional<double> queued;    // wait for a worker per job
  std::optional<double> held;      // worker hold per job
  std::optional<double> held_scv;  // and the holds' SCV
  if (before && after) {
    const auto served_after = find_histogram(*after, service_metric);
    const auto served_before = find_histogram(*before, service_metric);
    if (served_after && served_before)
      served = served_after->since(*served_before);
    queued = queue_wait_per_job(*before, *after);
    if (const auto workers = find_sample(*after, "kendall_workers"))
      result.workers = static_cast<int>(*workers);
    held = worker_hold_per_job(*before, *after);
    held_scv = worker_hold_scv(*before, *after);
  }
  if (served && served->count >= static_cast<double>(result.samples) / 2) {
    result.source = "metrics";
    result.job_mean = served->mean();
    // The queue waits for the whole hold, which the job's own timing undercounts by the
    // hand-back to the I/O thread (about 1.5% at 1 ms: 15% more waiting at 90% load).
    result.service_mean = held && *held >= result.job_mean ? *held : result.job_mean;
    result.queued_mean = queued.value_or(0);
    // The hand-off to a worker (kendall_queue_wait_seconds at one user) happens at every load,
    // so it belongs to the fixed overhead; the model's queueing starts from zero.
    result.overhead = std::max(0.0, result.client_mean - result.service_mean);
    // Exact from the holds' sum of squares when the service counts it. Else from the client's
    // fine-grained histogram, which with one user differs from the service time by a nearly
    // constant overhead (the server's Prometheus buckets are too coarse for a variance).
    result.service_scv = held && held_scv && *held >= result.job_mean
                             ? *held_scv
                             : client_variance / (result.service_mean * result.service_mean);
    if (options.open_loop_requests > 0 && result.service_mean > 0) {
      const double rate = std::min(1000.0, 0.1 * result.workers.value_or(1) / result.service_mean);
      const BackToBackWork work{result.workers.value_or(1), result.service_mean,
                                result.service_scv};
      if (const auto phase = open_loop_phase(target, options, rate, work, result.overhead_rounds)) {
        // The hand-off to a worker as Poisson arrivals meet it (an idle worker must be woken),
        // not as back-to-back requests do, beyond what queueing at that load explains.
        result.queued_mean = phase->queued;
        result.low_load_queueing = phase->queueing;
        result.overhead = std::max(0.0, phase->outside + phase->queued);
        // Open-loop latencies vary more than back-to-back ones: waking an idle core, a worker,
        // the client. The path's share is what the latency varies beyond the holds in the same
        // requests (path_variance). The work's own spread after idle gaps (a 4 MiB hash's holds
        // varied 0.18-8.6 ms² a round, 0.1-0.4 back to back) is not the path's: each level measures
        // its holds, and counted twice it put the Argon2id 2-worker row's p95 at 0.2 up to 22%
        // high. Without the holds' squares, what varies beyond the back-to-back latency.
        result.open_loop_scv =
            phase->latency_variance / (result.service_mean * result.service_mean);
        const double extra =
            phase->path_variance.value_or(phase->latency_variance - client_variance);
        result.overhead_scv =
            extra > 0 && result.overhead > 0 ? extra / (result.overhead * result.overhead) : 0;
      }
      result.overhead_rate = rate;
    }
  } else {
    result.source = "client";
    result.service_mean = result.client_mean;
    result.service_scv = result.client_scv;
  }
  return result;
}

}  // namespace kendall::validation
