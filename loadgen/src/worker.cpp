#include "worker.hpp"

#include <sys/prctl.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace kendall::loadgen::detail {
namespace {

Clock::duration to_clock(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// The series' bucket for a moment `since_start` into its step, grown to hold it.
SecondStats& second_of(StepResult& result, Clock::duration since_start) {
  const auto second = static_cast<std::size_t>(std::max(0.0, seconds(since_start)));
  if (result.series.size() <= second)
    result.series.resize(second + 1);
  return result.series[second];
}

/// Thread `index`'s share of `total` when it is split over `workers` as evenly as possible.
std::uint64_t share(std::uint64_t total, int index, int workers) {
  const auto w = static_cast<std::uint64_t>(workers);
  const auto i = static_cast<std::uint64_t>(index);
  return total / w + (i < total % w ? 1 : 0);
}

constexpr auto tick_period = std::chrono::milliseconds(100);

}  // namespace

Worker::Worker(Shared& shared, int index, int workers)
    : shared_(shared),
      options_(shared.options),
      index_(index),
      workers_(workers),
      renderer_(shared.scenario, shared.seq, Rng::stream(shared.options.seed, 2 * index),
                shared.nonce),
      rng_(Rng::stream(shared.options.seed, 2 * static_cast<std::uint64_t>(index) + 1)) {
  const std::size_t steps = std::max<std::size_t>(1, options_.steps.size());
  results.resize(steps);
  live_delta_.resize(steps);
  step_starts_.resize(steps);
  for (std::size_t i = 0; i < steps; ++i)
    if (!options_.steps.empty())
      results[i].target_rate = options_.steps[i].rate;
  if (options_.users > 0)
    users_ = static_cast<int>(share(static_cast<std::uint64_t>(options_.users), index, workers));
  else if (options_.steps.empty())
    users_ =
        static_cast<int>(share(static_cast<std::uint64_t>(options_.connections), index, workers));
  // Deadlines are checked every tenth of the timeout (1 ms to 100 ms): a request times out at
  // most that much late, and no timer is armed per request.
  sweep_period_ =
      std::clamp<Clock::duration>(to_clock(options_.timeout / 10), std::chrono::milliseconds(1),
                                  std::chrono::milliseconds(100));
  if (options_.requests > 0) {
    has_quota_ = true;
    quota_ = share(options_.requests, index, workers);
  }
}

void Worker::run() {
  // The kernel's default 50 us timer slack would show up as send lag at high rates.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  try {
    open_connections();
  } catch (...) {
    error = std::current_exception();
    shared_.abort = true;
  }
  shared_.ready.count_down();
  shared_.go.wait();
  if (!shared_.abort) {
    io_.restart();
    watch_idle_ = true;  // not while connecting: a pending watch would keep io_.run() going
    sweeping_ = true;
    sweep();
    start_step(0);
    tick_timer_.expires_after(tick_period);
    tick_timer_.async_wait([this](error_code ec) {
      if (!ec)
        tick();
    });
    io_.run();
  }
  std::lock_guard lock(shared_.mutex);
  ++shared_.finished;
}

void Worker::open_connections() {
  const std::size_t endpoints = shared_.addresses.size();
  const auto per_endpoint =
      users_ > 0 ? static_cast<std::uint64_t>(users_)
                 : share(static_cast<std::uint64_t>(options_.connections), index_, workers_);
  idle_.resize(endpoints);
  backlog_.resize(endpoints);
  connect_ok_.assign(endpoints, 0);
  const auto timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(options_.timeout));
  for (std::size_t e = 0; e < endpoints; ++e) {
    for (std::uint64_t i = 0; i < per_endpoint; ++i) {
      sessions_.push_back(std::make_unique<Session>(io_, *this, shared_.addresses[e], e, timeout));
      sessions_.back()->slot = sessions_.size() - 1;
      idle_[e].push_back(sessions_.back().get());
    }
  }
  in_flight_.resize(sessions_.size());
  wire_.resize(sessions_.size());
  body_.resize(sessions_.size());
  connect_pending_ = sessions_.size();
  for (auto& session : sessions_)
    session->connect();
  sweeping_ = !sessions_.empty();
  sweep();
  io_.run();
  for (std::size_t e = 0; e < endpoints; ++e) {
    if (connect_ok_[e] == 0 && !idle_[e].empty()) {
      const Endpoint where = shared_.scenario.endpoints()[e];
      throw std::runtime_error(
          fmt::format("cannot connect to {}:{}: {}", where.host, where.port, connect_error_));
    }
  }
}

void Worker::on_connected(Session& session, error_code ec) {
  --connect_pending_;
  if (!ec)
    ++connect_ok_[session.endpoint()];
  else if (connect_error_.empty())
    connect_error_ = ec.message();
  if (connect_pending_ == 0) {
    sweeping_ = false;  // lets io_.run() return
    sweep_timer_.cancel();
  }
}

