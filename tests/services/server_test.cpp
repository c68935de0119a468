// Tests for kendall/services/server.hpp over real sockets on 127.0.0.1, port 0.
#include "kendall/services/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <latch>
#include <thread>

#include "kendall/base/time_slice.hpp"
#include "support.hpp"

namespace kendall::services {
namespace {

using namespace testing;

TEST(Server, ServesRegisterThenLoginOverOneStore) {
  TempDir dir;
  TestServer registrar(test_options(ServiceKind::register_user, dir));
  TestServer login(test_options(ServiceKind::login, dir));
  EXPECT_EQ(exchange(registrar.port(), credentials_request("/register", "alice", "s3cret-pw"))
                .result_int(),
            201u);
  const auto token = exchange(login.port(), credentials_request("/login", "alice", "s3cret-pw"));
  EXPECT_EQ(token.result_int(), 200u);
  EXPECT_TRUE(body_json(token).contains("token"));
  EXPECT_EQ(
      exchange(login.port(), credentials_request("/login", "alice", "wrong-pw1")).result_int(),
      401u);
  for (const char* target : {"/healthz", "/readyz", "/metrics"}) {
    EXPECT_EQ(exchange(login.port(), json_request(http::verb::get, target, "", "")).result_int(),
              200u)
        << target;
  }
}

// A business answer says how long it waited for a worker and how long the worker took (the
// W3C Server-Timing field, in milliseconds): with a fixed 5 ms of work the work is 5 ms and
// more (the hash besides), the wait is what a lone request pays, and constant answers say
// nothing.
TEST(Server, BusinessAnswersSayTheirQueueAndWorkInServerTiming) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.work_model = Distribution::deterministic(0.005);
  TestServer server(options);
  const auto answer = exchange(server.port(), credentials_request("/register", "bob", "s3cret-pw"));
  EXPECT_EQ(answer.result_int(), 201u);
  const std::string timing(answer["Server-Timing"]);
  double queue_ms = -1, work_ms = -1;
  ASSERT_EQ(std::sscanf(timing.c_str(), "queue;dur=%lf, work;dur=%lf", &queue_ms, &work_ms), 2)
      << timing;
  EXPECT_GE(queue_ms, 0.0);
  EXPECT_LT(queue_ms, 5.0);
  EXPECT_GE(work_ms, 5.0);
  EXPECT_LT(work_ms, 1000.0);
  const auto health = exchange(server.port(), json_request(http::verb::get, "/healthz", "", ""));
  EXPECT_EQ(health.count("Server-Timing"), 0u);
}

TEST(Server, KeepsTheConnectionAliveAcrossRequests) {
  TempDir dir;
  TestServer server(test_options(ServiceKind::register_user, dir));
  std::ostringstream raw;
  raw << json_request(http::verb::get, "/healthz", "", "")
      << json_request(http::verb::get, "/nope", "", "");
  // Two pipelined requests on one connection: the second answer proves the first kept it open.
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(10s);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  net::write(stream, net::buffer(raw.str()));
  beast::flat_buffer buffer;
  Response first, second;
  http::read(stream, buffer, first);
  http::read(stream, buffer, second);
  EXPECT_EQ(first.result_int(), 200u);
  EXPECT_EQ(second.result_int(), 404u);
}

TEST(Server, TwoIoThreadsServeManyKeepAliveConnectionsAndCountEveryAnswer) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.io_threads = 2;
  TestServer server(options);
  // Eight connections (round robin over the two loops), each with five requests: the fixed
  // /healthz answer, the generic path and an error, all on the same connection.
  constexpr int connections = 8, rounds = 5;
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&] {
      net::io_context ioc;
      beast::tcp_stream stream(ioc);
      stream.expires_after(10s);
      stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
      beast::flat_buffer buffer;
      for (int r = 0; r < rounds; ++r) {
        for (const auto& [target, status] :
             {std::pair{"/healthz", 200u}, {"/readyz", 200u}, {"/nope", 404u}}) {
          http::write(stream, json_request(http::verb::get, target, "", ""));
          Response response;
          http::read(stream, buffer, response);
          EXPECT_EQ(response.result_int(), status) << target;
          answered += response.result_int() == status ? 1 : 0;
        }
      }
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  EXPECT_EQ(answered.load(), connections * rounds * 3);
  auto& metrics = server.server().metrics();
  EXPECT_EQ(metrics.requests(Route::healthz, 200), std::uint64_t{connections * rounds});
  EXPECT_EQ(metrics.requests(Route::readyz, 200), std::uint64_t{connections * rounds});
  EXPECT_EQ(metrics.requests(Route::other, 404), std::uint64_t{connections * rounds});
}

