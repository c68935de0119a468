#include "session.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>

namespace kendall::loadgen::detail {
namespace {

// Responses larger than this are an error, not a reason to exhaust memory.
constexpr std::uint64_t body_limit = 8u << 20;

Failure classify(error_code ec) {
  return ec == beast::error::timeout ? Failure::timeout : Failure::io;
}

}  // namespace

Session::Session(boost::asio::io_context& io, SessionOwner& owner,
                 tcp::resolver::results_type address, std::size_t endpoint,
                 std::chrono::nanoseconds timeout)
    : owner_(owner),
      stream_(io),
      address_(std::move(address)),
      endpoint_(endpoint),
      timeout_(timeout) {}

void Session::connect() {
  do_connect(false);
}

void Session::send(const std::string& request) {
  request_ = &request;
  busy_ = true;
  outcome_ = {};
  outcome_.write_start = Clock::now();
  if (connected_)
    do_write();
  else
    do_connect(true);
}

void Session::close() {
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  connected_ = false;
}

void Session::do_connect(bool then_write) {
  // Set the timeout, then connect.
  stream_.expires_after(timeout_);
  stream_.async_connect(address_, [this, then_write](error_code ec, const tcp::endpoint&) {
    on_connect(then_write, ec);
  });
}

void Session::on_connect(bool then_write, error_code ec) {
  connected_ = !ec;
  if (!ec) {
    // Small requests must leave at once, not wait for Nagle's algorithm.
    error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
  }
  if (!then_write) {
    owner_.on_connected(*this, ec);
    return;
  }
  if (ec)
    return finish(Failure::connect, 0);
  do_write();
}

void Session::do_write() {
  // One deadline covers the write and the whole response.
  stream_.expires_after(timeout_);
  boost::asio::async_write(stream_, boost::asio::buffer(*request_),
                           beast::bind_front_handler(&Session::on_write, this));
}

void Session::on_write(error_code ec, std::size_t) {
  if (ec)
    return finish(classify(ec), 0);
  do_read();
}

void Session::do_read() {
  parser_.emplace(body_);
  parser_->body_limit(body_limit);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, this));
}

void Session::on_read(error_code ec, std::size_t) {
  if (ec)
    return finish(classify(ec), 0);
  if (!parser_->keep_alive())
    close();  // the next send reconnects
  finish(Failure::none, parser_->status());
}

void Session::finish(Failure failure, unsigned status) {
  if (failure != Failure::none) {
    // The stream is in an unknown state (half a response may be buffered): start afresh.
    close();
    buffer_.clear();
    body_.clear();
  }
  outcome_.failure = failure;
  outcome_.status = status;
  outcome_.done = Clock::now();
  busy_ = false;
  owner_.on_outcome(*this, outcome_);
}

}  // namespace kendall::loadgen::detail
