#include "server_timing.hpp"

#include <charconv>
#include <cmath>

#include "kendall/base/http_chars.hpp"
#include "kendall/base/text.hpp"

namespace kendall::loadgen::detail {
namespace {

// The next piece of `text` up to `separator` (outside a quoted string), which is consumed.
std::string_view next_piece(std::string_view& text, char separator) {
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"')
      quoted = !quoted;
    else if (quoted && text[i] == '\\')
      ++i;
    else if (!quoted && text[i] == separator) {
      const std::string_view piece = text.substr(0, i);
      text.remove_prefix(i + 1);
      return piece;
    }
  }
  const std::string_view piece = text;
  text = {};
  return piece;
}

std::optional<double> duration_ms(std::string_view value) {
  value = trim_blanks(value);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
    value = value.substr(1, value.size() - 2);
  double ms = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (error != std::errc{} || end != value.data() + value.size() || !std::isfinite(ms) || ms < 0)
    return std::nullopt;
  return ms;
}

}  // namespace

void ServerTiming::add_field(std::string_view value) {
  while (!value.empty()) {
    std::string_view metric = next_piece(value, ',');
    const std::string_view name = trim_blanks(next_piece(metric, ';'));
    if (name.empty())
      continue;
    std::optional<double> dur;
    while (!metric.empty()) {
      std::string_view param = next_piece(metric, ';');
      const std::string_view key = trim_blanks(next_piece(param, '='));
      if (http_chars::equals_lower(key.data(), key.size(), "dur"))
        dur = duration_ms(param);
    }
    if (!dur)
      continue;
    any_ = true;
    sum_ms_ += *dur;
    if (http_chars::equals_lower(name.data(), name.size(), "total"))
      total_ms_ = *dur;
  }
}

std::optional<double> ServerTiming::seconds() const {
  if (!any_)
    return std::nullopt;
  return total_ms_.value_or(sum_ms_) * 1e-3;
}

}  // namespace kendall::loadgen::detail
