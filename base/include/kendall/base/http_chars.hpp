#pragma once
/// Byte classes of HTTP/1.1 heads (RFC 7230), for the hand-written fast readers of the server's
/// requests and the load generator's responses: one table load per byte.

#include <array>
#include <cstddef>
#include <string_view>

namespace kendall::http_chars {

/// tchar (§3.2.6): header names and methods.
inline constexpr unsigned char token_char = 1;
/// HTAB, SP, VCHAR and obs-text (§3.2): header values and reason phrases.
inline constexpr unsigned char text_char = 2;

inline constexpr auto classes = [] {
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

/// Every byte of [first, last) is of class `wanted`.
inline bool all_of_class(const char* first, const char* last, unsigned char wanted) {
  for (; first != last; ++first)
    if ((classes[static_cast<unsigned char>(*first)] & wanted) == 0)
      return false;
  return true;
}

/// Case-insensitive comparison of a token with a lower-case word of the same length.
inline bool equals_lower(const char* first, std::size_t size, std::string_view lower) {
  if (size != lower.size())
    return false;
  for (std::size_t i = 0; i < size; ++i)
    if ((first[i] | 0x20) != lower[i])  // tokens only: |0x20 folds letters, keeps '-'
      return false;
  return true;
}

}  // namespace kendall::http_chars
