#include "kendall/sim/simulate.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "simulator.hpp"

namespace kendall::sim {
namespace {

using detail::Counters;
using detail::ReplicationOutput;

void check_distribution(const Distribution& d, const SourceLocation& where,
                        const std::string& what) {
  if (const auto problem = validate(d))
    throw InputError(where, what + ": " + *problem);
}

// The schedule with every phase's rates and slowness filled in (the spec's rates, slowness 1),
// or an InputError naming the phase and what to fix.
std::vector<Phase> complete_schedule(const model::System& system, std::vector<Phase> phases) {
  const bool closed = system.workload == model::WorkloadType::closed;
  for (std::size_t p = 0; p < phases.size(); ++p) {
    Phase& phase = phases[p];
    const std::string field = fmt::format("schedule phase {}", p + 1);
    if (!std::isfinite(phase.duration) || !(phase.duration > 0))
      throw InputError(field + ": duration must be a number of seconds above 0");
    if (closed && !phase.rates.empty()) {
      throw InputError(field + ": a closed system has populations, not rates; leave the rates out");
    }
    if (phase.rates.empty() && !closed) {
      for (const auto& c : system.classes)
        phase.rates.push_back(c.rate);
    }
    if (!closed && phase.rates.size() != system.classes.size()) {
      throw InputError(fmt::format("{}: {} rates for {} classes; give one per class, in order",
                                   field, phase.rates.size(), system.classes.size()));
    }
    for (const double rate : phase.rates) {
      if (!std::isfinite(rate) || rate < 0)
        throw InputError(field + ": a rate must be a number of requests per second >= 0");
    }
    if (phase.slowness.empty())
      phase.slowness.assign(system.services.size(), 1.0);
    if (phase.slowness.size() != system.services.size()) {
      throw InputError(
          fmt::format("{}: {} slowness factors for {} services; give one per "
                      "service, in order (1 as specified)",
                      field, phase.slowness.size(), system.services.size()));
    }
    for (const double factor : phase.slowness) {
      if (!std::isfinite(factor) || !(factor > 0))
        throw InputError(field + ": a slowness must be a number above 0 (1 as specified)");
    }
  }
  return phases;
}

// Whether some open class arrives at some point of the schedule.
bool schedule_has_arrivals(const std::vector<Phase>& phases) {
  for (const Phase& phase : phases)
    for (const double rate : phase.rates)
      if (rate > 0)
        return true;
  return false;
}

void check_system(const model::System& system, const std::vector<Phase>& schedule) {
  for (const auto& s : system.services) {
    const std::string field = fmt::format("service \"{}\"", s.name);
    if (s.replicas < 1)
      throw InputError(s.location, field + ": replicas must be at least 1");
    if (s.workers < 1)
      throw InputError(s.location, field + ": workers must be at least 1");
    if (s.queue_limit && *s.queue_limit < 0) {
      throw InputError(s.location, field + ": queue_limit must be >= 0 (or left out for none)");
    }
    check_distribution(s.service_time, s.location, field + " service_time");
  }
  const bool closed = system.workload == model::WorkloadType::closed;
  bool has_work = false;
  for (const auto& c : system.classes) {
    const std::string field = fmt::format("class \"{}\"", c.name);
    if (c.visits.empty())
      throw InputError(c.location, field + ": it visits no service");
    for (const auto& v : c.visits) {
      if (v.service >= system.services.size()) {
        throw InputError(c.location, field + ": a visit names a service that does not exist");
      }
      if (!std::isfinite(v.count) || v.count < 0) {
        throw InputError(c.location, field + ": a visit count must be a number >= 0");
      }
      if (v.service_time)
        check_distribution(*v.service_time, c.location, field + " service_time");
    }
    if (closed) {
      if (c.population < 0)
        throw InputError(c.location, field + ": population must be >= 0");
      check_distribution(c.think_time, c.location, field + " think_time");
      has_work = has_work || c.population > 0;
    } else {
      if (!std::isfinite(c.rate) || c.rate < 0) {
        throw InputError(c.location, field + ": rate must be a number of requests per second >= 0");
      }
      has_work = has_work || c.rate > 0;
    }
  }
  if (!closed && !schedule.empty())
    has_work = schedule_has_arrivals(schedule);  // the spec's rates are only its defaults
  if (!has_work) {
    throw InputError(closed
                         ? "nothing to simulate: no class has a population above 0"
                         : "nothing to simulate: no class has a rate above 0 (in the spec or the "
                           "schedule)");
  }
}

detail::RunPlan check_options(const SimulationOptions& o) {
  const bool by_requests = o.requests > 0;
  const bool by_duration = o.duration > 0;
  if (by_requests == by_duration || !std::isfinite(o.duration) || o.duration < 0) {
    throw InputError(
        "set exactly one run length: requests (ended requests per replication, e.g. 100000) or "
        "duration (simulated seconds per replication)");
  }
  if ((o.warmup_requests > 0 && o.warmup_duration > 0) || !std::isfinite(o.warmup_duration) ||
      o.warmup_duration < 0) {
    throw InputError("set at most one warm-up: warmup_requests or warmup_duration (seconds >= 0)");
  }
  if (o.replications < 1)
    throw InputError("replications must be at least 1");
  if (o.threads < 0)
    throw InputError("threads must be >= 0 (0 = one per core)");
  detail::RunPlan plan;
  plan.requests = o.requests;
  plan.duration = o.duration;
  plan.warmup_requests = o.warmup_requests;
  plan.warmup_duration = o.warmup_duration;
  plan.max_requests_in_system = o.max_requests_in_system;
  if (o.replications == 1) {
    if (o.batches < 2)
      throw InputError("batches must be at least 2 for batch means");
    if (by_requests && o.requests < static_cast<std::uint64_t>(o.batches)) {
      throw InputError(fmt::format("requests ({}) must be at least the number of batches ({})",
                                   o.requests, o.batches));
    }
    plan.batches = o.batches;
  }
  return plan;
}

// Runs every replication, `threads` at a time, reporting progress from the calling thread.
std::vector<ReplicationOutput> run_replications(const model::System& system,
                                                const detail::RunPlan& plan,
                                                const SimulationOptions& options,
                                                const ProgressCallback& progress) {
  const int count = options.replications;
  std::vector<ReplicationOutput> outputs(static_cast<std::size_t>(count));
  const auto run_one = [&](int r, const detail::Simulator::Progress& report) {
    detail::Simulator simulator(system, plan,
                                Rng::stream(options.seed, static_cast<std::uint64_t>(r)));
    outputs[static_cast<std::size_t>(r)] = simulator.run(report);
  };

  int threads = options.threads == 0 ? static_cast<int>(std::thread::hardware_concurrency())
                                     : options.threads;
  threads = std::clamp(threads, 1, count);
  constexpr auto interval = std::chrono::milliseconds(100);

  if (threads == 1) {
    auto last = std::chrono::steady_clock::now();
    for (int r = 0; r < count; ++r) {
      run_one(r, [&](double fraction) {
        if (!progress)
          return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last < interval)
          return;
        last = now;
        progress((r + fraction) / count);
      });
    }
    if (progress)
      progress(1.0);
    return outputs;
  }

