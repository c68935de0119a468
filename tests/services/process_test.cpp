// Tests of the real executables as child processes: flags and exit codes, SIGTERM drain,
// SIGKILL durability.
#include <gtest/gtest.h>

#include "support.hpp"

#ifndef KENDALL_REGISTER_SERVICE
#error "services/CMakeLists.txt passes the executables' paths to this suite"
#endif

namespace kendall::services {
namespace {

using namespace testing;

std::vector<std::string> cheap_arguments(const TempDir& dir) {
  return {"--port", "0", "--store", dir.store_url(), "--hash-ops", "1", "--hash-mem", "8KiB"};
}

TEST(RegisterServiceProcess, HelpExitsZeroAndABadOptionExitsTwo) {
  ChildService help(KENDALL_REGISTER_SERVICE, {"--help"});
  EXPECT_EQ(help.wait_exit(), 0);
  EXPECT_NE(help.output().find("--work-model"), std::string::npos);
  ChildService bad(KENDALL_REGISTER_SERVICE, {"--work-model", "exp:10mss"});
  EXPECT_EQ(bad.wait_exit(), 2);
  EXPECT_NE(bad.output().find("did you mean \"ms\"?"), std::string::npos) << bad.output();
  ChildService short_slice(KENDALL_REGISTER_SERVICE, {"--io-slice", "20us"});
  EXPECT_EQ(short_slice.wait_exit(), 2);
  EXPECT_NE(short_slice.output().find("--io-slice"), std::string::npos) << short_slice.output();
  EXPECT_NE(short_slice.output().find("100us to 100ms"), std::string::npos) << short_slice.output();
}

TEST(LoginServiceProcess, RefusesToStartWithoutATokenSecret) {
  TempDir dir;
  ::unsetenv("KENDALL_TOKEN_SECRET");
  ChildService login(KENDALL_LOGIN_SERVICE, cheap_arguments(dir));
  EXPECT_EQ(login.wait_exit(), 2);
  EXPECT_NE(login.output().find("no token secret: pass --token-secret-file FILE or set "
                                "KENDALL_TOKEN_SECRET"),
            std::string::npos)
      << login.output();
}

TEST(RegisterServiceProcess, SigkillAfter201sLosesNoUser) {
  TempDir dir;
  constexpr int users = 20;
  {
    ChildService service(KENDALL_REGISTER_SERVICE, cheap_arguments(dir));
    const auto port = service.wait_ready();
    for (int i = 0; i < users; ++i) {
      ASSERT_EQ(
          exchange(port, credentials_request("/register", "user" + std::to_string(i), "s3cret-pw"))
              .result_int(),
          201u);
    }
    service.signal(SIGKILL);
    EXPECT_EQ(service.wait_exit(), -1);
  }
  // Restarted, the service knows every user it acknowledged.
  ChildService restarted(KENDALL_REGISTER_SERVICE, cheap_arguments(dir));
  const auto port = restarted.wait_ready();
  for (int i = 0; i < users; ++i) {
    EXPECT_EQ(
        exchange(port, credentials_request("/register", "user" + std::to_string(i), "s3cret-pw"))
            .result_int(),
        409u)
        << i;
  }
  EXPECT_EQ(open_user_store(dir.store_url(), 1)->user_count(), static_cast<std::size_t>(users));
}

TEST(RegisterServiceProcess, SigtermDrainsTheRequestInFlightAndExitsZero) {
  TempDir dir;
  auto arguments = cheap_arguments(dir);
  arguments.insert(arguments.end(), {"--work-model", "fixed:300ms"});
  ChildService service(KENDALL_REGISTER_SERVICE, arguments);
  const auto port = service.wait_ready();
  Response response;
  std::thread client(
      [&] { response = exchange(port, credentials_request("/register", "alice", "s3cret-pw")); });
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (exchange(port, json_request(http::verb::get, "/metrics", "", ""))
             .body()
             .find("kendall_http_requests_in_flight 2\n") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), until);
  }
  service.signal(SIGTERM);
  client.join();
  EXPECT_EQ(response.result_int(), 201u);
  EXPECT_EQ(service.wait_exit(), 0);
  EXPECT_NE(service.output().find("level=info stopped"), std::string::npos) << service.output();
}

}  // namespace
}  // namespace kendall::services
