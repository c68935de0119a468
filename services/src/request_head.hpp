#pragma once
// A fast path for the most frequent request of all, the health probe: `GET /healthz HTTP/1.1`
// on a keep-alive connection with no body. Its answer never changes (fixed_answer), so when the
// whole head is plain — token names, text values, at most `Connection: keep-alive` and
// `Content-Length: 0` among the fields that frame a message — the session answers it without
// building a Beast message. Everything else, and every doubt, is `other`: the bytes go to
// Beast's parser, so what is accepted, rejected or limited stays Beast's decision.
// tests/services/request_head_test.cpp checks every acceptance against Beast's parser.

#include <cstddef>
#include <string_view>

namespace kendall::services {

struct RequestHead {
  enum class Kind { health_probe, need_more, other };
  Kind kind = Kind::other;
  std::size_t size = 0;  // bytes of the request (its head; it has no body)
};

/// Looks at the start of a connection's unread bytes; heads over `header_limit` are `other`.
RequestHead read_request_head(std::string_view data, std::size_t header_limit);

}  // namespace kendall::services