  std::vector<std::atomic<double>> fractions(static_cast<std::size_t>(count));
  std::atomic<int> next{0};
  std::mutex mutex;
  std::condition_variable finished;
  int running = threads;
  std::exception_ptr failure;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      try {
        for (int r = next++; r < count; r = next++) {
          auto& fraction = fractions[static_cast<std::size_t>(r)];
          run_one(r, [&](double f) { fraction.store(f, std::memory_order_relaxed); });
          fraction.store(1.0, std::memory_order_relaxed);
        }
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!failure)
          failure = std::current_exception();
        next = count;  // the others stop after their current replication
      }
      const std::lock_guard lock(mutex);
      if (--running == 0)
        finished.notify_one();
    });
  }
  {
    std::unique_lock lock(mutex);
    while (!finished.wait_for(lock, interval, [&] { return running == 0; })) {
      if (!progress)
        continue;
      double done = 0;
      for (const auto& f : fractions)
        done += f.load(std::memory_order_relaxed);
      lock.unlock();
      progress(done / count);
      lock.lock();
    }
  }
  for (auto& worker : workers)
    worker.join();
  if (failure)
    std::rethrow_exception(failure);
  if (progress)
    progress(1.0);
  return outputs;
}

// The metrics of one replication or batch, computed from its counters. NaN marks a metric with
// no observation in the window (no request completed).
struct ClassValues {
  double throughput = 0, response_time = 0, rejection_probability = 0;
};
struct ServiceValues {
  double utilization = 0, in_system = 0, residence_time = 0, throughput = 0, rejection = 0;
};
struct UnitValues {
  std::vector<ClassValues> classes;
  ClassValues total;
  std::vector<ServiceValues> services;
};

double ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : std::nan("");
}

