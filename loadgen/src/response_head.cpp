#include "response_head.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "kendall/base/http_chars.hpp"
#include "server_timing.hpp"

namespace kendall::loadgen::detail {
namespace {

using Kind = ResponseHead::Kind;

using http_chars::all_of_class;
using http_chars::equals_lower;
using http_chars::text_char;
using http_chars::token_char;

}  // namespace

ResponseHead read_response_head(std::string_view data, std::size_t header_limit,
                                std::uint64_t body_limit) {
  ResponseHead head;
  const char* const begin = data.data();
  const char* const stop = begin + std::min(data.size(), header_limit);
  // The next line's end (its CR), or null when the bytes so far hold no whole line.
  const auto line_end = [stop](const char* from) -> const char* {
    const void* lf = std::memchr(from, '\n', static_cast<std::size_t>(stop - from));
    if (lf == nullptr)
      return nullptr;
    const char* cr = static_cast<const char*>(lf) - 1;
    return cr >= from && *cr == '\r' ? cr : stop;  // a bare LF: stop, i.e. unsupported
  };
  const auto incomplete = [&] {
    head.kind = data.size() > header_limit ? Kind::unsupported : Kind::need_more;
    return head;
  };

  // Status line: HTTP/1.x SP 3DIGIT SP reason CRLF.
  const char* eol = line_end(begin);
  if (eol == nullptr)
    return incomplete();
  if (eol == stop)
    return head;
  const std::string_view line(begin, static_cast<std::size_t>(eol - begin));
  if (line.size() < 13 || line.compare(0, 7, "HTTP/1.") != 0 ||
      (line[7] != '0' && line[7] != '1') || line[8] != ' ' || line[12] != ' ')
    return head;
  for (std::size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9')
      return head;
    head.status = head.status * 10 + static_cast<unsigned>(line[i] - '0');
  }
  // No body or interim answers (1xx, 204, 304) have their own rules: Beast's to apply.
  if (head.status < 200 || head.status == 204 || head.status == 304 ||
      !all_of_class(begin + 13, eol, text_char))
    return head;
  const bool http11 = line[7] == '1';

  bool close = false, keep_alive = false, has_length = false;
  ServerTiming timing;
  for (const char* at = eol + 2;; at = eol + 2) {
    eol = line_end(at);
    if (eol == nullptr)
      return incomplete();
    if (eol == stop)
      return head;
    if (eol == at) {  // the blank line ends the head
      head.head_size = static_cast<std::size_t>(eol + 2 - begin);
      break;
    }
    const char* colon =
        static_cast<const char*>(std::memchr(at, ':', static_cast<std::size_t>(eol - at)));
    // No colon, an empty name, or a folded line (leading whitespace is not a token).
    if (colon == nullptr || colon == at || !all_of_class(at, colon, token_char))
      return head;
    const char* value = colon + 1;
    const char* value_end = eol;
    while (value != value_end && (*value == ' ' || *value == '\t'))
      ++value;
    while (value_end != value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
      --value_end;
    if (!all_of_class(value, value_end, text_char))
      return head;
    const auto name_size = static_cast<std::size_t>(colon - at);
    const auto value_size = static_cast<std::size_t>(value_end - value);
    if (equals_lower(at, name_size, "content-length")) {
      if (has_length || value_size == 0 || value_size > 18)
        return head;
      std::uint64_t length = 0;
      for (const char* c = value; c != value_end; ++c) {
        if (*c < '0' || *c > '9')
          return head;
        length = length * 10 + static_cast<std::uint64_t>(*c - '0');
      }
      has_length = true;
      head.content_length = length;
    } else if (equals_lower(at, name_size, "transfer-encoding")) {
      return head;
    } else if (equals_lower(at, name_size, "connection")) {
      if (equals_lower(value, value_size, "close"))
        close = true;
      else if (equals_lower(value, value_size, "keep-alive"))
        keep_alive = true;
      else
        return head;  // token lists, upgrades: Beast's to read
    } else if (equals_lower(at, name_size, "server-timing")) {
      timing.add_field(std::string_view(value, value_size));
    }
  }
  if (!has_length || head.content_length > body_limit)
    return head;
  // As basic_parser::keep_alive: HTTP/1.1 unless "close", HTTP/1.0 only with "keep-alive".
  head.keep_alive = http11 ? !close : keep_alive;
  head.server_time = timing.seconds();
  head.kind =
      data.size() - head.head_size >= head.content_length ? Kind::complete : Kind::need_more;
  return head;
}

}  // namespace kendall::loadgen::detail
