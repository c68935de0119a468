#include "request_head.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace kendall::services {
namespace {

using Kind = RequestHead::Kind;

// Character classes by table: RFC 7230 §3.2.6 tchar for names; HTAB, SP, VCHAR and obs-text
// (§3.2) for values.
constexpr unsigned char token_char = 1, text_char = 2;
constexpr auto char_classes = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const bool mark = c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' ||
                      c == '*' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' ||
                      c == '`' || c == '|' || c == '~';
    table[static_cast<std::size_t>(c)] = static_cast<unsigned char>(
        (alnum || mark ? token_char : 0) | (c == '\t' || (c >= 0x20 && c != 0x7f) ? text_char : 0));
  }
  return table;
}();

bool all_of_class(const char* first, const char* last, unsigned char wanted) {
  for (; first != last; ++first) {
    if ((char_classes[static_cast<unsigned char>(*first)] & wanted) == 0) {
      return false;
    }
  }
  return true;
}

/// Case-insensitive comparison of a token with a lower-case word.
bool is_word(const char* first, std::size_t size, std::string_view lower) {
  if (size != lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < size; ++i) {
    if ((first[i] | 0x20) != lower[i]) {  // tokens only: |0x20 folds letters, keeps '-'
      return false;
    }
  }
  return true;
}

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
    if (is_word(at, name, "content-length")) {
      if (has_length || size != 1 || *value != '0') {
        return head;
      }
      has_length = true;
    } else if (is_word(at, name, "connection")) {
      if (!is_word(value, size, "keep-alive")) {
        return head;  // close, upgrade, token lists: Beast's to read
      }
    } else if (is_word(at, name, "transfer-encoding") || is_word(at, name, "upgrade") ||
               is_word(at, name, "expect")) {
      return head;
    }
    at = eol + 2;
  }
}

}  // namespace kendall::services
