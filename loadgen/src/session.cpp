#include "session.hpp"

#include "response_head.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>

namespace kendall::loadgen::detail {
namespace {

// Responses larger than this are an error, not a reason to exhaust memory.
constexpr std::uint64_t body_limit = 8u << 20;
// Beast's default for a response head.
constexpr std::size_t header_limit = 8 * 1024;

}  // namespace

Session::Session(boost::asio::io_context& io, SessionOwner& owner,
                 tcp::resolver::results_type address, std::size_t endpoint,
                 std::chrono::nanoseconds timeout)
    : owner_(owner),
      socket_(io.get_executor()),
      address_(std::move(address)),
      endpoint_(endpoint),
      timeout_(timeout) {}

void Session::connect() {
  do_connect(false);
}

void Session::send(const std::string& request) {
  ++generation_;
  request_ = &request;
  busy_ = true;
  outcome_ = {};
  outcome_.write_start = Clock::now();
  timed_out_ = false;
  // One deadline covers a reconnect, the write and the whole response.
  deadline_ = outcome_.write_start + timeout_;
  if (connected_)
    do_write();
  else
    do_connect(true);
}

void Session::close() {
  ++generation_;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  connected_ = false;
}

void Session::check_deadline(Clock::time_point now) {
  if (now < deadline_)
    return;
  deadline_ = Clock::time_point::max();
  timed_out_ = true;
  close();  // the pending operation completes with operation_aborted: a timeout
}

void Session::watch_idle() {
  if (watching_ || busy_ || !connected_)
    return;
  watching_ = true;
  socket_.async_wait(tcp::socket::wait_read, [this, generation = generation_](error_code ec) {
    on_idle_readable(generation, ec);
  });
}

void Session::on_idle_readable(std::uint64_t generation, error_code ec) {
  watching_ = false;
  // A send since the watch began owns the socket now: its response is what became readable.
  if (ec || generation != generation_ || busy_ || !connected_)
    return;
  // Readable with no request out: HTTP/1.1 servers send nothing unasked, so this is the server
  // closing the connection (perhaps after a 408). Drop it; the next send reconnects.
  close();
  buffer_.clear();
}

Failure Session::classify(error_code) const {
  return timed_out_ ? Failure::timeout : Failure::io;
}

void Session::do_connect(bool then_write) {
  if (!then_write) {  // a connect ahead of the run has its own deadline
    timed_out_ = false;
    deadline_ = Clock::now() + timeout_;
  }
  boost::asio::async_connect(
      socket_, address_,
      [this, then_write](error_code ec, const tcp::endpoint&) { on_connect(then_write, ec); });
}

void Session::on_connect(bool then_write, error_code ec) {
  connected_ = !ec;
  if (!ec) {
    // Small requests must leave at once, not wait for Nagle's algorithm.
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
  }
  if (!then_write) {
    deadline_ = Clock::time_point::max();
    owner_.on_connected(*this, ec);
    return;
  }
  if (ec)
    return finish(Failure::connect, 0);
  do_write();
}

void Session::do_write() {
  boost::asio::async_write(socket_, boost::asio::buffer(*request_),
                           beast::bind_front_handler(&Session::on_write, this));
}

void Session::on_write(error_code ec, std::size_t) {
  if (ec)
    return finish(classify(ec), 0);
  do_read();
}

void Session::do_read() {
  fast_ = true;
  read_some();
}

void Session::use_beast_parser() {
  fast_ = false;
  parser_.emplace(body_);
  parser_->header_limit(header_limit);
  parser_->body_limit(body_limit);
  parser_->eager(true);  // one put() goes on from the header into the body
}

bool Session::read_fast() {
  const auto data = buffer_.data();
  const ResponseHead head =
      read_response_head(std::string_view(static_cast<const char*>(data.data()), data.size()),
                         header_limit, body_limit);
  if (head.kind == ResponseHead::Kind::unsupported) {
    use_beast_parser();
    return false;
  }
  if (head.kind == ResponseHead::Kind::need_more)
    return false;
  const auto length = static_cast<std::size_t>(head.content_length);
  body_.assign(static_cast<const char*>(data.data()) + head.head_size, length);
  buffer_.consume(head.head_size + length);
  on_response(head.status, head.keep_alive, head.server_time);
  return true;
}

// The read loop of Beast's http::async_read, without its composed operations: read what the
// socket has, feed the parser, and read again until the response is complete.
void Session::read_some() {
  constexpr std::size_t read_size = 64 * 1024;
  socket_.async_read_some(buffer_.prepare(read_size),
                          [this](error_code ec, std::size_t bytes) { on_read_some(ec, bytes); });
}

void Session::on_read_some(error_code ec, std::size_t bytes) {
  if (!ec) {
    buffer_.commit(bytes);
    if (fast_ && read_fast())
      return;
  }
  if (fast_) {
    if (ec)  // the connection ended within a response framed by its length, or before one
      return finish(classify(ec), 0);
    return read_some();
  }
  if (ec == boost::asio::error::eof && parser_->got_some()) {
    parser_->put_eof(ec);  // a body that ends with the connection is complete now
    if (ec)
      return finish(Failure::io, 0);
    return on_response(parser_->status(), parser_->keep_alive(), parser_->server_time());
  }
  if (ec)
    return finish(classify(ec), 0);
  while (buffer_.size() > 0) {
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more)
      break;
    if (ec)
      return finish(Failure::io, 0);
    if (parser_->is_done())
      return on_response(parser_->status(), parser_->keep_alive(), parser_->server_time());
    if (used == 0)
      break;
  }
  read_some();
}

void Session::on_response(unsigned status, bool keep_alive, std::optional<double> server_time) {
  outcome_.server_time = server_time;
  if (!keep_alive) {
    close();  // the next send reconnects
    buffer_.clear();
  }
  finish(Failure::none, status);
}

void Session::finish(Failure failure, unsigned status) {
  if (failure != Failure::none) {
    // The stream is in an unknown state (half a response may be buffered): start afresh.
    close();
    buffer_.clear();
    body_.clear();
  }
  deadline_ = Clock::time_point::max();
  outcome_.failure = failure;
  outcome_.status = status;
  outcome_.done = Clock::now();
  busy_ = false;
  owner_.on_outcome(*this, outcome_);
}

}  // namespace kendall::loadgen::detail
