#pragma once
// Helpers for the services tests: temporary folders, a blocking HTTP client with a deadline on
// every exchange, an in-process server on 127.0.0.1 port 0, and spawning the real executables.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "kendall/services/handlers.hpp"
#include "kendall/services/options.hpp"
#include "kendall/services/server.hpp"
#include "support/child_service.hpp"

namespace kendall::services::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using namespace std::chrono_literals;

inline constexpr const char* test_secret = "kendall-test-secret-0123456789abcdef";

/// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("kendall-services-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::string store_url() const { return "sqlite:" + (path_ / "users.db").string(); }

 private:
  std::filesystem::path path_;
};

/// Options for a cheap, quick service (Argon2id at its minimum cost) on a free port.
inline ServiceOptions test_options(ServiceKind kind, const TempDir& dir) {
  ServiceOptions options = default_options(kind);
  options.port = 0;
  options.store = dir.store_url();
  options.hash_cost = {1, 8 * 1024};
  options.token_secret = test_secret;
  options.log_level = "off";
  return options;
}

inline Request json_request(http::verb method, const std::string& target, const std::string& body,
                            const std::string& content_type = "application/json") {
  Request request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!content_type.empty()) {
    request.set(http::field::content_type, content_type);
  }
  request.body() = body;
  request.prepare_payload();
  return request;
}

inline Request credentials_request(const std::string& target, const std::string& username,
                                   const std::string& password) {
  return json_request(http::verb::post, target,
                      nlohmann::json{{"username", username}, {"password", password}}.dump());
}

inline nlohmann::json body_json(const Response& response) {
  return nlohmann::json::parse(response.body());
}

/// Sends `raw` bytes (a whole request) on a new connection and reads one response, all within
/// `deadline`. Throws on a connection error or when the deadline passes.
inline Response exchange_raw(unsigned short port, const std::string& raw,
                             std::chrono::milliseconds deadline = 10s) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(deadline);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  beast::error_code result;
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  stream.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      return;
    }
    net::async_write(stream, net::buffer(raw), [&](beast::error_code ec2, std::size_t) {
      if (ec2) {
        result = ec2;
        return;
      }
      http::async_read(stream, buffer, parser,
                       [&](beast::error_code ec3, std::size_t) { result = ec3; });
    });
  });
  ioc.run();
  if (result) {
    throw std::runtime_error("HTTP exchange failed: " + result.message());
  }
  return parser.release();
}

inline Response exchange(unsigned short port, Request request,
                         std::chrono::milliseconds deadline = 10s) {
  std::ostringstream raw;
  raw << request;
  return exchange_raw(port, raw.str(), deadline);
}

/// An in-process server on 127.0.0.1 and a free port, shut down with the object.
class TestServer {
 public:
  explicit TestServer(const ServiceOptions& options)
      : server_(std::make_unique<Server>(options)), port_(server_->start()) {}
  unsigned short port() const { return port_; }
  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
  unsigned short port_;
};

using kendall::testing::ChildService;

}  // namespace kendall::services::testing
