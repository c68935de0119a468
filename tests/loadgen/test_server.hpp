#pragma once
// A small Beast HTTP/1.1 server for the load generator's tests: 127.0.0.1 on a free port, one
// thread, keep-alive, an optional fixed delay before every response and a pause switch that
// holds every response until resumed (as SIGSTOP would, but only for this server).
//
// Paths: /token answers {"token":"tok-N"}; /echo answers the request body; /status/NNN answers
// that status; anything else answers "ok".

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kendall::loadgen::testing {

class TestServer {
 public:
  explicit TestServer(std::chrono::microseconds delay = std::chrono::microseconds{0});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/") const;

  void pause() { paused_ = true; }
  void resume() { paused_ = false; }

  std::uint64_t requests() const { return requests_; }
  /// Most requests being handled at once (between reading a request and writing its response).
  int max_concurrent() const { return max_concurrent_; }
  /// Bodies of the requests to `path`, in arrival order.
  std::vector<std::string> bodies(const std::string& path) const;

  // Used by the server's sessions.
  struct State;

 private:
  std::shared_ptr<State> state_;
  std::uint16_t port_ = 0;
  std::atomic<bool>& paused_;
  std::atomic<std::uint64_t>& requests_;
  std::atomic<int>& max_concurrent_;
  std::thread thread_;
};

}  // namespace kendall::loadgen::testing
