// The load generator's fast path for response heads (loadgen/src/response_head.hpp). Oracle:
// Beast's own response parser (boost-1.74) on the same bytes — whatever the fast path reads
// must be what Beast reads, and whatever it declines goes to Beast unchanged.
#include "response_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <vector>

namespace kendall::loadgen::detail {
namespace {

namespace http = boost::beast::http;
using Kind = ResponseHead::Kind;

constexpr std::size_t header_limit = 8 * 1024;
constexpr std::uint64_t body_limit = 8u << 20;

ResponseHead fast(const std::string& bytes) {
  return read_response_head(bytes, header_limit, body_limit);
}

/// Beast's reading of one response at the start of `bytes`.
struct BeastReading {
  bool ok = false;
  unsigned status = 0;
  bool keep_alive = false;
  std::string body;
  std::size_t used = 0;
};

BeastReading beast(const std::string& bytes) {
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(body_limit);
  boost::system::error_code ec;
  BeastReading reading;
  reading.used = parser.put(boost::asio::buffer(bytes), ec);
  if (ec || !parser.is_done())
    return reading;
  reading.ok = true;
  reading.status = parser.get().result_int();
  reading.keep_alive = parser.keep_alive();  // what the session reads, as before
  reading.body = parser.get().body();
  return reading;
}

void expect_same_as_beast(const std::string& bytes) {
  SCOPED_TRACE(bytes);
  const ResponseHead head = fast(bytes);
  ASSERT_EQ(head.kind, Kind::complete);
  const BeastReading reading = beast(bytes);
  ASSERT_TRUE(reading.ok);
  EXPECT_EQ(head.status, reading.status);
  EXPECT_EQ(head.keep_alive, reading.keep_alive);
  EXPECT_EQ(bytes.substr(head.head_size, head.content_length), reading.body);
  EXPECT_EQ(head.head_size + head.content_length, reading.used);
  // Every shorter prefix is incomplete, never misread.
  for (std::size_t n = 0; n < head.head_size + head.content_length; ++n)
    EXPECT_EQ(fast(bytes.substr(0, n)).kind, Kind::need_more) << "prefix of " << n << " bytes";
}

TEST(ResponseHead, ReadsWhatBeastReadsForLengthFramedResponses) {
  const std::vector<std::string> responses = {
      // nginx 1.22's fixed `return 200 "ok\n"`
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Tue, 24 Nov 2026 12:00:00 GMT\r\n"
      "Content-Type: application/octet-stream\r\nContent-Length: 3\r\nConnection: keep-alive\r\n"
      "\r\nok\n",
      // the bundled services' answers (Beast's serializer)
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 29\r\n\r\n"
      "{\"message\":\"user registered\"}",
      "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
      "{\"error\":\"invalid username or password\"}",
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 2\r\n"
      "Connection: close\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\ncontent-length:   5  \r\nCONNECTION: Close\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: "
      "2\r\n\r\nok",
      "HTTP/1.1 200 \r\nX-Empty:\r\nX-Tab:\tvalue\twith tabs\r\nContent-Length: 1\r\n\r\nx",
      "HTTP/1.1 200 OK\r\nX-Obs-Text: caf\xc3\xa9\r\nContent-Length: 1\r\n\r\nx",
  };
  for (const auto& response : responses)
    expect_same_as_beast(response);
}

TEST(ResponseHead, LeavesTheNextResponsesBytesInTheBuffer) {
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string both = first + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  const ResponseHead head = fast(both);
  ASSERT_EQ(head.kind, Kind::complete);
  EXPECT_EQ(head.head_size + head.content_length, first.size());
  EXPECT_EQ(beast(both).used, first.size());
}

TEST(ResponseHead, DeclinesEverythingElseSoBeastDecides) {
  const std::vector<std::string> responses = {
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the connection closes",
      "HTTP/1.1 204 No Content\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: 2a\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nX-Control: a\x01z\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\n: no name\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",  // over the body limit
      "HTTP/1.1 200 OK\r\nX-Long: " + std::string(9000, 'a') + "\r\nContent-Length: 0\r\n\r\n",
  };
  for (const auto& response : responses)
    EXPECT_EQ(fast(response).kind, Kind::unsupported) << response.substr(0, 120);
  // A head that grows past the limit without ending is Beast's to reject too.
  EXPECT_EQ(fast("HTTP/1.1 200 OK\r\nX-Long: " + std::string(9000, 'a')).kind, Kind::unsupported);
}

}  // namespace
}  // namespace kendall::loadgen::detail
