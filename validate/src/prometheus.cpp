#include "kendall/validate/prometheus.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "kendall/base/error.hpp"

namespace kendall::validation {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

std::optional<double> parse_value(std::string_view text) {
  if (text == "+Inf" || text == "Inf")
    return std::numeric_limits<double>::infinity();
  if (text == "-Inf")
    return -std::numeric_limits<double>::infinity();
  if (text == "NaN")
    return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

// `le="0.005"` inside a label set; the rest of the labels are returned in `others`.
std::optional<double> take_le(std::string_view labels, std::string& others) {
  std::optional<double> le;
  others.clear();
  std::size_t start = 0;
  while (start < labels.size()) {
    // Label values are quoted and our services never put commas inside them.
    std::size_t end = labels.find(',', start);
    if (end == std::string_view::npos)
      end = labels.size();
    const std::string_view label = trim(labels.substr(start, end - start));
    if (label.starts_with("le=\"") && label.ends_with('"')) {
      le = parse_value(label.substr(4, label.size() - 5));
    } else if (!label.empty()) {
      if (!others.empty())
        others += ',';
      others += label;
    }
    start = end + 1;
  }
  return le;
}

}  // namespace

Samples parse_prometheus(std::string_view text, const std::string& source) {
  Samples samples;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line_number;
    if (line.empty() || line.front() == '#')
      continue;
    // The series ends at the closing brace of its labels, or at the first space.
    std::size_t series_end =
        line.find('{') != std::string_view::npos && line.find('{') < line.find(' ')
            ? line.find('}')
            : line.find(' ');
    if (series_end == std::string_view::npos)
      throw InputError(
          fmt::format("{}:{}: not a Prometheus sample: \"{}\"", source, line_number, line));
    if (line[series_end] == '}')
      ++series_end;
    const std::string_view rest = trim(line.substr(series_end));
    // An optional timestamp may follow the value.
    const std::string_view value_text = rest.substr(0, rest.find(' '));
    const auto value = parse_value(value_text);
    if (!value)
      throw InputError(fmt::format("{}:{}: bad sample value \"{}\" in \"{}\"", source, line_number,
                                   value_text, line));
    samples[std::string(line.substr(0, series_end))] = *value;
  }
  return samples;
}

std::optional<PromHistogram> find_histogram(const Samples& samples, const std::string& name,
                                            const std::string& labels) {
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  const auto sum = samples.find(name + "_sum" + braces);
  const auto count = samples.find(name + "_count" + braces);
  if (sum == samples.end() || count == samples.end())
    return std::nullopt;
  PromHistogram histogram{sum->second, count->second, {}};
  const std::string bucket_prefix = name + "_bucket{";
  std::string others;
  for (auto it = samples.lower_bound(bucket_prefix);
       it != samples.end() && it->first.starts_with(bucket_prefix); ++it) {
    const std::string_view inside(it->first.data() + bucket_prefix.size(),
                                  it->first.size() - bucket_prefix.size() - 1);
    const auto le = take_le(inside, others);
    if (le && others == labels)
      histogram.buckets.emplace_back(*le, it->second);
  }
  std::sort(histogram.buckets.begin(), histogram.buckets.end());
  return histogram;
}

std::optional<PromHistogram> total_histogram(const Samples& samples, const std::string& name) {
  PromHistogram total;
  bool found = false;
  const auto add = [&](const std::string& suffix, double& into) {
    const std::string prefix = name + suffix;
    for (auto it = samples.lower_bound(prefix);
         it != samples.end() && it->first.starts_with(prefix); ++it) {
      const char next = it->first.size() > prefix.size() ? it->first[prefix.size()] : '\0';
      if (next == '{' || next == '\0') {
        into += it->second;
        found = true;
      }
    }
  };
  add("_sum", total.sum);
  add("_count", total.count);
  if (!found)
    return std::nullopt;
  return total;
}

std::optional<double> find_sample(const Samples& samples, const std::string& series) {
  const auto it = samples.find(series);
  if (it == samples.end())
    return std::nullopt;
  return it->second;
}

PromHistogram PromHistogram::since(const PromHistogram& earlier) const {
  PromHistogram difference{sum - earlier.sum, count - earlier.count, buckets};
  for (auto& [bound, cumulative] : difference.buckets) {
    const auto match = std::find_if(earlier.buckets.begin(), earlier.buckets.end(),
                                    [bound = bound](const auto& b) { return b.first == bound; });
    if (match != earlier.buckets.end())
      cumulative -= match->second;
  }
  return difference;
}

double PromHistogram::bucket_variance() const {
  if (count <= 1)
    return 0;
  const double mu = mean();
  double lower = 0, previous = 0, squares = 0;
  for (const auto& [bound, cumulative] : buckets) {
    const double in_bucket = cumulative - previous;
    // The +Inf bucket has no midpoint: take its lower edge, an underestimate.
    const double mid = std::isinf(bound) ? lower : (lower + bound) / 2;
    squares += in_bucket * (mid - mu) * (mid - mu);
    previous = cumulative;
    if (!std::isinf(bound))
      lower = bound;
  }
  return squares / count;
}

}  // namespace kendall::validation
