// `kendall loadtest` through the real binary: its errors and exit codes (the load generator's
// behaviour under load is tested against a loopback server in tests/loadgen/).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace kendall
