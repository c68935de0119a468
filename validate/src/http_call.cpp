#include "kendall/validate/http_call.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace kendall::validation {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

HttpReply http_call(const HttpCall& call) {
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  const std::string where = fmt::format("{}:{}", call.host, call.port);

  beast::error_code ec;
  const auto endpoints = resolver.resolve(call.host, std::to_string(call.port), ec);
  if (ec)
    throw std::runtime_error(fmt::format("{}: cannot resolve ({})", where, ec.message()));

  http::request<http::string_body> request(http::string_to_verb(call.method), call.target, 11);
  request.set(http::field::host, call.host);
  request.set(http::field::user_agent, "kendall-validate");
  if (!call.body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = call.body;
  }
  request.prepare_payload();

  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code result;
  std::string stage = "connect";
  // One deadline covers connect, write and read: tcp_stream cancels whatever is pending.
  stream.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(call.timeout)));
  stream.async_connect(endpoints, [&](beast::error_code error, const tcp::endpoint&) {
    if (error) {
      result = error;
      return;
    }
    stage = "write";
    http::async_write(stream, request, [&](beast::error_code write_error, std::size_t) {
      if (write_error) {
        result = write_error;
        return;
      }
      stage = "read";
      http::async_read(stream, buffer, response,
                       [&](beast::error_code read_error, std::size_t) { result = read_error; });
    });
  });
  io.run();
  if (result) {
    const bool timed_out = result == beast::error::timeout;
    throw std::runtime_error(fmt::format("{} {}{}: {} failed ({})", call.method, where, call.target,
                                         stage, timed_out ? "timed out" : result.message()));
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {response.result_int(), std::move(response.body())};
}

}  // namespace kendall::validation
