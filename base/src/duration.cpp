#include "kendall/base/duration.hpp"

#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/base/suggest.hpp"
#include "kendall/base/text.hpp"

namespace kendall {
namespace {

struct Unit {
  std::string_view name;
  double factor;
};

/// Splits "12.5ms" into 12.5 and "ms"; throws if there is no leading number.
std::pair<double, std::string_view> split_number(std::string_view text, std::string_view what,
                                                 std::string_view example) {
  const std::string_view trimmed = trim_blanks(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (ec != std::errc{} || !std::isfinite(value)) {
    throw InputError(fmt::format("\"{}\" is not a {} (expected a number with a unit, e.g. {})",
                                 text, what, example));
  }
  if (value < 0) {
    throw InputError(fmt::format("{} \"{}\" is negative (expected a value >= 0)", what, text));
  }
  return {value, trim_blanks(std::string_view(end, trimmed.data() + trimmed.size() - end))};
}

double apply_unit(std::string_view text, double value, std::string_view unit,
                  const std::vector<Unit>& units, std::string_view expected) {
  for (const auto& candidate : units) {
    if (candidate.name == unit)
      return value * candidate.factor;
  }
  std::vector<std::string> names;
  for (const auto& candidate : units)
    names.emplace_back(candidate.name);
  throw InputError(fmt::format("\"{}\": unknown unit \"{}\" (expected {}){}", text, unit, expected,
                               did_you_mean(unit, names)));
}

}  // namespace

double parse_duration(std::string_view text) {
  static const std::vector<Unit> units = {{"", 1.0},     {"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6},
                                          {"ms", 1e-3},  {"s", 1.0},   {"sec", 1.0}, {"m", 60.0},
                                          {"min", 60.0}, {"h", 3600.0}};
  const auto [value, unit] = split_number(text, "duration", "20ms or 0.02s");
  return apply_unit(text, value, unit, units, "ns, us, ms, s, min, h");
}

double parse_size(std::string_view text) {
  static const std::vector<Unit> units = {
      {"", 1.0},           {"B", 1.0},           {"K", 1024.0},         {"Ki", 1024.0},
      {"KiB", 1024.0},     {"M", 1048576.0},     {"Mi", 1048576.0},     {"MiB", 1048576.0},
      {"G", 1073741824.0}, {"Gi", 1073741824.0}, {"GiB", 1073741824.0}, {"KB", 1e3},
      {"MB", 1e6},         {"GB", 1e9}};
  const auto [value, unit] = split_number(text, "size", "256Mi or 64KiB");
  return apply_unit(text, value, unit, units, "B, KiB, MiB, GiB, KB, MB, GB");
}

double parse_cpu(std::string_view text) {
  static const std::vector<Unit> units = {{"", 1.0}, {"m", 1e-3}};
  const auto [value, unit] = split_number(text, "CPU quantity", "500m or 2");
  return apply_unit(text, value, unit, units, "m for millicores, or none for cores");
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds))
    return "-";
  const double magnitude = std::fabs(seconds);
  if (magnitude == 0)
    return "0 s";
  if (magnitude < 1e-6)
    return fmt::format("{:.3g} ns", seconds * 1e9);
  if (magnitude < 1e-3)
    return fmt::format("{:.3g} us", seconds * 1e6);
  if (magnitude < 1.0)
    return fmt::format("{:.3g} ms", seconds * 1e3);
  if (magnitude < 120.0)
    return fmt::format("{:.3g} s", seconds);
  return fmt::format("{:.3g} min", seconds / 60.0);
}

}  // namespace kendall
