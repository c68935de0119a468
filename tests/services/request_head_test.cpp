// The services' fast path for health probes (services/src/request_head.hpp). Oracle: Beast's
// own request parser (boost-1.74) on the same bytes — every request the fast path answers must
// be, to Beast, a keep-alive HTTP/1.1 GET /healthz without a body that Handlers would answer
// with the fixed bytes; everything else it leaves to Beast.
#include "request_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <vector>

#include "kendall/services/handlers.hpp"

namespace kendall::services {
namespace {

namespace http = boost::beast::http;
using Kind = RequestHead::Kind;

constexpr std::size_t header_limit = 8192;

void expect_a_probe_to_beast_too(const std::string& bytes) {
  SCOPED_TRACE(bytes);
  const RequestHead head = read_request_head(bytes, header_limit);
  ASSERT_EQ(head.kind, Kind::health_probe);
  http::request_parser<http::string_body> parser;
  parser.header_limit(header_limit);
  parser.eager(true);
  boost::system::error_code ec;
  const std::size_t used = parser.put(boost::asio::buffer(bytes), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(used, head.size);
  const Request& request = parser.get();
  EXPECT_TRUE(request.body().empty());
  const auto target = request.target();
  const auto wire = fixed_answer(route_of(std::string_view(target.data(), target.size())), request);
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(*wire, health_answer());
  for (std::size_t n = 0; n < head.size; ++n) {
    EXPECT_EQ(read_request_head(bytes.substr(0, n), header_limit).kind, Kind::need_more)
        << "prefix of " << n << " bytes";
  }
}

TEST(RequestHead, AnswersOnlyWhatBeastReadsAsAKeepAliveHealthProbe) {
  const std::vector<std::string> requests = {
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:18081\r\n\r\n",  // wrk
      "GET /healthz HTTP/1.1\r\nHost: 10.0.0.7:5000\r\nUser-Agent: kube-probe/1.29\r\n"
      "Accept: */*\r\n\r\n",  // a Kubernetes probe
      "GET /healthz HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nconnection:  Keep-Alive \r\ncontent-length: 0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX-Tab:\ta\tb\r\nX-Empty:\r\nX-Obs: caf\xc3\xa9\r\n\r\n",
  };
  for (const auto& request : requests) {
    expect_a_probe_to_beast_too(request);
  }
}

TEST(RequestHead, LeavesEverythingElseToBeast) {
  const std::vector<std::string> requests = {
      "POST /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
      "HEAD /healthz HTTP/1.1\r\n\r\n",
      "GET /healthz?verbose=1 HTTP/1.1\r\n\r\n",
      "GET /healthz/ HTTP/1.1\r\n\r\n",
      "GET /readyz HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/1.0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: h2c\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi",
      "GET /healthz HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX-Folded: a\r\n b\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX-Control: a\x01z\r\n\r\n",
      "GET /healthz HTTP/1.1\r\n: no name\r\n\r\n",
      "GET /healthz HTTP/1.1\nHost: x\n\n",
      "GET /healthz HTTP/1.1\r\nX-Long: " + std::string(9000, 'a') + "\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX-Long: " + std::string(9000, 'a'),  // never ends, over the limit
  };
  for (const auto& request : requests) {
    EXPECT_EQ(read_request_head(request, header_limit).kind, Kind::other) << request.substr(0, 100);
  }
}

TEST(RequestHead, APipelinedProbeIsOnlyItsOwnBytes) {
  const std::string first = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
  const RequestHead head =
      read_request_head(first + "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n", header_limit);
  ASSERT_EQ(head.kind, Kind::health_probe);
  EXPECT_EQ(head.size, first.size());
}

}  // namespace
}  // namespace kendall::services
