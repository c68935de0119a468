#include "session.hpp"

#include "request_head.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <thread>

namespace kendall::services {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// The W3C Server-Timing field (durations in milliseconds): the load generator takes it off each
// request's latency to measure the path outside the server request by request.
std::string server_timing(double queued, double worked) {
  return fmt::format("queue;dur={:.3f}, work;dur={:.3f}", queued * 1e3, worked * 1e3);
}

bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

}  // namespace

Session::Session(Socket&& socket, ServerContext& context)
    : socket_(std::move(socket)), watchdog_(socket_.get_executor()), context_(context) {
  ++context_.connections;
}

Session::~Session() {
  finish_request();
  --context_.connections;
}

Session::Clock::duration Session::watchdog_period(const ServiceOptions& options) {
  const Clock::duration shorter =
      std::min<Clock::duration>(options.header_timeout, options.body_timeout);
  return std::clamp<Clock::duration>(shorter / 10, std::chrono::milliseconds(1),
                                     std::chrono::seconds(1));
}

void Session::run() {
  // The socket belongs to one I/O thread's io_context: everything below runs on that thread.
  net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->watch();
    self->do_read();
  });
}

void Session::watch() {
  // The watchdog holds the session weakly: a connection nobody serves any more is freed.
  watchdog_.expires_after(watchdog_period(*context_.options));
  watchdog_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    const auto self = weak.lock();
    if (ec || !self) {
      return;
    }
    if (Clock::now() >= self->deadline_) {
      // Closing cancels the pending read or write; its handler sees operation_aborted.
      self->timed_out_ = true;
      beast::error_code ignored;
      self->socket_.close(ignored);
      return;
    }
    self->watch();
  });
}

void Session::do_read() {
  // Read the headers within the header deadline (also the keep-alive idle timeout).
  set_deadline(context_.options->header_timeout);
  read_probe();
}

void Session::read_probe() {
  // A health probe is answered from its bytes alone; anything else goes to Beast's parser with
  // the bytes read so far. While shutting down, every answer goes the general way (it closes).
  if (buffer_.size() > 0 && !context_.draining) {
    const auto data = buffer_.data();
    const RequestHead head =
        read_request_head(std::string_view(static_cast<const char*>(data.data()), data.size()),
                          context_.options->max_header_size);
    if (head.kind == RequestHead::Kind::health_probe) {
      buffer_.consume(head.size);
      clear_deadline();
      begin_request();
      route_ = Route::healthz;
      do_write_fixed(health_answer());
      return;
    }
    if (head.kind == RequestHead::Kind::other) {
      read_with_parser();
      return;
    }
  }
  if (context_.draining) {
    read_with_parser();
    return;
  }
  constexpr std::size_t read_size = 16 * 1024;
  socket_.async_read_some(buffer_.prepare(read_size),
                          [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                            self->on_read_probe(ec, bytes);
                          });
}

void Session::on_read_probe(beast::error_code ec, std::size_t bytes) {
  if (!ec) {
    buffer_.commit(bytes);
    read_probe();
    return;
  }
  if (ec == net::error::eof && buffer_.size() > 0) {
    read_with_parser();  // Beast meets the end of stream again and reports half a request
    return;
  }
  on_read(ec == net::error::eof ? beast::error_code(http::error::end_of_stream) : ec, 0);
}

void Session::read_with_parser() {
  // A fresh parser per request: limits apply to each message, not to the connection.
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_.options->max_header_size));
  parser_->body_limit(context_.options->max_body_size);
  http::async_read_header(socket_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_read_header, shared_from_this()));
}

