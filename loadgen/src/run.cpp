#include "kendall/loadgen/run.hpp"

#include <sys/prctl.h>

#include <random>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "kendall/base/error.hpp"
#include "kendall/base/time_slice.hpp"
#include "worker.hpp"

namespace kendall::loadgen {
namespace {

using detail::Clock;

std::string mode_name(const LoadOptions& options) {
  if (options.users > 0)
    return "closed";
  return options.steps.empty() ? "max" : "open";
}

// Resolves each endpoint once, up front: a typo fails before any load is sent.
std::vector<detail::tcp::resolver::results_type> resolve(const std::vector<Endpoint>& endpoints) {
  boost::asio::io_context io;
  detail::tcp::resolver resolver(io);
  std::vector<detail::tcp::resolver::results_type> addresses;
  for (const Endpoint& endpoint : endpoints) {
    detail::error_code ec;
    auto found = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
    if (ec)
      throw InputError(fmt::format("cannot resolve {}: {}", endpoint.host, ec.message()));
    addresses.push_back(std::move(found));
  }
  return addresses;
}

void report(const detail::Shared& shared, const LoadOptions& options, Clock::time_point t0,
            const ProgressCallback& progress, std::mutex& mutex) {
  Progress p;
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  p.steps = shared.live.size();
  const bool by_time = options.requests == 0;
  p.step =
      by_time ? std::min(p.steps - 1, static_cast<std::size_t>(elapsed / options.duration)) : 0;
  p.elapsed = by_time ? elapsed - static_cast<double>(p.step) * options.duration : elapsed;
  p.remaining =
      by_time ? std::max(0.0, static_cast<double>(p.steps) * options.duration - elapsed) : 0.0;
  {
    std::lock_guard lock(mutex);
    const detail::LiveStep& live = shared.live[p.step];
    p.responses = live.responses;
    p.errors = live.errors;
    p.p50 = live.latency.value_at_quantile(0.5);
    p.p99 = live.latency.value_at_quantile(0.99);
  }
  p.rate = p.elapsed > 0 ? static_cast<double>(p.responses) / p.elapsed : 0;
  progress(p);
}

}  // namespace

RunResult run_load(const Scenario& scenario_in, const LoadOptions& options_in,
                   const ProgressCallback& progress) {
  validate(options_in);
  Scenario scenario = scenario_in;
  scenario.index_endpoints();
  LoadOptions options = options_in;
  // Every thread needs at least one connection (or user) of its own.
  const int units = options.users > 0 ? options.users : options.connections;
  options.threads = std::max(1, std::min(options.threads, units));

  detail::Shared shared(scenario, options, options.threads);
  shared.addresses = resolve(scenario.endpoints());
  // {{uuid}} must differ between runs (fresh usernames), so it alone takes OS entropy.
  shared.nonce =
      (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();

  std::vector<std::unique_ptr<detail::Worker>> workers;
  for (int i = 0; i < options.threads; ++i)
    workers.push_back(std::make_unique<detail::Worker>(shared, i, options.threads));
  std::vector<std::jthread> threads;
  // Every thread asks the same kernel for the same slice; the first one's answer is the run's.
  std::vector<TimeSliceOutcome> slice_outcomes(workers.size(), TimeSliceOutcome::unsupported);
  for (std::size_t i = 0; i < workers.size(); ++i)
    threads.emplace_back(
        [&worker = workers[i], &outcome = slice_outcomes[i], slice = options.thread_slice] {
          // Linux lets a sleeping thread wake up to 50 us late by default, and then wait for a core
          // until the running task's slice ends; both lags would be part of every open-loop latency
          // (measured from the intended send time). Ask for 1 ns of slack and a short slice.
          ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
          outcome = request_time_slice(slice);
          worker->run();
        });

  shared.ready.wait();
  // A short lead lets every thread arm its first timer before the first intended send.
  shared.t0 = Clock::now() + std::chrono::milliseconds(20);
  shared.go.count_down();
  // Progress from this thread while the workers run.
  if (!shared.abort && progress) {
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      {
        std::lock_guard lock(shared.mutex);
        if (shared.finished == options.threads)
          break;
      }
      report(shared, options, shared.t0, progress, shared.mutex);
    }
  }
  for (auto& thread : threads)
    thread.join();
  for (auto& worker : workers)
    if (worker->error)
      std::rethrow_exception(worker->error);

  RunResult result;
  result.mode = mode_name(options);
  result.target = scenario.source;
  result.seed = options.seed;
  result.threads = options.threads;
  result.connections = options.users > 0 ? options.users : options.connections;
  result.users = options.users;
  result.thread_slice = std::chrono::duration<double>(options.thread_slice).count();
  result.thread_slice_outcome = describe(slice_outcomes.front());
  result.steps = std::move(workers.front()->results);
  for (std::size_t w = 1; w < workers.size(); ++w)
    for (std::size_t s = 0; s < result.steps.size(); ++s)
      result.steps[s].merge(workers[w]->results[s]);
  for (auto& worker : workers)
    result.interrupted = result.interrupted || worker->stopped_early;
  return result;
}

}  // namespace kendall::loadgen
