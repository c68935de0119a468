#include "kendall/loadgen/options.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/base/error.hpp"

namespace kendall::loadgen {
namespace {

double parse_number(std::string_view text, std::string_view what) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !(value > 0) ||
      !std::isfinite(value))
    throw InputError(fmt::format("{}: \"{}\" is not a positive number", what, text));
  return value;
}

}  // namespace

void parse_think_time(const std::string& text, LoadOptions& options) {
  std::string_view rest = text;
  options.think_kind = ThinkTime::exponential;
  if (rest.starts_with("exp:")) {
    rest.remove_prefix(4);
  } else if (rest.starts_with("fixed:")) {
    options.think_kind = ThinkTime::fixed;
    rest.remove_prefix(6);
  } else if (rest.find(':') != std::string_view::npos) {
    throw InputError(fmt::format(
        "--think-time: \"{}\" (expected exp:DURATION, fixed:DURATION or a duration)", text));
  }
  options.think_time = parse_duration(rest);
}

std::vector<Step> parse_rate_steps(const std::string& text) {
  std::vector<Step> steps;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    steps.push_back({parse_number(rest.substr(0, comma), "--rate-steps")});
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  if (steps.empty())
    throw InputError("--rate-steps: give rates like 50,100,200");
  return steps;
}

std::vector<Step> parse_ramp(const std::string& text) {
  const auto first = text.find(':');
  const auto second = first == std::string::npos ? first : text.find(':', first + 1);
  if (second == std::string::npos)
    throw InputError(
        fmt::format("--ramp: \"{}\" (expected FROM:TO:STEPS, e.g. 100:1000:10)", text));
  const std::string_view all = text;
  const double from = parse_number(all.substr(0, first), "--ramp FROM");
  const double to = parse_number(all.substr(first + 1, second - first - 1), "--ramp TO");
  const double count = parse_number(all.substr(second + 1), "--ramp STEPS");
  if (count != std::floor(count) || count > 1000)
    throw InputError(fmt::format("--ramp: STEPS must be a whole number up to 1000, not {}", count));
  const int n = static_cast<int>(count);
  std::vector<Step> steps;
  for (int i = 0; i < n; ++i)
    steps.push_back({n == 1 ? from : from + (to - from) * i / (n - 1)});
  return steps;
}

void validate(const LoadOptions& o) {
  if (o.users > 0 && !o.steps.empty())
    throw InputError("give a rate (open loop) or --users (closed loop), not both");
  if (o.connections < 1)
    throw InputError("--connections must be at least 1");
  if (o.threads < 1)
    throw InputError("--threads must be at least 1");
  if (o.users < 0)
    throw InputError("--users must be at least 1");
  if (!(o.timeout > 0))
    throw InputError("--timeout must be > 0");
  if (o.think_time < 0)
    throw InputError("--think-time must be >= 0");
  if (o.requests > 0 && o.steps.size() > 1)
    throw InputError("a sweep's steps end by --step-duration, not --requests");
  if (o.requests == 0 && !(o.duration > 0))
    throw InputError("give --duration (> 0) or --requests: a run must end");
  for (const Step& step : o.steps)
    if (!step.rate || !(*step.rate > 0))
      throw InputError("every rate must be > 0");
}

}  // namespace kendall::loadgen