UnitValues values_of(const Counters& c, const model::System& system) {
  UnitValues u;
  const double length = c.end - c.start;
  double completed = 0, rejected = 0, response_sum = 0;
  for (const auto& k : c.classes) {
    const auto done = static_cast<double>(k.completed);
    const auto lost = static_cast<double>(k.rejected);
    u.classes.push_back(
        {ratio(done, length), ratio(k.response_sum, done), ratio(lost, done + lost)});
    completed += done;
    rejected += lost;
    response_sum += k.response_sum;
  }
  u.total = {ratio(completed, length), ratio(response_sum, completed),
             ratio(rejected, completed + rejected)};
  for (std::size_t k = 0; k < c.services.size(); ++k) {
    const auto& s = c.services[k];
    const double servers = system.services[k].servers();
    u.services.push_back({ratio(s.area_busy, length * servers), ratio(s.area_in_system, length),
                          ratio(s.residence_sum, completed),
                          ratio(static_cast<double>(s.visits), length),
                          ratio(static_cast<double>(s.rejected), static_cast<double>(s.arrived))});
  }
  return u;
}

template <typename Field>
Estimate estimate_over(const std::vector<UnitValues>& units, Field field) {
  std::vector<double> values;
  values.reserve(units.size());
  for (const auto& u : units)
    values.push_back(field(u));
  return estimate_mean(values);
}

void fill_percentiles(ClassResult& result) {
  const Histogram& h = result.histogram;
  result.percentiles = {h.value_at_quantile(0.50), h.value_at_quantile(0.90),
                        h.value_at_quantile(0.95), h.value_at_quantile(0.99),
                        h.value_at_quantile(0.999)};
}

}  // namespace

SimulationResult simulate(const model::System& system, const SimulationOptions& options,
                          const ProgressCallback& progress) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Phase> schedule = complete_schedule(system, options.schedule);
  check_system(system, schedule);
  detail::RunPlan plan = check_options(options);
  plan.schedule = std::move(schedule);
  const std::vector<ReplicationOutput> outputs = run_replications(system, plan, options, progress);

  // The observations behind the intervals: one per replication, or one per batch when R = 1.
  std::vector<UnitValues> units;
  if (options.replications == 1) {
    for (const auto& batch : outputs.front().batches)
      units.push_back(values_of(batch, system));
  } else {
    for (const auto& out : outputs)
      units.push_back(values_of(out.measured, system));
  }

  SimulationResult result;
  result.replications = options.replications;
  result.interval_method =
      options.replications == 1
          ? fmt::format("batch means ({} batches of one run), Student t, 95%", options.batches)
          : fmt::format("independent replications (R = {}), Student t, 95%", options.replications);
  double loop_seconds = 0;
  for (const auto& out : outputs) {
    result.events += out.events;
    result.simulated_time += out.simulated_time;
    loop_seconds += out.loop_seconds;
    if (out.warning && !result.warning)
      result.warning = out.warning;
  }
  result.events_per_second =
      loop_seconds > 0 ? static_cast<double>(result.events) / loop_seconds : 0;

  result.total.name = "total";
  for (std::size_t c = 0; c < system.classes.size(); ++c) {
    ClassResult r;
    r.name = system.classes[c].name;
    r.throughput =
        estimate_over(units, [c](const UnitValues& u) { return u.classes[c].throughput; });
    r.response_time =
        estimate_over(units, [c](const UnitValues& u) { return u.classes[c].response_time; });
    r.rejection_probability = estimate_over(
        units, [c](const UnitValues& u) { return u.classes[c].rejection_probability; });
    for (const auto& out : outputs) {  // replication order: the merge is exact anyway
      r.histogram.merge(out.response_times[c]);
      r.completed += out.measured.classes[c].completed;
      r.rejected += out.measured.classes[c].rejected;
    }
    fill_percentiles(r);
    result.total.histogram.merge(r.histogram);
    result.total.completed += r.completed;
    result.total.rejected += r.rejected;
    result.classes.push_back(std::move(r));
  }
  result.total.throughput =
      estimate_over(units, [](const UnitValues& u) { return u.total.throughput; });
  result.total.response_time =
      estimate_over(units, [](const UnitValues& u) { return u.total.response_time; });
  result.total.rejection_probability =
      estimate_over(units, [](const UnitValues& u) { return u.total.rejection_probability; });
  fill_percentiles(result.total);

  for (std::size_t k = 0; k < system.services.size(); ++k) {
    ServiceResult s;
    s.name = system.services[k].name;
    if (system.services[k].type == model::ServiceType::queue) {
      s.utilization =
          estimate_over(units, [k](const UnitValues& u) { return u.services[k].utilization; });
    }
    s.mean_number_in_system =
        estimate_over(units, [k](const UnitValues& u) { return u.services[k].in_system; });
    s.residence_time =
        estimate_over(units, [k](const UnitValues& u) { return u.services[k].residence_time; });
    s.throughput =
        estimate_over(units, [k](const UnitValues& u) { return u.services[k].throughput; });
    s.rejection_probability =
        estimate_over(units, [k](const UnitValues& u) { return u.services[k].rejection; });
    for (const auto& out : outputs)
      s.rejected += out.measured.services[k].rejected;
    result.services.push_back(std::move(s));
  }
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace kendall::sim
