#pragma once
// One connection, one session (Beast's advanced server, boost-1.74.0): read a request with a
// deadline and size limits, answer it (on the worker pool for business routes), write, repeat.
//
// A session lives on one I/O thread's io_context (one event loop per thread, like nginx's
// worker processes), so its handlers never run concurrently and need no strand. Deadlines are
// a time point per connection checked by a coarse watchdog timer, not a timer armed per read
// and write: a request costs no timer operation at all.

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "server_context.hpp"

namespace kendall::services {

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Clock = std::chrono::steady_clock;
  /// A socket and a timer bound to one io_context's own executor type (not the type-erased
  /// any_io_executor): no executor is wrapped or copied through a virtual table per operation.
  using Executor = boost::asio::io_context::executor_type;
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
  using Timer = boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, Executor>;

  Session(Socket&& socket, ServerContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Starts reading on the socket's io_context.
  void run();

  /// How often a session's watchdog looks at its deadline: a tenth of the shorter timeout,
  /// between 1 ms and 1 s, so a deadline fires at most 10 % (or 1 s) late.
  static Clock::duration watchdog_period(const ServiceOptions& options);

 private:
  void do_read();
  void read_probe();
  void on_read_probe(boost::beast::error_code ec, std::size_t bytes);
  void read_with_parser();
  void on_read_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void dispatch_request();
  void run_on_worker(std::shared_ptr<const Request> request,
                     std::chrono::steady_clock::duration queued);
  void do_write(Response response);
  void do_write_fixed(std::string_view wire);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void begin_request();
  void finish_request();
  void set_deadline(Clock::duration timeout) { deadline_ = Clock::now() + timeout; }
  void clear_deadline() { deadline_ = Clock::time_point::max(); }
  void watch();

  Socket socket_;
  Timer watchdog_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;
  ServerContext& context_;
  Route route_ = Route::other;
  Clock::time_point received_at_;
  bool request_in_flight_ = false;
};

}  // namespace kendall::services
