#pragma once
// One keep-alive HTTP/1.1 client connection: connect once, then write a request and read its
// response, one at a time. The per-request deadline (covering connect, write and the whole
// response) is a time point the owner's periodic sweep checks (check_deadline), not a timer
// armed per request. The owner (a Worker) decides what to send next; the session reports each
// outcome back to it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "kendall/base/http_chars.hpp"
#include "server_timing.hpp"

namespace kendall::loadgen::detail {

using Clock = std::chrono::steady_clock;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

enum class Failure { none, connect, timeout, io };

/// Reads one response keeping only its status, Server-Timing and body: other header fields are
/// not stored, which saves an allocation per field per request at max throughput. The body goes
/// to a string the session reuses, so its capacity is kept between requests. Used for the
/// responses the fast path (response_head.hpp) declines: chunked, close-delimited,
/// 1xx/204/304, anything odd.
class ResponseReader final : public http::basic_parser<false> {
 public:
  explicit ResponseReader(std::string& body) : body_(body) { body_.clear(); }
  unsigned status() const { return status_; }
  std::optional<double> server_time() const { return timing_.seconds(); }

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                       error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, error_code&) override {
    status_ = static_cast<unsigned>(code);
  }
  void on_field_impl(http::field, beast::string_view name, beast::string_view value,
                     error_code&) override {
    if (http_chars::equals_lower(name.data(), name.size(), "server-timing"))
      timing_.add_field(std::string_view(value.data(), value.size()));
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  std::string& body_;
  unsigned status_ = 0;
  ServerTiming timing_;
};

/// One request's timing and result, handed to the owner when it ends.
struct Outcome {
  Failure failure = Failure::none;
  unsigned status = 0;
  /// What the server said it took (its Server-Timing fields), if it said.
  std::optional<double> server_time;
  Clock::time_point write_start;
  Clock::time_point done;
};

class SessionOwner {
 public:
  virtual void on_connected(class Session& session, error_code ec) = 0;
  virtual void on_outcome(class Session& session, const Outcome& outcome) = 0;

 protected:
  ~SessionOwner() = default;
};

class Session {
 public:
  Session(boost::asio::io_context& io, SessionOwner& owner, tcp::resolver::results_type address,
          std::size_t endpoint, std::chrono::nanoseconds timeout);

  /// Opens the connection ahead of the run, so that connect time is not measured.
  void connect();
  /// Sends `request` (which must stay alive until the outcome), reconnecting if needed.
  void send(const std::string& request);
  /// The body of the last response (valid until the next send).
  const std::string& response_body() const { return body_; }
  std::size_t endpoint() const { return endpoint_; }
  bool busy() const { return busy_; }
  /// Closes the socket; an outstanding operation ends with an error outcome.
  void close();
  /// Called by the owner's sweep: past the deadline of the connect or request in progress, the
  /// socket is closed and the outcome is a timeout.
  void check_deadline(Clock::time_point now);
  /// Called by the owner's sweep between requests: notices when the server closes this idle
  /// keep-alive connection (as a server's idle timeout does), so that the next send connects
  /// afresh instead of failing on a dead socket. Not armed per request: that would cost every
  /// response a second completion.
  void watch_idle();

  /// Owner's bookkeeping for the request in flight (index into its pending table).
  std::size_t slot = 0;

 private:
  void do_connect(bool then_write);
  void on_connect(bool then_write, error_code ec);
  void do_write();
  void on_write(error_code ec, std::size_t bytes);
  void do_read();
  void read_some();
  void on_read_some(error_code ec, std::size_t bytes);
  void on_response(unsigned status, bool keep_alive, std::optional<double> server_time);
  bool read_fast();
  void use_beast_parser();
  void finish(Failure failure, unsigned status);
  Failure classify(error_code ec) const;
  void on_idle_readable(std::uint64_t generation, error_code ec);

  /// The io_context's own executor type rather than the type-erased any_io_executor: no
  /// executor is wrapped and copied through a table of functions per operation.
  using Socket = boost::asio::basic_stream_socket<tcp, boost::asio::io_context::executor_type>;

  SessionOwner& owner_;
  Socket socket_;
  tcp::resolver::results_type address_;
  std::size_t endpoint_;
  std::chrono::nanoseconds timeout_;
  beast::flat_buffer buffer_;
  std::optional<ResponseReader> parser_;
  std::string body_;
  const std::string* request_ = nullptr;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;
  bool fast_ = true;  // reading this response with read_response_head, not Beast's parser
  bool connected_ = false;
  bool busy_ = false;
  bool watching_ = false;         // an idle watch is pending
  std::uint64_t generation_ = 0;  // bumped by every send and close: a stale watch is ignored
  Outcome outcome_;
};

}  // namespace kendall::loadgen::detail
