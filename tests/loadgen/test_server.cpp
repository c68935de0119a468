#include "loadgen/test_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace kendall::loadgen::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct TestServer::State {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::chrono::microseconds delay{0};
  std::atomic<bool> paused{false};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<int> concurrent{0};
  std::atomic<int> max_concurrent{0};
  std::uint64_t tokens = 0;  // server thread only
  mutable std::mutex mutex;
  std::map<std::string, std::vector<std::string>> bodies;
};

namespace {

// The request → response logic, free of sockets.
http::response<http::string_body> handle(TestServer::State& state,
                                         const http::request<http::string_body>& request) {
  http::response<http::string_body> response{http::status::ok, request.version()};
  const std::string target(request.target());
  {
    std::lock_guard lock(state.mutex);
    state.bodies[target].push_back(request.body());
  }
  if (target == "/token") {
    response.body() = "{\"token\":\"tok-" + std::to_string(++state.tokens) + "\"}";
  } else if (target == "/echo") {
    response.body() = request.body();
  } else if (target.rfind("/status/", 0) == 0) {
    response.result(static_cast<unsigned>(std::stoi(target.substr(8))));
  } else {
    response.body() = "ok";
  }
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

class ServerSession : public std::enable_shared_from_this<ServerSession> {
 public:
  ServerSession(tcp::socket socket, TestServer::State& state)
      : stream_(std::move(socket)), state_(state), timer_(stream_.get_executor()) {}

  void run() { do_read(); }

 private:
  void do_read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, request_,
                     beast::bind_front_handler(&ServerSession::on_read, shared_from_this()));
  }

  void on_read(error_code ec, std::size_t) {
    if (ec)
      return;  // the client closed, or the deadline passed
    ++state_.requests;
    const int now = ++state_.concurrent;
    int seen = state_.max_concurrent;
    while (now > seen && !state_.max_concurrent.compare_exchange_weak(seen, now)) {
    }
    do_wait(std::chrono::steady_clock::now() + state_.delay);
  }

  // Holds the response while paused, then until its delay has passed.
  void do_wait(std::chrono::steady_clock::time_point ready) {
    if (state_.paused) {
      timer_.expires_after(std::chrono::milliseconds(1));
      timer_.async_wait([self = shared_from_this(), ready](error_code) {
        self->do_wait(std::max(ready, std::chrono::steady_clock::now()));
      });
      return;
    }
    timer_.expires_at(ready);
    timer_.async_wait([self = shared_from_this()](error_code) { self->do_write(); });
  }

  void do_write() {
    response_ = handle(state_, request_);
    --state_.concurrent;
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&ServerSession::on_write, shared_from_this()));
  }

  void on_write(error_code ec, std::size_t) {
    if (ec || !response_.keep_alive())
      return;
    do_read();
  }

  beast::tcp_stream stream_;
  TestServer::State& state_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

void do_accept(TestServer::State& state) {
  state.acceptor.async_accept([&state](error_code ec, tcp::socket socket) {
    if (ec)
      return;
    std::make_shared<ServerSession>(std::move(socket), state)->run();
    do_accept(state);
  });
}

}  // namespace

TestServer::TestServer(std::chrono::microseconds delay)
    : state_(std::make_shared<State>()),
      paused_(state_->paused),
      requests_(state_->requests),
      max_concurrent_(state_->max_concurrent) {
  state_->delay = delay;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(asio::socket_base::reuse_address(true));
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  port_ = state_->acceptor.local_endpoint().port();
  do_accept(*state_);
  thread_ = std::thread([state = state_] { state->io.run(); });
}

TestServer::~TestServer() {
  state_->io.stop();
  thread_.join();
}

std::string TestServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<std::string> TestServer::bodies(const std::string& path) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->bodies.find(path);
  return it == state_->bodies.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace kendall::loadgen::testing
