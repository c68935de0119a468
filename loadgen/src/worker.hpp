#pragma once
// One load-generating thread: its own io_context, connections, arrival stream (open loop) or
// users (closed loop, max throughput), and a FIFO backlog per endpoint for requests that are
// due while every connection of that endpoint is busy. Latency counts from the intended send
// time, so waiting in the backlog is measured, never omitted.

#include <atomic>
#include <deque>
#include <exception>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "kendall/loadgen/options.hpp"
#include "kendall/loadgen/result.hpp"
#include "kendall/loadgen/scenario.hpp"
#include "render.hpp"
#include "session.hpp"

namespace kendall::loadgen::detail {

/// Live counters of one step, summed over workers a few times a second for the progress line.
struct LiveStep {
  Histogram latency;
  std::uint64_t responses = 0;
  std::uint64_t errors = 0;
};

/// What all workers share: read-only configuration, the start signal, and the live counters.
struct Shared {
  Shared(const Scenario& s, const LoadOptions& o, int worker_count)
      : scenario(s),
        options(o),
        ready(worker_count),
        go(1),
        live(o.steps.empty() ? 1 : o.steps.size()) {}
  const Scenario& scenario;
  const LoadOptions& options;
  std::vector<tcp::resolver::results_type> addresses;  // by endpoint index
  std::atomic<std::uint64_t> seq{0};
  std::uint64_t nonce = 0;
  std::latch ready;                // every worker has opened its connections
  std::latch go;                   // the main thread has set t0
  std::atomic<bool> abort{false};  // a worker could not connect: nobody starts
  Clock::time_point t0;            // written before `go` opens
  std::mutex mutex;                // guards `live`
  std::vector<LiveStep> live;
  int finished = 0;  // workers done (guarded by `mutex`)
};

class Worker final : public SessionOwner {
 public:
  Worker(Shared& shared, int index, int workers);
  /// The thread body: connects, waits for the start, runs every step, drains.
  void run();

  std::vector<StepResult> results;
  std::exception_ptr error;
  bool stopped_early = false;

 private:
  struct Pending {
    Clock::time_point intended;
    std::size_t request = 0;
    int user = -1;  // closed loop and max throughput: who waits for this response
    std::size_t step = 0;
  };

  void open_connections();
  void start_step(std::size_t step);
  void end_step();
  void schedule_arrival();
  /// options_.rate_scale now (1 without one).
  double rate_scale() const;
  void on_arrival(error_code ec);
  void user_ready(int user, Clock::time_point when);
  void arrive(Clock::time_point intended, int user);
  void send(Session& session, const Pending& pending);
  void on_connected(Session& session, error_code ec) override;
  void on_outcome(Session& session, const Outcome& outcome) override;
  void tick();
  void sweep();
  void stop_generating();
  void maybe_finish();
  void publish();
  void drop_backlog();
  bool duration_mode() const { return !has_quota_; }

  Shared& shared_;
  const LoadOptions& options_;
  int index_;
  int workers_;
  boost::asio::io_context io_{1};
  RequestRenderer renderer_;
  Rng rng_;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::vector<Clock::time_point> step_starts_;
  std::vector<Pending> in_flight_;            // by session index
  std::vector<std::string> wire_;             // templated request bytes, by session index
  std::vector<std::string> body_;             // rendered request body, by session index
  std::vector<std::vector<Session*>> idle_;   // by endpoint
  std::vector<std::deque<Pending>> backlog_;  // by endpoint
  std::vector<std::unique_ptr<boost::asio::steady_timer>> user_timers_;
  boost::asio::steady_timer arrival_timer_{io_};
  boost::asio::steady_timer step_timer_{io_};
  boost::asio::steady_timer tick_timer_{io_};
  boost::asio::steady_timer grace_timer_{io_};
  boost::asio::steady_timer sweep_timer_{io_};  // checks every session's deadline
  Clock::duration sweep_period_{};
  bool sweeping_ = false;
  bool watch_idle_ = false;  // the sweep also watches idle connections (during the run)

  int users_ = 0;  // closed loop and max throughput
  double thread_rate_ = 0;
  std::size_t step_ = 0;
  Clock::time_point step_start_;
  Clock::time_point next_arrival_;
  bool generating_ = false;
  bool finished_ = false;
  std::uint64_t quota_ = 0;  // --requests: arrivals this thread still may create
  bool has_quota_ = false;
  std::size_t busy_ = 0;
  std::optional<Clock::time_point> last_send_;  // this step's previous send, for SendGaps
  std::size_t connect_pending_ = 0;
  std::vector<std::size_t> connect_ok_;  // by endpoint
  std::string connect_error_;
  std::vector<LiveStep> live_delta_;
};

}  // namespace kendall::loadgen::detail
