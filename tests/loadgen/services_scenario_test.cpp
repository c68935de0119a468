// examples/loadtest/register-login-scenario.yaml through the load generator against the real
// bundled services (user-register-service and user-login-service, spawned on 127.0.0.1 port 0,
// one SQLite store, Argon2id at its cheapest). Oracles: the run's own bookkeeping law
// (sent = responses + failed) and the services' Prometheus counters, which count the same
// answers from the other side of the socket.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "kendall/loadgen/run.hpp"
#include "support/child_service.hpp"

namespace kendall::loadgen {
namespace {

#ifdef KENDALL_REGISTER_SERVICE

namespace http = boost::beast::http;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// GET /metrics from a service (blocking, on loopback).
std::string metrics_of(std::uint16_t port) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> request{http::verb::get, "/metrics", 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return response.body();
}

/// The value of one sample line in Prometheus text, 0 when absent.
double value(const std::string& text, const std::string& series) {
  const auto at = text.find(series + " ");
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size() + 1));
}

/// The value of one counter line (an exact integer in the text).
std::uint64_t counter(const std::string& text, const std::string& series) {
  return static_cast<std::uint64_t>(value(text, series));
}

std::uint64_t count(const StepResult& step, int status) {
  const auto it = step.status_codes.find(status);
  return it == step.status_codes.end() ? 0 : it->second;
}

/// An empty folder for a spawned service's store, and the token secret the services need.
std::filesystem::path fresh_service_dir(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ::setenv("KENDALL_TOKEN_SECRET", "kendall-loadgen-test-secret-0123456789", 1);
  return dir;
}

TEST(ServicesScenario, RegisterLoginExampleLogsInOnlyUsersItRegistered) {
  const auto dir = fresh_service_dir("kendall-loadgen-services");
  const std::vector<std::string> common{
      "--port",      "0",   "--store",    "sqlite:" + (dir / "u.db").string(),
      "--hash-ops",  "1",   "--hash-mem", "8KiB",
      "--log-level", "info"};
  kendall::testing::ChildService registrar(KENDALL_REGISTER_SERVICE, common);
  kendall::testing::ChildService login(KENDALL_LOGIN_SERVICE, common);
  const std::uint16_t register_port = registrar.wait_ready();
  const std::uint16_t login_port = login.wait_ready();

  // The example as written, with its fixed ports (5000, 5001) pointed at the spawned services.
  const std::string path =
      std::string(KENDALL_SOURCE_DIR) + "/examples/loadtest/register-login-scenario.yaml";
  std::string text = read_file(path);
  ASSERT_NE(text.find("127.0.0.1:5000/register"), std::string::npos);
  ASSERT_NE(text.find("127.0.0.1:5001/login"), std::string::npos);
  text = std::regex_replace(text, std::regex("127\\.0\\.0\\.1:5000/"),
                            "127.0.0.1:" + std::to_string(register_port) + "/");
  text = std::regex_replace(text, std::regex("127\\.0\\.0\\.1:5001/"),
                            "127.0.0.1:" + std::to_string(login_port) + "/");
  const Scenario scenario = parse_scenario(text, path);

  constexpr std::uint64_t requests = 300;
  LoadOptions options;  // max throughput, bounded by a request count
  options.requests = requests;
  options.connections = 4;
  options.threads = 1;
  options.timeout = 10;
  const RunResult result = run_load(scenario, options);
  ASSERT_EQ(result.steps.size(), 1u);
  const StepResult& step = result.steps[0];

  EXPECT_EQ(step.sent, requests);
  EXPECT_EQ(step.responses, requests);
  EXPECT_EQ(step.unsent, 0u);
  EXPECT_EQ(step.errors.total(), 0u) << "4xx " << step.errors.status_4xx << ", 5xx "
                                     << step.errors.status_5xx << ", io " << step.errors.io;
  // Only 201 (registered) and 200 (logged in, with a token): no login of an unknown user (401)
  // and no name taken twice (409).
  const std::uint64_t registered = count(step, 201), logged_in = count(step, 200);
  EXPECT_EQ(registered + logged_in, requests);
  EXPECT_EQ(step.status_codes.size(), 2u);
  // The 1:9 mix, and a login needs a registration first: at least one of each.
  EXPECT_GE(registered, 1u);
  EXPECT_GE(logged_in, 1u);

  // The services counted exactly the same answers.
  const std::string register_metrics = metrics_of(register_port);
  const std::string login_metrics = metrics_of(login_port);
  EXPECT_EQ(
      counter(register_metrics, R"(kendall_http_requests_total{route="/register",status="201"})"),
      registered);
  EXPECT_EQ(counter(login_metrics, R"(kendall_http_requests_total{route="/login",status="200"})"),
            logged_in);
  EXPECT_EQ(counter(login_metrics, R"(kendall_http_requests_total{route="/login",status="401"})"),
            0u);

  // Every answer said how long the service took (Server-Timing), and what the load generator
  // took off the latencies is what the services counted in their queues and jobs, to the
  // microsecond each answer is rounded to.
  ASSERT_EQ(step.outside_server.count(), requests);
  double server_seconds = 0;
  for (const std::string* metrics : {&register_metrics, &login_metrics})
    server_seconds += value(*metrics, "kendall_queue_wait_seconds_sum") +
                      value(*metrics, "kendall_service_time_seconds_sum");
  EXPECT_NEAR(step.latency.sum - step.outside_server.sum, server_seconds, requests * 1e-6);
  EXPECT_GT(step.outside_server.mean(), 0.0);
  std::filesystem::remove_all(dir);
}

// The login service closes a keep-alive connection after 100 ms without a request (its header
// timeout). Uniform load at 4/s on one connection leaves 250 ms between requests, so the server
// has closed the connection before every send but the first: the load generator must notice
// and reconnect, not report an I/O error for each request sent on a dead socket.
TEST(ServicesScenario, AServerClosingIdleConnectionsCostsAReconnectNotAnError) {
  const auto dir = fresh_service_dir("kendall-loadgen-idle");
  kendall::testing::ChildService login(
      KENDALL_LOGIN_SERVICE,
      {"--port", "0", "--store", "sqlite:" + (dir / "u.db").string(), "--header-timeout", "100ms"});
  const std::uint16_t port = login.wait_ready();
  const Scenario scenario = parse_scenario(
      "requests:\n  - name: health\n    url: http://127.0.0.1:" + std::to_string(port) +
          "/healthz\n",
      "idle-close scenario");

  LoadOptions options;
  options.steps = {{4.0}};
  options.duration = 2.0;
  options.arrival = Arrival::uniform;
  options.connections = 1;
  options.threads = 1;
  options.timeout = 10;
  const StepResult step = run_load(scenario, options).steps.at(0);

  EXPECT_GE(step.sent, 7u);
  EXPECT_EQ(step.responses, step.sent);
  EXPECT_EQ(step.errors.total(), 0u) << "io " << step.errors.io << ", connect "
                                     << step.errors.connect << ", timeout " << step.errors.timeout;
  std::filesystem::remove_all(dir);
}

#else

TEST(ServicesScenario, RegisterLoginExampleLogsInOnlyUsersItRegistered) {
  GTEST_SKIP() << "the bundled services are not part of this build";
}

TEST(ServicesScenario, AServerClosingIdleConnectionsCostsAReconnectNotAnError) {
  GTEST_SKIP() << "the bundled services are not part of this build";
}

#endif

}  // namespace
}  // namespace kendall::loadgen
