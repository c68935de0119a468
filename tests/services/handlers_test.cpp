// Tests for kendall/services/handlers.hpp: request → response without sockets.
#include "kendall/services/handlers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "support.hpp"

namespace kendall::services {
namespace {

using namespace testing;

/// Handlers over a real SQLite store in a temp dir, at the cheapest Argon2id cost.
class HandlersTest : public ::testing::Test {
 protected:
  HandlersTest()
      : store_(open_user_store(dir_.store_url(), 2)),
        hasher_({1, 8 * 1024}),
        signer_(test_secret, std::chrono::seconds(3600)),
        metrics_(2, 8),
        register_(
            ServiceKind::register_user, *store_, hasher_, nullptr, metrics_,
            [] {
              ValueSeries holds{5, 0.25, 0.0125, {}};
              holds.blocks.add(0.1);  // 0.1 s and 0.15 s: one block of two, 0.25² s²
              holds.blocks.add(0.15);
              // Jobs ended on CPUs 0 and 2, none on 1 (left out, not written as 0). Every
              // number busy is written, with none finished too.
              return Gauges{1,
                            2,
                            3,
                            4,
                            holds,
                            {},
                            {6, 0.5, 0.0625, {}},
                            {{3, 0.006}, {0, 0}, {2, 0.005}},
                            {{1.5, 0}, {0.75, 2}, {0.25, 3}}};
            }),
        login_(ServiceKind::login, *store_, hasher_, &signer_, metrics_, [] { return Gauges{}; }) {}

  Response post(const Handlers& handlers, const std::string& target, const std::string& body,
                const std::string& content_type = "application/json") {
    return handlers.handle(json_request(http::verb::post, target, body, content_type));
  }
  std::string error_of(const Response& response) {
    EXPECT_EQ(response[http::field::content_type], "application/json");
    return body_json(response).at("error").get<std::string>();
  }