/// Threads of this process whose scheduler slice is `slice`, as the kernel reports them.
int threads_with_slice(std::chrono::nanoseconds slice) {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    count += thread_time_slice(std::stoi(task.path().filename().string())) == slice ? 1 : 0;
  }
  return count;
}

TEST(Server, EveryIoThreadAndNoWorkerAsksForTheShortSlice) {
  bool supported = false;
  std::thread([&] {
    supported = request_time_slice(kShortestTimeSlice) == TimeSliceOutcome::applied;
  }).join();
  if (!supported) {
    GTEST_SKIP() << "this kernel has no custom slices (Linux 6.12+)";
  }
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.io_threads = 2;
  options.workers = 3;
  options.io_slice = std::chrono::microseconds(300);  // neither the kernel's default nor ours
  ASSERT_EQ(threads_with_slice(options.io_slice), 0);
  TestServer server(options);
  // Each I/O thread asks as it starts; give them a moment to have started.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (threads_with_slice(options.io_slice) < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(threads_with_slice(options.io_slice), 2);
  EXPECT_EQ(exchange(server.port(), json_request(http::verb::get, "/healthz", "", "")).result_int(),
            200u);
}

TEST(Server, AnIdleKeepAliveConnectionIsClosedAtTheHeaderTimeoutAndNotBefore) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.header_timeout = 300ms;
  TestServer server(options);
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  // An answered request re-arms the deadline: the idle time counts from the answer on. The
  // server answers after this clock reading (it has not seen the request yet), so the close
  // comes at least the timeout after it; read after the answer, the client's clock would run
  // late by the answer's trip and could see a few hundred microseconds less.
  const auto idle_from = std::chrono::steady_clock::now();
  http::write(stream, json_request(http::verb::get, "/healthz", "", ""));
  beast::flat_buffer buffer;
  Response response;
  http::read(stream, buffer, response);
  ASSERT_EQ(response.result_int(), 200u);
  stream.expires_after(10s);
  char byte;
  beast::error_code result = net::error::would_block;
  stream.async_read_some(net::buffer(&byte, 1),
                         [&](beast::error_code ec, std::size_t) { result = ec; });
  ioc.run();
  const auto idle = std::chrono::steady_clock::now() - idle_from;
  EXPECT_TRUE(result == net::error::eof || result == net::error::connection_reset)
      << result.message();
  // The watchdog looks every tenth of the timeout: closed within [300 ms, 300 ms + a period].
  EXPECT_GE(idle, 300ms);
  EXPECT_LT(idle, 5s);
}

TEST(Server, BodyOverTheLimitIs413AndHeadersOverTheLimitAre431) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.max_body_size = 1024;
  options.max_header_size = 2048;
  TestServer server(options);
  const auto big_body = exchange(
      server.port(), json_request(http::verb::post, "/register", std::string(2048, ' ') + "{}"));
  EXPECT_EQ(big_body.result_int(), 413u);
  EXPECT_EQ(body_json(big_body).at("error"), "request body over the limit of 1024 bytes");
  // An absurd Content-Length is refused from the headers alone.
  const auto absurd = exchange_raw(server.port(),
                                   "POST /register HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                   "application/json\r\nContent-Length: 99999999999\r\n\r\n");
  EXPECT_EQ(absurd.result_int(), 413u);
  auto request = json_request(http::verb::get, "/healthz", "", "");
  request.set("X-Padding", std::string(4096, 'p'));
  const auto big_headers = exchange(server.port(), request);
  EXPECT_EQ(big_headers.result_int(), 431u);
  EXPECT_EQ(big_headers[http::field::content_type], "application/json");
  EXPECT_EQ(exchange_raw(server.port(), "NOT HTTP AT ALL\r\n\r\n").result_int(), 400u);
}

TEST(Server, ConcurrentRegistrationsOfTheSameNamesHaveExactlyOneWinnerEach) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.workers = 4;
  options.queue_limit = 1000;  // no 503 here: every request must reach the store
  TestServer server(options);
  constexpr int threads = 8, names = 100;
  std::atomic<int> created{0}, conflicts{0}, other{0};
  std::latch start(threads);
  std::vector<std::thread> clients;
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < names; ++i) {
        // Each thread walks the names from a different offset so the races really collide.
        const auto name = "user" + std::to_string((i + t * 13) % names);
        const auto status =
            exchange(server.port(), credentials_request("/register", name, "s3cret-pw"))
                .result_int();
        (status == 201 ? created : status == 409 ? conflicts : other)++;
      }
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  EXPECT_EQ(created.load(), names);
  EXPECT_EQ(conflicts.load(), threads * names - names);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(server.server().store().user_count(), static_cast<std::size_t>(names));
}

