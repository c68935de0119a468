#include "kendall/services/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <thread>

#include "kendall/base/error.hpp"
#include "kendall/base/time_slice.hpp"
#include "listener.hpp"

namespace kendall::services {

namespace net = boost::asio;

namespace {

/// Only the login service issues tokens, so only it needs (and insists on) a secret.
std::optional<TokenSigner> make_signer(const ServiceOptions& options) {
  if (options.kind != ServiceKind::login) {
    return std::nullopt;
  }
  return TokenSigner(options.token_secret.empty() ? load_token_secret(options.token_secret_file)
                                                  : options.token_secret,
                     options.token_lifetime);
}

}  // namespace

// Declaration order is destruction order reversed: the pool (whose jobs post to the
// io_context) goes before the io_context, which goes before what sessions reference.
struct Server::State {
  explicit State(const ServiceOptions& opts)
      : options(opts),
        store(open_user_store(opts.store, opts.workers + 2)),
        hasher(opts.hash_cost),
        signer(make_signer(opts)),
        metrics(opts.workers, opts.queue_limit),
        handlers(opts.kind, *store, hasher, signer ? &*signer : nullptr, metrics,
                 [this] { return gauges(); }) {
    if (opts.work_model) {
      work_model.emplace(*opts.work_model, opts.seed);
    }
    // One event loop per I/O thread (nginx's worker processes, in threads): loops[0] also
    // accepts, handles signals and drains. The others need a guard to wait for connections.
    for (std::size_t i = 1; i < std::max<std::size_t>(1, opts.io_threads); ++i) {
      more_loops.push_back(std::make_unique<net::io_context>(1));
      guards.emplace_back(more_loops.back()->get_executor());
    }
    pool.emplace(opts.workers, opts.queue_limit, opts.worker_nice);
    context.options = &options;
    context.handlers = &handlers;
    context.pool = &*pool;
    context.metrics = &metrics;
    context.work_model = work_model ? &*work_model : nullptr;
  }

  Gauges gauges() const {
    const WorkerPool::Usage usage = pool ? pool->usage() : WorkerPool::Usage{};
    return {context.in_flight.load(),
            pool ? pool->queue_length() : 0,
            pool ? pool->busy() : 0,
            context.connections.load(),
            usage.holds,
            usage.cpu,
            usage.arrival_gaps,
            usage.cores,
            usage.by_busy};
  }

  void begin_shutdown() {
    if (context.draining.exchange(true)) {
      return;
    }
    spdlog::info("shutting down in_flight={} deadline_ms={}", context.in_flight.load(),
                 options.shutdown_deadline.count());
    listener->close();
    drain_deadline = std::chrono::steady_clock::now() + options.shutdown_deadline;
    poll_drain();
  }

  std::vector<net::io_context*> loops() {
    std::vector<net::io_context*> all{&ioc};
    for (auto& loop : more_loops) {
      all.push_back(loop.get());
    }
    return all;
  }

  /// Thread-safe: io_context::stop may be called from any thread.
  void stop_loops() {
    for (auto* loop : loops()) {
      loop->stop();
    }
  }

  void poll_drain() {
    if (context.in_flight.load() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
      if (context.in_flight.load() != 0) {
        spdlog::warn("shutdown deadline passed in_flight={}", context.in_flight.load());
      }
      stop_loops();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(5));
    drain_timer.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        poll_drain();
      }
    });
  }

  ServiceOptions options;
  std::unique_ptr<UserStore> store;
  PasswordHasher hasher;
  std::optional<TokenSigner> signer;
  Metrics metrics;
  Handlers handlers;
  std::optional<WorkModel> work_model;
  ServerContext context;
  // The other I/O threads' loops go after `ioc`: its pending accept holds a socket of theirs.
  std::vector<std::unique_ptr<net::io_context>> more_loops;
  net::io_context ioc{1};
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::optional<WorkerPool> pool;
  std::shared_ptr<Listener> listener;
  std::optional<net::signal_set> signals;
  net::steady_timer drain_timer{ioc};
  std::chrono::steady_clock::time_point drain_deadline;
  std::vector<std::thread> threads;
  std::mutex join_mutex;
};

Server::Server(const ServiceOptions& options) : state_(std::make_unique<State>(options)) {}

Server::~Server() {
  if (state_->listener) {
    shutdown();
  }
  state_->pool->shutdown();
}

unsigned short Server::start() {
  auto& s = *state_;
  boost::system::error_code ec;
  const auto address = net::ip::make_address(s.options.bind, ec);
  if (ec) {
    throw InputError("--bind: \"" + s.options.bind + "\" is not an IP address (e.g. 127.0.0.1)");
  }
  s.listener = std::make_shared<Listener>(
      s.loops(), net::ip::tcp::endpoint(address, s.options.port), s.context);
  s.listener->run();
  for (auto* loop : s.loops()) {
    s.threads.emplace_back([&s, loop] {
      const TimeSliceOutcome slice = request_time_slice(s.options.io_slice);
      if (slice != TimeSliceOutcome::applied && slice != TimeSliceOutcome::kept_default) {
        spdlog::debug("I/O thread time slice slice_ns={} outcome=\"{}\"",
                      s.options.io_slice.count(), describe(slice));
      }
      try {
        loop->run();
      } catch (const std::exception& error) {
        spdlog::critical("I/O thread failed error=\"{}\"", error.what());
        s.stop_loops();
      }
    });
  }
  return s.listener->port();
}

void Server::shutdown_on_signals() {
  auto& s = *state_;
  s.signals.emplace(s.ioc, SIGINT, SIGTERM);
  s.signals->async_wait([&s](boost::system::error_code ec, int signal) {
    if (!ec) {
      spdlog::info("signal received signal={}", signal);
      s.begin_shutdown();
    }
  });
}

void Server::shutdown() {
  net::post(state_->ioc, [s = state_.get()] { s->begin_shutdown(); });
  wait();
}

void Server::wait() {
  std::lock_guard lock(state_->join_mutex);
  for (auto& thread : state_->threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

Metrics& Server::metrics() {
  return state_->metrics;
}
UserStore& Server::store() {
  return *state_->store;
}

void run_service(const ServiceOptions& options) {
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z level=%l %v");
  Server server(options);
  const auto port = server.start();
  server.shutdown_on_signals();
  spdlog::info(
      "listening service={} address={} port={} workers={} queue_limit={} io_slice_us={} store={}",
      options.kind == ServiceKind::register_user ? "register" : "login", options.bind, port,
      options.workers, options.queue_limit, options.io_slice.count() / 1000, options.store);
  spdlog::default_logger()->flush();
  server.wait();
  spdlog::info("stopped");
}

}  // namespace kendall::services