  TempDir dir_;
  std::unique_ptr<UserStore> store_;
  PasswordHasher hasher_;
  TokenSigner signer_;
  Metrics metrics_;
  Handlers register_;
  Handlers login_;
};

TEST_F(HandlersTest, RegisterCreatesTheUserWith201) {
  const auto response = register_.handle(credentials_request("/register", "alice", "s3cret-pw"));
  EXPECT_EQ(response.result_int(), 201u);
  EXPECT_EQ(body_json(response), (nlohmann::json{{"message", "user registered"}}));
  EXPECT_EQ(store_->user_count(), 1u);
  // The store keeps an Argon2id hash, never the password.
  EXPECT_EQ(store_->password_hash("alice")->rfind("$argon2id$", 0), 0u);
}

TEST_F(HandlersTest, TakenUsernameIsConflict) {
  register_.handle(credentials_request("/register", "alice", "s3cret-pw"));
  const auto response = register_.handle(credentials_request("/register", "alice", "other-pw1"));
  EXPECT_EQ(response.result_int(), 409u);
  EXPECT_EQ(error_of(response), "username is taken");
}

TEST_F(HandlersTest, LoginWithTheRightPasswordReturnsAVerifiableToken) {
  register_.handle(credentials_request("/register", "alice", "s3cret-pw"));
  const auto response = login_.handle(credentials_request("/login", "alice", "s3cret-pw"));
  ASSERT_EQ(response.result_int(), 200u);
  const auto token = body_json(response).at("token").get<std::string>();
  const auto claims = signer_.verify(token, std::chrono::system_clock::now());
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->subject, "alice");
}

TEST_F(HandlersTest, WrongPasswordAndUnknownUserGetTheSame401) {
  register_.handle(credentials_request("/register", "alice", "s3cret-pw"));
  const auto wrong = login_.handle(credentials_request("/login", "alice", "not-the-pw"));
  const auto unknown = login_.handle(credentials_request("/login", "mallory", "s3cret-pw"));
  EXPECT_EQ(wrong.result_int(), 401u);
  EXPECT_EQ(unknown.result_int(), 401u);
  // No user enumeration: byte-identical answers.
  EXPECT_EQ(wrong.body(), unknown.body());
  EXPECT_EQ(error_of(wrong), "invalid username or password");
}

TEST_F(HandlersTest, UnknownUserCostsAVerificationLikeAWrongPassword) {
  // Oracle: both paths run one Argon2id verification at the same cost, so their times agree
  // up to noise; without the dummy hash an unknown user would answer ~100x faster (one SELECT).
  // Each path's fastest of ten calls is compared: interference (the host's wandering speed,
  // another suite on the other core) only ever adds time, so the minimum is each path's own
  // cost. The median of neighbouring pairs' ratios still read 3.7 in a CI run on 2026-12-02.
  const PasswordHasher costly({2, 1024 * 1024});
  const Handlers login(ServiceKind::login, *store_, costly, &signer_, metrics_,
                       [] { return Gauges{}; });
  store_->add_user("alice", costly.hash("s3cret-pw"));
  using clock = std::chrono::steady_clock;
  double fastest_wrong = 1e9, fastest_unknown = 1e9;
  for (int i = 0; i < 10; ++i) {
    auto start = clock::now();
    EXPECT_EQ(login.handle(credentials_request("/login", "alice", "wrong-pw1")).result_int(), 401u);
    const std::chrono::duration<double> wrong = clock::now() - start;
    start = clock::now();
    EXPECT_EQ(login.handle(credentials_request("/login", "mallory", "wrong-pw1")).result_int(),
              401u);
    const std::chrono::duration<double> unknown = clock::now() - start;
    fastest_wrong = std::min(fastest_wrong, wrong.count());
    fastest_unknown = std::min(fastest_unknown, unknown.count());
  }
  const double ratio = fastest_unknown / fastest_wrong;
  EXPECT_GT(ratio, 1.0 / 3.0);
  EXPECT_LT(ratio, 3.0);
}

TEST_F(HandlersTest, MalformedJsonAndBadFieldsAre400WithTheReason) {
  EXPECT_EQ(error_of(post(register_, "/register", "{not json")), "body is not valid JSON");
  EXPECT_EQ(error_of(post(register_, "/register", "[1,2]")),
            R"(body must be a JSON object {"username": ..., "password": ...})");
  EXPECT_EQ(error_of(post(register_, "/register", R"({"username":"alice"})")),
            R"(missing field "password")");
  EXPECT_EQ(error_of(post(register_, "/register", R"({"username":7,"password":"s3cret-pw"})")),
            R"(field "username" must be a string)");
  EXPECT_EQ(error_of(register_.handle(credentials_request("/register", "al", "s3cret-pw"))),
            "username must be 3 to 64 characters (got 2)");
  EXPECT_EQ(error_of(register_.handle(credentials_request("/register", "al ice", "s3cret-pw"))),
            "username may only contain letters, digits, '_', '.' and '-'");
  EXPECT_EQ(error_of(register_.handle(credentials_request("/register", "alice", "short"))),
            "password must be 8 to 128 bytes (got 5)");
  EXPECT_EQ(
      error_of(register_.handle(credentials_request("/register", "alice", std::string(129, 'x')))),
      "password must be 8 to 128 bytes (got 129)");
  EXPECT_EQ(post(register_, "/register", "{}").result_int(), 400u);
  EXPECT_EQ(store_->user_count(), 0u);
}

TEST_F(HandlersTest, UsernameLimitsAreInclusive) {
  EXPECT_FALSE(check_username("abc"));
  EXPECT_FALSE(check_username(std::string(64, 'a')));
  EXPECT_TRUE(check_username(std::string(65, 'a')));
  EXPECT_FALSE(check_username("A.b-c_9"));
  EXPECT_FALSE(check_password(std::string(8, 'p')));
  EXPECT_FALSE(check_password(std::string(128, 'p')));
}

TEST_F(HandlersTest, NonJsonContentTypeIs415) {
  const auto response = post(register_, "/register", "username=alice", "text/plain");
  EXPECT_EQ(response.result_int(), 415u);
  EXPECT_EQ(error_of(response), "Content-Type must be application/json");
  // Parameters after the media type are fine.
  EXPECT_EQ(post(register_, "/register", R"({"username":"alice","password":"s3cret-pw"})",
                 "application/json; charset=utf-8")
                .result_int(),
            201u);
}

TEST_F(HandlersTest, UnknownRouteAndTheOtherServicesRouteAre404) {
  EXPECT_EQ(register_.handle(json_request(http::verb::get, "/nope", "", "")).result_int(), 404u);
  const auto response = login_.handle(credentials_request("/register", "alice", "s3cret-pw"));
  EXPECT_EQ(response.result_int(), 404u);
  EXPECT_EQ(error_of(response), "no route /register (this service serves POST /login)");
}

TEST_F(HandlersTest, WrongMethodIs405WithAllow) {
  const auto get_register = register_.handle(json_request(http::verb::get, "/register", "", ""));
  EXPECT_EQ(get_register.result_int(), 405u);
  EXPECT_EQ(get_register[http::field::allow], "POST");
  const auto post_health = register_.handle(json_request(http::verb::post, "/healthz", "{}"));
  EXPECT_EQ(post_health.result_int(), 405u);
  EXPECT_EQ(post_health[http::field::allow], "GET");
}

TEST_F(HandlersTest, HealthAndReadinessAnswer200WhenTheStoreIsThere) {
  const auto health = login_.handle(json_request(http::verb::get, "/healthz", "", ""));
  EXPECT_EQ(health.result_int(), 200u);
  EXPECT_EQ(body_json(health), (nlohmann::json{{"status", "alive"}}));
  const auto ready = login_.handle(json_request(http::verb::get, "/readyz", "", ""));
  EXPECT_EQ(ready.result_int(), 200u);
}

TEST_F(HandlersTest, FixedHealthAnswerIsByteForByteWhatBeastSerializesForHandle) {
  // Oracle: Beast's own serializer applied to the answer Handlers::handle builds.
  for (const Handlers* handlers : {&register_, &login_}) {
    const auto request = json_request(http::verb::get, "/healthz?probe=1", "", "");
    const auto wire = fixed_answer(route_of("/healthz?probe=1"), request);
    ASSERT_TRUE(wire.has_value());
    std::ostringstream serialized;
    serialized << handlers->handle(request);
    EXPECT_EQ(std::string(*wire), serialized.str());
  }
}

TEST_F(HandlersTest, NoFixedAnswerWhenTheAnswerDependsOnTheRequest) {
  auto http10 = json_request(http::verb::get, "/healthz", "", "");
  http10.version(10);
  auto closing = json_request(http::verb::get, "/healthz", "", "");
  closing.keep_alive(false);
  const auto post = json_request(http::verb::post, "/healthz", "{}");
  const auto ready = json_request(http::verb::get, "/readyz", "", "");
  const std::initializer_list<const Request*> requests{&http10, &closing, &post, &ready};
  for (const Request* request : requests) {
    const auto target = request->target();
    EXPECT_FALSE(fixed_answer(route_of(std::string_view(target.data(), target.size())), *request))
        << *request;
  }
}

TEST_F(HandlersTest, MetricsArePrometheusTextWithTheGauges) {
  metrics_.record_request(Route::register_user, 201, 0.003);
  const auto response = register_.handle(json_request(http::verb::get, "/metrics", "", ""));
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response[http::field::content_type], "text/plain; version=0.0.4");
  const auto& text = response.body();
  EXPECT_NE(text.find("kendall_http_requests_total{route=\"/register\",status=\"201\"} 1\n"),
            std::string::npos);
  // 0.003 s falls in the 5 ms bucket and every one above it, not in the 2.5 ms one.
  EXPECT_NE(text.find("kendall_http_request_duration_seconds_bucket{route=\"/register\",le="
                      "\"0.0025\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("kendall_http_request_duration_seconds_bucket{route=\"/register\",le="
                      "\"0.005\"} 1\n"),
            std::string::npos);
  for (const char* line :
       {"kendall_http_requests_in_flight 1\n",
        "kendall_queue_length 2\n",
        "kendall_workers_busy 3\n",
        "kendall_connections 4\n",
        "kendall_workers 2\n",
        "kendall_queue_limit 8\n",
        "kendall_worker_jobs_total 5\n",
        "kendall_worker_busy_seconds_total 0.25\n",
        "kendall_worker_busy_seconds_squared_total 0.0125\n",
        "kendall_worker_hold_blocks_total{jobs=\"2\"} 1\n",
        "kendall_worker_hold_block_seconds_total{jobs=\"2\"} 0.25\n",
        "kendall_worker_hold_block_seconds_squared_total{jobs=\"2\"} 0.0625\n",
        "kendall_worker_hold_block_seconds_cubed_total{jobs=\"2\"} 0.015625\n",
        "kendall_worker_hold_blocks_total{jobs=\"4\"} 0\n",
        "kendall_worker_hold_blocks_total{jobs=\"4096\"} 0\n",
        "kendall_queue_arrival_gaps_total 6\n",
        "kendall_queue_arrival_gap_seconds_total 0.5\n",
        "kendall_queue_arrival_gap_seconds_squared_total 0.0625\n",
        "kendall_queue_arrival_gap_blocks_total{jobs=\"2\"} 0\n",
        "kendall_queue_arrival_gap_block_seconds_squared_total{jobs=\"4096\"} 0\n",
        "kendall_worker_core_jobs_total{cpu=\"0\"} 3\n",
        "kendall_worker_core_cpu_seconds_total{cpu=\"0\"} 0.006\n",
        "kendall_worker_core_jobs_total{cpu=\"2\"} 2\n",
        "kendall_worker_core_cpu_seconds_total{cpu=\"2\"} 0.005\n",
        "kendall_workers_busy_seconds_total{busy=\"0\"} 1.5\n",
        "kendall_workers_busy_seconds_total{busy=\"2\"} 0.25\n",
        "kendall_worker_jobs_finished_by_busy_total{busy=\"0\"} 0\n",
        "kendall_worker_jobs_finished_by_busy_total{busy=\"1\"} 2\n",
        "kendall_worker_jobs_finished_by_busy_total{busy=\"2\"} 3\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
  EXPECT_EQ(text.find("{cpu=\"1\"}"), std::string::npos);
  EXPECT_NE(text.find("kendall_queue_wait_seconds_count 0\n"), std::string::npos);
  EXPECT_NE(text.find("kendall_service_time_seconds_count 0\n"), std::string::npos);
}

TEST_F(HandlersTest, SecretsAndPasswordsNeverReachMetrics) {
  register_.handle(credentials_request("/register", "alice", "s3cret-pw"));
  login_.handle(credentials_request("/login", "alice", "s3cret-pw"));
  const auto text = register_.handle(json_request(http::verb::get, "/metrics", "", "")).body();
  EXPECT_EQ(text.find("s3cret-pw"), std::string::npos);
  EXPECT_EQ(text.find(test_secret), std::string::npos);
  EXPECT_EQ(text.find("alice"), std::string::npos);
}

/// A store that fails on demand: unreachable for /readyz, throwing StoreError for the rest.
class FailingStore final : public UserStore {
 public:
  bool add_user(std::string_view, std::string_view) override { throw StoreError("disk on fire"); }
  std::optional<std::string> password_hash(std::string_view) override {
    throw StoreError("disk on fire");
  }
  bool reachable() noexcept override { return false; }
  std::size_t user_count() override { throw StoreError("disk on fire"); }
};

TEST_F(HandlersTest, UnreachableStoreMakesReadyz503AndBusinessRoutes500WithoutDetail) {
  FailingStore failing;
  const Handlers handlers(ServiceKind::login, failing, hasher_, &signer_, metrics_,
                          [] { return Gauges{}; });
  const auto ready = handlers.handle(json_request(http::verb::get, "/readyz", "", ""));
  EXPECT_EQ(ready.result_int(), 503u);
  EXPECT_EQ(ready[http::field::retry_after], "1");
  EXPECT_EQ(error_of(ready), "store unreachable");
  // Still alive: liveness does not depend on the store.
  EXPECT_EQ(handlers.handle(json_request(http::verb::get, "/healthz", "", "")).result_int(), 200u);
  const auto login = handlers.handle(credentials_request("/login", "alice", "s3cret-pw"));
  EXPECT_EQ(login.result_int(), 500u);
  // The store's message stays in the log.
  EXPECT_EQ(error_of(login), "internal error");
}

}  // namespace
}  // namespace kendall::services
