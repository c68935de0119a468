// The server's time per request from its Server-Timing fields (loadgen/src/server_timing.hpp),
// against hand-read values of the W3C grammar, and read the same way by the fast path and by
// the Beast parser the session falls back to.
#include "server_timing.hpp"

#include <gtest/gtest.h>

#include <string>

#include "response_head.hpp"
#include "session.hpp"

namespace kendall::loadgen::detail {
namespace {

std::optional<double> read(std::initializer_list<std::string_view> fields) {
  ServerTiming timing;
  for (const std::string_view field : fields)
    timing.add_field(field);
  return timing.seconds();
}

TEST(ServerTiming, SumsTheMetricsDurationsInMilliseconds) {
  // What the bundled services send.
  ASSERT_TRUE(read({"queue;dur=0.120, work;dur=1.250"}));
  EXPECT_NEAR(*read({"queue;dur=0.120, work;dur=1.250"}), 1.370e-3, 1e-12);
  // Over several fields, with descriptions, quoted values and odd spacing.
  EXPECT_NEAR(*read({"db;desc=\"a;b, c\";dur=\"2.5\"", " cache ; DUR = 0.5 ;desc=hit"}), 3.0e-3,
              1e-12);
}

TEST(ServerTiming, ATotalMetricIsTheServersTimeWhenItsPartsOverlap) {
  EXPECT_NEAR(*read({"app;dur=4, db;dur=3, total;dur=5"}), 5.0e-3, 1e-12);
  EXPECT_NEAR(*read({"Total;dur=5", "app;dur=4"}), 5.0e-3, 1e-12);
}

TEST(ServerTiming, MetricsWithoutAReadableDurationAreSkipped) {
  EXPECT_FALSE(read({}));
  EXPECT_FALSE(read({"miss, cpu;desc=\"busy\""}));
  EXPECT_FALSE(read({"a;dur=abc, b;dur=-1, c;dur=, d;dur=1e999"}));
  EXPECT_NEAR(*read({"a;dur=abc, b;dur=2"}), 2.0e-3, 1e-12);
  EXPECT_FALSE(read({",,;;=,"}));
}

// Both of the session's readers take the same time from the same bytes.
TEST(ServerTiming, TheFastPathAndBeastsParserReadTheSameTime) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
      "Server-Timing: queue;dur=0.047, work;dur=2.714\r\nserver-timing: io;dur=0.5\r\n\r\n{}";
  const ResponseHead head = read_response_head(response, 8 * 1024, 1 << 20);
  ASSERT_EQ(head.kind, ResponseHead::Kind::complete);
  ASSERT_TRUE(head.server_time);
  EXPECT_NEAR(*head.server_time, 3.261e-3, 1e-12);

  std::string body;
  ResponseReader reader(body);
  reader.eager(true);
  boost::system::error_code ec;
  reader.put(boost::asio::buffer(response), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(reader.is_done());
  ASSERT_TRUE(reader.server_time());
  EXPECT_DOUBLE_EQ(*reader.server_time(), *head.server_time);
  EXPECT_EQ(body, "{}");

  const std::string without = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  EXPECT_FALSE(read_response_head(without, 8 * 1024, 1 << 20).server_time);
}

}  // namespace
}  // namespace kendall::loadgen::detail
