#pragma once
/// Small text helpers shared by the parsers of durations and HTTP fields.

#include <string_view>

namespace kendall {

/// `text` without leading and trailing spaces and tabs (HTTP's OWS, and what a user types
/// around a value).
inline std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

}  // namespace kendall
