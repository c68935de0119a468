#include "request_head.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "kendall/base/http_chars.hpp"

namespace kendall::services {
namespace {

using Kind = RequestHead::Kind;

using http_chars::all_of_class;
using http_chars::equals_lower;
using http_chars::text_char;
using http_chars::token_char;

}  // namespace

RequestHead read_request_head(std::string_view data, std::size_t header_limit) {
  RequestHead head;
  constexpr std::string_view request_line = "GET /healthz HTTP/1.1\r\n";
  const std::size_t known = std::min(data.size(), request_line.size());
  if (data.substr(0, known) != request_line.substr(0, known)) {
    return head;
  }
  const char* const begin = data.data();
  const char* const stop = begin + std::min(data.size(), header_limit);
  const auto need_more = [&] {
    head.kind = data.size() >= header_limit ? Kind::other : Kind::need_more;
    return head;
  };
  if (known < request_line.size()) {
    return need_more();
  }
  bool has_length = false;
  for (const char* at = begin + request_line.size();;) {
    const void* lf = std::memchr(at, '\n', static_cast<std::size_t>(stop - at));
    if (lf == nullptr) {
      return need_more();
    }
    const char* eol = static_cast<const char*>(lf) - 1;
    if (eol < at || *eol != '\r') {
      return head;  // a bare LF
    }
    if (eol == at) {  // the blank line ends the head
      head.size = static_cast<std::size_t>(eol + 2 - begin);
      head.kind = Kind::health_probe;
      return head;
    }
    const char* colon =
        static_cast<const char*>(std::memchr(at, ':', static_cast<std::size_t>(eol - at)));
    // No colon, an empty name, or a folded line (leading whitespace is not a token).
    if (colon == nullptr || colon == at || !all_of_class(at, colon, token_char)) {
      return head;
    }
    const char* value = colon + 1;
    const char* value_end = eol;
    while (value != value_end && (*value == ' ' || *value == '\t')) {
      ++value;
    }
    while (value_end != value && (value_end[-1] == ' ' || value_end[-1] == '\t')) {
      --value_end;
    }
    if (!all_of_class(value, value_end, text_char)) {
      return head;
    }
    const auto name = static_cast<std::size_t>(colon - at);
    const auto size = static_cast<std::size_t>(value_end - value);
    if (equals_lower(at, name, "content-length")) {
      if (has_length || size != 1 || *value != '0') {
        return head;
      }
      has_length = true;
    } else if (equals_lower(at, name, "connection")) {
      if (!equals_lower(value, size, "keep-alive")) {
        return head;  // close, upgrade, token lists: Beast's to read
      }
    } else if (equals_lower(at, name, "transfer-encoding") || equals_lower(at, name, "upgrade") ||
               equals_lower(at, name, "expect")) {
      return head;
    }
    at = eol + 2;
  }
}

}  // namespace kendall::services