void Session::on_read_header(beast::error_code ec, std::size_t bytes) {
  if (ec || parser_->is_done()) {
    on_read(ec, bytes);
    return;
  }
  // Read the body within its own deadline.
  set_deadline(context_.options->body_timeout);
  http::async_read(socket_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

void Session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  clear_deadline();
  if (ec == http::error::end_of_stream) {
    do_close();
    return;
  }
  if (ec == http::error::body_limit) {
    begin_request();
    const auto target = parser_->get().target();
    route_ = route_of(std::string_view(target.data(), target.size()));
    do_write(error_response(
        payload_too_large("request body over the limit of " +
                          std::to_string(context_.options->max_body_size) + " bytes"),
        11, false));
    return;
  }
  if (ec == http::error::header_limit || is_parse_error(ec)) {
    begin_request();
    route_ = Route::other;
    const auto error =
        ec == http::error::header_limit
            ? HttpError(431, "request headers over the limit of " +
                                 std::to_string(context_.options->max_header_size) + " bytes")
            : bad_request("malformed HTTP request: " + ec.message());
    do_write(error_response(error, 11, false));
    return;
  }
  if (ec) {
    // Timeouts, resets and aborts: nothing to answer.
    spdlog::debug("connection closed event=read error=\"{}\"",
                  timed_out_ ? "timeout" : ec.message());
    do_close();
    return;
  }
  begin_request();
  dispatch_request();
}

void Session::dispatch_request() {
  const Request& request = parser_->get();
  const auto target = request.target();
  route_ = route_of(std::string_view(target.data(), target.size()));
  if (!runs_on_worker(route_)) {
    // A constant answer (GET /healthz, keep-alive) is written from its pre-serialized bytes.
    if (!context_.draining) {
      if (const auto wire = fixed_answer(route_, request)) {
        do_write_fixed(*wire);
        return;
      }
    }
    do_write(context_.handlers->handle(request));
    return;
  }
  auto shared = std::make_shared<const Request>(parser_->release());
  const bool accepted = context_.pool->try_submit(
      [self = shared_from_this(), shared](std::chrono::steady_clock::duration queued) {
        self->run_on_worker(shared, queued);
      });
  if (!accepted) {
    context_.metrics->record_rejected();
    do_write(error_response(service_unavailable("server busy: the request queue is full", 1),
                            shared->version(), shared->keep_alive()));
  }
}

void Session::run_on_worker(std::shared_ptr<const Request> request,
                            std::chrono::steady_clock::duration queued) {
  // Runs on a worker thread: touches nothing of the session but its executor.
  context_.metrics->record_queued(seconds(queued));
  const auto start = std::chrono::steady_clock::now();
  if (context_.work_model != nullptr) {
    std::this_thread::sleep_for(context_.work_model->draw());
  }
  Response response = context_.handlers->handle(*request);
  const double worked = seconds(std::chrono::steady_clock::now() - start);
  context_.metrics->record_service(worked);
  response.set("Server-Timing", server_timing(seconds(queued), worked));
  net::post(socket_.get_executor(),
            [self = shared_from_this(), response = std::move(response)]() mutable {
              self->do_write(std::move(response));
            });
}

void Session::do_write(Response response) {
  if (context_.draining) {
    // Shutting down: answer, then let the client reconnect elsewhere.
    response.keep_alive(false);
  }
  const auto now = Clock::now();
  context_.metrics->record_request(route_, response.result_int(), seconds(now - received_at_));
  response_ = std::move(response);
  const bool close = response_.need_eof();
  deadline_ = now + context_.options->body_timeout;
  http::async_write(socket_, response_,
                    beast::bind_front_handler(&Session::on_write, shared_from_this(), close));
}

void Session::do_write_fixed(std::string_view wire) {
  const auto now = Clock::now();
  context_.metrics->record_request(route_, 200, seconds(now - received_at_));
  deadline_ = now + context_.options->body_timeout;
  net::async_write(socket_, net::buffer(wire.data(), wire.size()),
                   beast::bind_front_handler(&Session::on_write, shared_from_this(), false));
}

void Session::on_write(bool close, beast::error_code ec, std::size_t /*bytes*/) {
  clear_deadline();
  finish_request();
  if (ec) {
    spdlog::debug("connection closed event=write error=\"{}\"",
                  timed_out_ ? "timeout" : ec.message());
    return;
  }
  if (close) {
    do_close();
    return;
  }
  do_read();
}

void Session::do_close() {
  beast::error_code ec;
  socket_.shutdown(net::ip::tcp::socket::shutdown_send, ec);
  watchdog_.cancel();
}

void Session::begin_request() {
  request_in_flight_ = true;
  ++context_.in_flight;
  received_at_ = Clock::now();
}

void Session::finish_request() {
  if (request_in_flight_) {
    request_in_flight_ = false;
    --context_.in_flight;
  }
}

}  // namespace kendall::services
