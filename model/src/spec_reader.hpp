#pragma once
// Typed, located reads from a yaml-cpp node tree, for the spec loader. Every failure throws an
// InputError naming file:line:column, the field path and what would be accepted.

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "kendall/base/distribution.hpp"
#include "kendall/base/error.hpp"

namespace kendall::model::detail {

class SpecReader {
 public:
  explicit SpecReader(std::string source) : source_(std::move(source)) {}

  const std::string& source() const { return source_; }
  SourceLocation where(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const;

  /// Requires a mapping whose keys are all in `allowed` (unknown keys get a did-you-mean).
  void expect_map(const YAML::Node& node, const std::string& path,
                  const std::vector<std::string>& allowed) const;
  void expect_sequence(const YAML::Node& node, const std::string& path) const;
  /// The child, which must be present.
  YAML::Node required(const YAML::Node& map, const std::string& key, const std::string& path) const;

  std::string string(const YAML::Node& node, const std::string& path) const;
  double number(const YAML::Node& node, const std::string& path) const;
  int whole_number(const YAML::Node& node, const std::string& path) const;
  /// "20ms", "0.02s" or a bare number of seconds.
  double duration(const YAML::Node& node, const std::string& path) const;
  /// A bare duration (exponential) or {distribution, mean, scv} or {distribution: empirical,
  /// file: PATH} with PATH relative to the spec's folder.
  Distribution distribution(const YAML::Node& node, const std::string& path) const;

 private:
  std::string source_;
};

}  // namespace kendall::model::detail
