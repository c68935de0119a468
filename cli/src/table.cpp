#include "table.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"

namespace kendall::cli {
namespace {

// Display width of UTF-8 text: count code points, not bytes.
std::size_t width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string Table::render() const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t i = 0; i < headers_.size(); ++i)
    widths[i] = width(headers_[i]);
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  }
  std::string text;
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      const std::string pad(widths[i] - width(cell), ' ');
      if (i > 0)
        out += "  ";
      out += i == 0 ? cell + pad : pad + cell;
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    text += out + "\n";
  };
  line(headers_);
  for (const auto& row : rows_)
    line(row);
  return text;
}

std::string latency_cell(const std::optional<double>& seconds) {
  return seconds ? format_duration(*seconds) : "-";
}

std::string number_cell(double value) {
  if (!std::isfinite(value))
    return "-";
  if (value == 0)
    return "0";
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3)
    return fmt::format("{:.3g}", value);
  if (magnitude >= 100)
    return fmt::format("{:.0f}", value);
  return fmt::format("{:.3g}", value);
}

}  // namespace kendall::cli
