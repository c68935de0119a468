#include "spec_reader.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "kendall/base/duration.hpp"
#include "kendall/base/suggest.hpp"

namespace kendall::model::detail {
namespace {

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "empty";
    case YAML::NodeType::Scalar:
      return fmt::format("\"{}\"", node.Scalar());
    default:
      return "nothing";
  }
}

/// Reads one sample per line (a duration, bare numbers are seconds); '#' starts a comment.
std::vector<double> read_samples(const std::string& file, const std::string& shown_as) {
  std::ifstream in(file);
  if (!in)
    throw InputError(fmt::format("cannot open samples file \"{}\"", shown_as));
  std::vector<double> samples;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos)
      line.resize(hash);
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    if (line.back() == '\r')
      line.pop_back();
    try {
      samples.push_back(parse_duration(line));
    } catch (const InputError& error) {
      throw InputError(SourceLocation{shown_as, number, 1}, error.what());
    }
  }
  return samples;
}

}  // namespace

SourceLocation SpecReader::where(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null())
    return SourceLocation{source_, 0, 0};
  return SourceLocation{source_, mark.line + 1, mark.column + 1};
}

void SpecReader::fail(const YAML::Node& node, const std::string& path,
                      const std::string& message) const {
  throw InputError(where(node), path.empty() ? message : fmt::format("{}: {}", path, message));
}

void SpecReader::expect_map(const YAML::Node& node, const std::string& path,
                            const std::vector<std::string>& allowed) const {
  if (!node.IsMap())
    fail(node, path, fmt::format("expected a mapping, found {}", kind_of(node)));
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end())
      continue;
    fail(entry.first, path.empty() ? key : path + "." + key,
         fmt::format("unknown key \"{}\" (expected one of: {}){}", key, fmt::join(allowed, ", "),
                     did_you_mean(key, allowed)));
  }
}

void SpecReader::expect_sequence(const YAML::Node& node, const std::string& path) const {
  if (!node.IsSequence())
    fail(node, path, fmt::format("expected a list, found {}", kind_of(node)));
}

YAML::Node SpecReader::required(const YAML::Node& map, const std::string& key,
                                const std::string& path) const {
  const YAML::Node child = map[key];
  if (!child)
    fail(map, path, fmt::format("missing required key \"{}\"", key));
  return child;
}

std::string SpecReader::string(const YAML::Node& node, const std::string& path) const {
  if (!node.IsScalar() || node.Scalar().empty()) {
    fail(node, path, fmt::format("expected a non-empty string, found {}", kind_of(node)));
  }
  return node.Scalar();
}

double SpecReader::number(const YAML::Node& node, const std::string& path) const {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc{} && end == text.data() + text.size() && std::isfinite(value)) {
      return value;
    }
  }
  fail(node, path, fmt::format("expected a number, found {}", kind_of(node)));
}

int SpecReader::whole_number(const YAML::Node& node, const std::string& path) const {
  const double value = number(node, path);
  if (value != std::floor(value) || std::fabs(value) > 1e9) {
    fail(node, path, fmt::format("expected a whole number, found {}", node.Scalar()));
  }
  return static_cast<int>(value);
}

double SpecReader::duration(const YAML::Node& node, const std::string& path) const {
  if (!node.IsScalar()) {
    fail(node, path, fmt::format("expected a duration such as 20ms, found {}", kind_of(node)));
  }
  try {
    return parse_duration(node.Scalar());
  } catch (const InputError& error) {
    fail(node, path, error.what());
  }
}

Distribution SpecReader::distribution(const YAML::Node& node, const std::string& path) const {
  if (node.IsScalar())
    return Distribution::exponential(duration(node, path));
  expect_map(node, path, {"distribution", "mean", "scv", "file"});
  DistributionKind kind = DistributionKind::exponential;
  if (const auto family = node["distribution"]) {
    const std::string name = string(family, path + ".distribution");
    const auto parsed = distribution_kind_from_string(name);
    if (!parsed) {
      fail(family, path + ".distribution",
           fmt::format("unknown distribution \"{}\" (expected exponential, deterministic, "
                       "lognormal, gamma, hyperexponential or empirical){}",
                       name, did_you_mean(name, distribution_kind_names())));
    }
    kind = *parsed;
  }
  if (kind == DistributionKind::empirical) {
    const YAML::Node file = required(node, "file", path);
    const std::string name = string(file, path + ".file");
    const auto folder = std::filesystem::path(source_).parent_path();
    const std::filesystem::path resolved =
        std::filesystem::path(name).is_absolute() ? std::filesystem::path(name) : folder / name;
    Distribution d;
    try {
      d = Distribution::empirical(read_samples(resolved.string(), name));
    } catch (const InputError& error) {
      fail(file, path + ".file", error.what());
    }
    if (const auto problem = validate(d))
      fail(file, path + ".file", *problem);
    return d;
  }
  if (node["file"])
    fail(node["file"], path + ".file", "only an empirical distribution reads a file");
  const YAML::Node mean = required(node, "mean", path);
  Distribution d{kind, duration(mean, path + ".mean"), 1.0, {}};
  if (const auto scv = node["scv"]) {
    d.scv = number(scv, path + ".scv");
    if (!node["distribution"])
      d = Distribution::from_moments(d.mean, d.scv);
  } else if (kind == DistributionKind::deterministic) {
    d.scv = 0;
  } else if (kind != DistributionKind::exponential) {
    fail(node, path,
         fmt::format("a {} distribution needs an scv (variance / mean²)", to_string(kind)));
  }
  if (const auto problem = validate(d))
    fail(node, path, *problem);
  return d;
}

}  // namespace kendall::model::detail
