#pragma once
// One connection, one session (Beast's advanced server, boost-1.74.0): read a request with a
// deadline and size limits, answer it (on the worker pool for business routes), write, repeat.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "server_context.hpp"

namespace kendall::services {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket, ServerContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Starts reading on the session's strand.
  void run();

 private:
  void do_read();
  void on_read_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void dispatch_request(Request request);
  void run_on_worker(std::shared_ptr<const Request> request,
                     std::chrono::steady_clock::duration queued);
  void do_write(Response response);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void finish_request();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;
  ServerContext& context_;
  Route route_ = Route::other;
  std::chrono::steady_clock::time_point received_at_;
  bool request_in_flight_ = false;
};

}  // namespace kendall::services