TEST(Server, FullQueueAnswers503AndNeverDropsAnAcceptedRequest) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.workers = 1;
  options.queue_limit = 2;
  // Each request holds the only worker for 300 ms, so 8 simultaneous ones overflow the queue.
  options.work_model = Distribution::deterministic(0.3);
  TestServer server(options);
  constexpr int clients_count = 8;
  std::latch start(clients_count);
  std::vector<Response> responses(clients_count);
  std::vector<std::thread> clients;
  for (int c = 0; c < clients_count; ++c) {
    clients.emplace_back([&, c] {
      start.arrive_and_wait();
      responses[c] = exchange(
          server.port(), credentials_request("/register", "user" + std::to_string(c), "s3cret-pw"));
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  std::size_t created = 0, rejected = 0;
  for (const auto& response : responses) {
    if (response.result_int() == 201) {
      ++created;
    } else {
      ASSERT_EQ(response.result_int(), 503u) << response.body();
      EXPECT_EQ(response[http::field::retry_after], "1");
      EXPECT_EQ(body_json(response).at("error"), "server busy: the request queue is full");
      ++rejected;
    }
  }
  // At most 1 in service + 2 waiting at any time, and every accepted request was answered 201
  // and stored (none dropped).
  EXPECT_GE(created, 3u);
  EXPECT_GE(rejected, 1u);
  EXPECT_EQ(server.server().store().user_count(), created);
  EXPECT_EQ(server.server().metrics().requests(Route::register_user, 503), rejected);
  const auto text =
      exchange(server.port(), json_request(http::verb::get, "/metrics", "", "")).body();
  EXPECT_NE(text.find("kendall_queue_rejected_total " + std::to_string(rejected) + "\n"),
            std::string::npos);
  // The split is measured: every accepted request held the worker for at least 300 ms.
  EXPECT_NE(text.find("kendall_service_time_seconds_count " + std::to_string(created) + "\n"),
            std::string::npos);
  EXPECT_NE(text.find("kendall_service_time_seconds_bucket{le=\"0.25\"} 0\n"), std::string::npos);
}

TEST(Server, ShutdownFinishesTheRequestInFlight) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.work_model = Distribution::deterministic(0.3);
  TestServer server(options);
  Response response;
  std::thread client([&] {
    response = exchange(server.port(), credentials_request("/register", "alice", "s3cret-pw"));
  });
  // Readiness: wait (bounded) until the server counts the request in flight.
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (exchange(server.port(), json_request(http::verb::get, "/metrics", "", ""))
             .body()
             .find("kendall_http_requests_in_flight 2\n") == std::string::npos) {
    // The /metrics request itself is in flight too, hence 2.
    ASSERT_LT(std::chrono::steady_clock::now(), until);
  }
  server.server().shutdown();
  client.join();
  EXPECT_EQ(response.result_int(), 201u);
  EXPECT_EQ(server.server().store().user_count(), 1u);
}

/// Opens a connection and returns once the server has closed it (read sees end of stream or
/// a reset), or throws when `deadline` passes first.
void expect_closed_by_server(net::io_context& ioc, beast::tcp_stream& stream,
                             std::chrono::milliseconds deadline) {
  stream.expires_after(deadline);
  char byte;
  beast::error_code result = net::error::would_block;
  stream.async_read_some(net::buffer(&byte, 1),
                         [&](beast::error_code ec, std::size_t) { result = ec; });
  ioc.run();
  EXPECT_TRUE(result == net::error::eof || result == net::error::connection_reset)
      << result.message();
}

TEST(Server, SlowHeadersAreCutOffAtTheHeaderTimeout) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.header_timeout = 200ms;
  TestServer server(options);
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  // Half a request line, then silence (slowloris): the server hangs up after 200 ms.
  net::write(stream, net::buffer(std::string("GET /healthz HTTP/1.1\r\nHo")));
  const auto started = std::chrono::steady_clock::now();
  expect_closed_by_server(ioc, stream, 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(Server, ConnectionsBeyondTheLimitAreClosedAtAccept) {
  TempDir dir;
  auto options = test_options(ServiceKind::register_user, dir);
  options.max_connections = 1;
  TestServer server(options);
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), server.port());
  net::io_context ioc;
  beast::tcp_stream first(ioc);
  first.connect(endpoint);
  // The first connection is served (so the server has counted it) and stays open.
  std::ostringstream raw;
  raw << json_request(http::verb::get, "/healthz", "", "");
  net::write(first, net::buffer(raw.str()));
  beast::flat_buffer buffer;
  Response response;
  http::read(first, buffer, response);
  ASSERT_EQ(response.result_int(), 200u);
  net::io_context ioc2;
  beast::tcp_stream second(ioc2);
  second.connect(endpoint);
  expect_closed_by_server(ioc2, second, 10s);
  EXPECT_NE(server.server().metrics().render({}).find("kendall_connections_refused_total 1\n"),
            std::string::npos);
}

}  // namespace
}  // namespace kendall::services