void Worker::sweep() {
  if (!sweeping_)
    return;
  const Clock::time_point now = Clock::now();
  for (auto& session : sessions_) {
    session->check_deadline(now);
    if (watch_idle_)
      session->watch_idle();
  }
  sweep_timer_.expires_after(sweep_period_);
  sweep_timer_.async_wait([this](error_code ec) {
    if (!ec)
      sweep();
  });
}

void Worker::start_step(std::size_t step) {
  step_ = step;
  last_send_.reset();  // a gap spans sends of one step only
  generating_ = true;
  step_start_ = duration_mode() ? shared_.t0 + static_cast<long>(step) * to_clock(options_.duration)
                                : Clock::now();
  if (step == 0 && !duration_mode())
    step_start_ = shared_.t0;
  step_starts_[step] = step_start_;
  if (has_quota_ && quota_ == 0) {  // fewer requests than threads: nothing for this one
    generating_ = false;
    maybe_finish();
    return;
  }
  if (duration_mode()) {
    step_timer_.expires_at(step_start_ + to_clock(options_.duration));
    step_timer_.async_wait([this](error_code ec) {
      if (!ec)
        end_step();
    });
  }
  if (!options_.steps.empty()) {
    thread_rate_ = *options_.steps[step].rate / workers_;
    next_arrival_ = step_start_;
    if (options_.arrival == Arrival::poisson)
      next_arrival_ += to_clock(rng_.exponential(1.0 / (thread_rate_ * rate_scale())));
    else  // threads interleave: thread i starts i/rate into the step
      next_arrival_ += to_clock(index_ / (*options_.steps[step].rate * rate_scale()));
    schedule_arrival();
    return;
  }
  for (int user = 0; user < users_; ++user) {
    user_timers_.push_back(std::make_unique<boost::asio::steady_timer>(io_));
    double first = 0;  // max throughput: everybody starts at once, as wrk does
    if (options_.users > 0)
      first = options_.think_kind == ThinkTime::exponential
                  ? rng_.exponential(options_.think_time)
                  : rng_.uniform() * options_.think_time;  // spread fixed thinkers evenly
    user_ready(user, step_start_ + to_clock(first));
  }
}

void Worker::end_step() {
  // Arrivals whose timer has not fired yet still belong to this step.
  if (!options_.steps.empty())
    on_arrival({});
  results[step_].duration = options_.duration;
  const bool stop = options_.stop && options_.stop->load();
  if (step_ + 1 < results.size() && !stop) {
    start_step(step_ + 1);
    return;
  }
  stop_generating();
  drop_backlog();
  maybe_finish();
}

double Worker::rate_scale() const {
  // A scale of 0 or less would stop the schedule for good; a tiny one is as near as it gets.
  return options_.rate_scale ? std::clamp(options_.rate_scale->load(), 1e-3, 1e3) : 1.0;
}

void Worker::schedule_arrival() {
  arrival_timer_.expires_at(next_arrival_);
  arrival_timer_.async_wait([this](error_code ec) {
    if (!ec)
      on_arrival(ec);
  });
}

void Worker::on_arrival(error_code) {
  if (!generating_)
    return;
  const Clock::time_point now = Clock::now();
  const Clock::time_point step_end = step_start_ + to_clock(options_.duration);
  const double scale = rate_scale();
  const double rate = *options_.steps[step_].rate * scale;
  while (generating_ && next_arrival_ <= now) {
    if (duration_mode() && next_arrival_ >= step_end)
      return;  // the step timer starts the next step
    const Clock::time_point intended = next_arrival_;
    next_arrival_ += to_clock(options_.arrival == Arrival::poisson
                                  ? rng_.exponential(1.0 / (thread_rate_ * scale))
                                  : workers_ / rate);
    arrive(intended, -1);
  }
  if (generating_ && (!duration_mode() || next_arrival_ < step_end))
    schedule_arrival();
}

void Worker::user_ready(int user, Clock::time_point when) {
  if (when <= Clock::now()) {
    arrive(when, user);
    return;
  }
  auto& timer = *user_timers_[static_cast<std::size_t>(user)];
  timer.expires_at(when);
  timer.async_wait([this, user, when](error_code ec) {
    if (!ec)
      arrive(when, user);
  });
}

void Worker::arrive(Clock::time_point intended, int user) {
  if (!generating_)
    return;
  if (has_quota_) {
    if (quota_ == 0)
      return;
    if (--quota_ == 0)
      stop_generating();  // this is the last one; it is still sent
  }
  const Pending pending{intended, renderer_.pick(), user, step_};
  const std::size_t endpoint = shared_.scenario.requests[pending.request].endpoint_index;
  auto& idle = idle_[endpoint];
  if (idle.empty()) {
    backlog_[endpoint].push_back(pending);
    return;
  }
  Session* session = idle.back();
  idle.pop_back();
  send(*session, pending);
}

