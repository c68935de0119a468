#pragma once
// A fast path for reading the common response: HTTP/1.0 or 1.1, framed by one Content-Length,
// with at most a plain `Connection: close` or `Connection: keep-alive`. It reads only the
// fields that frame the message and skips the rest, where Beast's parser classifies every
// field (about half of the client's instructions per request at maximum throughput).
// Anything else — chunked or close-delimited bodies, 1xx/204/304, folded or odd fields, an
// invalid byte — is `unsupported`, and the session hands the bytes to Beast's parser instead,
// so what is accepted and rejected stays Beast's decision. tests/loadgen/response_head_test.cpp
// checks every answer of this path against Beast's parser.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace kendall::loadgen::detail {

struct ResponseHead {
  enum class Kind { complete, need_more, unsupported };
  Kind kind = Kind::unsupported;
  unsigned status = 0;
  bool keep_alive = false;
  std::size_t head_size = 0;  // bytes up to and including the blank line
  std::uint64_t content_length = 0;
  /// The server's time for the request from its Server-Timing fields (server_timing.hpp).
  std::optional<double> server_time;
};

/// Looks at the start of a response in `data`: complete (head and whole body are there),
/// need_more (not yet), or unsupported (use Beast's parser). Heads longer than `header_limit`
/// and bodies longer than `body_limit` are unsupported, so Beast reports them.
ResponseHead read_response_head(std::string_view data, std::size_t header_limit,
                                std::uint64_t body_limit);

}  // namespace kendall::loadgen::detail
