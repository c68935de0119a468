// Replica schedules: a plan per load level, from a list of rates or a time-of-day file.
#include <charconv>
#include <fstream>

#include <fmt/format.h>

#include "kendall/base/error.hpp"
#include "kendall/model/plan.hpp"

namespace kendall::model {
namespace {

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

bool is_time_of_day(const std::string& text) {
  int hours = 0, minutes = 0;
  if (text.size() != 5 || text[2] != ':')
    return false;
  const auto h = std::from_chars(text.data(), text.data() + 2, hours);
  const auto m = std::from_chars(text.data() + 3, text.data() + 5, minutes);
  return h.ec == std::errc{} && m.ec == std::errc{} && h.ptr == text.data() + 2 &&
         m.ptr == text.data() + 5 && hours < 24 && minutes < 60;
}

}  // namespace

std::vector<ScheduleRow> plan_schedule(const System& system,
                                       const std::vector<ScheduleLevel>& levels,
                                       const PlanOptions& options) {
  if (levels.empty())
    throw InputError("a schedule needs at least one load level");
  std::vector<ScheduleRow> rows;
  for (const ScheduleLevel& level : levels) {
    PlanOptions at_level = options;
    at_level.rate_scale = options.rate_scale * level.rate_scale;
    rows.push_back(ScheduleRow{level, plan_replicas(system, at_level)});
  }
  return rows;
}

std::vector<ScheduleLevel> read_schedule(const std::string& path, double spec_total_rate) {
  std::ifstream in(path);
  if (!in)
    throw InputError(
        fmt::format("cannot read schedule \"{}\": no such file or not readable", path));
  if (!(spec_total_rate > 0))
    throw InputError("the spec's total rate must be > 0 to scale a schedule");
  std::vector<ScheduleLevel> levels;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos)
      line.resize(hash);
    line = trim(line);
    if (line.empty() || (levels.empty() && line.rfind("time", 0) == 0))
      continue;
    const auto comma = line.find(',');
    const SourceLocation where{path, number, 1};
    if (comma == std::string::npos) {
      throw InputError(where,
                       fmt::format("expected \"HH:MM,RATE\" (e.g. 08:00,120), found \"{}\"", line));
    }
    const std::string time = trim(line.substr(0, comma));
    const std::string rate_text = trim(line.substr(comma + 1));
    if (!is_time_of_day(time)) {
      throw InputError(
          where, fmt::format("\"{}\" is not a time of day (expected HH:MM, 00:00-23:59)", time));
    }
    double rate = 0;
    const auto [end, ec] =
        std::from_chars(rate_text.data(), rate_text.data() + rate_text.size(), rate);
    if (ec != std::errc{} || end != rate_text.data() + rate_text.size() || !(rate > 0)) {
      throw InputError(
          where, fmt::format("rate \"{}\" must be a number > 0 (requests per second)", rate_text));
    }
    levels.push_back(ScheduleLevel{time, rate / spec_total_rate});
  }
  if (levels.empty())
    throw InputError(fmt::format("{}: the schedule has no \"HH:MM,RATE\" lines", path));
  return levels;
}

}  // namespace kendall::model