void Worker::send(Session& session, const Pending& pending) {
  const std::size_t i = session.slot;
  in_flight_[i] = pending;
  const std::string& text = renderer_.render(pending.request, body_[i]);
  const std::string* wire = &text;
  if (renderer_.templated(pending.request)) {
    wire_[i] = text;  // the renderer's buffer is reused by the next render
    wire = &wire_[i];
  }
  StepResult& result = results[pending.step];
  ++result.sent;
  const Clock::time_point now = Clock::now();
  if (last_send_)
    result.send_gaps.record(seconds(now - *last_send_));
  last_send_ = now;
  const double lag = std::max(0.0, seconds(now - pending.intended));
  result.send_lag.record(lag);
  if (lag > options_.late_threshold) {
    ++result.late_sends;
    ++second_of(result, now - step_starts_[pending.step]).late_sends;
  }
  ++busy_;
  session.send(*wire);
}

void Worker::on_outcome(Session& session, const Outcome& outcome) {
  --busy_;
  const std::size_t i = session.slot;
  const Pending pending = in_flight_[i];
  StepResult& result = results[pending.step];
  LiveStep& live = live_delta_[pending.step];
  SecondStats& bucket = second_of(result, outcome.done - step_starts_[pending.step]);
  switch (outcome.failure) {
    case Failure::connect:
      ++result.errors.connect;
      break;
    case Failure::timeout:
      ++result.errors.timeout;
      break;
    case Failure::io:
      ++result.errors.io;
      break;
    case Failure::none:
      break;
  }
  if (outcome.failure != Failure::none) {
    ++live.errors;
    ++bucket.errors;
  } else {
    const double latency = seconds(outcome.done - pending.intended);
    ++result.responses;
    ++result.status_codes[static_cast<int>(outcome.status)];
    if (outcome.status >= 400) {
      ++(outcome.status >= 500 ? result.errors.status_5xx : result.errors.status_4xx);
      ++live.errors;
      ++bucket.errors;
    } else if (outcome.status < 300) {
      renderer_.capture(pending.request, body_[i], session.response_body());
    }
    result.latency.record(latency);
    result.service_time.record(seconds(outcome.done - outcome.write_start));
    if (outcome.server_time)
      result.outside_server.record(std::max(0.0, latency - *outcome.server_time));
    live.latency.record(latency);
    ++live.responses;
    ++bucket.responses;
    bucket.latency_sum += latency;
    bucket.latency_max = std::max(bucket.latency_max, latency);
  }
  if (!duration_mode() && !generating_)
    result.duration = seconds(outcome.done - step_starts_[pending.step]);
  // This connection takes the oldest waiting request of its endpoint, else goes idle.
  auto& backlog = backlog_[session.endpoint()];
  if (!backlog.empty()) {
    const Pending next = backlog.front();
    backlog.pop_front();
    send(session, next);
  } else {
    idle_[session.endpoint()].push_back(&session);
  }
  if (pending.user >= 0 && generating_) {
    double think = 0;
    if (options_.users > 0)
      think = options_.think_kind == ThinkTime::exponential ? rng_.exponential(options_.think_time)
                                                            : options_.think_time;
    user_ready(pending.user, outcome.done + to_clock(think));
  }
  maybe_finish();
}

void Worker::tick() {
  publish();
  if (options_.stop && options_.stop->load() && generating_) {
    stopped_early = true;
    results[step_].duration = seconds(Clock::now() - step_start_);
    stop_generating();
    drop_backlog();
    // Give answers in flight a moment, then cut them off: Ctrl-C should end the run promptly.
    grace_timer_.expires_after(to_clock(std::min(options_.timeout, 1.0)));
    grace_timer_.async_wait([this](error_code ec) {
      if (ec)
        return;
      for (auto& session : sessions_)
        if (session->busy())
          session->close();
    });
    maybe_finish();
  }
  if (finished_)
    return;
  tick_timer_.expires_after(tick_period);
  tick_timer_.async_wait([this](error_code ec) {
    if (!ec)
      tick();
  });
}

void Worker::stop_generating() {
  generating_ = false;
  arrival_timer_.cancel();
  step_timer_.cancel();
  for (auto& timer : user_timers_)
    timer->cancel();
}

void Worker::drop_backlog() {
  for (auto& backlog : backlog_) {
    for (const Pending& pending : backlog)
      ++results[pending.step].unsent;
    backlog.clear();
  }
}

void Worker::maybe_finish() {
  if (finished_ || generating_ || busy_ > 0)
    return;
  if (std::any_of(backlog_.begin(), backlog_.end(), [](const auto& b) { return !b.empty(); }))
    return;
  finished_ = true;
  publish();
  tick_timer_.cancel();
  grace_timer_.cancel();
  sweeping_ = false;
  sweep_timer_.cancel();
  for (auto& session : sessions_)
    session->close();
}

void Worker::publish() {
  std::lock_guard lock(shared_.mutex);
  for (std::size_t s = 0; s < live_delta_.size(); ++s) {
    LiveStep& delta = live_delta_[s];
    if (delta.responses == 0 && delta.errors == 0)
      continue;
    LiveStep& total = shared_.live[s];
    total.latency.merge(delta.latency);
    total.responses += delta.responses;
    total.errors += delta.errors;
    delta.latency.clear();
    delta.responses = delta.errors = 0;
  }
}

}  // namespace kendall::loadgen::detail
