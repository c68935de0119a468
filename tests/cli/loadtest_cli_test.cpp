// `kendall loadtest` through the real binary: its errors and exit codes, and its table against
// a bundled service on loopback (the load generator's behaviour under load is tested against a
// loopback server in tests/loadgen/).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "support/child_service.hpp"
#include "support/run_command.hpp"

namespace kendall {
namespace {

using ::testing::HasSubstr;
using testing::kendall;

TEST(KendallLoadtest, NeedsATarget) {
  const auto result = kendall("loadtest --rate 5 --requests 5");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("give a URL or --scenario FILE"));
}

TEST(KendallLoadtest, RefusedConnectionIsARuntimeFailureWithTheAddress) {
  // Port 1 on loopback: nothing listens there.
  const auto result = kendall("loadtest http://127.0.0.1:1/healthz --requests 5 --quiet");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("cannot connect to 127.0.0.1:1"));
}

TEST(KendallLoadtest, BadOptionsExitTwo) {
  const auto rate = kendall("loadtest http://127.0.0.1:1/ --rate -3");
  EXPECT_EQ(rate.exit_code, 2);
  const auto duration = kendall("loadtest http://127.0.0.1:1/ --duration 5parsecs");
  EXPECT_EQ(duration.exit_code, 2);
  EXPECT_THAT(duration.err, HasSubstr("unknown unit"));
  const auto slice = kendall("loadtest http://127.0.0.1:1/ --thread-slice 10us");
  EXPECT_EQ(slice.exit_code, 2);
  EXPECT_THAT(slice.err, HasSubstr("--thread-slice: time slice 10us is outside"));
}

#ifdef KENDALL_REGISTER_SERVICE
// The bundled services say their time in Server-Timing, so the table also says what the path
// outside the server took: 40 registrations, each under the 10 s timeout, all answered.
TEST(KendallLoadtest, SaysThePathOutsideTheServerWhenTheServiceSaysItsTime) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kendall-cli-loadtest-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ::setenv("KENDALL_TOKEN_SECRET", "kendall-cli-test-secret-0123456789abcdef", 1);
  testing::ChildService registrar(KENDALL_REGISTER_SERVICE,
                                  {"--port", "0", "--store", "sqlite:" + (dir / "u.db").string(),
                                   "--hash-ops", "1", "--hash-mem", "8KiB", "--log-level", "info"});
  const std::uint16_t port = registrar.wait_ready();
  const auto scenario = dir / "register.yaml";
  std::ofstream(scenario) << "requests:\n  - name: register\n    method: POST\n"
                          << "    url: http://127.0.0.1:" << port << "/register\n"
                          << "    body:\n      username: \"u-{{seq}}-{{uuid}}\"\n"
                          << "      password: \"pw-{{uuid}}\"\n";
  const auto result = kendall("loadtest --scenario " + scenario.string() +
                              " --requests 40 --connections 2 --quiet");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("outside the server: mean "));
  EXPECT_THAT(result.out, HasSubstr("; 40 of 40 answers)"));
  std::filesystem::remove_all(dir);
}
#endif

}  // namespace
}  // namespace kendall
